"""Liveness and a summary of what is being served."""
from __future__ import annotations

from fastapi import APIRouter, Request

from ..errors import JSON_ERRORS
from ..state import get_state

router = APIRouter(tags=["Service"], dependencies=[JSON_ERRORS])


@router.get("/health", summary="Service health and dataset summary")
async def health(request: Request) -> dict:
    state = get_state(request)
    ds = state.dataset
    pool = state.pool
    workers = pool.alive if pool else 0
    return {
        "status": "ok" if workers > 0 else "starting",
        "base": ds.base,
        "triples": ds.triples,
        "graphs": len(ds.graphs),
        "built_at": ds.build.get("built_at"),
        "tool_version": ds.build.get("tool_version"),
        "workers": {"configured": state.settings.workers, "alive": workers,
                    "killed_for_timeout": pool.killed if pool else 0,
                    "out_of_memory": pool.out_of_memory if pool else 0,
                    # how query workers are kept off the network (empty with --store: see docs)
                    "network_denied_by": pool.sandbox if pool else []},
        "timeout_s": state.settings.timeout,
        "worker_memory_bytes": state.settings.worker_memory,
        "cache": {**state.cache.stats(), "warmed": list(state.warmed)},
        "queries": len(state.catalogue),
    }
