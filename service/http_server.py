"""How `hmic-kg serve` runs uvicorn so that slow or numerous connections cannot hold the process.

uvicorn closes an idle keep-alive connection, but it waits for ever for a request head that never
completes, and for a connection that never sends a byte: 1,000 of those stayed open indefinitely.
HeadTimeoutProtocol closes a connection whose request head has not fully arrived in time (from the
moment the connection opens, or from the first byte of each further request on it). The request
body has its own deadline (service/body_deadline.py), answered 408.
"""
from __future__ import annotations

import asyncio
import logging
import resource

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

from .config import Settings

log = logging.getLogger("hmic_kg.service")

# Descriptors the process needs besides client connections: the store, worker pipes, logs, the
# files being served.
_RESERVED_FDS = 64
_FDS_PER_WORKER = 4


class HeadTimeoutProtocol(H11Protocol):
    header_timeout = 10.0  # set per server by protocol_class()
    _head_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._watch_head()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        self._watch_head()

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_timer()
        super().connection_lost(exc)

    def _watch_head(self) -> None:
        # h11's IDLE on the client's side: no complete request head yet on this cycle.
        waiting = self.conn.their_state is h11.IDLE and not self.transport.is_closing()
        if waiting and self._head_timer is None:
            self._head_timer = self.loop.call_later(self.header_timeout, self._head_overdue)
        elif not waiting:
            self._stop_timer()

    def _stop_timer(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_overdue(self) -> None:
        self._head_timer = None
        if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
            log.info("closing a connection from %s: no complete request head within %g s",
                     self.client[0] if self.client else "?", self.header_timeout)
            self.transport.close()


def protocol_class(header_timeout: float) -> type[HeadTimeoutProtocol]:
    return type("HeadTimeoutProtocol", (HeadTimeoutProtocol,), {"header_timeout": header_timeout})


def connection_limit(settings: Settings) -> int:
    """Open connections past which uvicorn answers 503 (its limit_concurrency): settings'
    max_connections, raising the descriptor limit to fit if the hard limit allows, else as many
    as the descriptors allow. A flood then gets 503, not a process out of descriptors."""
    reserved = _RESERVED_FDS + _FDS_PER_WORKER * (settings.workers + settings.page_workers)
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = settings.max_connections + reserved
    if soft != resource.RLIM_INFINITY and soft < wanted:
        raised = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (raised, hard))
            soft = raised
        except (ValueError, OSError):
            pass
    room = settings.max_connections if soft == resource.RLIM_INFINITY else soft - reserved
    return max(16, min(settings.max_connections, room))


def uvicorn_options(settings: Settings) -> dict:
    # uvicorn by default takes the client's address from X-Forwarded-For on connections from
    # 127.0.0.1, so any local client could claim any address and escape its per-client limits.
    return {"http": protocol_class(settings.header_timeout),
            "limit_concurrency": connection_limit(settings), "proxy_headers": False}
