"""Every link's page says why it exists; recurring issues have pages and catalogue queries
(issue 19). Expected sentences are read by hand from the corpus (line numbers in the comments)."""
import csv
import html
import io
import re

from .conftest import BASE

INSP = f"{BASE}/def/inspection/"
HTML_ACCEPT = "text/html"
W07 = f"{BASE}/id/finding/west-mercia/inspection-2007/protecting-vulnerable-people-"
P18 = f"{BASE}/id/finding/west-mercia/peel-2018/effectiveness-"


def _select(client, query):
    r = client.get("/sparql", params={"query": query})
    assert r.status_code == 200, r.text
    return [{k: v["value"] for k, v in b.items()} for b in r.json()["results"]["bindings"]]


def _page(client, iri):
    r = client.get(iri[len(BASE):], headers={"accept": HTML_ACCEPT})
    assert r.status_code == 200, r.text
    return r.text


def _marked(text):
    return [html.unescape(m) for m in re.findall(r"<mark>(.*?)</mark>", text, re.DOTALL)]


def test_a_link_page_shows_both_sentences_side_by_side(client):
    # W07 l.711 and P18 l.25: officers' capacity to investigate (a researcher's same-issue judgement)
    (row,) = _select(client, f"SELECT ?l WHERE {{ ?l <{INSP}linkSource> <{W07}domestic-violence/area-for-improvement/6> ; "
                             f"<{INSP}linkTarget> <{P18}q2/cause-of-concern/1> }}")
    text = _page(client, row["l"])
    assert "Why these statements are linked" in text
    assert _marked(text) == [
        "In some divisions officers have limited capacity to investigate offences because they have "
        "to spend a significant amount of time on administrative functions and risk assessment.",
        "The force does not have the capacity or capability to investigate crime effectively and this "
        "is affecting the service being provided to the public."]
    assert "capacity" in text and "Best sentence pair" in text and "Whole statements" in text
    assert "same-issue" in text and "issue 19 labelled set" in text


def test_every_link_page_says_why(client):
    rows = _select(client, f"SELECT ?l WHERE {{ ?l a <{INSP}SimilarityLink> }} ORDER BY ?l LIMIT 12")
    assert len(rows) == 12
    for row in rows:
        text = _page(client, row["l"])
        assert "Why these statements are linked" in text and "Best sentence pair" in text
        assert len(_marked(text)) == 2


def test_a_follow_up_page_shows_the_evidence_of_its_link(client):
    (row,) = _select(client, f"SELECT ?f WHERE {{ ?f <{INSP}followUpOf> <{W07}domestic-violence/area-for-improvement/1> ; "
                             f"<{INSP}followUpBy> <{P18}q3/detailed-finding/27> }}")
    text = _page(client, row["f"])
    # W07 l.703 and P18 l.107
    assert _marked(text) == ["Variation in working practices is evident across divisions.",
                             "The variations in MASH arrangements, and lack of progress towards more "
                             "effective methods, fail to give vulnerable people the best support."]
    assert "curated" in text


def _csv(client, name, **params):
    r = client.get(f"/queries/{name}", params={**params, "format": "csv"})
    assert r.status_code == 200, r.text
    return list(csv.DictReader(io.StringIO(r.text)))


def test_issues_that_came_back_for_west_mercia(client):
    rows = _csv(client, "recurring-issues-came-back", force=f"{BASE}/id/force/west-mercia")
    statements = {r["statement"] for r in rows}
    assert {f"{W07}domestic-violence/area-for-improvement/6", f"{P18}q2/cause-of-concern/1",
            f"{W07}child-abuse/area-for-improvement/6", f"{P18}q2/detailed-finding/6",
            f"{W07}domestic-violence/area-for-improvement/1", f"{P18}q3/detailed-finding/27"} <= statements
    assert {r["year"] for r in rows} == {"2007", "2018"}


def test_issue_raised_then_reported_resolved(client):
    rows = _csv(client, "recurring-issues-resolved")
    # W07 l.785 caseloads of 50, visits being monitored; P18 l.113 "management of sex offenders is effective"
    assert any(r["raised"] == f"{W07}public-protection/work-in-progress/3"
               and r["resolved"] == f"{P18}q3/detailed-finding/33"
               and (r["raisedYear"], r["resolvedYear"]) == ("2007", "2018") for r in rows)


def test_issues_raised_for_many_forces(client):
    # The corpus has three forces: at the default of five none qualify, at three some do.
    assert _csv(client, "recurring-issues-across-forces") == []
    rows = _csv(client, "recurring-issues-across-forces", min_forces="3")
    assert rows and all(int(r["forces"]) >= 3 for r in rows)
    text = _page(client, rows[0]["issue"])
    assert "Recurring issue" in text or "RecurringIssue" in text
    assert text.count("/id/finding/") + text.count("/id/recommendation/") >= int(rows[0]["statements"])
