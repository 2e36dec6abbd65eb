"""Child processes that cannot outlive the process that started them."""
from __future__ import annotations

import ctypes
import signal
import sys

_PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """Called first in a child: the kernel kills it when its parent dies, however the parent dies
    (SIGKILL included), so a killed build or server leaves no worker behind blocked or spinning."""
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
        except (OSError, AttributeError):
            pass
