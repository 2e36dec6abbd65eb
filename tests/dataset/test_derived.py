"""The derived graph (graph_builder/derive.py) holds what the asserted graphs say, recomputed here
in plain Python from the store's quads, and the values read by hand in the corpus reports."""
from collections import defaultdict

import pytest
from pyoxigraph import NamedNode, Store

B = "https://w3id.org/hmic-kg"
I = f"{B}/def/inspection/"
RDF_TYPE = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
BROADER = NamedNode("http://www.w3.org/2004/02/skos/core#broader")


@pytest.fixture(scope="module")
def store(built):
    return Store.read_only(str(built / "store"))


def objects(store, s, p):
    return {q.object for q in store.quads_for_pattern(s, NamedNode(I + p) if isinstance(p, str) else p, None)}


def subjects_of_type(store, cls):
    return {q.subject for q in store.quads_for_pattern(None, RDF_TYPE, NamedNode(I + cls))}


def derived(store, p):
    g = NamedNode(f"{B}/graph/derived")
    return {(q.subject, q.object) for q in store.quads_for_pattern(None, NamedNode(I + p), None, g)}


def year(store, node):
    return {y for r in objects(store, node, "reportedIn") for y in objects(store, r, "year")}


def test_follow_up_force_and_years(store):
    force, later, earlier = set(), set(), set()
    for f in subjects_of_type(store, "FollowUp"):
        for lt in objects(store, f, "followUpBy"):
            if objects(store, lt, "text"):
                force |= {(f, x) for x in objects(store, lt, "force")}
                later |= {(f, y) for y in year(store, lt)}
        for e in objects(store, f, "followUpOf"):
            earlier |= {(f, y) for y in year(store, e)}
    assert derived(store, "followUpForce") == force
    assert derived(store, "laterYear") == later
    assert derived(store, "earlierYear") == earlier
    # Read in both reports: West Mercia's two follow-ups run from its 2007 report to its 2018 one.
    assert {(x.value, y.value) for (_, x), (_, y) in zip(sorted(force, key=str), sorted(later, key=str))} \
        == {(f"{B}/id/force/west-mercia", "2018")}
    assert {y.value for _, y in earlier} == {"2007"}


def test_later_report_counts(store):
    reports = defaultdict(set)
    for r in subjects_of_type(store, "InspectionReport"):
        for f in objects(store, r, "force"):
            reports[f] |= {int(y.value) for y in objects(store, r, "year")}
    expected = set()
    for rec in subjects_of_type(store, "Recommendation"):
        for f in objects(store, rec, "force"):
            for y in year(store, rec):
                expected.add((rec, sum(1 for y2 in reports[f] if y2 > int(y.value))))
    got = {(s, int(o.value)) for s, o in derived(store, "laterReportCount")}
    assert got == expected
    # Cheshire 2007 (3) and West Mercia 2018 (7): no later report of either force in the corpus.
    assert len(got) == 10 and {n for _, n in got} == {0}


def test_forces_raising_each_theme(store):
    forces = defaultdict(set)
    for cls in ("AreaForImprovement", "CauseOfConcern"):
        for x in subjects_of_type(store, cls):
            for t in objects(store, x, "theme"):
                forces[t] |= objects(store, x, "force")
    got = {(s, int(o.value)) for s, o in derived(store, "forcesRaising")}
    assert got == {(t, len(f)) for t, f in forces.items() if f}
    counts = {s.value.rsplit("/", 1)[1]: n for s, n in got}
    # Bail and released-under-investigation is raised as a problem only by West Mercia 2018 (l.32,
    # l.72); neighbourhood policing by Cheshire (l.554) and West Mercia in 2007 at least.
    assert counts["bail-and-released-under-investigation"] == 1
    assert counts["neighbourhood-policing"] >= 2


def test_good_practice_under_each_theme(store):
    def up(t, seen):
        if t not in seen:
            seen.add(t)
            for b in objects(store, t, BROADER):
                up(b, seen)
        return seen
    expected = {(p, t) for p in subjects_of_type(store, "GoodPracticeExample")
                for tagged in objects(store, p, "theme") for t in up(tagged, set())}
    assert derived(store, "underTheme") == expected
    missing = NamedNode(f"{B}/def/theme/missing-persons")
    assert any(t == missing for _, t in expected)  # Cheshire's 'Talk, Don't Walk' (runaways)
