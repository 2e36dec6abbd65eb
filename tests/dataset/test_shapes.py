"""Each shape has a small failing example that proves it fires.

The examples start from one real report graph (West Mercia 2007, mapped in memory) that conforms,
break one thing with a SPARQL update, and check that the shape meant to catch it does."""
import pyoxigraph as ox
import pytest

from graph_builder.extract import parse_file
from graph_builder.iris import DEFAULT_BASE
from graph_builder.oxrdf import to_ox
from graph_builder.to_rdf.mapping import map_report
from graph_builder.validate.files import validate_store
from tests.conftest import CORPUS

B = DEFAULT_BASE
PREFIXES = f"""PREFIX insp: <{B}/def/inspection/> PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX oa: <http://www.w3.org/ns/oa#> PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""
G = f"<{B}/graph/report/west-mercia/inspection-2007>"
J = f"<{B}/data/judgement/inspection-2007/west-mercia/neighbourhood-policing>"
S1 = f"<{B}/id/finding/west-mercia/inspection-2007/neighbourhood-policing/strength/1>"
# A second finding of the same report: a link between the two is within one report, a follow-up
# between them is not later.
S2 = f"<{B}/id/finding/west-mercia/inspection-2007/neighbourhood-policing/strength/2>"


@pytest.fixture(scope="module")
def base_quads():
    path = CORPUS / "west-mercia-2007-inspection.txt"
    ds = map_report(parse_file(path), path.read_text(encoding="utf-8"))
    return [to_ox(q) for q in ds.quads((None, None, None, None)) if q[3] is not None]


def run(base_quads, update: str | None):
    store = ox.Store()
    store.extend(base_quads)
    if update:
        store.update(PREFIXES + update)
    return validate_store(store)


def test_the_unbroken_example_conforms(base_quads):
    result = run(base_quads, None)
    assert result.conforms, [str(p) for p in result.violations[:5]]


BREAKS = [
    ("shapes:PoliceForce", f"""INSERT DATA {{ GRAPH {G} {{ <{B}/id/force/nowhere> a insp:PoliceForce ;
        skos:prefLabel "Nowhere Police"@en ; insp:forceId "nowhere" ; insp:onsCode "X99" }} }}"""),
    ("shapes:Programme", f"""INSERT DATA {{ GRAPH {G} {{ <{B}/id/programme/inspection-2007>
        insp:gradeScale <{B}/def/grade-scale/peel-2014> }} }}"""),
    ("shapes:AssessmentArea", f"""INSERT DATA {{ GRAPH {G} {{ <{B}/def/framework/inspection-2007/neighbourhood-policing>
        skos:prefLabel "Neighbourhood policing (again)"@en }} }}"""),
    ("shapes:Grade", f"""INSERT DATA {{ GRAPH {G} {{ <{B}/def/grade-scale/egfp/good> insp:rank "high" }} }}"""),
    ("shapes:GradeRankUnique", f"""INSERT DATA {{ GRAPH {G} {{ <{B}/def/grade-scale/peel-2021/adequate> insp:rank 4 }} }}"""),
    ("shapes:DirectionOfTravel", f"""INSERT DATA {{ GRAPH {G} {{ <{B}/def/direction-of-travel/improved>
        skos:prefLabel "Better"@en }} }}"""),
    ("shapes:InspectionReport", f"""DELETE WHERE {{ GRAPH {G} {{ <{B}/id/report/west-mercia/inspection-2007> insp:year ?y }} }}"""),
    ("shapes:Inspection", f"""DELETE {{ GRAPH {G} {{ ?i insp:conductedBy ?who }} }}
        WHERE {{ GRAPH {G} {{ ?i a insp:Inspection ; insp:conductedBy ?who }} }}"""),
    ("shapes:ReportText", f"""DELETE {{ GRAPH {G} {{ ?t insp:sha256 ?h }} }} INSERT {{ GRAPH {G} {{ ?t insp:sha256 "not-a-digest"^^xsd:hexBinary }} }}
        WHERE {{ GRAPH {G} {{ ?t insp:sha256 ?h }} }}"""),
    ("shapes:GradedJudgement", f"""INSERT DATA {{ GRAPH {G} {{ {J} insp:grade <{B}/def/grade-scale/egfp/poor> }} }}"""),
    ("shapes:JudgementScale", f"""DELETE {{ GRAPH {G} {{ {J} insp:grade ?g }} }}
        INSERT {{ GRAPH {G} {{ {J} insp:grade <{B}/def/grade-scale/peel-2014/good> }} }} WHERE {{ GRAPH {G} {{ {J} insp:grade ?g }} }}"""),
    ("shapes:OneJudgementPerArea", f"""INSERT {{ GRAPH {G} {{ ?j2 ?p ?o }} }} WHERE {{ GRAPH {G} {{ {J} ?p ?o }}
        BIND (IRI(CONCAT(STR({J}), "-again")) AS ?j2) }}"""),
    ("shapes:GradeCount", f"""DELETE {{ GRAPH {G} {{ ?c insp:forceCount ?n }} }} INSERT {{ GRAPH {G} {{ ?c insp:forceCount -1 }} }}
        WHERE {{ GRAPH {G} {{ ?c insp:forceCount ?n }} FILTER (STRENDS(STR(?c), "neighbourhood-policing/poor")) }}"""),
    ("shapes:DistributionTotal", f"""DELETE {{ GRAPH {G} {{ ?c insp:forceCount ?n }} }} INSERT {{ GRAPH {G} {{ ?c insp:forceCount 40 }} }}
        WHERE {{ GRAPH {G} {{ ?c insp:forceCount ?n }} FILTER (STRENDS(STR(?c), "neighbourhood-policing/poor")) }}"""),
    ("shapes:FindingKind", f"""INSERT DATA {{ GRAPH {G} {{ {S1} a insp:AreaForImprovement }} }}"""),
    ("shapes:FindingKind", f"""INSERT DATA {{ GRAPH {G} {{ {S1} a insp:DetailedFinding }} }}"""),
    ("shapes:GradeNotStated", f"""INSERT DATA {{ GRAPH {G} {{ {J} a insp:GradeNotStated }} }}"""),
    ("shapes:NarrativeStatement", f"""DELETE WHERE {{ GRAPH {G} {{
        <{B}/id/statement/west-mercia/inspection-2007/neighbourhood-policing/context/1> insp:text ?t }} }}"""),
    ("shapes:Finding", f"""DELETE WHERE {{ GRAPH {G} {{ {S1} insp:text ?t }} }}"""),
    ("shapes:Finding", f"""DELETE WHERE {{ GRAPH {G} {{ {S1} insp:theme ?t }} }}"""),
    ("shapes:Theme", f"""INSERT DATA {{ GRAPH {G} {{ <{B}/def/theme/nothing-at-all> a insp:Theme ;
        skos:prefLabel "Nothing at all"@en ; skos:inScheme <{B}/def/theme> }} }}"""),
    ("shapes:SimilarityLink", f"""INSERT DATA {{ GRAPH {G} {{ <{B}/data/similarity/test-v1/0123456789abcdef> a insp:SimilarityLink ;
        insp:linkSource {S1} ; insp:linkTarget {S2} ; insp:similarityScore 1.5 ;
        insp:similarityMethod <{B}/def/similarity-method/test-v1> ;
        <http://www.w3.org/ns/prov#wasGeneratedBy> <{B}/id/run/similarity/test-v1> }} }}"""),
    ("shapes:LinkOrder", f"""INSERT DATA {{ GRAPH {G} {{ <{B}/data/similarity/test-v1/0123456789abcdef> a insp:SimilarityLink ;
        insp:linkSource {S1} ; insp:linkTarget {S2} ; insp:similarityScore 0.5 ;
        insp:similarityMethod <{B}/def/similarity-method/test-v1> ;
        <http://www.w3.org/ns/prov#wasGeneratedBy> <{B}/id/run/similarity/test-v1> }} }}"""),
    ("shapes:FollowUp", f"""INSERT DATA {{ GRAPH {G} {{ <{B}/data/follow-up/0123456789abcdef> a insp:FollowUp ;
        insp:followUpOf {S1} }} }}"""),
    ("shapes:FollowUpSameForceLater", f"""INSERT DATA {{ GRAPH {G} {{ <{B}/data/follow-up/0123456789abcdef> a insp:FollowUp ;
        insp:followUpOf {S1} ; insp:followUpBy {S2} }} }}"""),
    ("shapes:SpanSelectors", f"""DELETE {{ GRAPH {G} {{ ?q a oa:TextQuoteSelector }} }} INSERT {{ GRAPH {G} {{ ?q a oa:TextPositionSelector }} }}
        WHERE {{ GRAPH {G} {{ ?q a oa:TextQuoteSelector }} FILTER (?q = <{S1[1:-1]}/span/1/quote>) }}"""),
    ("shapes:Recommendation", f"""INSERT DATA {{ GRAPH {G} {{ <{B}/id/recommendation/west-mercia/inspection-2007/1> a insp:Recommendation ;
        insp:reportedIn <{B}/id/report/west-mercia/inspection-2007> ; insp:force <{B}/id/force/west-mercia> ;
        insp:sourceSpan <{B}/id/finding/west-mercia/inspection-2007/neighbourhood-policing/strength/1/span/1> }} }}"""),
    ("shapes:GoodPracticeExample", f"""DELETE WHERE {{ GRAPH {G} {{ <{B}/id/good-practice/west-mercia/inspection-2007/1> dcterms:title ?t }} }}"""),
    ("shapes:ForceFact", f"""DELETE WHERE {{ GRAPH {G} {{ <{B}/id/fact/west-mercia/inspection-2007/1> insp:quantity ?q }} }}"""),
    ("shapes:PriorGradeCitation", f"""DELETE {{ GRAPH {G} {{ ?c insp:citedGrade ?g }} }} INSERT {{ GRAPH {G} {{ ?c insp:citedGrade <{B}/id/force/west-mercia> }} }}
        WHERE {{ GRAPH {G} {{ ?c insp:citedGrade ?g }} }}"""),
    ("shapes:GlossaryTerm", f"""DELETE WHERE {{ GRAPH {G} {{ <{B}/def/glossary/bcu/basic-command-unit> skos:altLabel ?a }} }}"""),
    ("shapes:SourceSpan", f"""DELETE WHERE {{ GRAPH {G} {{ <{S1[1:-1]}/span/1> oa:hasSource ?t }} }}"""),
    ("shapes:TextPositionSelector", f"""DELETE {{ GRAPH {G} {{ ?p oa:start ?s }} }} INSERT {{ GRAPH {G} {{ ?p oa:start 999999999 }} }}
        WHERE {{ GRAPH {G} {{ <{S1[1:-1]}/span/1/position> oa:start ?s }} BIND (<{S1[1:-1]}/span/1/position> AS ?p) }}"""),
    ("shapes:TextQuoteSelector", f"""DELETE {{ GRAPH {G} {{ ?q oa:exact ?e }} }} INSERT {{ GRAPH {G} {{ ?q oa:exact "" }} }}
        WHERE {{ GRAPH {G} {{ ?q oa:exact ?e }} FILTER (?q = <{S1[1:-1]}/span/1/quote>) }}"""),
    ("shapes:QuoteMatchesText", f"""DELETE {{ GRAPH {G} {{ ?q oa:exact ?e }} }} INSERT {{ GRAPH {G} {{ ?q oa:exact "words the report never printed" }} }}
        WHERE {{ GRAPH {G} {{ ?q oa:exact ?e }} FILTER (?q = <{S1[1:-1]}/span/1/quote>) }}"""),
]


@pytest.mark.parametrize("shape,update", BREAKS, ids=[b[0] for b in BREAKS])
def test_each_shape_fires_on_its_failing_example(base_quads, shape, update):
    result = run(base_quads, update)
    assert not result.conforms
    assert shape in {p.shape for p in result.violations}, [str(p) for p in result.violations[:5]]


def test_force_roll_is_a_warning_only(base_quads):
    result = run(base_quads, f"""INSERT DATA {{ GRAPH {G} {{ <{B}/id/force/atlantis> a insp:PoliceForce ;
        skos:prefLabel "Atlantis Constabulary"@en ; insp:forceId "atlantis" ; insp:onsCode "E23999999" }} }}""")
    assert result.conforms
    assert "shapes:ForceRoll" in {p.shape for p in result.problems if p.severity == "Warning"}


def test_problems_name_the_report_file_and_source_line(base_quads):
    store = ox.Store()
    store.extend(base_quads)
    store.update(PREFIXES + BREAKS[-1][1])
    result = validate_store(store, sources={f"{B}/id/report/west-mercia/inspection-2007": "corpus/west-mercia-2007-inspection.txt"})
    (p,) = [p for p in result.violations if p.shape == "shapes:QuoteMatchesText"]
    assert p.report == "corpus/west-mercia-2007-inspection.txt"
    assert p.line and p.line > 1
    assert "corpus/west-mercia-2007-inspection.txt:" in str(p)


def test_sparql_shapes_still_fire_under_another_base():
    # Regression: the shapes declare their SPARQL prefixes as literals, which rebasing once missed,
    # leaving every whole-graph check silently looking at the wrong namespace.
    other = "http://data.example.org/police"
    path = CORPUS / "west-mercia-2007-inspection.txt"
    ds = map_report(parse_file(path), path.read_text(encoding="utf-8"), base=other)
    store = ox.Store()
    store.extend(to_ox(q) for q in ds.quads((None, None, None, None)) if q[3] is not None)
    store.update(f"""DELETE {{ GRAPH ?g {{ ?j <{other}/def/inspection/grade> ?x }} }}
        INSERT {{ GRAPH ?g {{ ?j <{other}/def/inspection/grade> <{other}/def/grade-scale/peel-2014/good> }} }}
        WHERE {{ GRAPH ?g {{ ?j <{other}/def/inspection/grade> ?x }} FILTER (STRENDS(STR(?j), "/neighbourhood-policing")) }}""")
    result = validate_store(store, base=other)
    assert "shapes:JudgementScale" in {p.shape for p in result.violations}
