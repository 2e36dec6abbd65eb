"""Required triple patterns moved before OPTIONAL and BIND (service/query_order.py): the same
answers, as a multiset, on every query, and no move where SPARQL's semantics would change them."""
import random
from collections import Counter

import pytest
from pyoxigraph import NamedNode, Store

from service.query_order import reorder

B = "https://w3id.org/hmic-kg"
P = """PREFIX insp: <https://w3id.org/hmic-kg/def/inspection/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""
ISSUE_20 = P + """SELECT ?force ?prog ?code ?area ?grade ?gradeSource WHERE {
  ?j a insp:GradedJudgement ; insp:force/skos:prefLabel ?force ; insp:programme ?p ; insp:assessmentArea ?a ; insp:grade ?g .
  OPTIONAL { ?j insp:gradeSource ?gradeSource }
  BIND(REPLACE(STR(?p),"^.*/","") AS ?prog)
  ?a skos:prefLabel ?area . OPTIONAL { ?a skos:notation ?code }
  ?g skos:prefLabel ?grade .
} ORDER BY ?force ?prog ?code ?area"""


@pytest.fixture(scope="module")
def store(built):
    return Store.read_only(str(built / "store"))


def answers(store, query):
    return Counter(tuple(None if t is None else str(t) for t in row)
                   for row in store.query(query, use_default_graph_as_union=True))


@pytest.fixture(scope="module")
def one_report(store):
    """One report's graph with the reference data: small enough for the issue query as written
    (8.6 s on the whole corpus)."""
    small = Store()
    for g in ("report/west-mercia/inspection-2007", "reference", "shared"):
        small.extend(store.quads_for_pattern(None, None, None, NamedNode(f"{B}/graph/{g}")))
    return small


def test_the_issue_query_has_its_labels_moved_before_the_optional_and_bind(one_report):
    text = reorder(ISSUE_20)
    where = text[text.index("WHERE"):]
    assert where.index("?a skos:prefLabel ?area") < where.index("OPTIONAL")
    assert where.index("?g skos:prefLabel ?grade") < where.index("BIND")
    expected = answers(one_report, ISSUE_20)
    assert sum(expected.values()) == 6  # West Mercia 2007: six graded areas (l.243-808)
    assert answers(one_report, text) == expected
    # Ordered the same: ORDER BY is untouched.
    ordered = [tuple(map(str, r)) for r in one_report.query(text, use_default_graph_as_union=True)]
    assert [r[0] for r in ordered] == sorted(r[0] for r in ordered)


@pytest.mark.parametrize("query", [
    # ?code is bound only by the OPTIONAL: joining first would keep rows the original drops.
    "SELECT * WHERE { ?s a insp:Recommendation OPTIONAL { ?s insp:assessmentArea ?a } ?a skos:prefLabel ?l }",
    # The BIND's variable is used by the later pattern.
    "SELECT * WHERE { ?s a insp:Recommendation ; insp:force ?f BIND(?f AS ?g) ?g skos:prefLabel ?l }",
    # The BIND's expression reads a variable only the later pattern binds.
    "SELECT * WHERE { ?s a insp:Recommendation BIND(COALESCE(?l, 'none') AS ?x) ?s insp:text ?l }",
    # The OPTIONAL's filter reads a variable only the later pattern binds.
    "SELECT * WHERE { ?s a insp:Recommendation OPTIONAL { ?s insp:force ?f FILTER(?y > 2000) } ?s insp:reportedIn/insp:year ?y }",
    # A MINUS, a sub-group or VALUES is not crossed.
    "SELECT * WHERE { ?s a insp:Recommendation MINUS { ?s insp:theme ?t } ?s insp:text ?x }",
    "SELECT * WHERE { ?s a insp:Recommendation { ?s insp:theme ?t } OPTIONAL { ?s insp:force ?f } }",
    # Nothing after the OPTIONAL; no OPTIONAL at all.
    "SELECT * WHERE { ?s a insp:Recommendation OPTIONAL { ?s insp:force ?f } }",
    "SELECT * WHERE { ?s a insp:Recommendation ; insp:text ?x }",
    # A CONSTRUCT, and text that does not parse, are left to the engine.
    "CONSTRUCT { ?s ?p ?o } WHERE { ?s a insp:Recommendation OPTIONAL { ?s insp:force ?o } ?s ?p ?o }",
    "SELECT * WHERE { ?s a insp:Recommendation OPTIONAL { ?s insp:force ?f } ?f skos:prefLabel",
])
def test_no_move_where_the_answer_could_change(query):
    assert reorder(P + query) is None


def test_a_move_past_an_optional_whose_shared_variables_are_bound_before_it(store):
    q = P + "SELECT * WHERE { ?s a insp:Recommendation OPTIONAL { ?s insp:assessmentArea ?a } ?s insp:force ?f . ?f skos:prefLabel ?l }"
    text = reorder(q)
    assert text is not None and text.index("?f skos:prefLabel") < text.index("OPTIONAL")
    assert answers(store, text) == answers(store, q)


@pytest.fixture(scope="module")
def cheshire(store):
    """Cheshire 2007 (three recommendations) with the reference data and the links: random
    queries may join through a variable an OPTIONAL left unbound, which multiplies rows."""
    small = Store()
    for g in ("report/cheshire/inspection-2007", "reference", "shared", "links"):
        small.extend(store.quads_for_pattern(None, None, None, NamedNode(f"{B}/graph/{g}")))
    return small


# Pieces of the corpus's vocabulary for random groups: triple patterns and OPTIONALs (each added
# only once its subject variable is mentioned), OPTIONALs, BINDs and FILTERs over shared variables, so that some
# moves are safe and some are not.
TRIPLES = [("?s", "?s insp:force ?f"), ("?f", "?f skos:prefLabel ?fl"), ("?s", "?s insp:reportedIn ?r"),
           ("?r", "?r insp:year ?y"), ("?s", "?s insp:theme ?t"), ("?t", "?t skos:prefLabel ?tl"),
           ("?s", "?s insp:assessmentArea ?a"), ("?a", "?a skos:prefLabel ?al"),
           ("?r", "?r insp:programme ?p"), ("?s", "?s insp:text ?x"), ("?a", "?a skos:notation ?code"),
           ("?t", "?t skos:broader ?bt"), ("?s", "?s insp:sourceSpan/insp:firstLine ?line")]
OPTIONALS = [("?s", "OPTIONAL { ?s insp:assessmentArea ?a }"), ("?a", "OPTIONAL { ?a skos:notation ?code }"),
             ("?t", "OPTIONAL { ?t skos:broader ?bt . ?bt skos:prefLabel ?btl }"),
             ("?r", "OPTIONAL { ?r insp:year ?y FILTER(?y > 2010) }"), ("?s", "OPTIONAL { ?s insp:addresses ?fd }"),
             ("?f", "OPTIONAL { ?f skos:altLabel ?fal FILTER(STRLEN(?fal) > ?n) }")]
BINDS = ["BIND(STR(?y) AS ?ys)", "BIND(COALESCE(?code, 'none') AS ?c2)", "BIND(STRLEN(?x) AS ?n)",
         "BIND(REPLACE(STR(?p), '^.*/', '') AS ?prog)", "BIND(?a AS ?a2)"]
FILTERS = ["FILTER(?y >= 2007)", "FILTER(!BOUND(?code) || ?code != 'X')", "FILTER(CONTAINS(LCASE(?x), 'crime'))"]


def random_queries(n: int, seed: int):
    rng = random.Random(seed)
    for _ in range(n):
        parts = ["?s a insp:Recommendation ."]  # a small anchor keeps every plan cheap
        for _ in range(rng.randint(3, 7)):
            kind = rng.choice("TTTOOBF")
            mentioned = " ".join(parts)
            if kind in "TO":
                choices = [t for needs, t in (TRIPLES if kind == "T" else OPTIONALS) if needs in mentioned]
                parts.append(rng.choice(choices) + (" ." if kind == "T" else ""))
            else:
                parts.append(rng.choice({"B": BINDS, "F": FILTERS}[kind]))
        yield P + "SELECT * WHERE {\n  " + "\n  ".join(parts) + "\n}"


def test_answers_are_the_same_on_random_queries(cheshire):
    moved = 0
    for query in random_queries(200, seed=20):
        try:
            expected = answers(cheshire, query)
        except SyntaxError:
            assert reorder(query) is None or pytest.fail(f"rewrote a query Oxigraph refuses:\n{query}")
            continue  # BIND to a variable already in scope: refused by the engine as written
        text = reorder(query)
        if text is None:
            continue
        moved += 1
        assert answers(cheshire, text) == expected, f"{query}\n--- became ---\n{text}"
    assert moved >= 40  # the generator gives the rewrite plenty to do
