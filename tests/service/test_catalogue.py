"""The query catalogue: header validation, safe parameter binding, and its HTTP routes."""
import csv
import io

import pytest

from service.catalogue import CatalogueError, ParameterError, bind, load_catalogue, load_query

BASE = "https://w3id.org/hmic-kg"
WEST_MERCIA = f"{BASE}/id/force/west-mercia"


def write(tmp_path, name, text):
    path = tmp_path / f"{name}.rq"
    path.write_text(text, encoding="utf-8")
    return path


def test_project_catalogue_loads(queries_dir):
    cat = load_catalogue(queries_dir)
    assert {"force-judgements", "glossary"} <= set(cat)
    fj = cat["force-judgements"]
    assert fj.form == "SELECT" and fj.title
    assert [(p.name, p.type, p.optional) for p in fj.params] == [("force", "iri", False)]


@pytest.mark.parametrize("header, message", [
    ("# title: T\n", "no '# name:' line"),
    ("# name: q\n", "no '# title:' line"),
    ("# name: other\n# title: T\n", "differs from the file name"),
    ("# name: q\n# title: T\n# param: x float A number\n", ":3: param x has unknown type"),
    ("# name: q\n# title: T\n# param: nothing\n", ":3: bad param header"),
    ("# name: q\n# title: T\n# title: again\n", ":3: 'title' is given twice"),
    ("# name: q\n# title: T\n# param: missing iri Not in the body\n", "?missing is not in the query"),
])
def test_bad_headers_name_file_and_line(tmp_path, header, message):
    path = write(tmp_path, "q", header + "SELECT * WHERE { ?s ?p ?o }\n")
    with pytest.raises(CatalogueError) as exc:
        load_query(path)
    assert str(path) in str(exc.value)
    assert message in str(exc.value)


def test_catalogue_query_may_not_use_service(tmp_path):
    path = write(tmp_path, "q", "# name: q\n# title: T\n"
                 "SELECT * WHERE { SERVICE <http://x/> { ?s ?p ?o } }\n")
    with pytest.raises(CatalogueError, match="SERVICE"):
        load_query(path)


@pytest.fixture
def param_query(tmp_path):
    return load_query(write(tmp_path, "q", "# name: q\n# title: T\n"
                            "# param: force iri A force\n# param: n integer? How many\n"
                            "# param: label string? A label\n"
                            "SELECT ?s WHERE { ?s ?p ?force . ?s ?q ?label FILTER(?n > 0) } LIMIT 5\n"))


def test_binding_uses_a_values_block_of_escaped_terms(param_query):
    hostile = 'x" } } ; DROP ALL ; SELECT * WHERE { "'
    text = bind(param_query, {"force": WEST_MERCIA, "label": hostile}, BASE)
    assert f"VALUES ?force {{ <{WEST_MERCIA}> }}" in text
    # The literal is written by pyoxigraph with its quotes escaped: it stays one string term.
    assert 'VALUES ?label { "x\\" } } ; DROP ALL ; SELECT * WHERE { \\"" }' in text


@pytest.mark.parametrize("values, message", [
    ({}, "parameter force is required"),
    ({"force": "west-mercia"}, "must be an absolute IRI"),
    ({"force": "http://x/> } <y"}, "must be an absolute IRI"),
    ({"force": WEST_MERCIA, "n": "ten"}, "must be an integer"),
    ({"force": WEST_MERCIA, "bogus": "1"}, "unknown parameter"),
])
def test_bad_parameter_values(param_query, values, message):
    with pytest.raises(ParameterError, match=message):
        bind(param_query, values, BASE)


def test_list_route(client):
    listed = {q["name"]: q for q in client.get("/queries").json()}
    assert listed["force-judgements"]["params"][0] == {
        "name": "force", "type": "iri", "required": True,
        "description": "Force URI, e.g. https://w3id.org/hmic-kg/id/force/west-mercia"}
    assert listed["glossary"]["summary"]


def test_force_judgements_gives_the_grades_of_the_report(client):
    # West Mercia's 2007 inspection report, "Force summary of judgements": Performance management
    # Excellent, Public protection Fair, Neighbourhood Policing Good.
    r = client.get("/queries/force-judgements", params={"force": WEST_MERCIA, "format": "csv"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    grades = {(row["programme"].rsplit("/", 1)[-1], row["area"].rsplit("/", 1)[-1]):
              row["grade"].rsplit("/", 1)[-1] for row in rows}
    assert grades[("inspection-2007", "performance-management")] == "excellent"
    assert grades[("inspection-2007", "neighbourhood-policing")] == "good"
    assert any(area.endswith("public-protection") and g == "fair"
               for (prog, area), g in grades.items() if prog == "inspection-2007")
    assert all(row["gradeLabel"] for row in rows)
    # Cheshire's judgements do not leak in.
    assert all("/west-mercia/" in row["judgement"] for row in rows)


def test_glossary_lookup_is_case_insensitive_and_json_by_default(client):
    # Cheshire's glossary: "BCU  basic command unit".
    r = client.get("/queries/glossary", params={"abbreviation": "bcu"})
    assert r.headers["content-type"].startswith("application/sparql-results+json")
    rows = r.json()["results"]["bindings"]
    assert any(b["expansion"]["value"].lower() == "basic command unit" for b in rows)


@pytest.mark.parametrize("params, status", [
    ({}, 400), ({"force": "not an iri"}, 400), ({"force": WEST_MERCIA, "format": "turtle"}, 400),
    ({"force": [WEST_MERCIA, WEST_MERCIA]}, 400),
])
def test_run_route_errors(client, params, status):
    r = client.get("/queries/force-judgements", params=params)
    assert r.status_code == status
    assert r.json()["detail"]


def test_unknown_query_is_404(client):
    assert client.get("/queries/no-such-query").status_code == 404


def test_injection_attempt_in_a_string_parameter_finds_nothing(client):
    r = client.get("/queries/glossary",
                   params={"abbreviation": 'x")) } } SELECT * WHERE { ?s ?p ?o } #'})
    assert r.status_code == 200
    assert r.json()["results"]["bindings"] == []


def test_catalogue_is_in_openapi(client):
    paths = client.get("/openapi.json").json()["paths"]
    assert "/queries" in paths and "/queries/{name}" in paths and "/sparql" in paths


def test_catalogue_follows_the_dataset_base(queries_dir):
    # The .rq files name the default base; a dataset built with --base must still be queryable.
    cat = load_catalogue(queries_dir, base="http://data.example.org/police")
    text = cat["force-judgements"].text
    assert "<http://data.example.org/police/def/inspection/>" in text
    assert "w3id.org/hmic-kg" not in text
