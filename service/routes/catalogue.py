"""The query catalogue over HTTP: list the queries, run one with parameters bound safely, a page
at a time."""
from __future__ import annotations

import json
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from .. import execution
from ..catalogue import bind
from ..compression import GZIP_FROM, accepts_gzip, compress
from ..conneg import choose
from ..errors import JSON_ERRORS, NotFound, ParameterError, ServiceError
from ..formats import BY_NAME, GRAPH_FORMATS, content_type
from ..paging import WINDOW, Page, answer_page, serialize, window
from ..state import get_state

router = APIRouter(tags=["Query catalogue"], dependencies=[JSON_ERRORS])

_TABLE_FORMATS = (BY_NAME["json"], BY_NAME["csv"], BY_NAME["tsv"], BY_NAME["xml"])
_CONTROL = {"format", *WINDOW}


@router.get("/queries", summary="List the query catalogue")
async def list_queries(request: Request) -> list[dict]:
    """Every catalogue query: name, title, summary, form, engine and parameters (name, type,
    required)."""
    return [q.describe() for q in get_state(request).catalogue.values()]


@router.get("/queries/{name}", summary="Run a catalogue query", response_class=Response,
            responses={200: {"content": {"application/sparql-results+json": {}, "text/csv": {}}},
                       400: {"description": "missing or malformed parameter, limit or offset"},
                       404: {"description": "no such query"},
                       503: {"description": "timed out or the service is busy"}})
async def run_query(name: str, request: Request) -> Response:
    """Runs the named query. Parameters are given as URL query parameters named as in the listing
    (for example `?force=https://w3id.org/hmic-kg/id/force/west-mercia`); `iri` parameters must
    be absolute IRIs, `integer` ones integers. Results are SPARQL JSON by default, CSV with
    `Accept: text/csv` or `format=csv` (also `tsv`, `xml`).

    Answers come in pages: `limit` rows (default 50, at most 1000) from `offset` (default 0), in
    the query's order. Every format carries `X-Total-Count` (rows of the whole answer) and, unless
    this is the last page, `Link: <...>; rel="next"`; SPARQL JSON also has `total`, `limit`,
    `offset` and `next` members before `head`."""
    state = get_state(request)
    query = state.catalogue.get(name)
    if query is None:
        raise NotFound(f"no catalogue query named {name!r}; see /queries")
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
        fmt = choose(request.query_params.get("format"), request.headers.get("accept"), GRAPH_FORMATS
                     if query.form in ("CONSTRUCT", "DESCRIBE") else _TABLE_FORMATS)
        return await execution.run(state, execution.PAGES, text, fmt, None, None,
                                   accept_encoding=request.headers.get("accept-encoding"))
    fmt = choose(request.query_params.get("format"), request.headers.get("accept"), _TABLE_FORMATS)
    headers = {"Vary": "Accept, Accept-Encoding"}
    # The written page, by the request's own parameters (its links are made from them).
    key = ("written", name, request.url.query, fmt.name)
    cached = state.cache.get(key)
    if cached is not None:
        body, meta = cached
        headers.update(meta, **{"X-Cache": "hit"})
    else:
        page = await answer_page(state, query, values, limit, offset)
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

