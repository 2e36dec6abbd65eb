"""Pages of the published report: which page each span of the text is printed on, where the text shows it.

Two kinds of evidence, the better one used:

- form feeds: a text read from a PDF (extract/pdf.py), or any conversion that kept them, has one
  at every page boundary; page N is the N-th page of the PDF;
- running headers: a PDF conversion without form feeds still carries the page headers and
  footers it copied from every page ("October 2007", "Cheshire Constabulary – HMIC Inspection
  Report", a page number), the lines the extractor skips as noise. Each run of them (with only
  blank lines between, no line twice) starts a page; the date on the cover starts none, and a
  single such line is no evidence of pages. Such a count is only as good as the conversion: a page
  whose header was lost is merged into the one before. The report says which evidence it has.

A text with neither (a web page, a conversion that dropped the headers) has no pages.
"""
from __future__ import annotations

import bisect
import re

from .markup import is_noise, strip_markup
from .source import Source, physical_lines

FORM_FEEDS = "form-feeds"
RUNNING_HEADERS = "running-headers"
_MAYBE_HEADER = re.compile(r"\d|Inspection Report|Baseline Assessment")   # what markup.is_noise needs
HEADER_CHARS = 160  # longer than any running header or footer (markup included)
COVER_CHARS = 100   # more prose than a title page holds ("HMIC Inspection Report Cheshire Constabulary": 44)


def page_starts(text: str) -> tuple[str | None, list[int]]:
    """The evidence used and the offset where every page after the first begins."""
    if "\f" in text:
        starts, at = [], text.find("\f")
        while at >= 0:
            starts.append(at + 1)
            at = text.find("\f", at + 1)
        # A form feed closing the text opens no page.
        return FORM_FEEDS, [s for s in starts if text[s:].strip()]
    runs: list[tuple[int, int]] = []   # (offset of the run, characters of prose before it)
    seen: set[str] | None = None         # the header lines of the current run; None: not in one
    prose = 0
    for _, start, end in physical_lines(text):
        raw = text[start:end]
        # Headers and footers are short and hold a date, a number or a report title: any other line
        # is prose, counted without the markup pass (which was most of this scan's time).
        header = len(raw) <= HEADER_CHARS and _MAYBE_HEADER.search(raw) is not None
        line = strip_markup(raw.strip()) if header else raw.strip()
        if not line:
            continue
        if not header or not is_noise(line):
            seen = None
            prose += len(line)
            continue
        # A header line met again (the date under a running title, then the date of the next
        # page after a blank page) opens the next page even with only blank lines between.
        if seen is None or line in seen:
            runs.append((start, prose))
            seen = set()
        seen.add(line)
    # The date on the cover is no page header: a first run before any prose but the title. (The
    # next page's header may follow before any prose too: the back of the cover has none.)
    if runs and runs[0][1] < COVER_CHARS:
        runs = runs[1:]
    # One header-like line is no evidence of pages (a date standing alone).
    if len(runs) < 2:
        return None, []
    return RUNNING_HEADERS, [r[0] for r in runs]


def add_pages(model: dict, src: Source) -> None:
    """Puts page and last_page on every location of the model, and the pagination on its report."""
    evidence, starts = page_starts(src.text)
    if evidence is None:
        model["report"]["pagination"] = None
        return
    model["report"]["pagination"] = {"pages": len(starts) + 1, "counted_from": evidence}

    def page(offset: int) -> int:
        return bisect.bisect_right(starts, offset) + 1

    def visit(node) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "location" and isinstance(value, dict):
                    _paginate(value, page)
                elif key == "locations" and isinstance(value, list):
                    for loc in value:
                        _paginate(loc, page)
                else:
                    visit(value)
        elif isinstance(node, list):
            for item in node:
                visit(item)

    for key, value in model.items():
        if key not in ("report", "force", "source", "extractor"):
            visit(value)


def _paginate(loc: dict, page) -> None:
    loc["page"] = page(loc["start"])
    loc["last_page"] = page(max(loc["start"], loc["end"] - 1))


def page_label(first: int | None, last: int | None) -> str | None:
    """'p. 4' or 'pp. 4–5', as a citation prints it."""
    if first is None:
        return None
    if last is None or last == first:
        return f"p. {first}"
    return f"pp. {first}\u2013{last}"
