"""`serve` moves to a new build as a whole, on SIGHUP or by following the link: every answer before
the move is the old build's, every answer after it the new one's, and no request fails meanwhile."""
import signal
import subprocess
import sys
import threading
import time

import httpx
import pytest

from graph_builder.pipeline.build import build_dataset
from tests.conftest import free_port
from tests.service.conftest import count_triples

pytestmark = pytest.mark.live


def _count(url: str) -> int:
    with httpx.Client(base_url=url, timeout=30) as client:
        return count_triples(client)


def _serve(out, *extra):
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "graph_builder.cli", "serve", "--data", str(out),
                             "--port", str(port), "--no-warm", "--workers", "1", *extra],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/health", timeout=2).json().get("status") == "ok":
                return proc, url
        except (httpx.HTTPError, ValueError):
            time.sleep(0.2)
    proc.kill()
    raise AssertionError(f"serve did not start: {proc.stderr.read()[-2000:]}")


def _until_new_build(url: str, old_built_at: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if httpx.get(f"{url}/health", timeout=10).json().get("built_at") != old_built_at:
            return
        time.sleep(0.2)
    raise AssertionError("the service did not move to the new build")


def _stop(proc) -> None:
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(30)
    except subprocess.TimeoutExpired:
        proc.kill()


def test_sighup_moves_every_worker_to_the_new_build_and_refuses_nothing(two_builds):
    out, smaller = two_builds
    proc, url = _serve(out)
    try:
        before, built_at = _count(url), httpx.get(f"{url}/health").json()["built_at"]
        build_dataset(smaller, out)
        assert _count(url) == before  # pinned until told
        after_counts, failures, stop = [], [], threading.Event()

        def keep_asking():
            while not stop.is_set():
                try:
                    after_counts.append(_count(url))
                except Exception as exc:  # noqa: BLE001 - any failure during the move is the bug
                    failures.append(repr(exc))

        asker = threading.Thread(target=keep_asking)
        asker.start()
        time.sleep(0.5)
        proc.send_signal(signal.SIGHUP)
        _until_new_build(url, built_at)
        time.sleep(0.5)
        stop.set()
        asker.join(60)
        now = _count(url)
        assert now < before
        assert failures == []
        assert set(after_counts) <= {before, now}  # each answer one build's, never a mix
        assert after_counts[-1] == now
    finally:
        _stop(proc)


def test_follow_rebuilds_moves_when_the_link_changes(two_builds):
    out, smaller = two_builds
    proc, url = _serve(out, "--follow-rebuilds")
    try:
        before, built_at = _count(url), httpx.get(f"{url}/health").json()["built_at"]
        build_dataset(smaller, out)
        _until_new_build(url, built_at)
        assert _count(url) < before
    finally:
        _stop(proc)


def test_connections_are_accepted_without_nagles_algorithm():
    # Regression: asyncio leaves Nagle on for sockets whose protocol number is 0, as
    # socket.create_server's are; every kept-alive answer then waited 40 ms for a delayed ACK.
    import socket

    from service.reloading import listen
    listener = listen("127.0.0.1", 0)
    try:
        client = socket.create_connection(listener.getsockname())
        accepted, _ = listener.accept()
        assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0
        accepted.close()
        client.close()
    finally:
        listener.close()
