"""Running one query for a client: cache, lane, limits. Failures are raised as the lane reports
them (service/errors.py answers them)."""
from __future__ import annotations

from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from .compression import GZIP_FROM, accepts_gzip, compress
from graph_builder.export.prefixes import prefixes_for

from .formats import Format, content_type
from .lanes import PAGES, QUERY, lane_of
from .state import ServiceState

__all__ = ["PAGES", "QUERY", "run", "select"]

PREFIXED_FORMATS = ("turtle", "trig")


async def run(state: ServiceState, lane: str, query: str, fmt: Format,
              default_graphs: list[str] | None, named_graphs: list[str] | None,
              client: str | None = None, extra_headers: dict | None = None,
              accept_encoding: str | None = None) -> Response:
    """Answers query on lane (QUERY or PAGES); client is the address the query lane shares by."""
    settings = state.settings
    key = (query, tuple(default_graphs) if default_graphs is not None else None,
           tuple(named_graphs) if named_graphs is not None else None, fmt.name)
    headers = {"Vary": "Accept, Accept-Encoding", **(extra_headers or {})}
    gzip_ok = accepts_gzip(accept_encoding)
    # A cached answer costs no worker, so it takes no place in the client's share either.
    cached = state.cache.get(key)
    if cached is not None:
        body, meta = cached
        return await _send(state, key, body, fmt, {**headers, "X-Cache": "hit", **meta}, gzip_ok)
    request = {"op": "query", "query": query, "format": fmt.name,
               "default_graphs": default_graphs, "named_graphs": named_graphs,
               "max_rows": settings.max_rows, "max_bytes": settings.max_response_bytes}
    if fmt.name in PREFIXED_FORMATS:  # Turtle and TriG read best with the project's prefixes
        request["prefixes"] = prefixes_for(f"{state.dataset.base}/def/inspection/")
    reply = await lane_of(state.lanes, lane).call(request, settings, client)
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


async def select(state: ServiceState, lane: str, queries: dict[str, str],
                 max_rows: int = 5000) -> dict:
    """The service's own lookups (page building): rows of encoded terms per named query."""
    request = {"op": "select", "queries": queries, "max_rows": max_rows}
    return await lane_of(state.lanes, lane).call(request, state.settings)
