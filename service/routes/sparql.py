"""The SPARQL 1.1 Protocol endpoint: query by GET, POST form and POST direct; read-only."""
from __future__ import annotations

import io
from urllib.parse import parse_qs

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from pyoxigraph import Quad, serialize

from graph_builder.export.jsonld import write_triples

from .. import execution
from ..conneg import choose
from ..errors import ParameterError, ServiceError
from ..formats import (
    GRAPH_FORMATS,
    HTML,
    JSONLD_FORMATS,
    RDF_FORMAT,
    SOLUTION_FORMATS,
    content_type,
)
from ..jsonld_context import published_context
from ..service_description import PREFIXES, description
from ..sparql_guard import check
from ..state import ServiceState, get_state

router = APIRouter()

_FORM = "application/x-www-form-urlencoded"
_DIRECT = "application/sparql-query"
_UPDATE = "application/sparql-update"
_READ_ONLY = "this endpoint is read-only: SPARQL Update is not accepted"


async def _read_body(request: Request, state: ServiceState) -> bytes:
    # Bytes are at most four per character, so this bound cannot refuse a legal query.
    limit = state.settings.max_query_length * 4 + 4096
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise _too_long(state)
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _too_long(state)
        chunks.append(chunk)
    return b"".join(chunks)


def _params_doc() -> dict:
    return {"description": "SPARQL 1.1 Protocol. Parameters: query, default-graph-uri (repeatable), "
                           "named-graph-uri (repeatable), format (json, xml, csv, tsv, turtle, "
                           "ntriples, nquads, trig, jsonld, rdfxml). Without a query: the service "
                           "description."}


@router.get("/sparql", tags=["SPARQL"], summary="SPARQL query (GET) or service description",
            response_class=Response, openapi_extra=_params_doc())
async def sparql_get(request: Request) -> Response:
    qp = request.query_params
    if "update" in qp:
        raise ServiceError("refused", _READ_ONLY)
    query = qp.get("query")
    if query is None:
        return _service_description(request)
    return await _answer(request, query, qp.getlist("default-graph-uri"),
                         qp.getlist("named-graph-uri"), qp.get("format"))


@router.post("/sparql", tags=["SPARQL"], summary="SPARQL query (POST form or direct)",
             response_class=Response, openapi_extra=_params_doc())
async def sparql_post(request: Request) -> Response:
    state = get_state(request)
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    qp = request.query_params
    if ctype == _UPDATE or "update" in qp:
        raise ServiceError("refused", _READ_ONLY)
    if ctype not in (_FORM, _DIRECT):
        raise ServiceError("unsupported-media", f"unsupported content type {ctype or '(none)'}: "
                                                f"send {_FORM} or {_DIRECT}")
    body = await _read_body(request, state)
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise ParameterError("the request body is not UTF-8") from None
    default, named = qp.getlist("default-graph-uri"), qp.getlist("named-graph-uri")
    fmt = qp.get("format")
    if ctype == _DIRECT:
        return await _answer(request, text, default, named, fmt)
    form = parse_qs(text, keep_blank_values=True)
    if "update" in form:
        raise ServiceError("refused", _READ_ONLY)
    if "query" not in form:
        raise ParameterError("the form has no 'query' field")
    if len(form["query"]) > 1:
        raise ParameterError("the form has more than one 'query' field")
    return await _answer(request, form["query"][0], default + form.get("default-graph-uri", []),
                         named + form.get("named-graph-uri", []),
                         fmt or (form.get("format") or [None])[0])


def _too_long(state: ServiceState) -> ServiceError:
    return ServiceError("too-long", f"the query is longer than {state.settings.max_query_length} "
                                    "characters (the limit)")


async def _answer(request: Request, query: str, default: list[str], named: list[str],
                  format_param: str | None) -> Response:
    state = get_state(request)
    if len(query) > state.settings.max_query_length:
        raise _too_long(state)
    if not query.strip():
        raise ParameterError("the query is empty")
    graphs = state.dataset.graphs
    for uri in (*default, *named):
        if uri not in graphs:
            raise ServiceError("refused", f"graph {uri} is not a graph of this dataset; only its "
                                          "own graphs can be used and nothing is fetched (the "
                                          "service description at /sparql lists them)")
    info = check(query, graphs)
    offered = GRAPH_FORMATS if info.form in ("CONSTRUCT", "DESCRIBE") else SOLUTION_FORMATS
    fmt = choose(format_param, request.headers.get("accept"), offered)
    if default or named:  # protocol parameters override the query's own FROM clauses
        dg, ng = default, named
    elif info.from_graphs or info.from_named_graphs:
        dg, ng = info.from_graphs, info.from_named_graphs
    else:
        dg = ng = None
    return await execution.run(state, execution.QUERY, query, fmt, dg, ng,
                               client=request.client.host if request.client else None,
                               accept_encoding=request.headers.get("accept-encoding"))


def _service_description(request: Request) -> Response:
    state = get_state(request)
    fmt = choose(request.query_params.get("format"), request.headers.get("accept"),
                 (*GRAPH_FORMATS, HTML))
    if fmt is HTML:  # a person with a browser: the query page is what they are after
        return RedirectResponse("/query", status_code=303, headers={"Vary": "Accept"})
    endpoint = str(request.url.replace(query="", fragment=""))
    triples = description(endpoint, state.dataset)
    if fmt.name in JSONLD_FORMATS:
        buf = io.BytesIO()
        write_triples(buf, triples, published_context(state.dataset.base) if fmt.name == "jsonld" else None)
        body = buf.getvalue()
    else:
        if fmt.name in ("nquads", "trig"):
            triples = [Quad(t.subject, t.predicate, t.object) for t in triples]
        body = serialize(triples, format=RDF_FORMAT[fmt.name], prefixes=PREFIXES)
    return Response(body, media_type=content_type(fmt), headers={"Vary": "Accept"})
