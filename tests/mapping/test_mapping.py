"""Parse model -> RDF: every area judgement, finding, recommendation and good-practice item of every
corpus report is in the report's named graph once, anchored to the exact source text."""
import pytest
from rdflib import Dataset, URIRef
from rdflib.namespace import RDF

from graph_builder.extract import parse_file
from graph_builder.iris import DEFAULT_BASE, OA, Minter
from graph_builder.to_rdf.mapping import map_report
from tests.conftest import CORPUS

INSP = Minter().insp
FILES = sorted(CORPUS.glob("*.txt"))


@pytest.fixture(scope="module", params=[p.name for p in FILES])
def mapped(request):
    path = CORPUS / request.param
    model = parse_file(path)
    text = path.read_text(encoding="utf-8")
    return model, text, map_report(model, text)


def count(ds: Dataset, cls) -> int:
    return len(set(ds.subjects(RDF.type, cls)))


def test_counts_match_the_parse_model(mapped):
    model, _, ds = mapped
    assert count(ds, INSP.GradedJudgement) == sum(
        1 for a in model["areas"] if a["graded"] and a["grade"] and a["grade"] != "Not graded")
    for kind, cls in (("strength", INSP.Strength), ("work-in-progress", INSP.WorkInProgress),
                      ("area-for-improvement", INSP.AreaForImprovement), ("cause-of-concern", INSP.CauseOfConcern)):
        assert count(ds, cls) == sum(1 for f in model["findings"] if f["kind"] == kind), kind
    assert count(ds, INSP.Recommendation) == len(model["recommendations"])
    assert count(ds, INSP.GoodPracticeExample) == len(model["good_practice"])


def test_every_span_quotes_the_stored_text_at_its_offsets(mapped):
    _, text, ds = mapped
    spans = list(ds.subjects(RDF.type, OA.SpecificResource))
    assert spans
    for sp in spans:
        pos = quote = None
        for sel in ds.objects(sp, OA.hasSelector):
            if (sel, RDF.type, OA.TextPositionSelector) in ds:
                pos = sel
            else:
                quote = sel
        start, end = int(ds.value(pos, OA.start)), int(ds.value(pos, OA.end))
        assert 0 <= start < end <= len(text)
        assert str(ds.value(quote, OA.exact)) == text[start:end]


def test_same_input_same_nquads(mapped):
    model, text, ds = mapped
    again = map_report(model, text)
    assert sorted(ds.serialize(format="nquads").splitlines()) == sorted(again.serialize(format="nquads").splitlines())


def test_uris_follow_the_contract():
    path = CORPUS / "west-mercia-2007-inspection.txt"
    model = parse_file(path)
    ds = map_report(model, path.read_text(encoding="utf-8"))
    j = URIRef(f"{DEFAULT_BASE}/data/judgement/inspection-2007/west-mercia/neighbourhood-policing")
    assert (j, INSP.grade, URIRef(f"{DEFAULT_BASE}/def/grade-scale/egfp/good")) in ds
    f = URIRef(f"{DEFAULT_BASE}/id/finding/west-mercia/inspection-2007/neighbourhood-policing/area-for-improvement/4")
    assert str(ds.value(f, INSP.text)).startswith("Recruitment vetting for CSOs")
    assert URIRef(f"{DEFAULT_BASE}/graph/report/west-mercia/inspection-2007") in {g.identifier for g in ds.graphs()}
