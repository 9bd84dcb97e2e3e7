"""Full-text search over names, alternative spellings, places, organisations,
measures and the quotes of the minutes: SQLite FTS5 from the standard library.

Why an index beside the graph: SPARQL can only scan every label for a
substring (`CONTAINS`), which grows with the graph; FTS5's trigram tokenizer
answers substrings from an index, and its trigrams also find a name typed
with a slip ("Stormarm" → Stormarn). The index is derived data: it is rebuilt
from the store (`koopgraph build`, or when it does not match the store at
start-up) and kept current by every write – the embedded engine tells its
listeners each write's exact change, and the index re-reads the things that
changed; for a remote engine it is rebuilt when the store's version moves.
It is never written to by anything but this module, and never writes the store.
"""

import re
import sqlite3
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from koopgraph import engine
from koopgraph.domain.descriptions import local_href
from koopgraph.engine.interface import Engine
from koopgraph.namespaces import ID, ONTOLOGY_NS, SHAPES_GRAPH

KOOP = ONTOLOGY_NS
RDFS, SKOS = "http://www.w3.org/2000/01/rdf-schema#", "http://www.w3.org/2004/02/skos/core#"
DCT = "http://purl.org/dc/terms/"
FILE_NAME = "search.sqlite"
PER_KIND = 20
SEPARATOR = "\x1f"  # between the labels of one column (a character no label has)
MIN_SIMILARITY = 0.6  # share of a word's trigrams a name must contain to count as a slip of that word

# Groups of results, in the order a page shows them: (kind, German, English, the class it stands for).
KINDS = (
    ("ort", "Orte", "Places", KOOP + "Region"),
    ("organisation", "Organisationen", "Organisations", KOOP + "Organisation"),
    ("massnahme", "Maßnahmen", "Measures", KOOP + "Massnahme"),
    ("kooperation", "Kooperationen", "Cooperations", KOOP + "Kooperation"),
    ("aussage", "Aussagen im Protokoll", "Statements in the minutes", None),
    ("begriff", "Begriffe", "Terms", SKOS + "Concept"),
)
NAMES = (RDFS + "label", SKOS + "prefLabel", DCT + "title")
ALTERNATIVES = (SKOS + "altLabel",)
BODIES = (KOOP + "zitat", KOOP + "text", DCT + "description")


@dataclass(frozen=True)
class Hit:
    href: str
    name: str
    snippet: str = ""


@dataclass
class Group:
    kind: str
    title_de: str
    title_en: str
    hits: list[Hit] = field(default_factory=list)

    def title(self, lang: str) -> str:
        return self.title_de if lang == "de" else self.title_en


def _values(iris: Iterable[str]) -> str:
    return " ".join(f"<{iri}>" for iri in iris)


def _documents(kg: Engine, subjects: list[str] | None) -> dict[str, dict[str, list[str]]]:
    """iri → {name, alt, body, place, kind}: what the index holds of each thing under …/id/."""
    only = f"VALUES ?s {{ {_values(subjects)} }}" if subjects is not None else ""
    props = _values(NAMES + ALTERNATIVES + BODIES)
    texts = f"""SELECT ?s ?p ?o WHERE {{ {only} VALUES ?p {{ {props} }}
      GRAPH ?g {{ ?s ?p ?o }} FILTER (?g != <{SHAPES_GRAPH}> && isIRI(?s) && STRSTARTS(STR(?s), "{ID}")) }}"""
    docs: dict[str, dict[str, list[str]]] = {}
    for row in engine.query(kg, texts):
        p = row["p"].value
        column = "name" if p in NAMES else "alt" if p in ALTERNATIVES else "body"
        doc = docs.setdefault(row["s"].value, {"name": [], "alt": [], "body": [], "place": [], "kind": []})
        doc[column].append(row["o"].value)
    if not docs:
        return docs
    chosen = f"VALUES ?s {{ {_values(docs)} }}" if subjects is not None else ""
    tops = _values(k[3] for k in KINDS if k[3])
    kinds = f"""SELECT DISTINCT ?s ?top WHERE {{ {chosen} VALUES ?top {{ {tops} }}
      ?s a/<{RDFS}subClassOf>* ?top FILTER (STRSTARTS(STR(?s), "{ID}")) }}"""
    for row in engine.query(kg, kinds):
        if row["s"].value in docs:
            docs[row["s"].value]["kind"].append(row["top"].value)
    places = f"""SELECT DISTINCT ?s ?name WHERE {{ {chosen} ?s <{KOOP}region> ?r . ?r <{RDFS}label> ?name
      FILTER (STRSTARTS(STR(?s), "{ID}")) }}"""
    for row in engine.query(kg, places):
        if row["s"].value in docs:
            docs[row["s"].value]["place"].append(row["name"].value)
    return docs


def _kind(classes: list[str], has_body: bool) -> str | None:
    for kind, _, _, top in KINDS:
        if top and top in classes:
            return kind
    return "aussage" if has_body else None


class SearchIndex:
    """One FTS5 table of documents; thread-safe (one connection, one lock)."""

    def __init__(self, path: Path | str = ":memory:") -> None:
        self.path = str(path)
        self._db = sqlite3.connect(self.path, check_same_thread=False)
        self._lock = threading.Lock()
        self.version: str | None = None
        with self._lock, self._db:
            self._db.execute("CREATE VIRTUAL TABLE IF NOT EXISTS docs USING fts5("
                             "iri UNINDEXED, kind UNINDEXED, name, alt, body, place, tokenize='trigram')")
            self._db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")

    # ------------------------------------------------------------ keeping it current

    def signature(self) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key = 'signature'").fetchone()
        return row[0] if row else None

    def rebuild(self, kg: Engine, signature: str = "") -> int:
        """Everything again from the store; returns the number of documents."""
        docs = _documents(kg, None)
        with self._lock, self._db:
            self._db.execute("DELETE FROM docs")
            count = self._insert(docs)
            self._db.execute("INSERT OR REPLACE INTO meta VALUES ('signature', ?)", (signature,))
        self.version = kg.version()
        return count

    def refresh(self, kg: Engine, subjects: Iterable[str]) -> None:
        """Read the given things again (after a write changed them)."""
        subjects = sorted({s for s in subjects if s.startswith(ID)})
        for start in range(0, len(subjects), 500):
            chunk = subjects[start:start + 500]
            docs = _documents(kg, chunk)
            with self._lock, self._db:
                self._db.executemany("DELETE FROM docs WHERE iri = ?", [(s,) for s in chunk])
                self._insert(docs)
        self.version = kg.version()

    def _insert(self, docs: dict[str, dict[str, list[str]]]) -> int:
        rows = []
        for iri, doc in docs.items():
            kind = _kind(doc["kind"], bool(doc["body"]))
            if kind is None or not (doc["name"] or doc["body"]):
                continue
            rows.append((iri, kind, SEPARATOR.join(dict.fromkeys(doc["name"])), SEPARATOR.join(dict.fromkeys(doc["alt"])),
                         " | ".join(doc["body"]), SEPARATOR.join(dict.fromkeys(doc["place"]))))
        self._db.executemany("INSERT INTO docs VALUES (?, ?, ?, ?, ?, ?)", rows)
        return len(rows)

    def listener(self, kg: Engine):
        """For EmbeddedEngine.listeners: every write's change, in order."""
        def changed(message: tuple) -> None:
            if message[0] == "delta":
                self.refresh(kg, _subjects(message[1]) | _subjects(message[2]))
            else:  # a graph replaced or a bulk load: what was there before is not in the message
                self.rebuild(kg, self.signature() or "")
        return changed

    # ------------------------------------------------------------ asking

    def search(self, text: str, lang: str = "de", per_kind: int = PER_KIND) -> list[Group]:
        """Hits grouped by kind: exact substrings first; a word that finds
        nothing is tried once more as a slip (its trigrams)."""
        words = [w for w in re.findall(r"\w[\w\-]*", text.lower()) if len(w) >= 2]
        if not words:
            return []
        found = self._match(words, per_kind)
        if not found:
            found = self._similar(words, per_kind)
        groups = {kind: Group(kind, de, en) for kind, de, en, _ in KINDS}
        for kind, hit in found:
            if len(groups[kind].hits) < per_kind and all(h.href != hit.href for h in groups[kind].hits):
                groups[kind].hits.append(hit)
        return [g for g in groups.values() if g.hits]

    def _match(self, words: list[str], per_kind: int) -> list[tuple[str, Hit]]:
        long_words = [w for w in words if len(w) >= 3]
        short = [w for w in words if len(w) < 3]
        where, args = [], []
        if long_words:
            where.append("docs MATCH ?")
            args.append(" AND ".join('"' + w.replace('"', '""') + '"' for w in long_words))
        for w in short:
            where.append("(name LIKE ? OR alt LIKE ?)")
            args += [f"%{w}%", f"%{w}%"]
        sql = (f"SELECT kind, iri, name, snippet(docs, 4, '', '', '…', 40), body != '' FROM docs WHERE {' AND '.join(where)} "
               f"ORDER BY {'bm25(docs, 0, 0, 10.0, 6.0, 1.0, 3.0)' if long_words else 'name'} LIMIT ?")
        with self._lock:
            rows = self._db.execute(sql, (*args, per_kind * len(KINDS) * 3)).fetchall()
        return [(kind, Hit(local_href(iri) or iri, _first(name) or _clip(snippet), snippet if has_body else ""))
                for kind, iri, name, snippet, has_body in rows]

    def _similar(self, words: list[str], per_kind: int) -> list[tuple[str, Hit]]:
        """Names that contain most trigrams of every word (a typing slip)."""
        grams = {w: {w[i:i + 3] for i in range(len(w) - 2)} for w in words if len(w) >= 4}
        if not grams or len(grams) != len(words):
            return []
        query = " OR ".join('"' + g.replace('"', '""') + '"' for gs in grams.values() for g in gs)
        with self._lock:
            rows = self._db.execute("SELECT kind, iri, name, alt FROM docs WHERE docs MATCH ? LIMIT 2000",
                                    ("{name alt} : (" + query + ")",)).fetchall()
        scored = []
        for kind, iri, name, alt in rows:
            names = (name + SEPARATOR + alt).lower()
            score = min(sum(g in names for g in gs) / len(gs) for gs in grams.values())
            if score >= MIN_SIMILARITY:
                scored.append((-score, _first(name), kind, iri))
        scored.sort()
        return [(kind, Hit(local_href(iri) or iri, name)) for _, name, kind, iri in scored[:per_kind * len(KINDS)]]

    def regions(self, text: str) -> list[str]:
        """The places whose name or other name contains text, ignoring case
        (what the question region-suchen asks): their IRIs. The index finds
        candidates; each label is then compared as the question does."""
        needle = text.lower()
        if len(needle) >= 3:
            sql, args = "SELECT iri, name, alt FROM docs WHERE kind = 'ort' AND docs MATCH ?", \
                ('{name alt} : "' + needle.replace('"', '""') + '"',)
        else:  # too short for a trigram: every place, compared below
            sql, args = "SELECT iri, name, alt FROM docs WHERE kind = 'ort'", ()
        with self._lock:
            rows = self._db.execute(sql, args).fetchall()
        return [iri for iri, name, alt in rows
                if any(needle in label.lower() for label in (name + SEPARATOR + alt).split(SEPARATOR))]


def _first(names: str) -> str:
    return names.split(SEPARATOR, 1)[0]


BEGIN, END = "# search-index: begin", "# search-index: end"


def narrowed(sparql: str, regions: list[str]) -> str | None:
    """A question's text with its marked block (the scan for regions whose
    labels contain ?q) replaced by the regions the index found; None for a
    question without the markers."""
    if BEGIN not in sparql or END not in sparql:
        return None
    head, rest = sparql.split(BEGIN, 1)
    tail = rest.split(END, 1)[1]
    return head + "VALUES ?region { " + _values(regions) + " }" + tail


def _clip(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


_SUBJECT = re.compile(rb"^<([^>]+)>", re.M)


def _subjects(nquads: bytes) -> set[str]:
    """The subject IRIs of N-Quads lines (a write's exact change)."""
    return {m.group(1).decode("utf-8") for m in _SUBJECT.finditer(nquads or b"")}


def signature(kg: Engine) -> str:
    """What the index was built from: the size of every graph. A write made
    while no listener was attached (the CLI) changes it, and the index is rebuilt."""
    return ";".join(f"{g}={n}" for g, n in sorted(engine.graph_counts(kg)))


def open_index(kg: Engine, folder: Path | None) -> SearchIndex:
    """The store's index (a file beside an on-disk store, else in memory),
    rebuilt when it does not match the store."""
    index = SearchIndex(Path(folder) / FILE_NAME if folder else ":memory:")
    current = signature(kg)
    if index.signature() != current:
        index.rebuild(kg, current)
    else:
        index.version = kg.version()
    return index
