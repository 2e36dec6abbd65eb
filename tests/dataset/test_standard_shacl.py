"""shapes/shapes.ttl is plain SHACL 1.0: another engine (pySHACL) accepts the whole file, finds the
corpus build conforming, and flags the nodes the project's own validator flags on every failing
example of test_shapes.py; and no SPARQL constraint uses what SHACL forbids there."""
import pyoxigraph as ox
import pyshacl
import pytest
from pyparsing import ParseResults
from rdflib import BNode, Graph, Literal
from rdflib.namespace import RDF
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.sparql.parserutils import CompValue

from graph_builder.extract import parse_file
from graph_builder.iris import SH
from graph_builder.oxrdf import term_from_ox, to_ox
from graph_builder.paths import project_dir
from graph_builder.to_rdf.mapping import map_report
from graph_builder.validate.files import validate_store
from graph_builder.validate.validation import shapes_graph
from tests.conftest import CORPUS
from tests.dataset.test_shapes import BREAKS, PREFIXES

# Variables a SHACL processor may bind before it runs a constraint (SHACL 1.0, 5.3.1 and 6.3):
# a query must not assign them, and a subquery must return $this.
PRE_BOUND = {"this", "shapesGraph", "currentShape"}


def union_graph(quads) -> Graph:
    """Every triple of every graph in one rdflib graph: what the build validates (pySHACL checks
    each named graph of a Dataset on its own, so a Dataset would not do)."""
    g = Graph()
    for q in quads:
        g.add((term_from_ox(q.subject), term_from_ox(q.predicate), term_from_ox(q.object)))
    return g


def pyshacl_report(data: Graph, shapes: Graph) -> Graph:
    # inference none: the build has materialised the entailments the shapes rely on.
    _, report, _ = pyshacl.validate(data, shacl_graph=shapes, inference="none", allow_warnings=True,
                                    abort_on_first=False)
    assert isinstance(report, Graph), report
    return report


def owner(shapes: Graph, shape):
    """The named shape holding a (blank) property shape: pySHACL reports the property shape, the
    project's validator the node shape holding it."""
    while isinstance(shape, BNode):
        shape = next(shapes.subjects(SH.property, shape))
    return shape


def keys(report: Graph, shapes: Graph) -> set:
    return {(report.value(r, SH.focusNode), owner(shapes, report.value(r, SH.sourceShape)),
             report.value(r, SH.sourceConstraintComponent), report.value(r, SH.resultPath),
             report.value(r, SH.value), report.value(r, SH.resultSeverity))
            for r in report.subjects(RDF.type, SH.ValidationResult)}


# ------------------------------------------------------------------ pySHACL on the whole file

def test_pyshacl_finds_the_corpus_build_conforming(built):
    # dataset.nq holds every graph the build validated: reports, reference data, ontology, entailments.
    data = union_graph(ox.parse(path=str(built / "exports" / "dataset.nq"), format=ox.RdfFormat.N_QUADS))
    assert len(data) > 40_000
    shapes = shapes_graph()
    report = pyshacl_report(data, shapes)
    top = report.value(None, RDF.type, SH.ValidationReport)
    assert report.value(top, SH.conforms) == Literal(True), report.serialize(format="turtle")[:3000]
    # and the same results (none) as the build's own validation
    ours = Graph().parse(built / "exports" / "validation.ttl")
    assert keys(report, shapes) == keys(ours, shapes) == set()


@pytest.fixture(scope="module")
def report_quads():
    # The West Mercia 2007 report graph test_shapes.py breaks.
    path = CORPUS / "west-mercia-2007-inspection.txt"
    ds = map_report(parse_file(path), path.read_text(encoding="utf-8"))
    return [to_ox(q) for q in ds.quads((None, None, None, None)) if q[3] is not None]


@pytest.mark.parametrize("shape,update", BREAKS, ids=[f"{i}-{b[0]}" for i, b in enumerate(BREAKS)])
def test_pyshacl_and_the_fast_validator_agree_on_each_failing_example(report_quads, shape, update):
    store = ox.Store()
    store.extend(report_quads)
    store.update(PREFIXES + update)
    ours = validate_store(store)  # adds the reference data, ontology and entailments to the store
    shapes = shapes_graph()
    theirs = keys(pyshacl_report(union_graph(store), shapes), shapes)
    mine = keys(ours.report, shapes)
    assert mine == theirs, {"only ours": mine - theirs, "only pyshacl": theirs - mine}
    # Not vacuous: the shape the example breaks is among those both report.
    assert shape.split(":")[1] in {str(k[1]).rsplit("/", 1)[1] for k in theirs}


# ------------------------------------------------------------------ what a SPARQL constraint may hold

def forbidden(query: str) -> list[str]:
    """What SHACL 1.0 forbids in a SPARQL constraint (5.3.1, 6.3), found in rdflib's parse tree of
    the query, so a keyword inside a string, an IRI or a prefixed name is not mistaken for one."""
    found = []

    def walk(node):
        if isinstance(node, CompValue):
            if node.name in ("InlineData", "ValuesClause"):
                found.append("VALUES")
            elif node.name == "MinusGraphPattern":
                found.append("MINUS")
            elif node.name == "ServiceGraphPattern":
                found.append("SERVICE")
            elif node.name in ("Bind", "GroupAs") and str(node.get("var")) in PRE_BOUND:
                found.append(f"AS ?{node['var']}")
            elif node.name == "vars" and str(node.get("evar")) in PRE_BOUND:
                found.append(f"AS ?{node['evar']}")
            elif node.name == "SubSelect":
                projected = {str(v.get("var") or v.get("evar")) for v in node.get("projection") or []}
                if "this" not in projected:
                    found.append("a subquery that does not return $this")
            for v in node.values():
                walk(v)
        elif isinstance(node, (list, tuple, ParseResults)):
            for v in node:
                walk(v)
    walk(parseQuery(query))
    return found


def sparql_constraints(shapes: Graph):
    """(shape, query text with its declared prefixes) of every sh:select and sh:ask."""
    for shape, c in shapes.subject_objects(SH.sparql):
        prefixes = "".join(f"PREFIX {shapes.value(d, SH.prefix)}: <{shapes.value(d, SH.namespace)}>\n"
                           for decl in shapes.objects(c, SH.prefixes) for d in shapes.objects(decl, SH.declare))
        for p in (SH.select, SH.ask):
            for q in shapes.objects(c, p):
                yield shape, prefixes + str(q)


def test_no_sparql_constraint_uses_what_shacl_forbids():
    files = sorted(project_dir("shapes").glob("*.ttl"))
    assert files
    seen = 0
    for f in files:
        shapes = Graph().parse(f)
        for shape, query in sparql_constraints(shapes):
            seen += 1
            translateQuery(parseQuery(query))  # parses, and every prefix it uses is declared
            assert forbidden(query) == [], (shape, query)
    assert seen >= 12


@pytest.mark.parametrize("where,expected", [
    ("{ VALUES ?k { ex:a ex:b } ?this a ?k }", ["VALUES"]),
    ("{ ?this a ?k } VALUES ?k { ex:a }", ["VALUES"]),
    ("{ ?this a ex:a MINUS { ?this a ex:b } }", ["MINUS"]),
    ("{ SERVICE <http://example.org/sparql> { ?this a ex:a } }", ["SERVICE"]),
    ("{ ?x a ex:a BIND (?x AS $this) }", ["AS ?this"]),
    ("{ ?x a ex:a BIND (?x AS ?currentShape) }", ["AS ?currentShape"]),
    ("{ { SELECT ?x WHERE { ?x a ex:a } } }", ["a subquery that does not return $this"]),
    # Not forbidden: the words in a string, an IRI, a prefixed name; a subquery returning $this.
    ('{ ?this ex:allowedValues ?v FILTER (?v != "VALUES MINUS SERVICE") }', []),
    ("{ ?this <http://example.org/MINUS> ?v BIND (?v AS ?value) }", []),
    ("{ { SELECT $this ?x WHERE { $this ex:p ?x } } }", []),
])
def test_the_check_finds_each_forbidden_form(where, expected):
    select = "SELECT ?value" if "?value" in where else "SELECT $this"
    assert forbidden(f"PREFIX ex: <http://example.org/>\n{select} WHERE {where}") == expected


def test_the_check_finds_an_assigned_this_in_the_projection_and_grouping():
    assert forbidden("SELECT (1 AS $this) WHERE { }") == ["AS ?this"]
    assert forbidden("SELECT ?x WHERE { ?x ?p ?o } GROUP BY (?x AS ?this)") == ["AS ?this"]
