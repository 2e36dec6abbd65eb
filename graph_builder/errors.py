"""Typed errors. Library code raises these; only the CLI turns them into messages and exit codes."""
from __future__ import annotations

import errno

# File-system refusals that name a path the user gave or a disk the user filled: theirs to fix,
# told in one line (exit 2), not a bug. One list for the main process and the forked children.
ENVIRONMENT_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM,
                                errno.ENAMETOOLONG, errno.ENOENT, errno.ENOTDIR, errno.EISDIR,
                                errno.EEXIST})


def environment_message(exc: OSError) -> str | None:
    """The one-line message for a refusal of ENVIRONMENT_ERRNOS, None for any other OSError."""
    if exc.errno not in ENVIRONMENT_ERRNOS:
        return None
    return f"{exc.filename}: {exc.strerror}" if exc.filename else (exc.strerror or str(exc))


class HmicKgError(Exception):
    """Base of every error a user can act on (exit code 2 unless exit_code says otherwise)."""


class InternalError(Exception):
    """Not the input's fault: a bug, or the machine failing (memory, disk, a killed process).
    Exit code 3; `details` holds the traceback of where it happened (in a child process too)."""

    exit_code = 3

    def __init__(self, message: str, details: str = ""):
        super().__init__(message)
        self.details = details


class ReportError(HmicKgError):
    """A report text that cannot be extracted: names the file and, where one applies, the line."""

    def __init__(self, path: str, message: str, line: int | None = None):
        self.path = str(path)
        self.line = line
        self.message = message
        super().__init__(self.one_line())

    def one_line(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"
