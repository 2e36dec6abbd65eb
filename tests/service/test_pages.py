"""The pages a person reads: the catalogue as forms and tables (by content negotiation), the home
and coverage pages, force and judgement pages, and escaping on every HTML page."""
import csv
import html
import io
import re
from pathlib import Path
from urllib.parse import urlencode

import pytest
from rdflib import Graph, Literal, Namespace, URIRef

from .conftest import BASE, HOSTILE, XSS

HTML_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
WEST_MERCIA = f"{BASE}/id/force/west-mercia"
DCTERMS = Namespace("http://purl.org/dc/terms/")


def browse(client, path, status=200):
    r = client.get(path, headers={"accept": HTML_ACCEPT})
    assert r.status_code == status, r.text[:2000]
    assert r.headers["content-type"].startswith("text/html")
    return r.text


def rows_of(text):
    body = re.search(r'<table class="data results">.*?<tbody>(.*?)</tbody>', text, re.DOTALL)
    if not body:
        return []
    return [[html.unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in re.findall(r"<td>(.*?)</td>", row, re.DOTALL)]
            for row in re.findall(r"<tr>(.*?)</tr>", body.group(1), re.DOTALL)]


def test_catalogue_list_is_a_page_for_browsers_and_json_for_programs(client):
    text = browse(client, "/queries")
    for name in client.get("/queries").json():
        assert f'href="/queries/{name["name"]}"' in text
    assert client.get("/queries").headers["content-type"].startswith("application/json")
    assert client.get("/queries", headers={"accept": "*/*"}).json()


def test_a_query_page_offers_forces_by_label_and_answers_as_a_table(client):
    text = browse(client, "/queries/force-judgements")
    # No force chosen yet: the form, not an error.
    assert '<option value="https://w3id.org/hmic-kg/id/force/west-mercia">West Mercia Police</option>' in text
    assert "Answer" not in text
    text = browse(client, "/queries/force-judgements?" + urlencode({"force": WEST_MERCIA}))
    rows = rows_of(text)
    # West Mercia 2007: 6 graded areas (docs/counting-rules.md, hand-counted), Performance
    # Management graded Excellent (corpus/west-mercia-2007-inspection.txt l.393 "GRADE EXCELLENT").
    assert sum(1 for r in rows if r[0] == "2007") == 6
    pm = [r for r in rows if r[3] == "Performance Management"]
    assert pm and pm[0][5] == "Excellent"
    # Labels, not IRIs, link to the things' pages.
    assert '<a href="/def/grade-scale/egfp/excellent"' in text
    assert "West Mercia Police, 2007: Performance Management" in html.unescape(text)


def test_programs_still_get_json_and_csv_and_a_missing_parameter_is_400(client):
    r = client.get("/queries/force-judgements", params={"force": WEST_MERCIA})
    assert r.headers["content-type"].startswith("application/sparql-results+json")
    r = client.get("/queries/force-judgements")
    assert r.status_code == 400 and "force is required" in r.json()["detail"]


def test_csv_download_link_gives_the_whole_answer(client):
    text = browse(client, "/queries/force-judgements?" + urlencode({"force": WEST_MERCIA, "limit": 2}))
    href = html.unescape(re.search(r'<a class="download" href="([^"]+)">CSV</a>', text).group(1))
    r = client.get(href, headers={"accept": HTML_ACCEPT})
    assert r.headers["content-type"].startswith("text/csv")
    table = list(csv.DictReader(io.StringIO(r.text)))
    assert len(table) == int(re.search(r'<strong id="total">(\d+)</strong>', text).group(1))
    assert len(rows_of(text)) == 2


def test_pages_follow_next_and_previous(client):
    first = browse(client, "/queries/force-judgements?" + urlencode({"force": WEST_MERCIA, "limit": 4}))
    total = int(re.search(r'<strong id="total">(\d+)</strong>', first).group(1))
    seen, text = [], first
    while True:
        seen += rows_of(text)
        nxt = re.search(r'<a rel="next" href="([^"]+)"', text)
        if not nxt:
            break
        text = browse(client, html.unescape(nxt.group(1)))
    assert len(seen) == total and len({r[-1] for r in seen}) == total
    assert 'rel="prev"' in text


def test_sorting_by_a_column(client):
    text = browse(client, "/queries/force-judgements?" + urlencode(
        {"force": WEST_MERCIA, "sort": "year", "desc": "1"}))
    years = [r[0] for r in rows_of(text)]
    assert years == sorted(years, reverse=True) and years[0] == "2018"


def test_a_bad_value_is_shown_on_the_page_with_400(client):
    text = browse(client, "/queries/force-judgements?force=not-an-iri", status=400)
    assert "must be an absolute IRI" in text and "<form" in text


@pytest.mark.parametrize("name", ["glossary", "recurring-themes", "good-practice-on-theme",
                                  "forces-at-or-below-grade", "similar-findings", "search"])
def test_every_catalogue_query_has_a_form(client, name):
    text = browse(client, f"/queries/{name}")
    assert '<form class="params"' in text


def test_grade_and_area_choices_are_labelled_and_grouped(client):
    text = html.unescape(browse(client, "/queries/forces-at-or-below-grade"))
    assert re.search(r'<optgroup label="[^"]*Excellent[^"]*">', text)
    assert ">Neighbourhood Policing</option>" in text
    assert ">HMIC inspection 2007 (phase 1)</option>" in text


def _void_coverage(client) -> str:
    g = Graph().parse(data=client.get("/.well-known/void", headers={"accept": "text/turtle"}).text,
                      format="turtle")
    values = list(g.objects(URIRef(f"{BASE}/data/dataset"), DCTERMS.coverage))
    assert len(values) == 1
    return str(values[0])


def test_coverage_is_said_the_same_on_the_home_page_and_in_void(client):
    statement = _void_coverage(client)
    # corpus/manifest.json: four report files, none synthetic, of Cheshire, West Mercia (2007 and
    # 2018) and West Midlands (2006).
    assert statement.startswith("This dataset holds 4 inspection reports, all of them real")
    assert "3 forces of the 43" in statement and "between 2006 and 2018" in statement
    assert "other 40 forces" in statement
    home = html.unescape(browse(client, "/"))
    assert statement in " ".join(home.split())
    assert statement in " ".join(html.unescape(browse(client, "/coverage")).split())


def test_readme_states_the_coverage_of_the_corpus_build(client):
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    assert f"> {_void_coverage(client)}\n" in readme


def test_coverage_grid_shows_each_forces_reports_by_year(client):
    text = browse(client, "/coverage")
    row = re.search(r'<tr><th><a href="/id/force/west-mercia">West Mercia Police</a></th>(.*?)</tr>',
                    text, re.DOTALL).group(1)
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.DOTALL)
    header = re.findall(r"<th>(\d{4})</th>", text)
    assert header == [str(y) for y in range(2006, 2019)]
    held = [header[i] for i, c in enumerate(cells) if c.strip()]
    assert held == ["2007", "2018"]


def test_home_page_leads_to_every_forces_grades(client):
    text = browse(client, "/")
    for force in ("cheshire", "west-mercia", "west-midlands"):
        assert f'href="/id/force/{force}"' in text


def test_force_page_shows_grades_over_time_as_table_and_chart(client):
    text = browse(client, "/id/force/west-mercia")
    assert "<h1>West Mercia Police</h1>" in text
    assert '<svg class="grades-over-time"' in text
    assert len(re.findall(r"<circle ", text)) >= 2
    table = re.search(r'<table class="data judgements">(.*?)</table>', text, re.DOTALL).group(1)
    assert "Excellent" in table and "2018" in table and "2007" in table


def test_judgement_page_leads_with_the_grade_and_national_distribution(client):
    text = browse(client, "/data/judgement/inspection-2007/west-mercia/neighbourhood-policing")
    facts = re.search(r'<dl class="facts">(.*?)</dl>', text, re.DOTALL).group(1)
    assert ">Good</a>" in facts and "West Mercia Police" in facts
    assert text.index('<dl class="facts">') < text.index("Source text")
    # corpus/west-mercia-2007-inspection.txt l.243 "GRADE GOOD"; its distribution table,
    # l.248-249: Excellent 6, Good 14, Fair 21, Poor 2.
    bars = re.findall(r"<title>(\w+): (\d+) forces</title>", text)
    assert dict(bars) == {"Excellent": "6", "Good": "14", "Fair": "21", "Poor": "2"}
    assert '<details class="quote">' in text  # the long quotation is collapsed


HTML_PAGES = ["/", "/coverage", "/queries", "/themes/", "/recurring", "/themes/neighbourhood-policing",
              "/id/force/west-mercia", "/data/judgement/inspection-2007/west-mercia/neighbourhood-policing",
              HOSTILE[len(BASE):], "/query", "/downloads/"]


def _hostile_pages(client):
    for path in HTML_PAGES:
        yield path, browse(client, path)
    yield "glossary", browse(client, "/queries/glossary?" + urlencode({"abbreviation": XSS}))
    yield "search", browse(client, "/queries/search?" + urlencode({"text": XSS, "sort": XSS}))
    yield "bad iri", browse(client, "/queries/force-judgements?" + urlencode({"force": XSS}), 400)
    yield "unknown", browse(client, "/queries/glossary?" + urlencode({"abbreviation": "x", XSS: XSS}), 400)


def test_every_html_page_escapes_data(client):
    for where, text in _hostile_pages(client):
        assert XSS not in text, where
        assert "onerror=" not in text.replace("onerror=alert(1)&gt;", ""), where
        for tag in re.findall(r"<script[^>]*>", text):
            assert 'src="/' in tag or 'type="application/json"' in tag, (where, tag)
        assert not re.search(r'href="\s*javascript:', text, re.IGNORECASE), where


@pytest.mark.parametrize("fmt", ["turtle", "trig"])
def test_turtle_and_trig_answers_use_the_projects_prefixes(client, fmt):
    q = (f"CONSTRUCT {{ ?j <{BASE}/def/inspection/grade> ?g }} WHERE {{ "
         f"?j <{BASE}/def/inspection/grade> ?g }} LIMIT 3")
    text = client.get("/sparql", params={"query": q, "format": fmt}).text
    assert f"@prefix insp: <{BASE}/def/inspection/> ." in text
    assert "insp:grade" in text
    assert len(Graph().parse(data=text, format=fmt)) == 3
