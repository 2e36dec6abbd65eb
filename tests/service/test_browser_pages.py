"""The pages in Debian's Chromium, as a person who writes no SPARQL uses them: from the home page
to every force's grades over time, every catalogue query run from its form and downloaded as CSV,
pages followed, and each page type loading with no console error and its key fact visible."""
import csv
import io
import json
from urllib.parse import urlencode

import pytest

from .chromium import Chromium, find_chromium
from .test_live import LiveServer

pytestmark = [pytest.mark.live, pytest.mark.browser]


@pytest.fixture(scope="module")
def server(built_dir):
    s = LiveServer(built_dir)
    yield s
    if s.proc.poll() is None:
        s.stop()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    if find_chromium() is None:
        pytest.skip("chromium is not installed (bootstrap.sh --dev installs it)")
    b = Chromium(tmp_path_factory.mktemp("chromium-profile"))
    yield b
    b.close()


def text_of(page, selector):
    return page.run(f"(document.querySelector({json.dumps(selector)}) || {{}}).innerText || ''")


def test_from_home_to_every_forces_grades_over_time(server, browser):
    page = browser.new_page()
    page.goto(server.url + "/")
    forces = page.run("[...document.querySelectorAll('ul.forces a')].map(a => a.getAttribute('href'))")
    assert forces == ["/id/force/cheshire", "/id/force/west-mercia", "/id/force/west-midlands"]
    for href in forces:
        page.goto(server.url + "/")
        page.click(f'ul.forces a[href="{href}"]')
        assert page.run("location.pathname") == href
        assert page.run("document.querySelectorAll('svg.grades-over-time circle').length") >= 1
        rows = page.run("[...document.querySelectorAll('table.judgements tbody tr')]"
                        ".map(r => r.innerText)")
        assert rows, href
    # West Mercia was graded Excellent for Performance Management in 2007 (report l.393).
    page.goto(server.url + "/id/force/west-mercia")
    rows = page.run("[...document.querySelectorAll('table.judgements tbody tr')]"
                    ".map(r => [...r.cells].map(c => c.innerText))")
    assert ["2007", "HMIC inspection 2007 (phase 1)", "Performance Management", "Excellent"] in \
        [r[:4] for r in rows]
    assert page.errors() == []


def _fill_form(page):
    """Chooses the first offered value of every required choice; types each text field's example."""
    return page.run("""(() => {
      const filled = {};
      for (const s of document.querySelectorAll('form.params select')) {
        if (s.required || s.name === 'programme') {
          const option = [...s.options].find(o => o.value);
          if (option) { s.value = option.value; filled[s.name] = option.value; }
        }
      }
      for (const i of document.querySelectorAll('form.params input')) {
        if (i.required && !i.value) { i.value = i.placeholder; filled[i.name] = i.value; }
      }
      return filled; })()""")


def test_every_catalogue_query_runs_from_its_form_and_downloads_as_csv(server, browser):
    page = browser.new_page()
    page.goto(server.url + "/queries")
    names = page.run("[...document.querySelectorAll('table.catalogue a')].map(a => a.getAttribute('href'))")
    assert len(names) == 13  # the ten, and the three recurring-issue queries of issue 19
    for href in names:
        page.goto(server.url + "/queries")
        page.click(f'table.catalogue a[href="{href}"]')
        _fill_form(page)
        page.submit("form.params")
        total = text_of(page, "#total")
        assert total or "No rows." in text_of(page, "p.count"), (href, text_of(page, "main")[:500])
        if total:
            assert page.run("document.querySelectorAll('table.results tbody tr').length") >= 1
        # The CSV link downloads the same answer, in full, as CSV.
        download = page.run("""(async () => {
          const r = await fetch(document.querySelector('a.download').href);
          return [r.status, r.headers.get('content-type'), await r.text()]; })()""")
        assert download[0] == 200 and download[1].startswith("text/csv"), href
        assert len(list(csv.DictReader(io.StringIO(download[2])))) == int(total or 0), href
    assert page.errors() == []


def test_a_long_answer_pages_forward_and_back(server, browser):
    page = browser.new_page()
    page.goto(server.url + "/queries/force-judgements?" + urlencode(
        {"force": "https://w3id.org/hmic-kg/id/force/west-mercia", "limit": 4}))
    # West Mercia: 6 graded areas in 2007 (docs/counting-rules.md) and 3 PEEL 2018/19 questions
    # graded in prose (l.15 "is good at", l.37 and l.57 "requires improvement", l.146 "is good
    # at"; no sentence grades Q3 or Q5).
    assert int(text_of(page, "#total")) == 9
    first = page.run("[...document.querySelectorAll('table.results tbody tr')].map(r => r.innerText)")
    assert len(first) == 4
    page.click('a[rel="next"]')
    second = page.run("[...document.querySelectorAll('table.results tbody tr')].map(r => r.innerText)")
    assert len(second) == 4 and not set(first) & set(second)
    page.click('a[rel="next"]')
    assert page.run("document.querySelectorAll('table.results tbody tr').length") == 1
    page.click('a[rel="prev"]')
    assert page.run("[...document.querySelectorAll('table.results tbody tr')].map(r => r.innerText)") == second
    assert page.errors() == []


PAGE_TYPES = {
    "/": ("p.coverage-statement", "4 inspection reports"),
    "/coverage": ("table.coverage-grid", "West Mercia Police"),
    "/queries": ("table.catalogue", "A force's graded judgements"),
    "/themes/": ("ul.tree", "Neighbourhood policing"),
    "/themes/neighbourhood-policing": ("#theme-total", ""),
    "/recurring": ("table.matrix", "Neighbourhood policing"),
    "/data/judgement/inspection-2007/west-mercia/neighbourhood-policing": ("dl.facts", "Good"),
    "/id/finding/cheshire/inspection-2007/neighbourhood-policing/area-for-improvement/1":
        ("dl.facts", "Cheshire Constabulary"),
    "/id/programme/inspection-2007": ("h1", "HMIC inspection 2007 (phase 1)"),
    # The kinds issue 18 added (tests/service/test_statement_kind_pages.py reads them in detail).
    "/data/judgement/peel-2018/west-mercia/effectiveness-q3":
        ("dl.facts", "Grade not stated in the report text"),
    "/id/finding/west-mercia/peel-2018/effectiveness-q4/detailed-finding/13":
        ("dl.facts", "Serious and organised crime prevention"),
    "/id/recommendation/west-mercia/peel-2018/1": ("dl.facts", "the force"),
    "/id/statement/cheshire/inspection-2007/neighbourhood-policing/context/10": ("p.types", "Context statement"),
    "/def/context.jsonld": ("body", '"GradedJudgement": "insp:GradedJudgement"'),
    "/downloads/": ("main", "dataset.nq"),
}


@pytest.mark.parametrize("path", list(PAGE_TYPES))
def test_each_page_type_loads_cleanly_with_its_key_fact(server, browser, path):
    page = browser.new_page()
    page.goto(server.url + path)
    selector, fact = PAGE_TYPES[path]
    shown = text_of(page, selector)
    assert shown and fact in shown, (path, shown[:300])
    assert page.errors() == [], path


def test_the_national_distribution_chart_draws_on_a_judgement_page(server, browser):
    page = browser.new_page()
    page.goto(server.url + "/data/judgement/inspection-2007/west-mercia/neighbourhood-policing")
    bars = page.run("[...document.querySelectorAll('svg.distribution g.bar')]"
                    ".map(g => [g.querySelector('title').textContent, g.getBBox().width > 0])")
    # l.248-249 of the report: Excellent 6, Good 14, Fair 21, Poor 2.
    assert bars == [["Excellent: 6 forces", True], ["Good: 14 forces", True],
                    ["Fair: 21 forces", True], ["Poor: 2 forces", True]]
    assert page.run("document.querySelector('svg.distribution g.own title').textContent") == "Good: 14 forces"


def test_the_query_editor_shows_plain_values(server, browser):
    page = browser.new_page()
    query = ("SELECT ?rank WHERE { <https://w3id.org/hmic-kg/def/grade-scale/egfp/excellent> "
             "<https://w3id.org/hmic-kg/def/inspection/rank> ?rank }")
    page.goto(server.url + "/query?" + urlencode({"query": query, "run": "1"}))
    cell = page.wait_for("(() => { const c = document.querySelector('.yasr table tbody td span.nonIri');"
                         " return c && c.innerText; })()")
    assert cell == "4"  # not "4"^^xsd:integer
    assert page.errors() == []
