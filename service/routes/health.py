"""Liveness and a summary of what is being served."""
from __future__ import annotations

from fastapi import APIRouter, Request

from ..errors import JSON_ERRORS
from ..lanes import PAGES, QUERY
from ..state import get_state

router = APIRouter(tags=["Service"], dependencies=[JSON_ERRORS])


@router.get("/health", summary="Service health and dataset summary")
async def health(request: Request) -> dict:
    state = get_state(request)
    ds = state.dataset
    settings = state.settings
    query, pages = state.lanes.get(QUERY), state.lanes.get(PAGES)
    up = bool(query and pages and query.pool.alive and pages.pool.alive)
    return {
        "status": "ok" if up else "starting",
        "base": ds.base,
        "triples": ds.triples,
        "graphs": len(ds.graphs),
        "built_at": ds.build.get("built_at"),
        "tool_version": ds.build.get("tool_version"),
        # The query lane (/sparql) and the pages lane (pages, catalogue): service/lanes.py.
        "workers": query.health(settings.workers) if query else _down(settings.workers),
        "page_workers": pages.health(settings.page_workers) if pages else _down(settings.page_workers),
        "timeout_s": settings.timeout,
        "worker_memory_bytes": settings.worker_memory,
        "cache": {**state.cache.stats(), "warmed": list(state.warmed)},
        "queries": len(state.catalogue),
    }


def _down(configured: int) -> dict:
    return {"configured": configured, "alive": 0, "killed_for_timeout": 0, "network_denied_by": []}
