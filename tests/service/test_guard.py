"""The lexical check that runs before any evaluation."""
import pytest

from service.sparql_guard import QueryRefused, check, unescape

GRAPHS = frozenset({"https://w3id.org/hmic-kg/graph/reference",
                    "https://w3id.org/hmic-kg/graph/report/west-mercia/inspection-2007"})


@pytest.mark.parametrize("query", [
    'SELECT * WHERE { ?s ?p "SERVICE <http://evil.example/> { }" }',
    "SELECT * WHERE { ?s ?p '''INSERT DATA { <a> <b> <c> }''' }",
    "PREFIX ex: <http://example.org/> SELECT ?service WHERE { ?service ex:service ex:drop }",
    "SELECT * WHERE { ?s <http://example.org/SERVICE> ?o } # SERVICE <http://evil/> {}",
    "SELECT * WHERE { ?s ?p ?o FILTER(?o < 3 && ?o > 1) } LIMIT 1e3",
    'SELECT * WHERE { ?s ?p "x"@en-GB }',
    "PREFIX service: <http://example.org/> SELECT * WHERE { ?s service:load ?o }",
])
def test_keywords_inside_strings_iris_comments_and_names_are_fine(query):
    assert check(query, GRAPHS).form == "SELECT"


@pytest.mark.parametrize("query", [
    "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
    "select * where { service silent <http://127.0.0.1:9/> { ?s ?p ?o } }",
    "SELECT * WHERE { SERVICE ?endpoint { ?s ?p ?o } }",
    "SELECT * WHERE {\n  ?s ?p ?o .\n  SERVICE<http://x/>{?a ?b ?c}\n}",
    # \u escapes are decoded before parsing, so they are decoded before the check too.
    r"SELECT * WHERE { SERVIC\u0045 <http://127.0.0.1:9/> { ?s ?p ?o } }",
])
def test_service_is_refused(query):
    with pytest.raises(QueryRefused, match="SERVICE") as exc:
        check(query, GRAPHS)
    assert exc.value.status == 403


@pytest.mark.parametrize("word", ["INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY",
                                  "MOVE", "ADD"])
def test_update_keywords_are_refused(word):
    with pytest.raises(QueryRefused, match="read-only") as exc:
        check(f"{word.lower()} something", GRAPHS)
    assert word in str(exc.value)


def test_from_graphs_of_the_dataset_are_collected_even_through_prefixes():
    info = check("PREFIX g: <https://w3id.org/hmic-kg/graph/> SELECT * FROM g:reference "
                 "FROM NAMED <https://w3id.org/hmic-kg/graph/report/west-mercia/inspection-2007> "
                 "WHERE { ?s ?p ?o }", GRAPHS)
    assert info.from_graphs == ["https://w3id.org/hmic-kg/graph/reference"]
    assert info.from_named_graphs == [
        "https://w3id.org/hmic-kg/graph/report/west-mercia/inspection-2007"]


@pytest.mark.parametrize("clause", ["FROM <http://127.0.0.1:9/data.ttl>",
                                    "FROM NAMED <http://127.0.0.1:9/data.ttl>",
                                    "FROM <relative.ttl>", "FROM ex:unknown"])
def test_foreign_from_is_refused_with_its_position(clause):
    with pytest.raises(QueryRefused, match="not a graph of this dataset") as exc:
        check(f"SELECT *\n{clause} WHERE {{ ?s ?p ?o }}", GRAPHS)
    assert "line 2, column 1" in str(exc.value)


def test_query_form_is_found_after_the_prologue():
    assert check("BASE <http://x/> PREFIX a: <http://a/> ASK { ?s ?p ?o }", GRAPHS).form == "ASK"
    assert check("CONSTRUCT WHERE { ?s ?p ?o }", GRAPHS).form == "CONSTRUCT"
    assert check("DESCRIBE <http://x>", GRAPHS).form == "DESCRIBE"


def test_unescape_leaves_invalid_escapes_alone():
    assert unescape(r"\u0041\uD800\U0001F600") == "A\\uD800\U0001F600"
