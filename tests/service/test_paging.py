"""Catalogue answers in pages: pages put together are the whole answer, in order, once each."""
from __future__ import annotations

import csv
import io

import pytest
from pyoxigraph import QueryResultsFormat, parse_query_results

from service.paging import DEFAULT_LIMIT, MAX_LIMIT

B = "https://w3id.org/hmic-kg"
# Catalogue queries whose corpus answers are longer than the pages asked for below.
LONG = [("recurring-themes", {}), ("same-force-follow-ups", {}), ("recommendation-follow-ups", {}),
        ("force-judgements", {"force": f"{B}/id/force/west-mercia"})]


def whole_answer(client, queries_dir, name, params) -> list[dict]:
    """The answer by evaluating the query's text at the SPARQL endpoint, not through paging."""
    text = (queries_dir / f"{name}.rq").read_text(encoding="utf-8")
    values = " ".join(f'VALUES ?{k} {{ <{v}> }}' for k, v in params.items())
    if values:
        at = text.index("WHERE {") + len("WHERE {")
        text = text[:at] + " " + values + " " + text[at:]
    r = client.post("/sparql", data={"query": text}, headers={"Accept": "application/sparql-results+json"})
    assert r.status_code == 200, r.text
    return r.json()["results"]["bindings"]


def pages(client, name, params, limit) -> list[dict]:
    """Every page by following `next`, checking each page's paging members and headers."""
    r = client.get(f"/queries/{name}", params={**params, "limit": limit})
    got, offset = [], 0
    while True:
        assert r.status_code == 200, r.text
        body = r.json()
        rows = body["results"]["bindings"]
        assert (body["limit"], body["offset"]) == (limit, offset)
        assert int(r.headers["x-total-count"]) == body["total"]
        assert int(r.headers["x-result-rows"]) == len(rows)
        got += rows
        if offset + limit >= body["total"]:
            assert "next" not in body and "link" not in r.headers  # the last page
            assert len(rows) == body["total"] - offset
            return got
        assert len(rows) == limit
        assert r.links["next"]["url"] == body["next"]
        offset += limit
        r = client.get(body["next"])


@pytest.mark.parametrize("name, params", LONG)
def test_pages_concatenate_to_the_whole_answer(client, queries_dir, name, params):
    whole = whole_answer(client, queries_dir, name, params)
    assert len(whole) >= 2, "pick a query whose corpus answer spans several pages"
    got = pages(client, name, params, limit=min(7, len(whole) // 2))
    assert got == whole  # same rows, same order: no overlap, nothing skipped
    one = client.get(f"/queries/{name}", params={**params, "limit": MAX_LIMIT}).json()
    assert one["total"] == len(whole) and "next" not in one


def test_search_pages_concatenate_to_one_long_page(client):
    one = client.get("/queries/search", params={"text": "force", "limit": MAX_LIMIT}).json()
    total = one["total"]
    assert DEFAULT_LIMIT < total <= MAX_LIMIT
    assert pages(client, "search", {"text": "force"}, limit=DEFAULT_LIMIT) == one["results"]["bindings"]
    items = [b["item"]["value"] for b in one["results"]["bindings"]]
    assert len(set(items)) == total


def test_default_page_is_small(client):
    r = client.get("/queries/recurring-themes")
    body = r.json()
    assert body["limit"] == DEFAULT_LIMIT and body["offset"] == 0
    assert len(body["results"]["bindings"]) == DEFAULT_LIMIT < body["total"]
    assert body["next"] == f"/queries/recurring-themes?offset={DEFAULT_LIMIT}"


def test_next_link_keeps_the_parameters_and_format(client):
    r = client.get("/queries/force-judgements",
                   params={"force": f"{B}/id/force/west-mercia", "format": "csv", "limit": 3})
    assert r.headers["content-type"].startswith("text/csv")
    nxt = r.links["next"]["url"]
    assert "format=csv" in nxt and "limit=3" in nxt and "offset=3" in nxt and "west-mercia" in nxt
    second = client.get(nxt)
    assert second.headers["content-type"].startswith("text/csv")
    first_rows = list(csv.DictReader(io.StringIO(r.text)))
    second_rows = list(csv.DictReader(io.StringIO(second.text)))
    assert len(first_rows) == len(second_rows) == 3
    assert not {x["judgement"] for x in first_rows} & {x["judgement"] for x in second_rows}


def test_offset_past_the_end_is_an_empty_last_page(client):
    total = int(client.get("/queries/recurring-themes").headers["x-total-count"])
    r = client.get("/queries/recurring-themes", params={"offset": total + 10})
    assert r.status_code == 200
    assert r.json()["results"]["bindings"] == [] and r.json()["total"] == total
    assert "link" not in r.headers and "next" not in r.json()


def test_paged_json_is_still_sparql_results_json(client):
    r = client.get("/queries/recurring-themes", params={"limit": 3})
    parsed = parse_query_results(r.content, format=QueryResultsFormat.JSON)
    assert [v.value for v in parsed.variables][:2] == ["theme", "themeLabel"]
    assert len(list(parsed)) == 3


@pytest.mark.parametrize("fmt", ["xml", "tsv"])
def test_other_formats_carry_total_and_link_in_headers(client, fmt):
    r = client.get("/queries/recurring-themes", params={"limit": 2, "format": fmt})
    assert r.status_code == 200
    assert int(r.headers["x-total-count"]) > 2 and 'rel="next"' in r.headers["link"]


@pytest.mark.parametrize("params, says", [
    ({"limit": "0"}, "limit must be from 1 to 1000"),
    ({"limit": str(MAX_LIMIT + 1)}, "limit must be from 1 to 1000"),
    ({"limit": "ten"}, "limit must be a whole number"),
    ({"limit": "1.5"}, "limit must be a whole number"),
    ({"limit": ""}, "limit must be a whole number"),
    ({"offset": "-1"}, "offset must be a whole number"),
    ({"offset": "1e3"}, "offset must be a whole number"),
    ({"offset": "99999999999999999999"}, "offset must be a whole number"),
    ({"offset": "٣"}, "offset must be a whole number"),  # an Arabic-Indic digit: isdigit() but not ASCII
    ({"limit": ["1", "2"]}, "limit is given more than once"),
])
def test_bad_limit_or_offset_is_400_with_a_message(client, params, says):
    for name, extra in (("recurring-themes", {}), ("search", {"text": "force"})):
        r = client.get(f"/queries/{name}", params={**extra, **params})
        assert r.status_code == 400, r.text
        assert says in r.json()["detail"]
