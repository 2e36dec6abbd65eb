"""Running one query for a client: cache, worker pool, limits, and the HTTP answer for each outcome."""
from __future__ import annotations

from fastapi.responses import JSONResponse, PlainTextResponse, Response
from starlette.concurrency import run_in_threadpool

from .compression import GZIP_FROM, accepts_gzip, compress
from .formats import Format, content_type
from .pool import PoolBusy, QueryTimeout, WorkerFailed
from .state import ServiceState

# HTTP status for each kind of failure a worker reports.
# With serve --store, the store's own failures are a bad gateway, and its refusal of a query it
# estimates too long is the same answer as our own timeout.
_WORKER_STATUS = {"syntax": 400, "query": 400, "limit": 422, "evaluation": 500, "crash": 500,
                  "store": 502, "store-timeout": 503, "forbidden": 403}


def error(status: int, message: str, as_json: bool = False, headers: dict | None = None) -> Response:
    # SPARQL clients show a plain-text body to their users; the REST-style routes answer JSON.
    if as_json:
        return JSONResponse({"detail": message}, status_code=status, headers=headers)
    return PlainTextResponse(message + "\n", status_code=status, headers=headers)


async def run(state: ServiceState, query: str, fmt: Format, default_graphs: list[str] | None,
              named_graphs: list[str] | None, as_json_errors: bool = False,
              extra_headers: dict | None = None, accept_encoding: str | None = None) -> Response:
    settings = state.settings
    key = (query, tuple(default_graphs) if default_graphs is not None else None,
           tuple(named_graphs) if named_graphs is not None else None, fmt.name)
    headers = {"Vary": "Accept, Accept-Encoding", **(extra_headers or {})}
    gzip_ok = accepts_gzip(accept_encoding)
    cached = state.cache.get(key)
    if cached is not None:
        body, meta = cached
        return await _send(state, key, body, fmt, {**headers, "X-Cache": "hit", **meta}, gzip_ok)
    request = {"op": "query", "query": query, "format": fmt.name,
               "default_graphs": default_graphs, "named_graphs": named_graphs,
               "max_rows": settings.max_rows, "max_bytes": settings.max_response_bytes}
    try:
        reply = await state.pool.call(request, settings.timeout, settings.worker_wait)
    except QueryTimeout as exc:
        return error(503, str(exc), as_json_errors)
    except PoolBusy as exc:
        return error(503, str(exc), as_json_errors, {"Retry-After": "1"})
    except WorkerFailed as exc:
        prefix = "malformed query: " if exc.kind == "syntax" else ""
        return error(_WORKER_STATUS.get(exc.kind, 500), prefix + str(exc), as_json_errors)
    meta = {"X-Result-Rows": str(reply["rows"])} if reply.get("rows") is not None else {}
    state.cache.put(key, reply["body"], meta)
    return await _send(state, key, reply["body"], fmt, {**headers, "X-Cache": "miss", **meta}, gzip_ok)


async def _send(state: ServiceState, key: tuple, body: bytes, fmt: Format, headers: dict,
                gzip_ok: bool) -> Response:
    if gzip_ok and len(body) >= GZIP_FROM:
        compressed = state.cache.gzipped(key)
        if compressed is None:
            compressed = await run_in_threadpool(compress, body)
            state.cache.put_gzipped(key, compressed)
        return Response(compressed, media_type=content_type(fmt), headers={**headers, "Content-Encoding": "gzip"})
    return Response(body, media_type=content_type(fmt), headers=headers)


async def select(state: ServiceState, queries: dict[str, str], max_rows: int = 5000) -> dict:
    """The service's own lookups (page building): rows of encoded terms per named query."""
    request = {"op": "select", "queries": queries, "max_rows": max_rows}
    return await state.pool.call(request, state.settings.timeout, state.settings.worker_wait)
