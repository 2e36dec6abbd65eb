"""The build's downloads that people and their tools read: JSON-LD compacted with the published
context (held to pyld, the maintained JSON-LD processor, and to the quads it came from; no
context is ever fetched), and the statement CSVs with their themes."""
import csv
import io
import json
import socket
import threading

import pyoxigraph as ox
import pytest
from pyld import jsonld

from graph_builder.errors import HmicKgError
from graph_builder.export.formats import THEME_SEPARATOR
from graph_builder.export.jsonld import (
    CannotCompact,
    Compactor,
    expanded_node,
    sorted_nodes,
    write_triples,
)
from graph_builder.export.jsonld_context import context_for
from graph_builder.iris import DEFAULT_BASE
from graph_builder.reference.graphs import reference_graph

WM18 = f"{DEFAULT_BASE}/id/finding/west-mercia/peel-2018"
INSP = f"{DEFAULT_BASE}/def/inspection/"


def refuse(url, options=None):
    raise AssertionError(f"a JSON-LD processor tried to load {url}")


@pytest.fixture(scope="module")
def store(built):
    return ox.Store.read_only(str(built / "store"))


@pytest.fixture(scope="module")
def context(built):
    return json.loads((built / "exports" / "context.jsonld").read_text(encoding="utf-8"))["@context"]


def test_published_context_is_the_ontologys_prefixes_and_terms(context):
    assert context == context_for(DEFAULT_BASE)  # deterministic, from the code and ontology
    assert context["insp"] == INSP and context["skos"] == "http://www.w3.org/2004/02/skos/core#"
    assert context["grade"] == "insp:grade" and context["GradedJudgement"] == "insp:GradedJudgement"
    assert context["leadIn"] == "insp:leadIn" and context["GradeNotStated"] == "insp:GradeNotStated"
    # Plain terms only: a term fits any value, so no value loses its datatype or language.
    assert all(isinstance(v, str) for v in context.values())


def test_dataset_jsonld_is_compacted_and_holds_exactly_the_dataset(built, context):
    text = (built / "exports" / "dataset.jsonld").read_text(encoding="utf-8")
    doc = json.loads(text)
    assert doc["@context"] == context  # inline: reading the file needs nothing from the network
    graphs = {g["@id"]: g["@graph"] for g in doc["@graph"]}
    judgement = next(n for n in graphs[f"{DEFAULT_BASE}/graph/report/west-mercia/peel-2018"]
                     if n["@id"] == f"{DEFAULT_BASE}/data/judgement/peel-2018/west-mercia/effectiveness-q1")
    # "The force is good at protecting the public from harm." (question 1 of the report)
    assert "GradedJudgement" in judgement["@type"]
    assert judgement["grade"] == {"@id": f"{DEFAULT_BASE}/def/grade-scale/peel-2014/good"}
    assert judgement["force"] == {"@id": f"{DEFAULT_BASE}/id/force/west-mercia"}
    # The same quads as the canonical N-Quads, read back by another processor (Oxigraph's).
    back = ox.Store()
    back.load(text.encode(), format=ox.RdfFormat.JSON_LD)
    canonical = ox.Store()
    canonical.load(path=str(built / "exports" / "dataset.nq"), format=ox.RdfFormat.N_QUADS)
    assert len(back) == len(canonical) and set(back) == set(canonical)


@pytest.mark.parametrize("graph", ["ontology", "report/west-mercia/peel-2018", "description"])
def test_compaction_is_pylds(store, context, graph):
    g = ox.NamedNode(f"{DEFAULT_BASE}/graph/{graph}")
    groups = list(sorted_nodes(store, g))
    expanded = [expanded_node(s, pairs) for s, pairs in groups]
    ours = [Compactor(context).node(s, pairs) for s, pairs in groups]
    theirs = jsonld.compact(expanded, {"@context": context}, {"documentLoader": refuse, "graph": True})
    assert theirs == {"@context": context, "@graph": ours}
    # And back: pyld's expansion of ours is the expanded form.
    assert jsonld.expand({"@context": context, "@graph": ours}, {"documentLoader": refuse}) == expanded


def test_a_query_answer_round_trips_and_one_node_stays_in_a_graph(store, context):
    triples = list(store.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH ?g {{ ?s ?p ?o "
                               f"FILTER(?s = <{DEFAULT_BASE}/id/force/west-mercia>) }} }}"))
    buf = io.BytesIO()
    write_triples(buf, triples, context)
    doc = json.loads(buf.getvalue())
    assert list(doc) == ["@context", "@graph"] and len(doc["@graph"]) == 1
    assert doc["@graph"][0]["forceId"] == "west-mercia"
    assert {"@language": "en", "@value": "West Mercia Police"} in _as_list(doc["@graph"][0]["skos:prefLabel"])
    buf = io.BytesIO()
    write_triples(buf, triples, None)
    expanded = json.loads(buf.getvalue())
    assert jsonld.expand(doc, {"documentLoader": refuse}) == expanded


def _as_list(v):
    return v if isinstance(v, list) else [v]


def test_an_iri_that_reads_as_a_compact_iri_is_refused_not_mangled(context):
    # <insp:x> is a whole IRI of scheme "insp"; written compacted it would read back as the
    # inspection namespace's x.
    with pytest.raises(CannotCompact, match="insp:"):
        Compactor(context).iri("insp:x", False)
    assert Compactor(context).iri("https://example.org/x", False) == "https://example.org/x"


def test_no_json_ld_reader_of_the_project_fetches_a_context(tmp_path):
    # A file naming a remote context: validation reports it and never connects, even to a
    # server that is listening (Oxigraph has no document loader unless one is given).
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.settimeout(3)
    port = listener.getsockname()[1]
    connected = []
    threading.Thread(target=lambda: _accept(listener, connected), daemon=True).start()
    f = tmp_path / "remote.jsonld"
    f.write_text(json.dumps({"@context": f"http://127.0.0.1:{port}/context.jsonld",
                             "@id": f"{DEFAULT_BASE}/id/force/west-mercia", "forceId": "x"}))
    from graph_builder.validate.files import validate_files
    with pytest.raises(HmicKgError, match="remote.jsonld"):
        validate_files([f])
    listener.close()
    assert connected == []


def _accept(listener, connected):
    try:
        connected.append(listener.accept())
    except OSError:
        pass


# Expected themes read from each statement's text and ontology/themes.ttl's labels.
THEMED = {
    # "...prevent SOC and identify those ... at risk of being drawn into organised crime."
    f"{WM18}/effectiveness-q4/detailed-finding/13": ["Serious and organised crime"],
    # "...joint arrangements with Warwickshire Police to provide armed policing..."
    f"{WM18}/effectiveness-q5/detailed-finding/1": ["Armed policing"],
    # "...works with housing and mental health partners to protect vulnerable people who are at
    # risk of cuckooing ... a child victim of county lines." (The partners are who the force works
    # with, not what the finding is about: no partnership-working theme.)
    f"{WM18}/effectiveness-q4/detailed-finding/15": [
        "Mental health", "Protecting vulnerable people", "Serious and organised crime"],
}


def test_findings_csv_has_the_themes_of_each_finding(built):
    with (built / "exports" / "csv" / "findings.csv").open(encoding="utf-8") as fh:
        rows = {r["finding"]: r for r in csv.DictReader(fh)}
    for finding, labels in THEMED.items():
        row = rows[finding]
        assert row["themes"].split(THEME_SEPARATOR) == labels, finding
        iris = row["theme_iris"].split(" ")
        assert len(iris) == len(labels) and all(i.startswith(f"{DEFAULT_BASE}/def/theme/") for i in iris)
    assert rows[f"{WM18}/effectiveness-q5/detailed-finding/1"]["theme_iris"] == \
        f"{DEFAULT_BASE}/def/theme/armed-policing"


def test_every_statement_row_carries_exactly_its_graph_themes(built, store):
    tagged = {}
    for sol in store.query(f"SELECT ?s ?t ?l WHERE {{ ?s <{INSP}theme> ?t . ?t <http://www.w3.org/2004/02/"
                           "skos/core#prefLabel> ?l }", use_default_graph_as_union=True):
        tagged.setdefault(sol["s"].value, []).append((sol["l"].value, sol["t"].value))
    for table, key in (("findings", "finding"), ("recommendations", "recommendation"),
                       ("good_practice", "good_practice")):
        with (built / "exports" / "csv" / f"{table}.csv").open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                want = sorted(tagged.get(row[key], []))
                assert row["themes"] == THEME_SEPARATOR.join(label for label, _ in want), row[key]
                assert row["theme_iris"] == " ".join(iri for _, iri in want), row[key]


@pytest.mark.parametrize("table", ["recommendations", "good_practice"])
def test_other_statement_tables_have_theme_columns(built, table):
    with (built / "exports" / "csv" / f"{table}.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert rows and all(r["themes"] and r["theme_iris"] for r in rows)


def test_no_theme_label_holds_the_separator():
    from rdflib.namespace import SKOS
    labels = [str(o) for o in reference_graph().objects(None, SKOS.prefLabel)]
    assert labels and not [label for label in labels if THEME_SEPARATOR.strip() in label]
