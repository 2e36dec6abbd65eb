"""The query catalogue over HTTP: list the queries, run one with parameters bound safely, a page at
a time. Programs get JSON, CSV, TSV or XML; a browser (Accept text/html, or format=html) gets the
pages of service/catalogue_pages.py: the list, and a form with the answer as a table."""
from __future__ import annotations

import json
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from .. import execution
from ..catalogue import bind
from ..compression import GZIP_FROM, accepts_gzip, compress
from ..catalogue_pages import (
    CONTROL,
    answer_page,
    choice_queries,
    editor_link,
    form_fields,
    iris_on_page,
    page_links,
    parse_results,
    read_paging,
    slice_answer,
)
from ..conneg import choose
from ..errors import JSON_ERRORS, STATUS, NotFound, ParameterError, ServiceError, classify
from ..formats import BY_NAME, GRAPH_FORMATS, HTML, content_type
from ..labels import fetch_labels
from ..paging import WINDOW, Page, answer_page as store_page, serialize, window
from ..state import get_state
from .pages import render

router = APIRouter(tags=["Query catalogue"], dependencies=[JSON_ERRORS])

_TABLE_FORMATS = (BY_NAME["json"], BY_NAME["csv"], BY_NAME["tsv"], BY_NAME["xml"])
# HTML comes last: a client that states no preference, or */*, still gets JSON.
_LIST_FORMATS = (BY_NAME["json"], HTML)
_RUN_FORMATS = (*_TABLE_FORMATS, HTML)
_CONTROL = {"format", *WINDOW}


@router.get("/queries", summary="List the query catalogue",
            responses={200: {"content": {"application/json": {}, "text/html": {}}}})
async def list_queries(request: Request) -> Response:
    """Every catalogue query: name, title, summary, form and parameters (name, type, required).
    A browser gets the list as a page."""
    state = get_state(request)
    described = [q.describe() for q in state.catalogue.values()]
    fmt = choose(request.query_params.get("format"), request.headers.get("accept"), _LIST_FORMATS)
    if fmt is HTML:
        return render(request, "catalogue.html", {"queries": described}, headers={"Vary": "Accept"})
    return JSONResponse(described, headers={"Vary": "Accept"})


@router.get("/queries/{name}", summary="Run a catalogue query", response_class=Response,
            responses={200: {"content": {"application/sparql-results+json": {}, "text/csv": {},
                                         "text/html": {}}},
                       400: {"description": "missing or malformed parameter"},
                       404: {"description": "no such query"},
                       503: {"description": "timed out or the service is busy"}})
async def run_query(name: str, request: Request) -> Response:
    """Runs the named query. Parameters are given as URL query parameters named as in the listing
    (for example `?force=https://w3id.org/hmic-kg/id/force/west-mercia`); `iri` parameters must
    be absolute IRIs, `integer` ones integers. Results are SPARQL JSON by default, CSV with
    `Accept: text/csv` or `format=csv` (also `tsv`, `xml`); a browser gets a form and a table
    (`format=html`), paged by `limit` and `offset` and sorted by `sort` (a column) and `desc=1`.

    Answers come in pages: `limit` rows (default 50, at most 1000) from `offset` (default 0), in
    the query's order. Every format carries `X-Total-Count` (rows of the whole answer) and, unless
    this is the last page, `Link: <...>; rel="next"`; SPARQL JSON also has `total`, `limit`,
    `offset` and `next` members before `head`."""
    state = get_state(request)
    query = state.catalogue.get(name)
    if query is None:
        raise NotFound(f"no catalogue query named {name!r}; see /queries")
    graph_form = query.form in ("CONSTRUCT", "DESCRIBE")
    offered = GRAPH_FORMATS if graph_form else _RUN_FORMATS
    fmt = choose(request.query_params.get("format"), request.headers.get("accept"), offered)
    if fmt is HTML:
        return await _page(request, query)
    values = {}
    for key in request.query_params:
        if key in _CONTROL:
            continue
        got = request.query_params.getlist(key)
        if len(got) > 1:
            raise ParameterError(f"parameter {key} is given more than once")
        values[key] = got[0]
    limit, offset = window(request.query_params)
    if query.form != "SELECT":
        text = bind(query, values, state.dataset.base)
        return await execution.run(state, execution.PAGES, text, fmt, None, None,
                                   accept_encoding=request.headers.get("accept-encoding"))
    headers = {"Vary": "Accept, Accept-Encoding"}
    # The written page, by the request's own parameters (its links are made from them).
    key = ("written", name, request.url.query, fmt.name)
    cached = state.cache.get(key)
    if cached is not None:
        body, meta = cached
        headers.update(meta, **{"X-Cache": "hit"})
    else:
        page = await store_page(state, query, values, limit, offset)
        next_url = page_url(request, page.next_offset) if page.next_offset is not None else None
        body = await run_in_threadpool(_write, page, fmt, next_url)
        if len(body) > state.settings.max_response_bytes:
            raise ServiceError("limit", f"the page would exceed {state.settings.max_response_bytes} "
                                        "bytes (the limit); ask for a smaller limit")
        meta = {"X-Result-Rows": str(len(page.rows)), "X-Total-Count": str(page.total)}
        if next_url is not None:
            meta["Link"] = f'<{next_url}>; rel="next"'
        state.cache.put(key, body, meta)
        headers.update(meta, **{"X-Cache": "hit" if page.cached else "miss"})
    if accepts_gzip(request.headers.get("accept-encoding")) and len(body) >= GZIP_FROM:
        compressed = state.cache.gzipped(key)
        if compressed is None:
            compressed = await run_in_threadpool(compress, body)
            state.cache.put_gzipped(key, compressed)
        body = compressed
        headers["Content-Encoding"] = "gzip"
    return Response(body, media_type=content_type(fmt), headers=headers)


async def _page(request: Request, query) -> Response:
    """The query's page: its form, filled with the values given, and the answer when every
    required value is there. A failure is shown on the page with its status, never a traceback."""
    state = get_state(request)
    base = state.dataset.base
    values = {k: request.query_params.get(k) for k in request.query_params if k not in CONTROL}
    paging = read_paging(request.query_params)
    choices = await execution.select(state, execution.PAGES,
                                     choice_queries(query, f"{base}/def/inspection/"))
    context = {"query": query, "fields": form_fields(query, values, choices), "answer": None,
               "error": None, "text": None, "links": None, "editor": editor_link(query.text)}
    status = 200
    missing = [p for p in query.params if not p.optional and not values.get(p.name)]
    if not missing or not query.params:
        try:
            text = bind(query, values, base)
            context["text"], context["editor"] = text, editor_link(text)
            if query.form == "SELECT" and paging.sort is None:
                # The store's page (and the full-text index for search), as programs get it.
                page = await store_page(state, query, values, paging.limit, paging.offset)
                variables, rows = parse_results(serialize(page, BY_NAME["json"]))
                total = page.total
            else:
                # Sorted by a column the query does not order by: the whole answer, sorted here.
                response = await execution.run(state, execution.PAGES, text, BY_NAME["json"], None, None)
                variables, bindings = parse_results(response.body)
                rows, total = slice_answer(variables, bindings, paging)
            labels = await fetch_labels(state, iris_on_page(variables, rows))
            context["answer"] = answer_page(variables, rows, total, paging, base, labels)
            context["links"] = page_links(request.url.path, values, paging, total)
        except Exception as exc:  # noqa: BLE001 - every failure is answered on the page
            kind, message = classify(exc)
            if kind == "internal":
                raise
            status, context["error"] = STATUS[kind], message
    return render(request, "catalogue_query.html", context, status=status,
                  headers={"Vary": "Accept"})


def page_url(request: Request, offset: int) -> str:
    """This request's path and parameters with `offset` replaced (a path-absolute reference)."""
    params = [(k, v) for k, v in request.query_params.multi_items() if k != "offset"]
    return f"{request.url.path}?{urlencode([*params, ('offset', str(offset))])}"


def _write(page: Page, fmt, next_url: str | None) -> bytes:
    body = serialize(page, fmt)
    if fmt.name != "json":
        return body
    # Members before "head": SPARQL JSON readers (pyoxigraph, rdflib) skip unknown members there,
    # while pyoxigraph refuses anything after "results".
    members = {"total": page.total, "limit": page.limit, "offset": page.offset}
    if next_url is not None:
        members["next"] = next_url
    return b"{" + json.dumps(members, separators=(",", ":"))[1:-1].encode() + b"," + body.lstrip()[1:]
