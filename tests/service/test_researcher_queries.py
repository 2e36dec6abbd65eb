"""The researcher-style queries of benchmarks/researcher/ answer through /sparql with the row
counts their headers give for the corpus build (counted by pyoxigraph and by rdflib's own SPARQL
engine, which agree); several are written so that Oxigraph, as written, plans them badly
(service/query_order.py moves their patterns)."""
import re
from pathlib import Path

import pytest

QUERIES = sorted((Path(__file__).resolve().parents[2] / "benchmarks" / "researcher").glob("*.rq"))


def test_there_are_twenty_or_more():
    assert len(QUERIES) >= 20


@pytest.mark.parametrize("path", QUERIES, ids=[p.stem for p in QUERIES])
def test_researcher_query_answers_with_its_row_count(client, path):
    text = path.read_text(encoding="utf-8")
    expected = int(re.search(r"^# rows: (\d+)", text, re.M).group(1))
    r = client.post("/sparql", data={"query": text}, headers={"Accept": "application/sparql-results+json"})
    assert r.status_code == 200, r.text
    assert len(r.json()["results"]["bindings"]) == expected
