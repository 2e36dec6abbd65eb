"""Typed errors. Library code raises these; only the CLI turns them into messages and exit codes."""
from __future__ import annotations


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
