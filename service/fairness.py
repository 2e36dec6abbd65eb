"""Per-client shares of the query lane: one running query per client address, a short queue behind
it, refusal (429) beyond; and a client that has lately kept workers busy ("heavy") may not take the
last idle one.

Why the last rule: the per-client limit alone lets as many hostile addresses as there are workers
hold every worker with queries that run into the timeout, and then a cheap query waits for one of
them to end. Nothing tells a cheap query from an expensive one before it runs, so the record of
what each client's queries cost stands in for it. A client with no record yet may take the last
idle worker, but only for a short time (WorkerPool.call's last_timeout): its first expensive query
is stopped early and marks it heavy, while a client whose queries have ended well keeps the full
timeout there.

Clients are told apart by the connection's address. Behind a reverse proxy every client has the
proxy's address and they all share one slot: give each client its own address (or limit per client
at the proxy). X-Forwarded-For is not trusted: any client can write it.
"""
from __future__ import annotations

import asyncio
import math
import time
from collections import deque
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from .errors import ServiceError

# Worker-seconds a client used lose half their weight in this time: "lately" is about a minute.
HALF_LIFE = 30.0
# A single query longer than heavy_seconds marks its client heavy for this long. Usage alone would
# decay while a heavy client waits for a spare worker, and then let it take the last one again.
LONG_QUERY_MEMORY = 300.0
# Entries kept for clients with nothing running or waiting, before the idle ones are dropped.
_SWEEP_AT = 10_000


class _Client:
    __slots__ = ("long_until", "running", "served", "stamp", "usage", "waiting")

    def __init__(self) -> None:
        self.running = 0
        self.waiting: deque[asyncio.Future] = deque()
        self.usage = 0.0  # worker-seconds, decayed to `stamp`
        self.stamp = time.monotonic()
        self.long_until = 0.0  # heavy until then for a long query
        self.served = False  # a query of its has had a worker

    def used(self, now: float) -> float:
        return self.usage * math.exp2(-(now - self.stamp) / HALF_LIFE)


class ClientLimits:
    def __init__(self, running: int, queue: int, heavy_seconds: float):
        self.running = running  # queries of one client evaluated at once
        self.queue = queue  # further queries of one client waiting their turn
        self.heavy_seconds = heavy_seconds  # recent worker-seconds past which a client is heavy
        self._clients: dict[str, _Client] = {}
        self.refused = 0  # 429s answered: reported by /health

    def heavy(self, address: str) -> bool:
        c = self._clients.get(address)
        return c is not None and self._heavy(c, time.monotonic())

    def known(self, address: str) -> bool:
        """Whether a query of this client has run: a newcomer's first cost is unknown."""
        c = self._clients.get(address)
        return c is not None and c.served

    def _heavy(self, c: _Client, now: float) -> bool:
        return now < c.long_until or c.used(now) > self.heavy_seconds

    def mark_heavy(self, address: str) -> None:
        """For a query that was stopped at a time limit, however long it ran."""
        c = self._clients.get(address)
        if c is not None:
            c.long_until = time.monotonic() + LONG_QUERY_MEMORY

    def _charge(self, c: _Client, seconds: float) -> None:
        now = time.monotonic()
        c.usage, c.stamp, c.served = c.used(now) + seconds, now, True
        if seconds > self.heavy_seconds:
            c.long_until = now + LONG_QUERY_MEMORY

    @asynccontextmanager
    async def slot(self, address: str) -> AsyncIterator[Callable[[float], None]]:
        """Holds one of the client's running places for the block, which is given the function
        to report the worker-seconds spent; waits in the client's queue first, or raises
        ServiceError("too-many") when that is full."""
        c = self._clients.get(address)
        if c is None:
            if len(self._clients) >= _SWEEP_AT:
                self._sweep()
            c = self._clients[address] = _Client()
        if c.running >= self.running or c.waiting:
            if len(c.waiting) >= self.queue:
                self.refused += 1
                raise ServiceError("too-many", f"this client already has {c.running} "
                                   f"{'query' if c.running == 1 else 'queries'} running and "
                                   f"{len(c.waiting)} waiting (the limit per client); send the "
                                   "next one when an answer arrives")
            turn = asyncio.get_running_loop().create_future()
            c.waiting.append(turn)
            try:
                await turn
            except asyncio.CancelledError:
                if turn in c.waiting:
                    c.waiting.remove(turn)
                elif not turn.cancelled():  # the place was handed over just before: pass it on
                    self._leave(c)
                raise
        else:
            c.running += 1
        try:
            yield lambda seconds: self._charge(c, seconds)
        finally:
            self._leave(c)

    def _leave(self, c: _Client) -> None:
        # A waiting query takes the place over directly, so no newcomer can slip in between.
        while c.waiting:
            turn = c.waiting.popleft()
            if not turn.done():
                turn.set_result(None)
                return
        c.running -= 1

    def _sweep(self) -> None:
        now = time.monotonic()
        for address in [a for a, c in self._clients.items() if not c.running and not c.waiting
                        and c.used(now) < 0.01 and now >= c.long_until]:
            del self._clients[address]

    def stats(self) -> dict:
        now = time.monotonic()
        return {"clients": len(self._clients), "refused": self.refused,
                "heavy": sum(1 for c in self._clients.values() if self._heavy(c, now)),
                "per_client": {"running": self.running, "queue": self.queue}}
