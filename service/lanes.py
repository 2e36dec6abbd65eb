"""Two worker pools that share nothing: "query" for arbitrary SPARQL from /sparql, "pages" for the
service's own pages and catalogue queries (linked data, themes, /recurring, /queries/{name}, the
warm-up). Clients who send expensive SPARQL keep the query workers busy; the pages lane's workers
only ever run queries the service wrote, so pages answer however /sparql is loaded.
"""
from __future__ import annotations

import asyncio

from .config import Settings
from .fairness import ClientLimits
from .pool import PoolError, QueryTimeout, WorkerPool

QUERY = "query"
PAGES = "pages"
# Query workers yield the CPU to everything else: a client's CPU-bound query must not slow the
# event loop that answers every request, nor the pages lane (on 2 cores, 2 runaway queries did).
QUERY_NICE = 10


class Lane:
    def __init__(self, name: str, pool: WorkerPool, limits: ClientLimits | None = None):
        self.name = name
        self.pool = pool
        self.limits = limits  # per-client shares; None: requests go to the pool in arrival order

    async def call(self, request: dict, settings: Settings, client: str | None = None) -> dict:
        if self.limits is None:
            return await self.pool.call(request, settings.timeout, settings.worker_wait)
        address = client or "unknown"
        async with self.limits.slot(address) as charge:
            # A heavy client's query leaves one worker idle for the others (when there are two); a
            # newcomer's may take the last one, for at most last_worker_timeout.
            spare = 1 if self.pool.size > 1 and self.limits.heavy(address) else 0
            last = None if self.limits.known(address) else settings.last_worker_timeout
            try:
                return await self.pool.call(request, settings.timeout, settings.worker_wait,
                                            spare=spare, last_timeout=last, charge=charge)
            except QueryTimeout:
                self.limits.mark_heavy(address)
                raise

    def health(self, configured: int) -> dict:
        pool = self.pool
        out = {"configured": configured, "alive": pool.alive, "idle": pool.idle,
               "killed_for_timeout": pool.killed, "out_of_memory": pool.out_of_memory,
               # how the workers are kept off the network (empty with --store: see docs)
               "network_denied_by": pool.sandbox}
        if self.limits is not None:
            out["fairness"] = self.limits.stats()
        return out


async def start_lanes(settings: Settings, store: str) -> dict[str, Lane]:
    query = WorkerPool(store, settings.workers, memory_limit=settings.worker_memory,
                       nice=QUERY_NICE)
    pages = WorkerPool(store, settings.page_workers, memory_limit=settings.worker_memory)
    try:
        await asyncio.gather(query.start(), pages.start())
    except BaseException:
        await asyncio.gather(query.close(), pages.close())
        raise
    limits = ClientLimits(settings.client_running, settings.client_queue,
                          settings.heavy_client_seconds)
    return {QUERY: Lane(QUERY, query, limits), PAGES: Lane(PAGES, pages)}


async def close_lanes(lanes: dict[str, Lane]) -> None:
    await asyncio.gather(*(lane.pool.close() for lane in lanes.values()))


def lane_of(lanes: dict[str, Lane], name: str) -> Lane:
    # Empty outside the lifespan: while the service starts or stops, a request is answered 503.
    lane = lanes.get(name)
    if lane is None:
        raise PoolError("the query workers are not running (the service is starting or stopping)")
    return lane
