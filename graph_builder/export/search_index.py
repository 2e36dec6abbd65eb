"""The full-text index of a build: `search.sqlite`, an SQLite FTS5 table over what people search for.

Rows (one per thing): every statement with a text (findings, recommendations, good practice with
its title, force facts, prior-grade citations), every glossary term (abbreviations as the title,
expansions as the body) and every theme (labels as the title, definition as the body). Beside the
text, each row carries what a result line shows: the thing's IRI, its kind and label, force, year,
report and first source line, so the service answers a search from this file alone (also with
`serve --store`, where the graph lives elsewhere).

The tokenizer is FTS5's `trigram`: a quoted phrase matches exactly where a case-insensitive
substring scan of the text would (the search catalogue query's answer before this index), and a
word matches inside longer words (`inspect` finds "inspection"). Ranking is bm25; highlighting is
FTS5's own snippet(). Reads only the store: the file is written from the finished graph, in IRI
order, so the same dataset gives the same rows.
"""
from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pyoxigraph as ox

from graph_builder.iris import DEFAULT_BASE

FILE = "search.sqlite"
# Bumped when the schema changes; the service refuses a file of another version with a message.
SCHEMA_VERSION = 1

_PREFIXES = """PREFIX insp: <{base}/def/inspection/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX dct: <http://purl.org/dc/terms/>
"""

# Each query yields ?item ?kind ?title ?body and, where the thing has them, ?force ?forceLabel
# ?year ?report ?line. Titles of several labels are joined below.
_QUERIES = {
    "statements": """
SELECT ?item ?kind ?title ?body ?force ?forceLabel ?year ?report (MIN(?l) AS ?line) WHERE {
  VALUES ?kind { insp:Strength insp:WorkInProgress insp:AreaForImprovement insp:CauseOfConcern
                 insp:Recommendation insp:GoodPracticeExample insp:ForceFact insp:PriorGradeCitation }
  ?item a ?kind ; insp:text ?body .
  OPTIONAL { ?item dct:title ?title }
  OPTIONAL { ?item insp:force ?force . ?force skos:prefLabel ?forceLabel }
  OPTIONAL { ?item insp:reportedIn ?report . ?report insp:year ?year }
  OPTIONAL { ?item insp:sourceSpan/insp:firstLine ?l }
} GROUP BY ?item ?kind ?title ?body ?force ?forceLabel ?year ?report""",
    "glossary": """
SELECT ?item ?kind ?title ?body WHERE {
  VALUES ?kind { insp:GlossaryTerm }
  ?item a ?kind ; skos:prefLabel ?body .
  OPTIONAL { ?item skos:altLabel ?title }
}""",
    "themes": """
SELECT ?item ?kind ?title ?body WHERE {
  VALUES ?kind { insp:Theme }
  ?item a ?kind .
  { ?item skos:prefLabel ?title } UNION { ?item skos:altLabel ?title } UNION { ?item skos:definition ?body }
}""",
}
_KIND_LABELS = """
SELECT ?kind ?label WHERE {
  VALUES ?kind { insp:Strength insp:WorkInProgress insp:AreaForImprovement insp:CauseOfConcern
                 insp:Recommendation insp:GoodPracticeExample insp:ForceFact insp:PriorGradeCitation
                 insp:GlossaryTerm insp:Theme }
  ?kind rdfs:label ?label . FILTER(LANGMATCHES(LANG(?label), "en") || LANG(?label) = "")
}"""

SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE item (
  id INTEGER PRIMARY KEY, iri TEXT NOT NULL UNIQUE, kind TEXT NOT NULL, kind_label TEXT NOT NULL,
  force TEXT, force_label TEXT, year INTEGER, report TEXT, line INTEGER);
CREATE VIRTUAL TABLE text USING fts5(title, body, tokenize = 'trigram');
"""


def _value(term) -> str | None:
    # A solution answers None for a variable unbound or not projected by its query.
    return None if term is None else term.value


def collect(store: ox.Store, base: str = DEFAULT_BASE) -> list[dict]:
    """The index's rows from the store, in IRI order (the order rowids are given in)."""
    prefixes = _PREFIXES.format(base=base.rstrip("/"))
    labels = {}
    for sol in store.query(prefixes + _KIND_LABELS, use_default_graph_as_union=True):
        labels.setdefault(sol["kind"].value, sol["label"].value)
    items: dict[str, dict] = {}
    for query in _QUERIES.values():
        for sol in store.query(prefixes + query, use_default_graph_as_union=True):
            iri = sol["item"].value
            row = items.get(iri)
            if row is None:
                kind, year, line = sol["kind"].value, _value(sol["year"]), _value(sol["line"])
                row = items[iri] = {
                    "iri": iri, "kind": kind, "kind_label": labels.get(kind, kind.rsplit("/", 1)[-1]),
                    "force": _value(sol["force"]), "force_label": _value(sol["forceLabel"]),
                    "year": int(year) if year is not None else None, "report": _value(sol["report"]),
                    "line": int(line) if line is not None else None, "titles": set(), "bodies": set()}
            if sol["title"] is not None:
                row["titles"].add(sol["title"].value)
            if sol["body"] is not None:
                row["bodies"].add(sol["body"].value)
    out = []
    for iri in sorted(items):
        row = items.pop(iri)
        # Sorted: the union default graph gives a shared label once per graph, in no set order.
        row["title"] = " · ".join(sorted(row.pop("titles")))
        row["body"] = "\n".join(sorted(row.pop("bodies")))
        out.append(row)
    return out


def write_search_index(store: ox.Store, path: Path, base: str = DEFAULT_BASE) -> int:
    """Writes the index of `store` to `path` (replacing it in one rename); returns its row count."""
    rows = collect(store, base)
    tmp = path.with_name(path.name + ".tmp")
    tmp.unlink(missing_ok=True)
    db = sqlite3.connect(tmp)
    try:
        with db:
            db.executescript(SCHEMA)
            db.executemany("INSERT INTO meta VALUES (?, ?)",
                           [("schema", str(SCHEMA_VERSION)), ("base", base.rstrip("/")),
                            ("items", str(len(rows)))])
            db.executemany(
                "INSERT INTO item VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(i, r["iri"], r["kind"], r["kind_label"], r["force"], r["force_label"], r["year"],
                  r["report"], r["line"]) for i, r in enumerate(rows, 1)])
            db.executemany("INSERT INTO text (rowid, title, body) VALUES (?, ?, ?)",
                           [(i, r["title"], r["body"]) for i, r in enumerate(rows, 1)])
            # One b-tree per index: queries read fewer pages, and the file is its final size.
            db.execute("INSERT INTO text (text) VALUES ('optimize')")
        db.execute("VACUUM")
    finally:
        db.close()
    os.replace(tmp, path)
    return len(rows)
