""""HTML or data?" and the page language are decided in one place,
web/context.py (wants_html, language): a view that read the Accept header
or ?lang= itself could answer a browser with data, or a page in the other
language, where every other view would not."""

import re
from pathlib import Path

WEB = Path(__file__).resolve().parents[2] / "server" / "koopgraph" / "web"


def _modules():
    return {path.name: path.read_text(encoding="utf-8") for path in sorted(WEB.glob("*.py")) if path.name != "context.py"}


def test_no_view_but_context_weighs_html_against_data_in_the_accept_header():
    for name, text in _modules().items():
        for line in text.splitlines():
            if "accept_mimetypes" in line:
                assert "HTML" not in line and "text/html" not in line, (name, line)


def test_no_view_but_context_reads_the_language_from_the_request():
    for name, text in _modules().items():
        reads = re.findall(r'request\.(?:args|cookies)\.get\((?:"lang"|LANG_COOKIE)\)', text)
        # hooks.remember_language only keeps an explicit ?lang= in the cookie for the next page
        assert not reads or name == "hooks.py", (name, reads)
        if name == "hooks.py":
            assert len(reads) == 2 and "def remember_language" in text
