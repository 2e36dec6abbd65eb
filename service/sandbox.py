"""Cuts a query worker off the network before it reads its first query.

A SPARQL engine that supports SERVICE will connect wherever a query tells it to; a text check in
front of it can only guess how the engine will read the query, and a guess can be wrong (see
docs/security.md). So the processes that evaluate client queries are made unable to connect at all,
by the kernel, whatever the query says:

1. A network namespace of their own (`unshare(CLONE_NEWNET)`; as an unprivileged user, inside a new
   user namespace). It holds only a loopback interface that is down: no address, no route, so every
   connection attempt fails with "network unreachable", loopback included.
2. A seccomp filter: `socket()` for any family but AF_UNIX, and io_uring (which can open sockets
   without that call), fail with EACCES. This layer holds even where namespaces are not allowed
   (some containers), and inside the namespace it also stops netlink.

Both are applied when the kernel allows them; a worker that gets neither refuses to start, so the
service does not start unprotected. The pipe to the parent is created before this, so it keeps
working. Only Linux has these calls; elsewhere the worker refuses to start.
"""
from __future__ import annotations

import ctypes
import errno
import socket
import sys

CLONE_NEWUSER = 0x10000000
CLONE_NEWNET = 0x40000000


class SandboxError(OSError):
    pass


def _unshare(flags: int) -> int:
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.unshare(flags) == 0:
        return 0
    return ctypes.get_errno()


def _network_namespace() -> str | None:
    """Moves this process into a new, empty network namespace; the layer's name, or None."""
    if _unshare(CLONE_NEWNET) == 0:
        return "network namespace"
    # Without CAP_SYS_ADMIN a new user namespace grants it inside; the process keeps its own uid on
    # the files it reads (the kernel checks the real one), so the store still opens read-only.
    if _unshare(CLONE_NEWUSER | CLONE_NEWNET) == 0:
        return "network namespace (user namespace)"
    return None


def _socket_filter() -> str | None:
    try:
        import pyseccomp as seccomp
    except (ImportError, OSError):  # libseccomp missing: the namespace layer may still hold
        return None
    try:
        f = seccomp.SyscallFilter(defaction=seccomp.ALLOW)
        f.add_rule(seccomp.ERRNO(errno.EACCES), "socket",
                   seccomp.Arg(0, seccomp.NE, socket.AF_UNIX))
        for call in ("io_uring_setup", "io_uring_enter", "io_uring_register"):
            f.add_rule(seccomp.ERRNO(errno.EACCES), call)
        f.load()
    except (OSError, RuntimeError, ValueError):
        return None
    return "seccomp socket filter"


def deny_network() -> list[str]:
    """Applies every layer the kernel allows to this (single-threaded) process; returns their names.

    Raises SandboxError when none could be applied. Must run before any thread is started: a
    namespace or filter applies to the calling thread and those it starts afterwards.
    """
    if not sys.platform.startswith("linux"):
        raise SandboxError("query workers can only be cut off the network on Linux")
    layers = [name for name in (_network_namespace(), _socket_filter()) if name]
    if not layers:
        raise SandboxError("the kernel allowed neither a network namespace nor a seccomp filter, "
                           "so query workers could connect out; refusing to start")
    return layers
