"""No query can make the service connect out: the kernel forbids it in every query worker.

The token guard (service/sparql_guard.py) is a second layer; these tests replay the bypasses found
against it, and a fuzzer of comment / IRI / comparison / escape mixtures, once with the guard
switched off (the operating system alone must hold) and once with it on.
"""
import multiprocessing
import random
import socket
import time

import pytest

from service import sandbox
from service.remote_store import StoreError, refuse_federation
from service.sparql_guard import QueryInfo, query_form

from .test_safety import recorder  # noqa: F401 - the recording listener fixture

# Each was seen to reach the engine past the old guard, or is a documented variant of one.
BYPASSES = [
    "PREFIX ex: <http://127.0.0.1:{port}/>\nSELECT ?secret WHERE {{ FILTER(1<2)SERVICE#>\n"
    "ex:json {{ ?secret ?b ?c }} }}",
    "PREFIX ex: <http://127.0.0.1:{port}/>\nSELECT ?secret WHERE {{ FILTER(1<=2)SERVICE#>\n"
    "ex:json {{ ?secret ?b ?c }} }}",
    "PREFIX ex: <http://127.0.0.1:{port}/>\nSELECT ?secret WHERE {{ FILTER(1<2)SERVICE#>\n"
    "SILENT ex:json {{ ?secret ?b ?c }} }}",
    "SELECT * WHERE {{ VALUES ?svc {{ <http://127.0.0.1:{port}/> }} "
    "LATERAL {{ SERVICE ?svc {{ ?a ?b ?c }} }} }}",
    "SELECT * WHERE {{ FILTER(1<2)SERVICE#>\n<http://127.0.0.1:{port}/x> {{ ?a ?b ?c }} }}",
    "SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ OPTIONAL {{ SERVICE SILENT <http://127.0.0.1:{port}/> {{ ?s ?p ?o }} }} }}",
    "SELECT * WHERE {{ ?s ?p ?o FILTER EXISTS {{ SERVICE <http://127.0.0.1:{port}/> "
    "{{ ?s ?p ?o }} }} }} LIMIT 1",
    "SELECT * WHERE {{ BIND(IRI(CONCAT('http://127.0.0.1:{port}/', 'leak')) AS ?svc) "
    "SERVICE ?svc {{ ?a ?b ?c }} }}",
]

# Queries that are legitimate SPARQL, that Oxigraph answers, and that the old guard refused.
LEGITIMATE = [
    "SELECT ?a·service WHERE { BIND(1 AS ?a·service) }",
    "SELECT * WHERE { BIND(1 AS ?x) } # a \\u000A service desk",
]


def _permissive_check(query, graphs):
    return QueryInfo(form=query_form(query))


@pytest.fixture
def guard_off(monkeypatch):
    import service.catalogue
    import service.routes.sparql
    monkeypatch.setattr(service.routes.sparql, "check", _permissive_check)
    monkeypatch.setattr(service.catalogue, "check", _permissive_check)


def _settle(recorder):  # noqa: F811
    time.sleep(0.3)  # a connection attempt, had one been made, would have arrived by now
    return recorder.connections


def _try_to_connect(port: int, layer: str, out) -> None:
    """In a fresh process: apply one layer (or all), then try TCP and SERVICE to the recorder."""
    try:
        if layer == "all":
            applied = sandbox.deny_network()
        elif layer == "namespace":
            applied = [sandbox._network_namespace()]
        else:
            applied = [sandbox._socket_filter()]
        results = {"applied": applied}
        try:
            socket.create_connection(("127.0.0.1", port), timeout=2).close()
            results["tcp"] = "connected"
        except OSError as exc:
            results["tcp"] = exc.errno
        from pyoxigraph import Store
        try:
            list(Store().query(f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/> "
                               "{ ?s ?p ?o } }"))
            results["service"] = "answered"
        except Exception as exc:  # noqa: BLE001
            results["service"] = str(exc)
        out.send(results)
    except Exception as exc:  # noqa: BLE001
        out.send({"error": repr(exc)})


def _in_child(port: int, layer: str) -> dict:
    ctx = multiprocessing.get_context("spawn")
    parent, child = ctx.Pipe()
    proc = ctx.Process(target=_try_to_connect, args=(port, layer, child))
    proc.start()
    assert parent.poll(30), "the child did not answer"
    result = parent.recv()
    proc.join(10)
    return result


@pytest.mark.parametrize("layer", ["namespace", "filter", "all"])
def test_each_layer_alone_stops_tcp_and_service_even_to_loopback(recorder, layer):  # noqa: F811
    result = _in_child(recorder.port, layer)
    assert "error" not in result, result
    assert all(result["applied"]), result
    assert result["tcp"] != "connected"
    assert result["service"] != "answered"
    assert _settle(recorder) == 0


def test_the_workers_report_their_layers(client):
    layers = client.get("/health").json()["workers"]["network_denied_by"]
    assert any("namespace" in name for name in layers) or "seccomp socket filter" in layers


@pytest.mark.parametrize("template", BYPASSES)
def test_bypasses_reach_the_engine_but_cannot_connect_with_the_guard_off(
        client, recorder, guard_off, template):  # noqa: F811
    query = template.format(port=recorder.port)
    r = client.post("/sparql", data={"query": query})
    # The engine may answer (SERVICE SILENT, or a SERVICE inside FILTER EXISTS, turn the failed
    # call into an empty or a false pattern); what matters is that nothing was contacted.
    assert r.status_code != 500, r.text
    assert _settle(recorder) == 0


@pytest.mark.parametrize("template", BYPASSES)
def test_bypasses_are_refused_by_the_guard(client, recorder, template):  # noqa: F811
    r = client.post("/sparql", data={"query": template.format(port=recorder.port)})
    assert r.status_code == 403 and "SERVICE" in r.text, r.text
    assert _settle(recorder) == 0


@pytest.mark.parametrize("query", LEGITIMATE)
def test_legitimate_queries_the_old_guard_refused_are_answered(client, query):
    r = client.get("/sparql", params={"query": query},
                   headers={"Accept": "application/sparql-results+json"})
    assert r.status_code == 200, r.text
    assert len(r.json()["results"]["bindings"]) == 1


def _fuzz_queries(port: int, n: int, seed: int) -> list[str]:
    pieces = ["FILTER(1<2)", "FILTER(1<=2)", "FILTER(?a<?b)", "SERVICE", "SERVIC\\u0045", "#>",
              "#", "\n", "\\u000A", " ", "<", ">", "<=", ")", "(", "SILENT", "ex:json",
              f"<http://127.0.0.1:{port}/>", "{ ?a ?b ?c }", "?svc", "LATERAL {", "}", "'x'",
              "\"#\"", "OPTIONAL {", "BIND(1 AS ?a)", "VALUES ?svc { ex:json }", "\\u003C",
              "\\u003E"]
    rng = random.Random(seed)
    head = f"PREFIX ex: <http://127.0.0.1:{port}/>\nSELECT * WHERE {{ "
    return [head + "".join(rng.choice(pieces) for _ in range(rng.randint(3, 12))) + " }"
            for _ in range(n)]


@pytest.mark.parametrize("guard", ["off", "on"])
def test_fuzzed_mixtures_make_no_connection(client, recorder, monkeypatch, guard):  # noqa: F811
    if guard == "off":
        import service.routes.sparql
        monkeypatch.setattr(service.routes.sparql, "check", _permissive_check)
    statuses = set()
    for query in _fuzz_queries(recorder.port, 150, seed=21):
        r = client.post("/sparql", data={"query": query})
        statuses.add(r.status_code)
    assert _settle(recorder) == 0
    assert 500 not in statuses


@pytest.mark.parametrize("template", BYPASSES)
def test_the_store_forwarder_refuses_service_as_rdflib_reads_it(template):
    query = template.format(port=1)
    with pytest.raises((StoreError, SyntaxError)):
        refuse_federation(query)


def test_the_store_forwarder_passes_plain_queries():
    refuse_federation("PREFIX sd: <http://www.w3.org/ns/sparql-service-description#> "
                      "SELECT * WHERE { ?s sd:endpoint ?o FILTER(?o < 3) } LIMIT 1")
