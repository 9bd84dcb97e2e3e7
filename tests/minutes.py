"""The minutes as the tests compare the graph with them.

The minutes (../shared/seed/000_b24577efa543cd49.txt) are Markdown converted
from a printed page: emphasis markers, hard line breaks, blank lines inside
a sentence and words hyphenated across a line break ("öffent-" / "lichen").
A quote in the graph is written as the sentence reads ("öffentlichen"), so
both sides are compared after `normal()`:

- soft hyphens (U+00AD) are dropped;
- a hyphen that ends a line and is followed (after blank lines, if any) by a
  word in lower case joins the two halves of one word – unless that word is
  "und", "oder", "bzw." or "u.": then the hyphen belongs to a shortened
  compound ("Migrations- und Trägerrunde") and stays;
- emphasis markers (*) go;
- every run of whitespace becomes one space.

A koop:text or koop:zitat that leaves something out marks the gap with an
ellipsis, "[…]" or "…": each passage between the marks is verbatim and the
passages follow each other in the minutes in this order.
"""

import re
from functools import cache

from realkg import SEED_FILE

SOFT_HYPHEN = "\u00ad"
ELLIPSIS = re.compile(r"\s*(?:\[…\]|…)\s*")
_LINE_BREAK_HYPHEN = re.compile(r"(\w)-[ \t]*\n\s*(?!(?:und|oder|bzw\.|u\.)\s)(?=[a-zäöüß])")


def normal(text: str) -> str:
    """Text as it reads, for comparing quotes with the minutes (see the module docstring)."""
    text = text.replace(SOFT_HYPHEN, "")
    text = _LINE_BREAK_HYPHEN.sub(r"\1", text)
    text = text.replace("*", "")
    return re.sub(r"\s+", " ", text).strip()


@cache
def text() -> str:
    """The whole minutes, normalised."""
    return normal(SEED_FILE.read_text(encoding="utf-8"))


def passages(quote: str) -> list[str]:
    """The verbatim passages of a quote, split at its ellipsis marks."""
    return [p for p in (normal(part) for part in ELLIPSIS.split(quote)) if p]


def position(quote: str, minutes: str | None = None) -> int | None:
    """Where the quote's first passage starts in the minutes if every passage
    is found there, each after the one before; None otherwise."""
    minutes = text() if minutes is None else minutes
    parts, start, at = passages(quote), None, 0
    for part in parts:
        found = minutes.find(part, at)
        if found < 0:
            return None
        start = found if start is None else start
        at = found + len(part)
    return start


def verbatim(quote: str, minutes: str | None = None) -> bool:
    """True if the quote is in the minutes, with its gaps marked."""
    return bool(passages(quote)) and position(quote, minutes) is not None


_ABBREVIATION = re.compile(r"(?:\b(?:u\.a|z\.B|z\. B|bzw|ggf|etc|vgl|d\.h))$")


def sentence(beginning: str) -> str:
    """The sentence of the minutes that begins with `beginning`, up to its full
    stop (not the dot of "u.a.", "z.B." and the like)."""
    minutes = text()
    at = minutes.find(normal(beginning))
    assert at >= 0, f"not in the minutes: {beginning!r}"
    end = at + len(normal(beginning))
    while True:
        end = minutes.find(".", end)
        assert end >= 0, f"no full stop after {beginning!r}"
        after = minutes[end + 1:end + 3]
        if (after[:1] in ("", " ") and not after[1:2].islower()) and not _ABBREVIATION.search(minutes[at:end]):
            return minutes[at:end + 1]
        end += 1


def between(start: str, end: str) -> str:
    """The minutes from `start` up to (not including) the next `end`."""
    minutes = text()
    at = minutes.index(normal(start))
    return minutes[at:minutes.index(normal(end), at)].strip()
