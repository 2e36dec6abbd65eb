"""A pool of query-evaluating processes, driven from the asyncio event loop.

Each request borrows an idle worker, sends it one request and waits for the reply under a
wall-clock timeout. A worker that overruns is killed (the only way to stop pyoxigraph) and a fresh
one is started in the background; the other workers keep serving meanwhile.
"""
from __future__ import annotations

import asyncio
import multiprocessing
import signal
import time
from collections import deque
from collections.abc import Callable

from . import worker as worker_module
from .query_advice import advice


class PoolError(Exception):
    pass


class QueryTimeout(PoolError):
    pass


class PoolBusy(PoolError):
    pass


class WorkerFailed(PoolError):
    """The worker answered with an error: kind is syntax, limit, evaluation, memory or crash."""

    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind = kind


# How a worker dies when its memory cap is hit outside Python: Rust's allocator aborts (SIGABRT);
# the kernel's OOM killer sends SIGKILL (the pool's own kill for a timeout never reaches here).
_OUT_OF_MEMORY = {-signal.SIGABRT, -signal.SIGKILL}


class _Worker:
    def __init__(self, ctx, store_path: str, memory_limit: int | None, nice: int):
        self.conn, child = ctx.Pipe(duplex=True)
        self.proc = ctx.Process(target=worker_module.main,
                                args=(child, store_path, memory_limit, nice),
                                name="hmic-kg-query-worker", daemon=True)
        self.proc.start()
        child.close()

    def kill(self) -> None:
        if self.proc.is_alive():
            self.proc.kill()
        self.proc.join(5)
        self.conn.close()


async def _readable(conn, timeout: float | None) -> bool:
    loop = asyncio.get_running_loop()
    fut = loop.create_future()
    fd = conn.fileno()
    loop.add_reader(fd, lambda: fut.done() or fut.set_result(True))
    try:
        return await asyncio.wait_for(fut, timeout)
    except TimeoutError:
        return False
    finally:
        loop.remove_reader(fd)


class WorkerPool:
    def __init__(self, store_path: str, size: int, start_timeout: float = 60.0,
                 memory_limit: int | None = None, nice: int = 0):
        self.store_path = store_path
        self.size = size
        self.start_timeout = start_timeout
        self.memory_limit = memory_limit  # bytes of heap per worker (RLIMIT_DATA), None: no cap
        self.nice = nice  # added to the workers' scheduling niceness
        self._ctx = multiprocessing.get_context("spawn")
        self._idle: list[_Worker] = []
        # Requests waiting for a worker, in arrival order: [future, spare] (see _acquire).
        self._waiters: deque[list] = deque()
        self._all: set[_Worker] = set()
        self._tasks: set[asyncio.Task] = set()
        self._closed = False
        self.killed = 0  # workers killed for overrunning: reported by /health
        self.out_of_memory = 0  # workers that ran out of memory: reported by /health
        self.sandbox: list[str] = []

    async def start(self) -> None:
        await asyncio.gather(*(self._spawn() for _ in range(self.size)))

    async def _spawn(self) -> None:
        w = await asyncio.to_thread(_Worker, self._ctx, self.store_path, self.memory_limit,
                                    self.nice)
        self._all.add(w)
        if not await _readable(w.conn, self.start_timeout):
            await self._discard(w)
            raise PoolError("a query worker did not start in time")
        try:
            status, detail = w.conn.recv()
        except (EOFError, OSError):
            status, detail = "error", "the query worker exited while starting"
        if status != "ready":
            await self._discard(w)
            raise PoolError(detail)
        self.sandbox = detail  # the layers that keep this worker off the network, for /health
        if self._closed:
            await self._discard(w)
            return
        self._release(w)

    async def _discard(self, w: _Worker) -> None:
        self._all.discard(w)
        await asyncio.to_thread(w.kill)

    def _replace(self, w: _Worker) -> None:
        async def replace() -> None:
            await self._discard(w)
            if not self._closed:
                await self._spawn()
        task = asyncio.get_running_loop().create_task(replace())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _release(self, w: _Worker) -> None:
        self._idle.append(w)
        self._dispatch()

    def _dispatch(self) -> None:
        """Hands idle workers to waiters in arrival order, passing over a waiter that must leave
        more workers idle than there are."""
        for entry in list(self._waiters):
            if not self._idle:
                return
            fut, spare = entry
            if fut.done():
                self._waiters.remove(entry)
            elif len(self._idle) > spare:
                self._waiters.remove(entry)
                fut.set_result(self._idle.pop())

    async def _acquire(self, wait: float, spare: int) -> _Worker:
        """An idle worker, taken only while more than `spare` are idle: a heavy client's query
        (service/fairness.py) leaves a worker free for everyone else."""
        if not self._waiters and len(self._idle) > spare:
            return self._idle.pop()
        loop = asyncio.get_running_loop()
        fut = loop.create_future()
        entry = [fut, spare]
        self._waiters.append(entry)
        self._dispatch()  # a light request may pass heavy ones waiting for a second idle worker
        busy = PoolBusy(f"all {self.size} query workers stayed busy for {wait:g} s; "
                        "try again shortly")
        timer = loop.call_later(wait, lambda: fut.done() or fut.set_exception(busy))
        try:
            return await fut
        except asyncio.CancelledError:
            # Cancelled just after a worker was handed over: give it back rather than lose it.
            if fut.done() and not fut.cancelled() and fut.exception() is None:
                self._release(fut.result())
            raise
        finally:
            timer.cancel()
            if entry in self._waiters:
                self._waiters.remove(entry)

    async def call(self, request: dict, timeout: float, wait: float, spare: int = 0,
                   last_timeout: float | None = None,
                   charge: Callable[[float], None] | None = None) -> dict:
        """The worker's reply payload; raises QueryTimeout, PoolBusy or WorkerFailed. spare: see
        _acquire; last_timeout: the limit when the request takes the last idle worker of several;
        charge, if given, is told how many seconds a worker spent on the request."""
        if self._closed:
            raise PoolBusy("the service is shutting down")
        started = time.monotonic()
        w = await self._acquire(wait, spare)
        began = time.monotonic()
        deadline = started + timeout
        # The last free worker is kept for short queries: whoever takes it gets less time.
        short = last_timeout is not None and self.size > 1 and not self._idle \
            and began + last_timeout < deadline
        if short:
            deadline = began + last_timeout
        healthy = False
        try:
            w.conn.send(request)
            if not await _readable(w.conn, max(deadline - time.monotonic(), 0.001)):
                self.killed += 1
                if short:
                    raise QueryTimeout(
                        f"the query ran longer than {last_timeout:g} s, the limit while every other "
                        "query worker is busy, and was stopped; try again shortly, or narrow it")
                raise QueryTimeout(f"the query ran longer than {timeout:g} s (the limit) and was "
                                   f"stopped; {advice(request.get('query'))}")
            try:
                reply = w.conn.recv()
            except (EOFError, OSError):
                raise await self._death(w) from None
            # A worker that ran out of memory may have left its heap in pieces: not reused.
            healthy = reply[0] == "ok" or reply[1] != "memory"
        finally:
            # Anything but a complete reply (timeout, crash, cancelled request) leaves the worker in
            # an unknown state: it is replaced rather than reused.
            if healthy:
                self._release(w)
            else:
                self._replace(w)
            if charge is not None:
                charge(time.monotonic() - began)
        if reply[0] == "ok":
            return reply[1]
        if reply[1] == "memory":
            self.out_of_memory += 1
            raise WorkerFailed("memory", self._memory_message())
        raise WorkerFailed(reply[1], reply[2])

    async def _death(self, w: _Worker) -> WorkerFailed:
        """Why a worker vanished mid-query: its memory cap, or a crash."""
        await asyncio.to_thread(w.proc.join, 2)
        if self.memory_limit is not None and w.proc.exitcode in _OUT_OF_MEMORY:
            self.out_of_memory += 1
            return WorkerFailed("memory", self._memory_message())
        return WorkerFailed("crash", "the query worker exited while evaluating the query")

    def _memory_message(self) -> str:
        cap = f" ({self.memory_limit / 2**20:.0f} MiB)" if self.memory_limit else ""
        return (f"the query used more than its memory limit{cap} and was stopped; narrow it, add "
                "a LIMIT, aggregate less, or use the downloads")

    async def close(self) -> None:
        self._closed = True
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        for fut, _ in list(self._waiters):
            if not fut.done():
                fut.set_exception(PoolBusy("the service is shutting down"))
        workers = list(self._all)
        self._all.clear()
        self._idle.clear()
        await asyncio.gather(*(asyncio.to_thread(w.kill) for w in workers))

    @property
    def alive(self) -> int:
        return sum(1 for w in self._all if w.proc.is_alive())

    @property
    def idle(self) -> int:
        return len(self._idle)
