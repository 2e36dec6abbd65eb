"""Serving successive builds: every worker moves to a new build together, never mixing two.

`serve` binds its socket once and runs one generation of the app at a time on it. SIGHUP, or with
--follow-rebuilds the build link naming a new version, ends the current generation as a shutdown
does (no new request taken, those in flight finished, worker pools closed, the version released),
then the next generation opens the version the link names now: a fresh dataset, pools, cache and
catalogue. A generation is pinned to one version (service/dataset.py), so within it /health,
downloads and queries describe the same build. Connections that arrive between two generations
wait in the listening socket's backlog: none is refused.
"""
from __future__ import annotations

import signal
import socket
import threading
from collections.abc import Callable
from pathlib import Path

import uvicorn
from fastapi import FastAPI

# How often --follow-rebuilds looks at the link.
POLL_SECONDS = 2.0


def listen(host: str, port: int) -> socket.socket:
    """The listening socket, its connections without Nagle's algorithm.

    asyncio turns Nagle off only on sockets whose protocol number says TCP, and create_server's
    sockets say 0: every answer written as a head and then a body waited for the client's delayed
    ACK, 40 ms per request on a kept-alive connection. Linux hands TCP_NODELAY down to the
    connections a listener accepts.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listener = socket.create_server((host, port), family=family, backlog=2048)
    listener.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return listener


def serve(make_app: Callable[[], FastAPI], data: Path, host: str, port: int, follow: bool,
          options: dict) -> None:
    """Runs generations of make_app() until the server is stopped (SIGINT, SIGTERM)."""
    listener = listen(host, port)
    reload = threading.Event()
    current: dict = {}

    def next_generation(*_args) -> None:
        reload.set()
        server = current.get("server")
        if server is not None:
            server.should_exit = True

    previous = signal.signal(signal.SIGHUP, next_generation)
    stop_watching = threading.Event()
    if follow:
        threading.Thread(target=_watch, args=(data, current, next_generation, stop_watching),
                         name="hmic-kg-follow", daemon=True).start()
    try:
        while True:
            reload.clear()
            app = make_app()
            current["version"] = app.state.service.dataset.data_dir
            server = uvicorn.Server(uvicorn.Config(app, host=host, port=port, **options))
            current["server"] = server
            try:
                # A duplicate: uvicorn closes the sockets it serves when a generation ends, and
                # the listener must stay open (and keep queueing) for the next one.
                server.run(sockets=[listener.dup()])
            except KeyboardInterrupt:  # uvicorn raises the SIGINT it caught again once it stopped
                return
            finally:
                current["server"] = None
                app.state.service.dataset.release()
            if not reload.is_set():
                return
    finally:
        stop_watching.set()
        signal.signal(signal.SIGHUP, previous)
        listener.close()


def _watch(data: Path, current: dict, next_generation, stop: threading.Event) -> None:
    while not stop.wait(POLL_SECONDS):
        try:
            target = data.resolve(strict=True)
        except OSError:
            continue  # between two renames of a rebuild, or removed: look again later
        served = current.get("version")
        if served is not None and current.get("server") is not None and target != served \
                and (target / "build.json").is_file():
            next_generation()
