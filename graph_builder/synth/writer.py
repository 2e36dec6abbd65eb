"""Writing a report text in one markup variant, with the noise real conversions carry.

Markup variants: "plain" (PDF conversion, like the Cheshire 2007 text), "markdown" (headings,
bullets and bold labels, like the West Mercia 2007 text), "html" (<h2>, <p>, <li>, <table> rows).
Noise kinds: running page headers and footers between paragraphs and inside them (splitting a
sentence), page numbers, hard-wrapped lines, grade lines split over two lines, a grade glued to the
next heading. Every choice is drawn from the writer's own random.Random.
"""
from __future__ import annotations

import html
import random
import re
from dataclasses import dataclass, field

from graph_builder.extract.markup import is_noise, strip_markup
from graph_builder.extract.units import _GLUED
from graph_builder.extract.vocabulary import heading_kind, is_field_label

STYLES = ("plain", "markdown", "html")
SUFFIX = {"plain": ".txt", "markdown": ".md", "html": ".html"}
_ENDS = re.compile(r"[.!?:;)\]'’\"”,]$")


@dataclass
class Noise:
    """How much noise a text carries; all zero gives a clean text."""
    page_lines: list[str] = field(default_factory=list)   # running headers / footers to insert
    between: float = 0.0      # chance of a page break after a block
    inside: float = 0.0       # chance of a page break inside a splittable paragraph
    wrap: int | None = None   # hard-wrap width, None: one line per paragraph
    split_grade: float = 0.0  # chance that a "GRADE<TAB>GOOD" line is printed as two lines
    glued: float = 0.0        # chance that a grade is glued to the next heading
    kinds: set = field(default_factory=set)   # noise kinds actually used (recorded in expected)


def _line_ok(piece: str, first: bool) -> bool:
    """A physical line that joins its paragraph back together and changes nothing on extraction."""
    t = strip_markup(piece)
    if not t or heading_kind(t) or any(p.match(piece) for p in _GLUED):
        return False
    if first:
        return True
    return not (is_noise(t) or is_field_label(t) or re.match(r"^(?:[-•*–#<\u2022]|\d+[.)]\s|Summary for question)", piece)
                or len(t) < 3)


def wrap(line: str, width: int | None) -> list[str]:
    if not width or len(line) <= width:
        return [line]
    words = line.split(" ")
    out: list[str] = []
    cur = ""
    for w in words:
        if cur and len(cur) + 1 + len(w) > width:
            out.append(cur)
            cur = w
        else:
            cur = f"{cur} {w}" if cur else w
    out.append(cur)
    if all(_line_ok(p, i == 0) for i, p in enumerate(out)):
        return out
    return [line]


class Writer:
    def __init__(self, rng: random.Random, style: str, noise: Noise):
        self.rng = rng
        self.style = style
        self.noise = noise
        self.blocks: list[list[str]] = []

    # -- output ----------------------------------------------------------------------------
    def render(self) -> str:
        return "\n\n".join("\n".join(b) for b in self.blocks if b) + "\n"

    def _esc(self, s: str) -> str:
        return html.escape(s, quote=False) if self.style == "html" else s

    def _add(self, lines: list[str], breakable: bool = True) -> None:
        self.blocks.append(lines)
        if breakable and self.noise.page_lines and self.rng.random() < self.noise.between:
            self.page_break()

    def page_break(self) -> None:
        lines = self.rng.sample(self.noise.page_lines, k=min(len(self.noise.page_lines), self.rng.choice((1, 1, 2))))
        self.blocks.append(lines)
        self.noise.kinds.add("page-break")

    def raw(self, *lines: str, breakable: bool = False) -> None:
        self._add(list(lines), breakable)

    def blank_lines(self, n: int) -> None:
        self.blocks.extend([[""]] * n)

    # -- elements ----------------------------------------------------------------------------
    def title(self, lines: list[str]) -> None:
        if self.style == "markdown":
            self._add(["**" + lines[0], *lines[1:-1], lines[-1] + "**"] if len(lines) > 1 else [f"**{lines[0]}**"],
                      False)
        elif self.style == "html":
            self._add([f"<h1>{self._esc(x)}</h1>" for x in lines], False)
        else:
            self._add(list(lines), False)

    def heading(self, text: str, level: int = 2, breakable: bool = False) -> None:
        t = self._esc(text)
        if self.style == "markdown":
            line = "#" * level + " " + (f"**{t}**" if self.rng.random() < 0.3 else t) if level < 5 else f"**{t}**"
        elif self.style == "html":
            line = f"<h{min(level, 6)}>{t}</h{min(level, 6)}>"
        else:
            line = t
        self._add([line], breakable)

    def para(self, text: str, splittable: bool = True, breakable: bool = True) -> None:
        open_, close = ("<p>", "</p>") if self.style == "html" else ("", "")
        self._text(text, open_, close, splittable, breakable)

    def bullet(self, text: str, splittable: bool = True) -> None:
        open_, close = ("<li>", "</li>") if self.style == "html" else ("- ", "")
        self._text(text, open_, close, splittable, True)

    def field(self, label: str, value: str = "") -> None:
        v = self._esc(value)
        if self.style == "markdown":
            line = f"**{label}:** {v}".rstrip()
        elif self.style == "html":
            line = f"<p><b>{label}:</b> {v}</p>".replace(" </p>", "</p>")
        else:
            line = f"{label}: {v}".rstrip()
        self._add([line], False)

    def table(self, rows: list[list[str]], bold_header: bool = False, bold: set | None = None) -> None:
        """Tab-separated rows; the first row bold when asked; cells in `bold` (row, col) bold."""
        out = []
        for r, row in enumerate(rows):
            cells = []
            for c, cell in enumerate(row):
                x = self._esc(cell)
                if cell and (bold_header and r == 0 or bold and (r, c) in bold) and self.style != "plain":
                    x = f"<b>{x}</b>"
                cells.append(f"<td>{x}</td>" if self.style == "html" else x)
            line = "\t".join(cells)
            out.append(f"<tr>{line}</tr>" if self.style == "html" else line)
        if self.style == "html":
            self._add(["<table>"], False)
            self._add(out, False)
            self._add(["</table>"], False)
        else:
            self._add(out, False)

    def grade_line(self, grade: str) -> None:
        """The 2007 'GRADE<TAB>FAIR' line; sometimes split over two lines as the PDF conversion left it."""
        if self.rng.random() < self.noise.split_grade:
            self.noise.kinds.add("split-grade")
            self._add(["GRADE"], False)
            self._add([grade.upper()], False)
        else:
            self.table([["GRADE", grade.upper()]])

    # -- text with wrapping and page breaks --------------------------------------------------------
    def _text(self, text: str, open_: str, close: str, splittable: bool, breakable: bool) -> None:
        body = self._esc(text)
        if splittable and self.noise.page_lines and self.rng.random() < self.noise.inside:
            cut = self._cut(body)
            if cut:
                a, b = body[:cut].rstrip(), body[cut:].lstrip()
                self.noise.kinds.add("page-break-inside")
                self._add(self._wrap(open_ + a), False)
                if self.rng.random() < 0.5:
                    self.page_break()
                    self._add(self._wrap(b + close), breakable)
                else:
                    # header line straight after the broken line, no blank lines around it
                    self.blocks[-1] = self.blocks[-1] + [self.rng.choice(self.noise.page_lines)] + self._wrap(b + close)
                return
        self._add(self._wrap(open_ + body + close), breakable)

    def _wrap(self, line: str) -> list[str]:
        out = wrap(line, self.noise.wrap)
        if len(out) > 1:
            self.noise.kinds.add("hard-wrap")
        return out

    def _cut(self, body: str) -> int | None:
        """Where a page break may fall inside a paragraph: mid-sentence, before a lower-case word."""
        words = list(re.finditer(r"\S+", body))
        cands = [m.start() for i, m in enumerate(words[3:-3], 3)
                 if m.group()[0].islower() and not _ENDS.search(words[i - 1].group())
                 and _line_ok(body[m.start():], False)]
        return self.rng.choice(cands) if cands else None
