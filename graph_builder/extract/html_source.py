"""A saved HTML publication page to report text, read with the standard library's HTML parser.

The inspectorate publishes PEEL reports as web pages. A saved page holds the site around the
report (navigation, cookie banner, footer, scripts); the report is the page's <main> (or <article>)
when it has one, else its <body> without the site's <nav>, <header> and <footer>. The text written
is what the extractor reads in a text conversion: one line per paragraph or heading, a blank line
between blocks, headings as Markdown "#" marks, bold as "**", list items as "- " (two spaces of
indent per level), table rows as tab-separated cells, line breaks kept.

This is a different thing from a text conversion that holds a few tags (<b>, <li>, <p>): those
have no document element and are read as text (the extractor strips their tags).
"""
from __future__ import annotations

import re
from collections import Counter
from html.parser import HTMLParser

from graph_builder.errors import ReportError

_SKIP = {"head", "script", "style", "noscript", "template", "svg", "nav", "header", "footer", "button",
         "form", "select", "iframe", "object"}
_BLOCK = {"p", "div", "section", "article", "main", "blockquote", "ul", "ol", "dl", "dt", "dd", "table",
          "figure", "figcaption", "aside", "address", "pre", "hr", "body", "html", "caption", "details",
          "summary"}
_HEADINGS = {f"h{n}": n for n in range(1, 7)}
_VOID = {"br", "img", "hr", "meta", "link", "input", "wbr", "col", "area", "base", "source", "track", "embed"}
_SPACE = re.compile(r"\s+")
_DOCUMENT = re.compile(rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html[\s>])",
                       re.IGNORECASE | re.DOTALL)


def is_html_page(data: bytes) -> bool:
    """A whole web page (a doctype or an <html> element first), not a text conversion with tags."""
    return bool(_DOCUMENT.match(data[:4096].removeprefix(b"\xef\xbb\xbf")))


class _Page(HTMLParser):
    def __init__(self, scope: str | None):
        super().__init__(convert_charrefs=True)
        self.scope = scope            # only text inside this element counts ("main", "article"), if set
        self.depth_in_scope = 0
        self.skip = 0
        self.stack: list[str] = []
        self.open: Counter[str] = Counter()
        self.blocks: list[tuple[str, str]] = []   # (kind, text): "p", "h", "br", "li<n>", "tr<n>" (n: which list, table)
        self.cur: list[str] = []
        self.kind = "p"
        self.cells: list[str] | None = None
        self.lists = 0
        self.bold: list[int] = []     # where each open <b> put its "**" in cur
        self.prefix = ""              # a list item's mark and indent
        self.serial = 0               # numbers each top-level list and each table: items of one stay together
        self.numbers: list[int | None] = []   # per open list: the next item's number (<ol>), or None

    def _inside(self) -> bool:
        return (self.scope is None or self.depth_in_scope > 0) and not self.skip

    def _flush(self) -> None:
        text = _SPACE.sub(" ", "".join(self.cur)).strip()
        if self.cells is not None:
            if text:
                self.cells[-1] = (self.cells[-1] + " " + text).strip()
        elif text and text.strip("*"):
            self.blocks.append((self.kind, self.prefix + text))
        self.cur = []
        self.bold = []
        self.kind = "p"
        self.prefix = ""

    def handle_starttag(self, tag, attrs):
        if tag not in _VOID:
            self.stack.append(tag)
            self.open[tag] += 1
        if tag == self.scope:
            self.depth_in_scope += 1
        if tag in _SKIP:
            self.skip += 1
            return
        if not self._inside():
            return
        if tag in _HEADINGS:
            self._flush()
            self.cur.append("#" * _HEADINGS[tag] + " ")
            self.kind = "h"
        elif tag == "li":
            self._flush()
            # An ordered list keeps its numbers ("1. "), as the text conversions print them.
            mark = "- "
            if self.numbers and self.numbers[-1] is not None:
                mark = f"{self.numbers[-1]}. "
                self.numbers[-1] += 1
            self.prefix = "  " * max(0, self.lists - 1) + mark
            self.kind = f"li{self.serial}"
        elif tag in ("ul", "ol"):
            self._flush()
            if not self.lists:
                self.serial += 1
            self.lists += 1
            start = dict(attrs).get("start") or "1"
            self.numbers.append((int(start) if start.isdigit() and len(start) < 7 else 1) if tag == "ol" else None)
        elif tag == "table":
            self._flush()
            self.serial += 1
        elif tag == "tr":
            self._flush()
            self.cells = []
        elif tag in ("td", "th"):
            self._flush()
            if self.cells is not None:
                self.cells.append("")
        elif tag == "br":
            if self.cells is None:
                self._flush()
                self.kind = "br"   # a line break: the next line follows without a blank line
        elif tag in ("b", "strong"):
            self.bold.append(len(self.cur))
            self.cur.append("**")
        elif tag in _BLOCK:
            self._flush()

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        # A count, not a search of the stack: stray end tags under deep nesting stay linear.
        if tag in _VOID or not self.open[tag]:
            return
        # Close everything opened inside it too (HTML lets </ul> close an open <li>).
        while self.stack:
            open_ = self.stack.pop()
            self.open[open_] -= 1
            self._close(open_)
            if open_ == tag:
                break

    def _close(self, tag: str) -> None:
        if tag in _SKIP:
            self.skip -= 1
            return
        if tag == self.scope:
            self.depth_in_scope -= 1
        if self.skip or (self.scope is not None and self.depth_in_scope == 0 and tag != self.scope):
            return
        if tag in ("b", "strong"):
            at = self.bold.pop() if self.bold else None
            if at is not None and at < len(self.cur) and self.cur[at] == "**" and not "".join(self.cur[at + 1:]).strip():
                del self.cur[at:]   # emphasis around nothing
            elif at is not None and at < len(self.cur):
                self.cur.append("**")
        elif tag in ("ul", "ol"):
            self._flush()
            self.lists = max(0, self.lists - 1)
            if self.numbers:
                self.numbers.pop()
        elif tag == "tr" and self.cells is not None:
            self._flush()
            row, self.cells = self.cells, None
            if any(row):
                self.blocks.append((f"tr{self.serial}", "\t".join(row)))
        elif tag in _HEADINGS or tag == "li" or tag in _BLOCK or tag in ("td", "th"):
            self._flush()

    def handle_data(self, data):
        if self._inside():
            self.cur.append(data)

    def text(self) -> str:
        self._flush()
        out: list[str] = []
        prev = None
        for kind, text in self.blocks:
            # Items of one list, rows of one table: consecutive lines; every other block its own paragraph.
            if out and not (kind == prev and kind.startswith(("li", "tr"))) and kind != "br":
                out.append("")
            out.append(text)
            prev = kind
        return "\n".join(out) + "\n"


def html_text(path: str, data: bytes) -> str:
    try:
        page = data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ReportError(path, f"is a web page that is not valid UTF-8 (byte 0x{data[exc.start]:02x})", line) from None
    lowered = page.lower()
    scope = "main" if "<main" in lowered else "article" if "<article" in lowered else None
    parser = _Page(scope)
    parser.feed(page)
    parser.close()
    text = parser.text()
    if not text.strip():
        raise ReportError(path, "is a web page with no report text (nothing outside navigation, scripts "
                          "and the site's header and footer)")
    return text
