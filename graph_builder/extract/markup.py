"""Markup stripping: the same element arrives as markdown, HTML or plain text; extraction sees plain text."""
from __future__ import annotations

import html
import re

_TAG = re.compile(r"</?(?:b|i|u|p|ul|ol|li|br|strong|em|span|div|table|tr|td|th|sup|sub|a|h[1-6])\b[^>]*>", re.IGNORECASE)
_AUTOLINK = re.compile(r"<((?:https?|mailto):[^>\s]+)>")
_MD_LINK = re.compile(r"\[([^\]]*)\]\(([^)\s]*)\)")
_HEADING = re.compile(r"^\s*#{1,6}\s+")
_BOLD = re.compile(r"\*\*|__")
_ITALIC = re.compile(r"(?<![\w*])\*(?=\S)([^*]*?\S)\*(?![\w*])")
_ESCAPE = re.compile(r"\\+([_*\\#\[\]()`.-])")
_FOOTNOTE = re.compile(r"[¹²³⁴⁵⁶⁷⁸⁹⁰]+$")
_SPACES = re.compile(r"[ \t\u00a0]+")
# "- item", "• item", and an HTML list item opening its line, "<li>item</li>".
_BULLET = re.compile(r"^(\s*)(?:(?:[-•*–]|\u2022)\s+|<li\b[^>]*>\s*)(?=\S)", re.IGNORECASE)

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
_MONTH_YEAR = re.compile(r"^(?:%s)\s+(?:19|20)\d\d$" % "|".join(MONTHS), re.IGNORECASE)
_PAGE = re.compile(r"^(?:page\s+\d+(?:\s+of\s+\d+)?|\d{1,3})$", re.IGNORECASE)
_RUNNING_TITLE = re.compile(r"^.{3,80}\s[–-]\s(?:HMIC Inspection Report|Baseline Assessment(?: \d{4})?)$")
_SEPARATOR = re.compile(r"^[\s|:=_-]*-{3,}[\s|:=_-]*$")


def strip_markup(s: str) -> str:
    """Plain text of one line: tags, heading marks, emphasis, links and escapes removed; spaces folded."""
    s = html.unescape(s)
    s = _AUTOLINK.sub(r"\1", s)
    s = _TAG.sub(" ", s)
    s = _MD_LINK.sub(r"\1", s)
    s = _HEADING.sub("", s)
    s = _BOLD.sub("", s)
    s = _ITALIC.sub(r"\1", s)
    s = _ESCAPE.sub(r"\1", s)
    s = s.replace("\u2022", " ")
    s = _SPACES.sub(" ", s).strip()
    return _FOOTNOTE.sub("", s).strip()


def cells(raw: str) -> list[str]:
    """Cells of a tab-separated table row, markup stripped, empty trailing cells dropped."""
    parts = [strip_markup(c) for c in raw.split("\t")]
    while parts and not parts[-1]:
        parts.pop()
    return parts


def bullet_indent(raw: str) -> int | None:
    m = _BULLET.match(raw)
    if not m:
        return None
    return len(m.group(1).expandtabs(4)) // 2


def strip_bullet(raw: str) -> str:
    return _BULLET.sub("", raw, count=1)


def is_marked_heading(raw: str) -> bool:
    """Markup that makes a whole line a heading: '#', a line wholly in bold, or <b>..</b>."""
    r = raw.strip()
    if _HEADING.match(r):
        return True
    if r.startswith("**") and r.rstrip(":").endswith("**") and len(r) > 4:
        return True
    if re.fullmatch(r"(?:<p>)?<b>[^<]+</b>(?:</p>)?:?", r, re.IGNORECASE):
        return True
    if re.fullmatch(r"<h([1-6])\b[^>]*>.+?</h\1>", r, re.IGNORECASE):
        return True
    return bool(re.fullmatch(r"\*[^*]+\*", r))


def is_noise(text: str) -> bool:
    """Running page headers and footers, and table separator rows: text that is not the report's."""
    if not text:
        return False
    return bool(_MONTH_YEAR.match(text) or _PAGE.match(text) or _RUNNING_TITLE.match(text))


def is_separator(raw: str) -> bool:
    return bool(_SEPARATOR.match(raw))
