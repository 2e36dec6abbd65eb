"""Logical lines and paragraph units, each carrying exact offsets into the source text.

A unit is what the structure layer reasons about: a heading, a bullet item, a paragraph, a table row.
Page headers and blank lines separate units but never become part of one.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import markup
from .source import Source, physical_lines
from .vocabulary import heading_kind, is_field_label

GRADE_WORDS = ("EXCELLENT", "GOOD", "FAIR", "POOR", "OUTSTANDING", "INADEQUATE")
SECTION_PHRASES = (
    "National grade distribution", "National contextual factors", "Contextual factors",
    "Strengths", "Work in progress", "Areas for improvement", "Area for improvement",
)
# Two things glued into one physical line by the PDF conversion; each is split back into two lines.
_GLUED = [
    # "GOOD**National grade distribution**", "GOODNational grade distribution"
    re.compile(r"^(?P<a>\**\s*(?:%s)\s*\**)(?P<b>\**\s*(?:%s)\**:?)\s*$"
               % ("|".join(GRADE_WORDS), "|".join(SECTION_PHRASES)), re.IGNORECASE),
    # PEEL web text: "Summary for question 1How effective is the force at ...?"
    re.compile(r"^(?P<a>\s*Summary for question \d+)(?P<b>\S.*)$"),
]


@dataclass
class Line:
    no: int
    start: int
    end: int
    raw: str
    text: str
    bullet: int | None
    marked: bool
    noise: bool
    table: bool


@dataclass
class Unit:
    lines: list[Line] = field(default_factory=list)
    text: str = ""
    after_gap: bool = False   # a blank line or page header separates it from the unit before

    @property
    def first(self) -> int:
        return self.lines[0].no

    @property
    def last(self) -> int:
        return self.lines[-1].no

    @property
    def start(self) -> int:
        return self.lines[0].start

    @property
    def end(self) -> int:
        return self.lines[-1].end

    @property
    def bullet(self) -> int | None:
        return self.lines[0].bullet

    @property
    def marked(self) -> bool:
        return all(ln.marked for ln in self.lines)

    @property
    def table(self) -> bool:
        return self.lines[0].table

    @property
    def raw(self) -> str:
        return self.lines[0].raw

    def cells(self) -> list[str]:
        return markup.cells(self.lines[0].raw)


def _make_line(src: Source, no: int, start: int, end: int) -> Line:
    raw = src.text[start:end]
    lead = len(raw) - len(raw.lstrip())
    trail = len(raw.rstrip())
    start, end = start + lead, start + trail
    body = src.text[start:end]
    indent = markup.bullet_indent(src.text[start - lead:end])
    text = markup.strip_markup(markup.strip_bullet(body) if indent is not None else body)
    table = "\t" in body and len([c for c in markup.cells(body) if c]) >= 1 and not indent
    return Line(no=no, start=start, end=end, raw=body, text=text, bullet=indent,
                marked=markup.is_marked_heading(body), noise=markup.is_noise(text) and indent is None,
                table=table)


def logical_lines(src: Source) -> list[Line | None]:
    """Every non-blank line, split where two things were glued; None marks a blank line."""
    out: list[Line | None] = []
    for no, start, end in physical_lines(src.text):
        raw = src.text[start:end]
        if not raw.strip() or markup.is_separator(raw):
            out.append(None)
            continue
        for s, e in _split_glued(raw, start):
            out.append(_make_line(src, no, s, e))
    return out


def _split_glued(raw: str, start: int) -> list[tuple[int, int]]:
    for pat in _GLUED:
        m = pat.match(raw)
        if m:
            return [(start + m.start("a"), start + m.end("a")), (start + m.start("b"), start + m.end("b"))]
    return [(start, start + len(raw))]


def blank_line_mode(lines: list[Line | None]) -> bool:
    """Whether paragraphs are separated by blank lines (PDF conversions) or one per line (web text)."""
    blanks = sum(1 for ln in lines if ln is None)
    return blanks >= 0.1 * max(1, len(lines) - blanks)


def _joins(prev: Line, nxt: Line) -> bool:
    """Whether nxt wraps the paragraph that prev belongs to (single newline inside a paragraph)."""
    if nxt.bullet is not None or nxt.table or prev.table or nxt.noise:
        return False
    if heading_kind(nxt.text) or heading_kind(prev.text) or is_field_label(nxt.text):
        return False
    return True


def units(src: Source) -> list[Unit]:
    lines = logical_lines(src)
    wrap = blank_line_mode(lines)
    out: list[Unit] = []
    gap = True
    cur: Unit | None = None
    for ln in lines:
        if ln is None or ln.noise:
            gap = True
            cur = None
            continue
        if cur is not None and wrap and not gap and _joins(cur.lines[-1], ln):
            cur.lines.append(ln)
            continue
        cur = Unit(lines=[ln], text=ln.text, after_gap=gap)
        out.append(cur)
        gap = False
    for u in out:
        if len(u.lines) > 1:
            # Markup is stripped from the joined raw text: emphasis may open on one line and close on the next.
            # Done once the unit is complete (the joins look only at lines): re-stripping the growing text
            # at every join made long paragraphs quadratic.
            first = u.lines[0]
            body = markup.strip_bullet(first.raw) if first.bullet is not None else first.raw
            u.text = markup.strip_markup(" ".join([body] + [x.raw for x in u.lines[1:]]))
    return [u for u in out if u.text or u.table]
