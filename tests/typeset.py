"""Published-looking PDFs and HTML pages made from report texts, for the tests of PDF and HTML input.

The PDF is typeset with fpdf2 (a dev dependency): A4, a running title at the top of every page and
"Page N of M" at the foot, paragraphs wrapped to the column, tab-separated rows set as table rows
in columns, indentation kept as space widths. The HTML page is a publication page: a <head>, a
site navigation and footer around the report in <main>, headings as <h2>/<h3>, lists as <ul>,
tables as <table>.
"""
from __future__ import annotations

import html
import re
from pathlib import Path

from fpdf import FPDF

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
SIZE = 9.5
LEADING = 4.6      # mm between baselines inside a paragraph
GAP = 3.0          # mm for a blank line of the text
CELL_GAP = 6.0     # mm between table columns


class _Doc(FPDF):
    def __init__(self, title: str):
        super().__init__(format="A4", unit="mm")
        self.running_title = title
        self.add_font("DejaVu", "", str(FONT_DIR / "DejaVuSans.ttf"))
        self.add_font("DejaVu", "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
        self.set_margins(18, 22, 18)
        self.set_auto_page_break(True, margin=22)
        self.alias_nb_pages()

    def header(self):
        self.set_font("DejaVu", "", 8)
        self.set_xy(18, 10)
        self.cell(0, 4, self.running_title, align="C")
        self.set_xy(18, 22)
        self.set_font("DejaVu", "", SIZE)

    def footer(self):
        self.set_font("DejaVu", "", 8)
        self.set_xy(18, -14)
        self.cell(0, 4, f"Page {self.page_no()} of {{nb}}", align="C")
        self.set_font("DejaVu", "", SIZE)


def _fits(doc: _Doc, text: str, width: float) -> bool:
    return all(doc.get_string_width(w) <= width for w in text.split())


def _paragraph(doc: _Doc, line: str) -> None:
    indent = len(line) - len(line.lstrip(" "))
    body = line.strip()
    width = doc.epw - indent * doc.get_string_width(" ")
    size = SIZE
    # A word wider than the column (a long address) would be cut mid-word: set that paragraph smaller.
    while not _fits(doc, body, width - 2 * doc.c_margin - 1) and size > 4:
        size -= 0.5
        doc.set_font("DejaVu", "", size)
    doc.set_x(doc.l_margin + indent * doc.get_string_width(" "))
    doc.multi_cell(width, LEADING, body, new_x="LMARGIN", new_y="NEXT")
    doc.set_font("DejaVu", "", SIZE)


def _table(doc: _Doc, rows: list[str]) -> None:
    cells = [r.rstrip("\n").split("\t") for r in rows]
    ncols = max(len(c) for c in cells)
    widths = [0.0] * ncols
    for row in cells:
        for i, c in enumerate(row):
            widths[i] = max(widths[i], doc.get_string_width(c.strip()))
    size = SIZE
    while sum(widths) + CELL_GAP * (ncols - 1) > doc.epw and size > 4:
        size -= 0.5
        doc.set_font("DejaVu", "", size)
        widths = [max((doc.get_string_width(r[i].strip()) for r in cells if i < len(r)), default=0)
                  for i in range(ncols)]
    total = sum(widths) + CELL_GAP * (ncols - 1)
    if total > doc.epw:
        # Cells too long for any row (HTML pasted into a cell): each cell is set as its own line.
        for row in cells:
            for c in row:
                if c.strip():
                    _paragraph(doc, c.strip())
        doc.set_font("DejaVu", "", SIZE)
        return
    xs, x = [], doc.l_margin
    for w in widths:
        xs.append(x)
        x += w + CELL_GAP
    for row in cells:
        if doc.get_y() + LEADING > doc.page_break_trigger:
            doc.add_page()
        y = doc.get_y()
        for i, c in enumerate(row):
            if c.strip():
                doc.set_xy(xs[i], y)
                doc.cell(widths[i], LEADING, c.strip())
        doc.set_xy(doc.l_margin, y + LEADING)
    doc.set_font("DejaVu", "", SIZE)


def typeset_pdf(text: str, title: str, out: Path) -> Path:
    doc = _Doc(title)
    doc.add_page()
    doc.set_font("DejaVu", "", SIZE)
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        if "\t" in line:
            j = i
            while j < len(lines) and "\t" in lines[j]:
                j += 1
            _table(doc, lines[i:j])
            i = j
            continue
        if not line.strip():
            doc.ln(GAP)
        else:
            _paragraph(doc, line)
        i += 1
    doc.output(str(out))
    return out


# --- HTML publication page -------------------------------------------------------------------------

_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")
_BULLET = re.compile(r"^\s*[-*•]\s+(.*)$")
_NUMBERED = re.compile(r"^\d{1,2}\.\s+(.*)$")


def _inline(s: str) -> str:
    s = html.escape(s, quote=False)
    s = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", s)
    # The texts carry <b> and <p> tags of their own conversion: put back as markup.
    return re.sub(r"&lt;(/?(?:b|p|strong|em|i))&gt;", r"<\1>", s)


def _list(items: list[tuple[int, str]], i: int, level: int, out: list[str]) -> int:
    """A list from (indent level, item) pairs: a deeper item nests inside the item before it."""
    out.append("<ul>")
    while i < len(items) and items[i][0] >= level:
        if items[i][0] > level:
            i = _list(items, i, items[i][0], out)
            continue
        out.append(f"<li>{items[i][1]}")
        i += 1
        if i < len(items) and items[i][0] > level:
            i = _list(items, i, items[i][0], out)
        out.append("</li>")
    out.append("</ul>")
    return i


def page_html(text: str, title: str) -> str:
    out = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
           f"<title>{html.escape(title)} - HMICFRS</title>",
           '<link rel="stylesheet" href="/assets/site.css"><script>window.dataLayer=[];</script>',
           "</head><body>",
           ('<nav class="site-nav"><ul><li><a href="/">Home</a></li><li><a href="/publications/">Publications'
            "</a></li></ul></nav>"), "<main>"]
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        if "\t" in line:
            out.append("<table>")
            while i < len(lines) and "\t" in lines[i]:
                out.append("<tr>" + "".join(f"<td>{_inline(c.strip())}</td>" for c in lines[i].split("\t")) + "</tr>")
                i += 1
            out.append("</table>")
            continue
        if not line.strip():
            i += 1
            continue
        m = _HEADING.match(line.strip())
        b = _BULLET.match(line)
        if m:
            n = len(m.group(1))
            out.append(f"<h{n}>{_inline(m.group(2))}</h{n}>")
        elif _NUMBERED.match(line):
            out.append(f'<ol start="{line.split(".")[0]}">')
            while i < len(lines) and _NUMBERED.match(lines[i]):
                out.append(f"<li>{_inline(_NUMBERED.match(lines[i]).group(1))}</li>")
                i += 1
            out.append("</ol>")
            continue
        elif b:
            items = []
            while i < len(lines) and _BULLET.match(lines[i]):
                indent = len(lines[i]) - len(lines[i].lstrip(" "))
                items.append((indent // 2, _inline(_BULLET.match(lines[i]).group(1))))
                i += 1
            _list(items, 0, items[0][0], out)
            continue
        else:
            out.append(f"<p>{_inline(line.strip())}</p>")
        i += 1
    out += ["</main>", '<footer><p>© Crown copyright</p><a href="/contact/">Contact us</a></footer>',
            "</body></html>"]
    return "\n".join(out) + "\n"
