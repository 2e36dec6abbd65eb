"""The build's full-text index: written into the version it publishes, one row per searchable
thing of the graph, the same file for the same graph."""
from __future__ import annotations

import sqlite3

from pyoxigraph import Store

from graph_builder.export.search_index import FILE, write_search_index

INSP = "https://w3id.org/hmic-kg/def/inspection/"


def test_the_index_is_part_of_the_published_version(built):
    index = built / FILE
    assert index.is_file()
    # `build` is a link to the version directory: the index was written there, with the store.
    assert index.resolve().parent == (built / "store").resolve().parent


def test_one_row_per_statement_glossary_term_and_theme(built):
    store = Store.read_only(str(built / "store"))
    counts = {}
    for kind in ("Statement", "GlossaryTerm", "Theme"):
        text = f"<{INSP}text>" if kind == "Statement" else "<http://www.w3.org/2004/02/skos/core#prefLabel>"
        q = f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s a <{INSP}{kind}> ; {text} ?t }}"
        counts[kind] = int(next(iter(store.query(q, use_default_graph_as_union=True)))["n"].value)
    del store
    db = sqlite3.connect(f"file:{built / FILE}?mode=ro", uri=True)
    by_kind = dict(db.execute("SELECT kind, count(*) FROM item GROUP BY kind"))
    statements = sum(n for k, n in by_kind.items() if k not in (f"{INSP}GlossaryTerm", f"{INSP}Theme"))
    # Build summary: 1,125 findings (121 of them PEEL detailed findings), 10 recommendations, 9 good
    # practice, 15 facts, 6 citations; and 157 context statements and 1 unclassified statement.
    assert statements == counts["Statement"] == 1323
    assert by_kind[f"{INSP}GlossaryTerm"] == counts["GlossaryTerm"]
    assert by_kind[f"{INSP}Theme"] == counts["Theme"] == 55  # ontology/themes.ttl
    # Every statement row says where it comes from.
    assert db.execute("SELECT count(*) FROM item WHERE kind NOT IN (?, ?) AND (force IS NULL OR year IS "
                      "NULL OR line IS NULL)", (f"{INSP}GlossaryTerm", f"{INSP}Theme")).fetchone()[0] == 0
    db.close()


def test_the_same_graph_gives_the_same_file(built, tmp_path):
    store = Store.read_only(str(built / "store"))
    write_search_index(store, tmp_path / "a.sqlite")
    write_search_index(store, tmp_path / "b.sqlite")
    del store
    assert (tmp_path / "a.sqlite").read_bytes() == (tmp_path / "b.sqlite").read_bytes()
    assert (tmp_path / "a.sqlite").read_bytes() == (built / FILE).read_bytes()
