"""The full-text index of a build: `search.sqlite`, an SQLite FTS5 table over what people search for.

Rows (one per thing): every statement with a text (findings, recommendations, good practice with
its title, force facts, prior-grade citations), every glossary term (abbreviations as the title,
expansions as the body) and every theme (labels as the title, definition as the body). Beside the
text, each row carries what a result line shows: the thing's IRI, its kind and label, force, year,
report and first source line, so the service answers a search from this file alone (also with
`serve --store`, where the graph lives elsewhere).

The tokenizer is FTS5's `trigram`: a quoted phrase matches exactly where a case-insensitive
substring scan of the text would (the search catalogue query's answer before this index), and a
word matches inside longer words (`inspect` finds "inspection"). Ranking is FTS5's bm25;
highlighting is done by the service. Reads only the store: the file is written from the finished
graph in a fixed order (listing_order), so the same dataset gives the same rows.
"""
from __future__ import annotations

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

_KINDS = {
    "statement": ("insp:Strength insp:WorkInProgress insp:AreaForImprovement insp:CauseOfConcern "
                  "insp:DetailedFinding insp:Recommendation insp:GoodPracticeExample insp:ForceFact "
                  "insp:PriorGradeCitation insp:ContextStatement insp:UnclassifiedStatement"),
    "glossary": "insp:GlossaryTerm",
    "theme": "insp:Theme",
}
# Scans of one predicate each, joined here: one query with OPTIONALs and a GROUP BY took 13 s at
# 650 reports, joining each pattern to the item's type 2 s apiece, a predicate scan under 1 s.
# Each yields ?item ?v; values of things that are not indexed items are dropped in the join.
_ITEMS = "SELECT ?item ?kind WHERE {{ VALUES ?kind {{ {kinds} }} ?item a ?kind }}"
_VALUES = {
    "body": "SELECT ?item ?v WHERE { ?item insp:text ?v }",
    "title": "SELECT ?item ?v WHERE { ?item dct:title ?v }",
    "force": "SELECT ?item ?v WHERE { ?item insp:force ?v }",
    "report": "SELECT ?item ?v WHERE { ?item insp:reportedIn ?v }",
    "line": "SELECT ?item ?v WHERE { ?item insp:sourceSpan/insp:firstLine ?v }",
    # Glossary terms: abbreviations as the title, expansions as the body.
    "glossary-title": "SELECT ?item ?v WHERE { ?item a insp:GlossaryTerm ; skos:altLabel ?v }",
    "glossary-body": "SELECT ?item ?v WHERE { ?item a insp:GlossaryTerm ; skos:prefLabel ?v }",
    # Themes: labels as the title, the definition as the body.
    "theme-title": "SELECT ?item ?v WHERE { ?item a insp:Theme . { ?item skos:prefLabel ?v } UNION "
                   "{ ?item skos:altLabel ?v } }",
    "theme-body": "SELECT ?item ?v WHERE { ?item a insp:Theme ; skos:definition ?v }",
}
_STATEMENT_ONLY = ("force", "report", "line")
_FORCE_LABELS = "SELECT ?item ?v WHERE { ?item a insp:PoliceForce ; skos:prefLabel ?v }"
_REPORT_YEARS = "SELECT ?item ?v WHERE { ?item a insp:InspectionReport ; insp:year ?v }"
_KIND_LABELS = """
SELECT ?kind ?label WHERE {
  VALUES ?kind { insp:Strength insp:WorkInProgress insp:AreaForImprovement insp:CauseOfConcern
                 insp:DetailedFinding insp:Recommendation insp:GoodPracticeExample insp:ForceFact
                 insp:PriorGradeCitation insp:ContextStatement insp:UnclassifiedStatement
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
    """The index's rows from the store, in listing order (the order rowids are given in)."""
    prefixes = _PREFIXES.format(base=base.rstrip("/"))

    def select(query: str):
        return store.query(prefixes + query, use_default_graph_as_union=True)

    labels = {}
    for sol in select(_KIND_LABELS):
        labels.setdefault(sol["kind"].value, sol["label"].value)
    items: dict[str, dict] = {}
    for kinds in _KINDS.values():
        for sol in select(_ITEMS.format(kinds=kinds)):
            kind = sol["kind"].value
            items[sol["item"].value] = {
                "iri": sol["item"].value, "kind": kind,
                "kind_label": labels.get(kind, kind.rsplit("/", 1)[-1]), "force": None,
                "force_label": None, "year": None, "report": None, "line": None,
                "title": set(), "body": set()}
    statement_kinds = {f"{base.rstrip('/')}/def/inspection/{k[len('insp:'):]}"
                       for k in _KINDS["statement"].split()}
    force_labels = {sol["item"].value: sol["v"].value for sol in select(_FORCE_LABELS)}
    report_years = {sol["item"].value: int(sol["v"].value) for sol in select(_REPORT_YEARS)}
    for field, query in _VALUES.items():
        for sol in select(query):
            row = items.get(sol["item"].value)
            if row is None or (field in _STATEMENT_ONLY and row["kind"] not in statement_kinds):
                continue  # not indexed; or a glossary term's reports, which are several
            value = sol["v"].value
            if field == "force":
                row["force"], row["force_label"] = value, force_labels.get(value)
            elif field == "report":
                row["report"], row["year"] = value, report_years.get(value)
            elif field == "line":
                row["line"] = min(int(value), row["line"] or int(value))
            else:
                row[field.rsplit("-", 1)[-1]].add(value)
    out = []
    for iri in sorted(items):
        row = items.pop(iri)
        if not row["body"] and not row["title"]:
            continue  # nothing to find it by
        # Sorted: the union default graph gives a shared label once per graph, in no set order.
        row["title"] = " · ".join(sorted(row["title"]))
        row["body"] = "\n".join(sorted(row["body"]))
        out.append(row)
    out.sort(key=listing_order)
    return out


def listing_order(row: dict) -> tuple:
    """The order of rowids, which is the order of an answer too large to rank (service/search.py):
    glossary terms and themes (no year) first, then the newest reports, by force, by IRI."""
    return (row["year"] is not None, -(row["year"] or 0), row["force_label"] or "", row["iri"])


def write_search_index(store: ox.Store, path: Path, base: str = DEFAULT_BASE) -> int:
    """Writes the index of `store` to `path`, a new file; returns its row count.

    The build writes it into the version directory it has not published yet (versions.py), so no
    reader sees it half-written, and a failed build removes it with the rest.
    """
    rows = collect(store, base)
    path.unlink(missing_ok=True)
    db = sqlite3.connect(path)
    try:
        # A file nobody reads until its version is published: no journal, no syncs.
        db.execute("PRAGMA journal_mode = OFF")
        db.execute("PRAGMA synchronous = OFF")
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
    return len(rows)
