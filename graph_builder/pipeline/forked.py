"""A function run in a forked process beside the build, which sees the parent's memory as it was
at the fork (the parsed reports, the in-memory store) without copying it.

Forked, never spawned: the point is the parent's data. What a child may and may not do is set out
in timeline.py (the fork rules); this module only starts, stops and reports.
"""
from __future__ import annotations

import multiprocessing as mp
import os
import signal
import time
import traceback

from graph_builder.errors import HmicKgError, InternalError, environment_message


class Forked:
    """fn(*args) in a forked child, in a process group of its own so that stop() ends whatever
    it started too (worker pools, sorts). `what` names the work in errors. A child that starts
    processes of its own through multiprocessing must not be a daemon (daemon=False)."""

    def __init__(self, what: str, fn, *args, daemon: bool = True):
        self.what = what
        ctx = mp.get_context("fork")
        self._recv, send = ctx.Pipe(duplex=False)
        self._proc = ctx.Process(target=_run, args=(send, fn, args), daemon=daemon)
        self._proc.start()
        send.close()

    def result(self):
        """fn's return value once the child has finished. The child's HmicKgError comes back as
        one (the input's fault: exit 2); anything else, or a child that died, as InternalError
        with the child's traceback (exit 3)."""
        try:
            status, payload, details = self._recv.recv()
        except EOFError:
            status, payload, details = "internal", f"the process died (exit code {self._proc.exitcode})", ""
        self._proc.join()
        if status == "ok":
            return payload
        message = f"{self.what} failed: {payload}; the previous output is unchanged"
        if status == "user":
            raise HmicKgError(message)
        raise InternalError(message, details)

    def stop(self) -> None:
        """Ends the child and everything it started, unless it has finished; idempotent."""
        if self._proc.is_alive():
            try:
                os.killpg(self._proc.pid, signal.SIGKILL)
            except ProcessLookupError:  # not yet in its own group, so it has started nothing
                self._proc.kill()
            self._proc.join()
        self._recv.close()


def timed(fn, *args):
    """(fn(*args), the seconds it took): for a child whose time the build record reports."""
    t = time.perf_counter()
    return fn(*args), time.perf_counter() - t


def _run(conn, fn, args) -> None:
    os.setpgrp()  # its own process group, which stop() can end with everything it started
    try:
        conn.send(("ok", fn(*args), ""))
    except HmicKgError as exc:
        conn.send(("user", str(exc), ""))
    except OSError as exc:
        message = environment_message(exc)  # as the CLI judges one in the main process
        if message is not None:
            conn.send(("user", message, ""))
        else:
            conn.send(("internal", f"{type(exc).__name__}: {exc}", traceback.format_exc()))
    except BaseException as exc:  # noqa: BLE001 -- reported to the parent, which raises it
        conn.send(("internal", f"{type(exc).__name__}: {exc}", traceback.format_exc()))
    finally:
        conn.close()
