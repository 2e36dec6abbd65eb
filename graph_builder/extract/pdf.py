"""A published PDF to report text: the text layer read by poppler's pdftotext, pages kept as form feeds.

pdftotext (Debian's poppler-utils) runs as a child process with a time limit and resource limits:
the PDF is hostile input, and poppler is a large C parser. It writes every word with its box
(-bbox-layout); from the boxes this module rebuilds what the extractor reads in a text conversion:

- page furniture dropped: a line that opens or closes most pages once its digits are ignored
  (a running title, "Page 4 of 60");
- one line per paragraph: a printed line joins the next when the typesetter broke it, which is
  known from its right edge (justified text ends wrapped lines at the margin; ragged text wraps
  only when the next word would not fit);
- a blank line where the layout leaves a gap of more than half a line;
- table rows as tab-separated cells, each cell in the column its left edge falls in;
- a form feed at every page boundary: before the first line of the page, or in place of the
  space between two words when a paragraph runs over the page.

A PDF without a text layer (a scan) is refused: there is no OCR here.
"""
from __future__ import annotations

import bisect
import io
import os
import re
import resource
import subprocess
import tempfile
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass
from itertools import pairwise

from graph_builder.errors import ReportError

PDFTOTEXT = "pdftotext"
TIMEOUT = 120                 # seconds of wall time for one PDF
CPU_SECONDS = 120
MEMORY = 2 * 1024 ** 3        # address space of the converter
MAX_LAYOUT = 128 * 1024 ** 2  # bytes of word boxes the converter may write (16 times the text: 2,000 pages)
_NS = "{http://www.w3.org/1999/xhtml}"
MAX_INDENT = 16   # spaces: a centred title is not a nested item
_DIGITS = re.compile(r"\d+")
_CONTROLS = re.compile(r"[\x00-\x1f\x7f]")
_XML_CONTROLS = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]|&#(?:[xX]0*(?:[0-8bcefBCEF]|1[0-9a-fA-F])|0*(?:[0-8]|1[124-9]|2[0-9]|3[01]));")
_BULLET = re.compile(r"^(?:[-*\u2022\u25aa\u25cf]|\d{1,2}[.)])$")


def is_pdf(data: bytes) -> bool:
    # The header may follow a little junk (the PDF reference allows it within the first 1024 bytes).
    return b"%PDF-" in data[:1024]


def _limits() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS))
    resource.setrlimit(resource.RLIMIT_FSIZE, (MAX_LAYOUT, MAX_LAYOUT))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _read_pages(path: str, data: bytes) -> tuple[list[list[_Row]], float]:
    with tempfile.TemporaryDirectory(prefix="hmic-kg-pdf-") as tmp:
        src, out = os.path.join(tmp, "in.pdf"), os.path.join(tmp, "out.html")
        with open(src, "wb") as fh:
            fh.write(data)
        try:
            proc = subprocess.run([PDFTOTEXT, "-q", "-bbox-layout", "-enc", "UTF-8", src, out],
                                  stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                  timeout=TIMEOUT, preexec_fn=_limits, env={"PATH": os.environ.get("PATH", "")}, check=False)
        except FileNotFoundError:
            raise ReportError(path, "is a PDF, and reading PDFs needs poppler's pdftotext "
                              "(Debian package poppler-utils), which is not installed") from None
        except subprocess.TimeoutExpired:
            raise ReportError(path, f"is a PDF whose text layer could not be read within {TIMEOUT} s") from None
        if proc.returncode != 0 or not os.path.exists(out):
            why = {-24: "took too much CPU time", -25: "has too large a text layer",
                   1: "could not be opened (damaged, or not a PDF)", 3: "is protected against copying text"}
            reason = why.get(proc.returncode, f"could not be read (pdftotext exit {proc.returncode})")
            raise ReportError(path, f"is a PDF that {reason}")
        return _pages(path, out)


@dataclass
class _Word:
    x0: float
    x1: float
    text: str


@dataclass
class _Row:
    page: int
    y0: float
    y1: float
    words: list[_Word]

    @property
    def x0(self) -> float:
        return self.words[0].x0

    @property
    def x1(self) -> float:
        return self.words[-1].x1

    @property
    def height(self) -> float:
        return self.y1 - self.y0

    def plain(self) -> str:
        return " ".join(w.text for w in self.words)


def _pages(path: str, layout: str) -> tuple[list[list[_Row]], float]:
    """Rows of words per page, and the commonest page width, streamed from the converter's file."""
    pages: list[list[_Row]] = []
    widths: Counter[float] = Counter()
    lines: list[tuple[float, float, list[_Word]]] = []
    try:
        with open(layout, "rb") as fh:
            # XML forbids control characters, raw or as references; a broken font yields them.
            clean = _XML_CONTROLS.sub(b"", fh.read())
        for event, el in ET.iterparse(io.BytesIO(clean), events=("start", "end")):
            if el.tag == _NS + "page" and event == "start":
                lines = []
                widths[float(el.get("width", "595"))] += 1
            elif el.tag == _NS + "line" and event == "end":
                # Control characters are no text (a broken font's glyph codes): dropped.
                words = [_Word(float(w.get("xMin")), float(w.get("xMax")), _CONTROLS.sub("", w.text or ""))
                         for w in el.iter(_NS + "word") if _CONTROLS.sub("", w.text or "").strip()]
                if words:
                    lines.append((float(el.get("yMin")), float(el.get("yMax")), words))
                el.clear()
            elif el.tag == _NS + "page" and event == "end":
                pages.append(_rows(len(pages) + 1, lines))
                el.clear()
    except (ET.ParseError, TypeError, ValueError) as exc:
        raise ReportError(path, f"is a PDF whose text layer could not be read ({exc})") from None
    return pages, (widths.most_common(1)[0][0] if widths else 595.0)


def _rows(page: int, lines: list[tuple[float, float, list[_Word]]]) -> list[_Row]:
    """Lines on one baseline are one row: the cells of a table row come as separate lines."""
    rows: list[_Row] = []
    for y0, y1, words in sorted(lines, key=lambda t: (t[1], t[2][0].x0)):
        last = rows[-1] if rows else None
        if last is not None and abs(last.y1 - y1) < 0.5 * (y1 - y0):
            last.words = sorted(last.words + words, key=lambda w: w.x0)
            last.y0 = min(last.y0, y0)
        else:
            rows.append(_Row(page, y0, y1, words))
    return sorted(rows, key=lambda r: (r.y0, r.x0))


def _furniture(pages: list[list[_Row]]) -> set[int]:
    """ids of rows that open or close most pages, digits ignored: running titles, page numbers."""
    if len(pages) < 3:
        return set()
    key = lambda r: _DIGITS.sub("#", r.plain())
    heads = Counter(key(p[0]) for p in pages if p)
    feet = Counter(key(p[-1]) for p in pages if p)
    enough = max(2, len(pages) // 2)
    out = set()
    for p in pages:
        if p and heads[key(p[0])] >= enough:
            out.add(id(p[0]))
        if len(p) > 1 and feet[key(p[-1])] >= enough:
            out.add(id(p[-1]))
    return out


class _Geometry:
    """What the typesetter did: the column's right edge, whether it justified, a space's width."""

    def __init__(self, rows: list[_Row], page_width: float):
        edges = Counter(round(r.x1) for r in rows if len(r.words) > 5)
        if sum(edges.values()) >= 5:
            self.right = edges.most_common(1)[0][0]
        else:
            # Too few full lines to see the margin: take it as wide as the left one.
            self.right = page_width - min(r.x0 for r in rows)
        full = sum(c for e, c in edges.items() if abs(e - self.right) <= 1)
        self.justified = full >= 0.3 * max(1, sum(edges.values()))
        gaps = sorted(b.x0 - a.x1 for r in rows if r.x1 < self.right - 5
                      for a, b in pairwise(r.words))
        self.space = gaps[len(gaps) // 2] if gaps else 3.0

    def wrapped(self, row: _Row, nxt: _Row) -> bool:
        """Whether the typesetter broke row's paragraph onto nxt."""
        if abs(nxt.x0 - row.x0) > self.space * 0.5 and nxt.x0 > row.x0:
            return False   # the next line is indented: a new paragraph or item
        if _BULLET.match(nxt.words[0].text) and row.words[-1].text.endswith((".", ";", ":")):
            return False   # an item ending a sentence, then a bullet: the next item
        if self.justified:
            return abs(row.x1 - self.right) <= 1.0
        return row.x1 + self.space + (nxt.words[0].x1 - nxt.words[0].x0) > self.right - 0.5

    def cells(self, row: _Row) -> list[list[_Word]]:
        """Runs of words separated by more than a stretched space: table cells."""
        out = [[row.words[0]]]
        for a, b in pairwise(row.words):
            if b.x0 - a.x1 > max(3 * self.space, 1.2 * row.height):
                out.append([b])
            else:
                out[-1].append(b)
        return out


def _table_text(rows: list[_Row], geo: _Geometry) -> list[str]:
    starts = sorted({round(c[0].x0) for r in rows for c in geo.cells(r)})
    cols: list[float] = []
    for x in starts:
        if not cols or x - cols[-1] > 2 * geo.space:
            cols.append(x)
    out = []
    for r in rows:
        cells = [""] * len(cols)
        for c in geo.cells(r):
            i = max(0, bisect.bisect_right(cols, round(c[0].x0) + 2 * geo.space) - 1)
            cells[i] = (cells[i] + " " + " ".join(w.text for w in c)).strip()
        out.append("\t".join(cells))
    return out


def pdf_text(path: str, data: bytes) -> str:
    """The report text of a PDF: paragraphs one per line, form feeds at page boundaries."""
    pages, width = _read_pages(path, data)
    drop = _furniture(pages)
    rows = [r for p in pages for r in p if id(r) not in drop]
    if not rows:
        raise ReportError(path, "is a PDF without a text layer (a scan?): no text to read; "
                          "OCR is not done here, convert it to text first")
    geo = _Geometry(rows, width)
    # A justified line stretches its spaces to the margin: wide gaps there are not cell boundaries.
    tabled = [len(geo.cells(r)) > 1 and not (geo.justified and abs(r.x1 - geo.right) <= 1) for r in rows]
    # A row between two table rows, with no gap above it, is a table row with one cell filled.
    for i in range(1, len(rows) - 1):
        if not tabled[i] and tabled[i - 1] and any(tabled[i + 1:i + 3]) and not _gap(rows[i - 1], rows[i]):
            tabled[i] = True
    blank_style = _blank_style(rows)
    margins: dict[int, Counter[int]] = {}
    for r in rows:
        margins.setdefault(r.page, Counter())[round(r.x0)] += 1
    left = {p: c.most_common(1)[0][0] for p, c in margins.items()}
    lines: list[str] = []
    i = 0
    while i < len(rows):
        if tabled[i]:
            j = i
            while j < len(rows) and tabled[j] and (j == i or not _gap(rows[j - 1], rows[j])):
                j += 1
            texts = _table_text(rows[i:j], geo)
            for k, t in enumerate(texts):
                _emit(lines, rows, i + k, t, blank_style)
            i = j
            continue
        # Indentation kept as spaces (a nested list item), measured in spaces from the page's margin.
        indent = min(MAX_INDENT, max(0, round((rows[i].x0 - left[rows[i].page]) / geo.space)))
        text = " " * indent + rows[i].plain()
        j = i
        while j + 1 < len(rows) and not tabled[j + 1] and not _gap(rows[j], rows[j + 1]) \
                and geo.wrapped(rows[j], rows[j + 1]):
            sep = "\f" * (rows[j + 1].page - rows[j].page) or " "
            text += sep + rows[j + 1].plain()
            j += 1
        _emit(lines, rows, i, text, blank_style)
        i = j + 1
    return "\n".join(lines) + "\n"


def _gap(a: _Row, b: _Row) -> bool:
    """A blank line between two rows of one page: more than half a line of extra space."""
    return a.page == b.page and b.y0 - a.y1 > 0.5 * max(a.height, b.height) + 2


def _blank_style(rows: list[_Row]) -> bool:
    pairs = [(a, b) for a, b in pairwise(rows) if a.page == b.page]
    return sum(_gap(a, b) for a, b in pairs) >= 0.1 * max(1, len(pairs))


def _emit(lines: list[str], rows: list[_Row], i: int, text: str, blank_style: bool) -> None:
    # One form feed per page boundary passed, so a page without text (a picture, a blank back of a
    # cover) still counts.
    if i == 0:
        lines.append("\f" * (rows[0].page - 1) + text)
        return
    prev = rows[i - 1]
    if prev.page != rows[i].page:
        if blank_style:
            lines.append("")
        lines.append("\f" * (rows[i].page - prev.page) + text)
        return
    if _gap(prev, rows[i]):
        lines.append("")
    lines.append(text)
