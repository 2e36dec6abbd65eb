"""Reading a report text: bytes to str, with a clear error for anything that is not a text report."""
from __future__ import annotations

import hashlib
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from graph_builder.errors import ReportError

from .html_source import html_text, is_html_page
from .pdf import is_pdf, pdf_text
from .personal_data import mask_personal_data

_NEWLINE = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True)
class Source:
    path: str
    text: str
    sha256: str

    def line_of(self, offset: int) -> int:
        return self.text.count("\n", 0, offset) + 1


# The largest real report is a quarter of a megabyte; a file this large is not one (/dev/zero,
# a disk image), and reading it whole would only exhaust memory.
MAX_BYTES = 64 * 1024 * 1024


def read_source(path: str | Path) -> Source:
    p = Path(path)
    try:
        # Non-blocking, so that a FIFO is refused instead of waiting for a writer for ever.
        fd = os.open(p, os.O_RDONLY | os.O_NONBLOCK)
    except IsADirectoryError:
        raise ReportError(str(p), "is a directory, not a report text") from None
    except OSError as exc:
        raise ReportError(str(p), f"cannot be read: {exc.strerror or exc}") from None
    # Checked on the descriptor before it becomes a file object (which refuses a directory with an
    # error naming the descriptor, not the path).
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        if stat.S_ISDIR(mode):
            raise ReportError(str(p), "is a directory, not a report text")
        raise ReportError(str(p), "is not a regular file (a device, FIFO or socket), not a report text")
    with os.fdopen(fd, "rb") as fh:
        try:
            data = fh.read(MAX_BYTES + 1)
        except OSError as exc:
            raise ReportError(str(p), f"cannot be read: {exc.strerror or exc}") from None
    if len(data) > MAX_BYTES:
        raise ReportError(str(p), f"is larger than {MAX_BYTES // 2**20} MiB: not a report text")
    return decode_source(str(p), data)


def decode_source(path: str, data: bytes) -> Source:
    if not data.strip():
        raise ReportError(path, "is empty")
    # A published file (a PDF, a saved web page) becomes the text a conversion would give, pages as
    # form feeds; from here on it is read like any report text, masked the same way.
    if is_pdf(data):
        return _text_source(path, pdf_text(path, data))
    if is_html_page(data):
        return _text_source(path, html_text(path, data))
    if b"\x00" in data:
        line = data.count(b"\n", 0, data.index(b"\x00")) + 1
        raise ReportError(path, "is binary (NUL byte), not a report text", line)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ReportError(path, f"is not valid UTF-8 (byte 0x{data[exc.start]:02x})", line) from None
    return _text_source(path, text.removeprefix("\ufeff"))


def _text_source(path: str, text: str) -> Source:
    controls = re.search(r"[\x01-\x08\x0b\x0e-\x1f\x7f]", text)
    if controls:
        raise ReportError(path, "contains control characters: not a report text",
                          text.count("\n", 0, controls.start()) + 1)
    # Here, before any stage reads the text, so that the model, the graph, texts/ and every export
    # only ever hold the masked text (docs/personal-data.md). Same length: no offset moves.
    text = mask_personal_data(text)
    # The hash pins the text the offsets count into, the stored one: taken after the BOM is
    # dropped and the personal data masked.
    return Source(path=path, text=text, sha256=hashlib.sha256(text.encode("utf-8")).hexdigest())


def physical_lines(text: str) -> list[tuple[int, int, int]]:
    """(line number, start offset, end offset excluding the newline) for every line."""
    out = []
    pos = 0
    no = 1
    if "\r" not in text:
        # The usual case, '\n' endings only: split is much faster than a regex scan, same offsets.
        for no, line in enumerate(text.split("\n"), 1):
            end = pos + len(line)
            if end < len(text) or line:   # as below: no entry for an empty piece after the last newline
                out.append((no, pos, end))
            pos = end + 1
        return out
    for m in _NEWLINE.finditer(text):
        out.append((no, pos, m.start()))
        pos = m.end()
        no += 1
    if pos < len(text):
        out.append((no, pos, len(text)))
    return out
