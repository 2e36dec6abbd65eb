"""Pages for the statement kinds the extractor gained with issue 18: PEEL detailed findings with
their topic, context and unclassified statements, a graded area whose text states no grade, and
recommendations with lead-in and addressee. Expected values are read from the corpus texts."""
import html
import re
from urllib.parse import urlencode

HTML_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
# corpus/west-mercia-2018-peel-effectiveness.txt l.70: "How effective is the force at protecting
# those who are vulnerable from harm, and supporting victims?" is followed by its areas for
# improvement and detailed findings; no sentence of the section states its grade.
NOT_STATED = "/data/judgement/peel-2018/west-mercia/effectiveness-q3"
VULNERABLE = "How effective is the force at protecting those who are vulnerable from harm, and supporting victims?"


def browse(client, path):
    r = client.get(path, headers={"accept": HTML_ACCEPT})
    assert r.status_code == 200, r.text[:2000]
    return r.text


def facts(text):
    dl = re.search(r'<dl class="facts">(.*?)</dl>', text, re.DOTALL).group(1)
    pairs = re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", dl, re.DOTALL)
    return {_plain(k): _plain(v) for k, v in pairs}


def _plain(fragment):
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def title(text):
    return html.unescape(re.search(r"<h1>(.*?)</h1>", text, re.DOTALL).group(1))


def test_grade_not_stated_page_says_so_plainly(client):
    text = browse(client, NOT_STATED)
    assert title(text) == f"West Mercia Police, 2018: {VULNERABLE} (grade not stated)"
    f = facts(text)
    assert f["grade"] == "Grade not stated in the report text"
    assert f["force"] == "West Mercia Police" and f["assessment area"] == VULNERABLE


def test_force_page_shows_the_not_stated_grade_as_such(client):
    text = browse(client, "/id/force/west-mercia")
    table = re.search(r'<table class="data judgements">(.*?)</table>', text, re.DOTALL).group(1)
    rows = [[_plain(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.DOTALL)]
            for row in re.findall(r"<tr>(.*?)</tr>", table, re.DOTALL)]
    rows = [r for r in rows if len(r) == 5]  # not the header
    row = next(r for r in rows if r[2] == VULNERABLE)
    assert row[0] == "2018" and row[3] == "not stated in the report text"
    assert f'href="{NOT_STATED}"' in table
    # The other 2018 questions keep their grades: l.15 "The force is good at protecting the public
    # from harm", l.57 "...catching criminals and resolving investigations requires improvement".
    grades = {r[2]: r[3] for r in rows if r[0] == "2018"}
    assert grades["How effective is the force at preventing crime, tackling anti-social behaviour and keeping people safe?"] == "Good"
    assert grades["How effective is the force at investigating crime and reducing re-offending?"] == "Requires improvement"


def test_detailed_finding_page_leads_with_its_topic(client):
    # l.135, under the sub-heading "Serious and organised crime prevention".
    text = browse(client, "/id/finding/west-mercia/peel-2018/effectiveness-q4/detailed-finding/13")
    assert title(text).startswith("There is evidence of the force doing good work to both prevent SOC")
    types = re.search(r'<p class="types">(.*?)</p>', text, re.DOTALL).group(1)
    assert re.search(r'href="/def/inspection/DetailedFinding"[^>]*>Detailed finding</a>', types)
    f = facts(text)
    assert f["topic"] == "Serious and organised crime prevention"
    assert f["assessment area"] == "How effective is the force at tackling serious and organised crime?"


def test_recommendation_page_shows_lead_in_and_addressee(client):
    # l.27: "To address this cause of concern, we recommend that within six months the force should:"
    text = browse(client, "/id/recommendation/west-mercia/peel-2018/1")
    assert 'Recommendation</a>' in text
    f = facts(text)
    assert f["lead-in"] == "To address this cause of concern, we recommend that within six months the force should:"
    assert f["addressee"] == "the force" and f["deadline"] == "within six months"
    assert list(f).index("lead-in") < list(f).index("theme")  # before the themes, with the facts


def test_context_and_unclassified_statement_pages(client):
    ctx = browse(client, "/id/statement/cheshire/inspection-2007/neighbourhood-policing/context/10")
    assert title(ctx).startswith("The constabulary now has 237 PCSOs in place")
    assert ">Context statement</a>" in ctx
    assert facts(ctx)["assessment area"] == "Neighbourhood Policing"
    # corpus/west-midlands-2006-baseline-assessment.txt: the audit key inside the resources area.
    unc = browse(client, "/id/statement/west-midlands/baseline-2006/managing-financial-and-physical-resources/unclassified/1")
    assert ">Unclassified statement</a>" in unc
    assert facts(unc)["topic"] == "Key to grades"


def test_catalogue_search_labels_the_new_kinds(client):
    # "cuckooing" is in West Mercia 2018 only, in three detailed-findings paragraphs: l.12 (under
    # question 1), l.137 and l.149 (serious and organised crime).
    text = browse(client, "/queries/search?" + urlencode({"text": "cuckooing"}))
    table = re.search(r'<table class="data results">(.*?)</table>', text, re.DOTALL).group(1)
    head = [_plain(c) for c in re.findall(r"<th[^>]*>(.*?)</th>", table, re.DOTALL)]
    body = re.search(r"<tbody>(.*?)</tbody>", table, re.DOTALL).group(1)
    rows = [dict(zip(head, (_plain(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", r, re.DOTALL))))
            for r in re.findall(r"<tr>(.*?)</tr>", body, re.DOTALL)]
    col = {name: next(h for h in head if h.startswith(name)) for name in ("kind", "force", "year", "line")}
    assert sorted((r[col["kind"]], r[col["force"]], r[col["year"]], r[col["line"]]) for r in rows) == [
        ("Detailed finding", "West Mercia Police", "2018", line) for line in ("12", "137", "149")]
    text = browse(client, "/queries/search?" + urlencode({"text": "Jill Dando"}))
    assert "Context statement" in _plain(text)
