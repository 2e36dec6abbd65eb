"""The corpus build: every item of every report is in the published dataset, once, whichever way
it is loaded; the output is deterministic; entailments are present and kept apart."""
import csv
import json

import pyoxigraph as ox
import pytest
from rdflib import Dataset, URIRef
from rdflib.namespace import RDF, SKOS

from graph_builder.extract import parse_file
from graph_builder.iris import DEFAULT_BASE, Minter, area_slug
from tests.conftest import CORPUS

M = Minter()
INSP = M.insp
REPORTS = sorted(p for p in CORPUS.glob("*.txt"))
INFERRED = URIRef(f"{DEFAULT_BASE}/graph/inferred")


@pytest.fixture(scope="module")
def rdflib_ds(built):
    ds = Dataset()
    ds.parse(built / "exports" / "dataset.trig", format="trig")
    return ds


@pytest.fixture(scope="module")
def oxstore(built):
    return ox.Store.read_only(str(built / "store"))


@pytest.fixture(scope="module", params=[p.name for p in REPORTS])
def model(request):
    return parse_file(CORPUS / request.param)


def asserted(ds: Dataset, cls) -> set:
    return {s for s, _, _, g in ds.quads((None, RDF.type, cls, None)) if g != INFERRED}


def in_report(ds, model, cls) -> set:
    g = ds.graph(M.graph("report", model["force"]["id"], model["report"]["programme"]))
    return set(g.subjects(RDF.type, cls))


def test_every_item_of_every_report_is_there_once_rdflib(rdflib_ds, model):
    graded = [a for a in model["areas"] if a["graded"] and a["grade"] and a["grade"] != "Not graded"]
    assert len(in_report(rdflib_ds, model, INSP.GradedJudgement)) == len(graded)
    for kind, cls in (("strength", INSP.Strength), ("work-in-progress", INSP.WorkInProgress),
                      ("area-for-improvement", INSP.AreaForImprovement),
                      ("cause-of-concern", INSP.CauseOfConcern), ("detailed-finding", INSP.DetailedFinding)):
        assert len(in_report(rdflib_ds, model, cls)) == sum(f["kind"] == kind for f in model["findings"]), kind
    for kind, cls in (("context", INSP.ContextStatement), ("unclassified", INSP.UnclassifiedStatement)):
        assert len(in_report(rdflib_ds, model, cls)) == sum(x["kind"] == kind for x in model["narrative"]), kind
    unstated = [a for a in model["areas"] if a["graded"] and not a["grade"]]
    assert len(in_report(rdflib_ds, model, INSP.GradeNotStated)) == len(unstated)
    assert len(in_report(rdflib_ds, model, INSP.Recommendation)) == len(model["recommendations"])
    assert len(in_report(rdflib_ds, model, INSP.GoodPracticeExample)) == len(model["good_practice"])


def test_every_area_of_every_report_is_a_framework_area_with_one_label(rdflib_ds, model):
    prog = model["report"]["programme"]
    ref = rdflib_ds.graph(M.graph("reference"))
    for a in model["areas"]:
        area = M.area(prog, area_slug(a))
        assert (area, RDF.type, INSP.AssessmentArea) in ref, a["name"]
        assert len(list(ref.objects(area, SKOS.prefLabel))) == 1


def _count(store, cls) -> int:
    q = f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ GRAPH ?g {{ ?s a <{cls}> }} FILTER (?g != <{INFERRED}>) }}"
    return int(next(iter(store.query(q)))["n"].value)


def test_totals_agree_in_pyoxigraph_rdflib_and_the_parse_models(oxstore, rdflib_ds):
    models = [parse_file(p) for p in REPORTS]
    expected = {
        INSP.GradedJudgement: sum(1 for m in models for a in m["areas"]
                                  if a["graded"] and a["grade"] and a["grade"] != "Not graded"),
        INSP.Strength: sum(f["kind"] == "strength" for m in models for f in m["findings"]),
        INSP.AreaForImprovement: sum(f["kind"] == "area-for-improvement" for m in models for f in m["findings"]),
        INSP.Recommendation: sum(len(m["recommendations"]) for m in models),
        INSP.GoodPracticeExample: sum(len(m["good_practice"]) for m in models),
    }
    for cls, n in expected.items():
        assert _count(oxstore, cls) == n, cls
        assert len(asserted(rdflib_ds, cls)) == n, cls


def test_hand_read_totals(oxstore):
    # docs/counting-rules.md, from reading the reports: 38 graded judgements in all
    # (WM2007 6 + Cheshire 6 + West Midlands 23 + PEEL 3), Cheshire's 3 numbered recommendations.
    assert _count(oxstore, INSP.GradedJudgement) == 38
    q = f"""SELECT (COUNT(*) AS ?n) WHERE {{ ?r a <{INSP.Recommendation}> ;
            <{INSP.force}> <{M.force('cheshire')}> ; <{INSP.ordinal}> ?k }}"""
    assert int(next(iter(oxstore.query(q, use_default_graph_as_union=True)))["n"].value) == 3


def test_a_judgement_read_by_hand(oxstore):
    # West Mercia 2007: "Performance Management ... GRADE EXCELLENT"; West Midlands 2006 1B Good, Improved.
    q = f"""ASK {{ <{M.u('data', 'judgement', 'inspection-2007', 'west-mercia', 'performance-management')}>
                 <{INSP.grade}> <{M.grade('egfp', 'Excellent')}> .
               <{M.u('data', 'judgement', 'baseline-2006', 'west-midlands', 'neighbourhood-policing-and-problem-solving')}>
                 <{INSP.grade}> <{M.grade('egfp', 'Good')}> ;
                 <{INSP.directionOfTravel}> <{M.direction('Improved')}> }}"""
    assert oxstore.query(q, use_default_graph_as_union=True)


def test_national_distribution_cells_are_held_once(oxstore):
    # Both 2007 reports print the national table; the union must still sum to 43 per area,
    # e.g. Neighbourhood Policing 6 + 14 + 21 + 2.
    q = f"""SELECT (SUM(?n) AS ?t) WHERE {{ ?c a <{INSP.GradeCount}> ; <{INSP.programme}> <{M.programme('inspection-2007')}> ;
            <{INSP.assessmentArea}> <{M.area('inspection-2007', 'neighbourhood-policing')}> ; <{INSP.forceCount}> ?n }}"""
    assert int(next(iter(oxstore.query(q, use_default_graph_as_union=True)))["t"].value) == 43


def test_no_triple_is_held_in_two_report_graphs(oxstore):
    # A triple two reports state (a national grade count, a glossary term) is held once, in the
    # shared graph; one only its report mints stays in that report's graph.
    q = f"""SELECT ?s ?p ?o WHERE {{ GRAPH ?g1 {{ ?s ?p ?o }} GRAPH ?g2 {{ ?s ?p ?o }}
            FILTER (STR(?g1) < STR(?g2) && STRSTARTS(STR(?g1), "{DEFAULT_BASE}/graph/")
                    && STRSTARTS(STR(?g2), "{DEFAULT_BASE}/graph/") && ?g1 != <{INFERRED}> && ?g2 != <{INFERRED}>) }} LIMIT 5"""
    assert list(oxstore.query(q)) == []
    shared = ox.NamedNode(str(M.graph("shared")))
    cell = ox.NamedNode(str(M.u("data", "grade-distribution", "inspection-2007", "neighbourhood-policing", "excellent")))
    count = ox.NamedNode(str(INSP.forceCount))
    assert {q.graph_name for q in oxstore.quads_for_pattern(cell, count, None, None)} == {shared}
    report = ox.NamedNode(str(M.report("west-mercia", "inspection-2007")))
    assert {q.graph_name.value for q in oxstore.quads_for_pattern(report, None, None, None)} - {str(INFERRED)} == {
        str(M.graph("report", "west-mercia", "inspection-2007"))}


def test_report_own_iris_are_those_of_one_force_and_programme():
    own = M.report_own("west-mercia", "inspection-2007")
    mine = [M.report("west-mercia", "inspection-2007"), M.u("id", "finding", "west-mercia", "inspection-2007", "x", "1"),
            M.u("data", "judgement", "inspection-2007", "west-mercia", "neighbourhood-policing")]
    # An area that happens to share a force's name is still a national grade count, not its own.
    theirs = [M.u("data", "grade-distribution", "inspection-2007", "west-mercia", "good"),
              M.u("data", "judgement", "inspection-2007"), M.report("west-mercia", "inspection-2007-x"),
              M.report("cheshire", "inspection-2007"), M.u("def", "glossary", "pcso", "x"), M.force("west-mercia")]
    assert all(f"<{iri}> <p> <o> .\n".startswith(own) for iri in mine)
    assert not any(f"<{iri}> <p> <o> .\n".startswith(own) for iri in theirs)


def test_entailments_are_present_and_only_in_the_inferred_graph(oxstore):
    afi = list(oxstore.quads_for_pattern(None, ox.NamedNode(str(RDF.type)), ox.NamedNode(str(INSP.AreaForImprovement)), None))
    assert afi
    for q in afi:
        finding = list(oxstore.quads_for_pattern(q.subject, ox.NamedNode(str(RDF.type)), ox.NamedNode(str(INSP.Finding)), None))
        assert [f.graph_name.value for f in finding] == [str(INFERRED)]
    # inverse links: every statement's report records it
    q = f"""ASK {{ ?s <{INSP.reportedIn}> ?r . FILTER NOT EXISTS {{ GRAPH <{INFERRED}> {{ ?r <{INSP.records}> ?s }} }} }}"""
    assert not oxstore.query(q, use_default_graph_as_union=True)
    # and the inferred graph holds nothing an asserted graph holds
    q = f"""ASK {{ GRAPH <{INFERRED}> {{ ?s ?p ?o }} GRAPH ?g {{ ?s ?p ?o }} FILTER (?g != <{INFERRED}>) }}"""
    assert not oxstore.query(q)


def test_spans_quote_the_stored_texts(built, oxstore):
    q = f"""SELECT ?sha ?start ?end ?exact WHERE {{ ?span <http://www.w3.org/ns/oa#hasSource> ?t ;
              <http://www.w3.org/ns/oa#hasSelector> ?p , ?q .
            ?t <{INSP.sha256}> ?sha . ?p <http://www.w3.org/ns/oa#start> ?start ; <http://www.w3.org/ns/oa#end> ?end .
            ?q <http://www.w3.org/ns/oa#exact> ?exact }}"""
    texts, n = {}, 0
    for row in oxstore.query(q, use_default_graph_as_union=True):
        sha = row["sha"].value
        texts.setdefault(sha, (built / "texts" / f"{sha}.txt").read_text(encoding="utf-8"))
        assert texts[sha][int(row["start"].value):int(row["end"].value)] == row["exact"].value
        n += 1
    assert n > 1000 and len(texts) == len(REPORTS)


def test_csv_tables_match_the_graph(built, oxstore):
    with (built / "exports" / "csv" / "judgements.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 38
    wm = [r for r in rows if r["force_id"] == "west-mercia" and r["area"] == "Performance Management"]
    assert [(r["grade"], r["year"]) for r in wm] == [("Excellent", "2007")]
    with (built / "exports" / "csv" / "findings.csv").open(encoding="utf-8") as fh:
        assert sum(1 for _ in csv.DictReader(fh)) == _count(oxstore, INSP.Strength) + _count(
            oxstore, INSP.WorkInProgress) + _count(oxstore, INSP.AreaForImprovement) + _count(
            oxstore, INSP.CauseOfConcern) + _count(oxstore, INSP.DetailedFinding)


def test_build_record_and_exports(built):
    record = json.loads((built / "build.json").read_text())
    assert record["validation"]["conforms"] is True
    assert {r["force"] for r in record["reports"]} == {"cheshire", "west-mercia", "west-midlands"}
    names = {p.name for p in (built / "exports" / "graphs").iterdir()}
    assert {"ontology.ttl", "reference.ttl", "inferred.ttl", "description.ttl", "shared.ttl",
            "report-west-mercia-peel-2018.ttl"} <= names
    ctx = json.loads((built / "exports" / "context.jsonld").read_text())["@context"]
    assert ctx["insp"] == str(INSP)
    ld = json.loads((built / "exports" / "dataset.jsonld").read_text())
    assert ld  # parses as JSON
    assert "<title>hmic-kg inspection ontology</title>" in (built / "exports" / "ontology.html").read_text()
    assert "Strength" in (built / "exports" / "ontology.html").read_text()


def test_parallel_extraction_gives_the_same_models(tmp_path):
    # Large corpora are parsed on a process pool; the result must not depend on it. The Cheshire
    # report renamed for other forces makes a corpus above the pool threshold.
    from graph_builder.errors import ReportError
    from graph_builder.pipeline.timeline import PARALLEL_FROM, parse_corpus
    from graph_builder.reference.forces import all_forces
    text = (CORPUS / "cheshire-2007-inspection.txt").read_text(encoding="utf-8")
    names = [f.stem for f in all_forces() if f.id != "cheshire" and " " not in f.stem][:PARALLEL_FROM]
    files = []
    for name in names:
        f = tmp_path / f"{name.lower()}-2007.txt"
        f.write_text(text.replace("Cheshire", name), encoding="utf-8")
        files.append(f)
    seq = parse_corpus(files, workers=1)
    par = parse_corpus(files, workers=2)
    assert len(par) == PARALLEL_FROM and len({p.model["force"]["id"] for p in par}) == PARALLEL_FROM
    assert [p.model for p in par] == [p.model for p in seq]
    # A refused corpus (a second report for one force and programme) is refused the same way.
    (tmp_path / "zz-again.txt").write_text(text.replace("Cheshire", names[0]), encoding="utf-8")
    with pytest.raises(ReportError) as a:
        parse_corpus([*files, tmp_path / "zz-again.txt"], workers=1)
    with pytest.raises(ReportError) as b:
        parse_corpus([*files, tmp_path / "zz-again.txt"], workers=2)
    assert str(a.value) == str(b.value) and "second report" in str(a.value)
