"""Linked data: every IRI of the dataset's namespace answers at its own path on this server, as an
HTML page or as RDF by content negotiation; the dataset description at /.well-known/void."""
from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pyoxigraph import Literal, NamedNode

from graph_builder.export.jsonld import CONTEXT_PATH

from .. import execution
from ..conneg import choose
from ..errors import NotFound
from ..force_view import build_force_view, force_queries
from ..formats import BY_NAME, HTML
from ..jsonld_context import published_document
from ..key_facts import (
    LONG_QUOTE,
    distribution_query,
    grouped_incoming,
    key_facts,
    national_chart,
    other_properties,
)
from ..labels import fetch_labels
from ..resource_view import (
    build_view,
    iris_in,
    lookup_queries,
    rdf_query,
    with_this,
)
from ..state import get_state
from .pages import render

router = APIRouter(tags=["Linked data"])

RESOURCE_FORMATS = (HTML, BY_NAME["turtle"], BY_NAME["jsonld"], BY_NAME["ntriples"],
                    BY_NAME["rdfxml"], BY_NAME["trig"], BY_NAME["nquads"])
VOID_FORMATS = RESOURCE_FORMATS[1:]


def _not_found(iri: str, fmt) -> NotFound:
    return NotFound(f"{iri} is not described in this dataset", iri=iri, page=fmt is HTML)


async def _rdf(request: Request, query: str, iri: str, fmt) -> Response:
    response = await execution.run(get_state(request), execution.PAGES, with_this(query, iri),
                                   fmt, None, None)
    if response.headers.get("X-Result-Rows") == "0":
        raise _not_found(iri, fmt)
    return response


def _negotiate(request: Request, formats):
    return choose(request.query_params.get("format"), request.headers.get("accept"), formats)


@router.get(CONTEXT_PATH, summary="The JSON-LD context the dataset's JSON-LD is compacted with")
async def jsonld_context(request: Request) -> Response:
    body = published_document(get_state(request).dataset.base)
    return Response(body, media_type="application/ld+json",
                    headers={"Cache-Control": "public, max-age=3600"})


@router.get("/id/{rest:path}", summary="A thing in the dataset (force, report, finding, ...)")
@router.get("/def/{rest:path}", summary="A definition (framework, area, grade, term, ontology)")
@router.get("/data/{rest:path}", summary="An observation (judgement, grade distribution)")
@router.get("/graph/{rest:path}", summary="A named graph of the dataset")
async def resource(rest: str, request: Request) -> Response:
    state = get_state(request)
    ds = state.dataset
    iri = ds.base + request.url.path
    fmt = _negotiate(request, RESOURCE_FORMATS)
    try:
        with_this("SELECT * WHERE { }", iri)
    except ValueError:  # not an IRI pyoxigraph accepts, so certainly not one of ours
        raise _not_found(iri, fmt) from None
    insp = f"{ds.base}/def/inspection/"
    is_graph = iri in ds.graphs
    if fmt is not HTML:
        return await _rdf(request, rdf_query(insp, is_graph), iri, fmt)
    queries = lookup_queries(insp)
    if not is_graph:
        del queries["members"]
    # Only a link or a follow-up has a 'why' panel; other pages skip the lookup (an external store
    # was slow to answer its optional joins for a force page: 503).
    if not any(f"/data/{kind}/" in iri for kind in ("similarity", "follow-up")):
        del queries["why"]
    results = await execution.select(state, execution.PAGES,
                                     {k: with_this(q, iri) for k, q in queries.items()})
    if not (results["out"] or results["in"] or is_graph):
        raise _not_found(iri, fmt)
    labels = await fetch_labels(state, iris_in(results) | {iri})
    view = build_view(iri, ds.base, results, labels)
    types = {t.iri for t in view.types}
    context = {"view": view, "formats": RESOURCE_FORMATS[1:], "facts": key_facts(view, insp),
               "others": other_properties(view, insp), "incoming": grouped_incoming(view),
               "long_quote": LONG_QUOTE, "force": None, "national": None,
               "statement_kind": insp + "Statement" in types,
               "proposals": bool(state.settings.proposals_file and state.settings.proposals_token)}
    if insp + "PoliceForce" in types:
        res = await execution.select(state, execution.PAGES,
                                     {k: with_this(q, iri) for k, q in force_queries(insp, iri).items()})
        context["force"] = build_force_view(res, lambda i: ds.local_path(i) or i)
    if insp + "GradedJudgement" in types or insp + "GradeNotStated" in types:
        res = await execution.select(state, execution.PAGES,
                                     {"national": distribution_query(insp, iri)})
        context["national"] = national_chart(res["national"])
    return render(request, "resource.html", context, headers={"Vary": "Accept"})


@router.get("/.well-known/void", summary="Dataset description (VoID and DCAT)")
async def void(request: Request) -> Response:
    state = get_state(request)
    fmt = _negotiate(request, VOID_FORMATS)
    ds = state.dataset
    graph = f"{ds.base}/graph/description"
    if graph in ds.graphs:
        return await execution.run(
            state, execution.PAGES,
            with_this("CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?this { ?s ?p ?o } }", graph),
            fmt, None, None)
    # A build without a description graph still gets a truthful minimal VoID, made from the store.
    # Terms are written by pyoxigraph: the Host header (in base_url) is the client's to choose.
    try:
        endpoint = str(NamedNode(f"{request.base_url}sparql"))
    except ValueError:
        endpoint = str(NamedNode(f"{ds.base}/sparql"))
    query = ("PREFIX void: <http://rdfs.org/ns/void#> CONSTRUCT { ?d a void:Dataset ; "
             "void:triples ?n ; void:sparqlEndpoint ?e ; void:uriSpace ?u } WHERE { "
             "{ SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o } } "
             f"BIND({NamedNode(ds.base + '/dataset')} AS ?d) BIND({endpoint} AS ?e) "
             f"BIND({Literal(ds.base + '/')} AS ?u) }}")
    return await execution.run(state, execution.PAGES, query, fmt, None, None)
