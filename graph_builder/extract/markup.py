"""Markup stripping: the same element arrives as markdown, HTML or plain text; extraction sees plain text."""
from __future__ import annotations

import html
import re
from functools import lru_cache

_TAG = re.compile(r"</?(?:b|i|u|p|ul|ol|li|br|strong|em|span|div|table|tr|td|th|sup|sub|a|h[1-6])\b[^>]*>", re.IGNORECASE)
_AUTOLINK = re.compile(r"<((?:https?|mailto):[^>\s]+)>")
_MD_LINK = re.compile(r"\[([^\]]*)\]\(([^)\s]*)\)")
_HEADING = re.compile(r"^\s*#{1,6}\s+")
_BOLD = re.compile(r"\*\*|__")
_ITALIC = re.compile(r"(?<![\w*])\*(?=\S)([^*]*?\S)\*(?![\w*])")
_ESCAPE = re.compile(r"\\+([_*\\#\[\]()`.-])")
_FOOTNOTE = re.compile(r"[¹²³⁴⁵⁶⁷⁸⁹⁰]+$")
_FOOTNOTE_CHARS = tuple("¹²³⁴⁵⁶⁷⁸⁹⁰")
_SPACES = re.compile(r"[ \t\u00a0\f]+")   # a form feed: a page break inside a paragraph (extract/pdf.py)
# "- item", "• item", and an HTML list item opening its line, "<li>item</li>".
_BULLET = re.compile(r"^(\s*)(?:(?:[-•*–]|\u2022)\s+|<li\b[^>]*>\s*)(?=\S)", re.IGNORECASE)

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
_MONTH_YEAR = re.compile(r"^(?:%s)\s+(?:19|20)\d\d$" % "|".join(MONTHS), re.IGNORECASE)
_PAGE = re.compile(r"^(?:page\s+\d+(?:\s+of\s+\d+)?|\d{1,3})$", re.IGNORECASE)
_RUNNING_TITLE = re.compile(r"^.{3,80}\s[–-]\s(?:HMIC Inspection Report|Baseline Assessment(?: \d{4})?)$")
_SEPARATOR = re.compile(r"^[\s|:=_-]*-{3,}[\s|:=_-]*$")


def strip_markup(s: str) -> str:
    """Plain text of one line: tags, heading marks, emphasis, links and escapes removed; spaces folded."""
    # This runs on every line of every report. Each substitution is skipped when the text lacks a
    # character its pattern needs to match (the result is the same): most lines carry no markup,
    # and a regex scan per step, the look-behind of _ITALIC above all, was most of the parse time.
    s = html.unescape(s)
    if "<" in s:
        s = _AUTOLINK.sub(r"\1", s)
        s = _TAG.sub(" ", s)
    if "](" in s:
        s = _MD_LINK.sub(r"\1", s)
    if "#" in s:
        s = _HEADING.sub("", s)
    if "**" in s or "__" in s:
        s = _BOLD.sub("", s)
    if "*" in s:
        s = _ITALIC.sub(r"\1", s)
    if "\\" in s:
        s = _ESCAPE.sub(r"\1", s)
    s = s.replace("\u2022", " ")
    if "  " in s or "\t" in s or "\u00a0" in s or "\f" in s:   # else every run is one plain space already
        s = _SPACES.sub(" ", s)
    s = s.strip()
    if s.endswith(_FOOTNOTE_CHARS):   # stripped, so '$' can only match at the very end
        s = _FOOTNOTE.sub("", s).strip()
    return s


def cells(raw: str) -> list[str]:
    """Cells of a tab-separated table row, markup stripped, empty trailing cells dropped."""
    return list(_cells(raw))   # a fresh list: callers may keep or change it


# The walkers ask for a table row's cells again at every look-ahead: memoised (a tuple, so it stays as made).
@lru_cache(maxsize=1 << 14)
def _cells(raw: str) -> tuple[str, ...]:
    parts = [strip_markup(c) for c in raw.split("\t")]
    while parts and not parts[-1]:
        parts.pop()
    return tuple(parts)


def bullet_indent(raw: str) -> int | None:
    m = _BULLET.match(raw)
    if not m:
        return None
    return len(m.group(1).expandtabs(4)) // 2


def strip_bullet(raw: str) -> str:
    return _BULLET.sub("", raw, count=1)


_HEADING_OPENERS = ("#", "*", "<")
_BOLD_LINE = re.compile(r"(?:<p>)?<b>[^<]+</b>(?:</p>)?:?", re.IGNORECASE)
_HTML_HEADING = re.compile(r"<h([1-6])\b[^>]*>.+?</h\1>", re.IGNORECASE)
_STAR_LINE = re.compile(r"\*[^*]+\*")


def is_marked_heading(raw: str) -> bool:
    """Markup that makes a whole line a heading: '#', a line wholly in bold, or <b>..</b>."""
    r = raw.strip()
    if r[:1] not in _HEADING_OPENERS:   # every form below opens with one of these (r is stripped)
        return False
    if _HEADING.match(r):
        return True
    if r.startswith("**") and r.rstrip(":").endswith("**") and len(r) > 4:
        return True
    if _BOLD_LINE.fullmatch(r):
        return True
    if _HTML_HEADING.fullmatch(r):
        return True
    return bool(_STAR_LINE.fullmatch(r))


def is_noise(text: str) -> bool:
    """Running page headers and footers, and table separator rows: text that is not the report's."""
    if not text:
        return False
    return bool(_MONTH_YEAR.match(text) or _PAGE.match(text)
                # (the running title ends in one of these: skips its backtracking on every other line)
                or (("Inspection Report" in text or "Baseline Assessment" in text) and _RUNNING_TITLE.match(text)))


def is_separator(raw: str) -> bool:
    return bool(_SEPARATOR.match(raw))
