"""Personal data masked in a report text before anything reads it.

Reports print officers' names with their direct phone numbers and e-mail addresses, mostly in
good-practice contact blocks. The stored text is published whole (insp:content, texts/, every
export), so it is masked here, once, where the source is decoded: the model, the graph and the
exports only ever see the masked text. What is masked and what is kept, and why:
docs/personal-data.md.

Masking is same-length (one MASK per masked character) and never touches whitespace, so every
offset, line number and quotation taken from the text stays valid, and the words around a masked
name are split exactly as they were.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from graph_builder.reference.forces import find_force

from .markup import is_marked_heading, is_noise, strip_markup
from .personal_names import NOT_BEFORE_WORD, contact_name, ranked_names, same_names_elsewhere
from .vocabulary import heading_kind, is_field_label

# Not a word character and not a letter any report prints: a tokenizer drops it, a regex for
# names, numbers or sentence starts never matches it, and a reader sees at once what was removed.
MASK = "\u2588"

_SP = r"[ \u00a0]"

# --- phone numbers ---------------------------------------------------------------------------
# A UK number as printed: 0 and the area code (bracketed or not), then groups split by a space or
# a hyphen (never a tab or a newline: table cells are not one number); or +44, an optional (0).
# Digits are counted afterwards (10 or 11 nationally), so a statistic, a year or an ISBN piece
# that merely starts with 0 is not a number.
_GROUPS = r"(?:[ \u00a0-]?\d{2,8}){1,4}"
_PHONE = re.compile(
    rf"(?:(?P<intl>\+{_SP}?44{_SP}?(?:\({_SP}?0{_SP}?\){_SP}?)?\d{{2,5}}{_GROUPS})"
    rf"|(?P<nat>(?:\({_SP}?0\d{{2,4}}{_SP}?\)|0\d{{2,4}}){_GROUPS}))")
_EXT_AFTER = re.compile(rf"{_SP}*,?{_SP}*(?:ext(?:ension|n)?\.?|x){_SP}*:?{_SP}*(\d{{2,6}}(?:{_SP}\d{{2,6}})?)(?!\d)",
                        re.IGNORECASE)
_EXT_ALONE = re.compile(rf"(?:ext|Ext|EXT)[nN]?\.?{_SP}*:?{_SP}*(\d{{3,6}})(?!\d|[.,/]\d)")
_DIGITS = re.compile(r"\d+")

# --- e-mail addresses ------------------------------------------------------------------------
_LOCAL_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._+-'")
_DOMAIN = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+")

# --- contact blocks --------------------------------------------------------------------------
_CLOSE = r"(?:\*\*|__|</b>|</strong>)?"
_LABEL_WORDS = r"(?:force[ \t]+)?contacts?(?:[ \t]+(?:details|name|officer|point))?"
_LABEL_INLINE = re.compile(rf"(?:^|(?<=[\s*>])){_LABEL_WORDS}[ \t]*{_CLOSE}[ \t]*:", re.IGNORECASE)
_LABEL_ALONE = re.compile(rf"[ \t]*(?:[#*_>]+[ \t]*|<(?:b|strong|p|h[1-6])>[ \t]*)*{_LABEL_WORDS}[ \t]*{_CLOSE}[ \t]*"
                          rf"(?:</(?:p|h[1-6])>)?[ \t]*", re.IGNORECASE)
_CONTACT_LINE = re.compile(r"^\W*(?:tel|telephone|phone|mobile|mob|fax|dd|direct dial|e-?mail|ext|extn)\b",
                           re.IGNORECASE)
# Where a contact line splits into a name, a role, a unit: dashes, brackets, commas, slashes,
# markup, "on" and "at" before a number, a label's colon.
_PART_BREAK = re.compile(r"\s[–—-]\s|[,;/|()\[\]\t]|\*\*|__|<[^>]*>|:\s|\s(?:on|at)\s", re.IGNORECASE)
_PART_EDGE = " \t\u00a0*_."
_BLOCK_LINES = 8


# What may not come just before a match: the pattern would start inside a word or a number.
_NOT_BEFORE_NUMBER = re.compile(r"[\w.,/+\-\u2588]")


# Every report is scanned whole by each rule, so the scans start from the cheapest candidates:
# str.find for a fixed string (a fast search in C, unlike a regex whose first character is a set
# or a look-behind, tried at every position), then the pattern is matched there.
def _find_all(text: str, *needles: str) -> list[int]:
    found = []
    for needle in needles:
        i = text.find(needle)
        while i >= 0:
            found.append(i)
            i = text.find(needle, i + 1)
    return sorted(found)


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    kind: str   # "phone", "email", "name"


def mask_personal_data(text: str) -> str:
    """text with every personal-data span masked, same length, whitespace kept."""
    spans = personal_data_spans(text)
    if not spans:
        return text
    out, pos = [], 0
    for s in spans:
        if s.end <= pos:
            continue
        start = max(s.start, pos)
        out.append(text[pos:start])
        out.append("".join(c if c.isspace() else MASK for c in text[start:s.end]))
        pos = s.end
    out.append(text[pos:])
    return "".join(out)


def personal_data_spans(text: str) -> list[Span]:
    """Every span mask_personal_data masks, sorted (spans of different kinds may overlap)."""
    contacts = _phones(text) + _emails(text)
    names = ranked_names(text) + [(s.start, s.end) for s in _contact_block_names(text, contacts)]
    names += same_names_elsewhere(text, names)
    spans = contacts + [Span(a, b, "name") for a, b in names]
    return sorted(set(spans), key=lambda s: (s.start, s.end))


def _phones(text: str) -> list[Span]:
    spans, done = [], 0
    for i in _find_all(text, "0", "+", "("):
        if i < done or (i and _NOT_BEFORE_NUMBER.match(text, i - 1)):
            continue
        m = _PHONE.match(text, i)
        end = _phone_end(m) if m else None
        if end is None or text[end:end + 1].isdigit() or re.match(r"[.,]\d|%", text[end:end + 2]):
            continue
        spans.append(Span(i, end, "phone"))
        done = end
        ext = _EXT_AFTER.match(text, end)
        if ext:
            spans.append(Span(ext.start(1), ext.end(1), "phone"))
            done = ext.end()
    for i in _find_all(text, "xt", "XT"):
        m = _EXT_ALONE.match(text, i - 1) if i else None
        if m is None or (i > 1 and NOT_BEFORE_WORD.match(text, i - 2)):
            continue
        if not any(s.start <= m.start(1) < s.end for s in spans):
            spans.append(Span(m.start(1), m.end(1), "phone"))
    return spans


def _phone_end(m: re.Match[str]) -> int | None:
    """Where the number ends: the longest run of its digit groups that is a whole number (10 or 11
    digits from the leading 0; 9 or 10 after +44), else None."""
    intl = m.group("intl") is not None
    s, base = m.group(0), m.start()
    count, end = 0, None
    groups = list(_DIGITS.finditer(s))
    for i, g in enumerate(groups):
        digits = g.group()
        if intl and i == 0:
            digits = digits.removeprefix("44")
        if intl and digits == "0" and "(" in s[:g.start()] and ")" in s[g.end():g.end() + 3]:
            continue   # the (0) of +44 (0)...
        count += len(digits)
        if (9 if intl else 10) <= count <= (10 if intl else 11):
            end = base + g.end()
        elif count > (10 if intl else 11):
            break
    if end is not None and not intl and s.startswith("(") and ")" not in m.string[base:end]:
        return None
    return end


def _emails(text: str) -> list[Span]:
    spans = []
    at = text.find("@")
    while at >= 0:
        start = at
        while start > 0 and text[start - 1] in _LOCAL_CHARS:
            start -= 1
        while start < at and not text[start].isalnum():   # "...(mailto:" or a quote opens no address
            start += 1
        domain = _DOMAIN.match(text, at + 1)
        if start < at and domain:
            spans.append(Span(start, domain.end(), "email"))
        at = text.find("@", at + 1)
    return spans


def _contact_block_names(text: str, contacts: list[Span]) -> list[Span]:
    """Names in contact blocks, where every name goes whatever its rank: a contact block gives a
    person to call, not the public record of who leads the force."""
    spans = []
    for value_start in _contact_labels(text):
        lines = _block_lines(text, value_start, contacts)
        start, end = lines[0][0], lines[-1][1]
        has_contact = any(start <= c.start < end for c in contacts)
        for a, b in lines:
            spans.extend(_line_names(text, a, b, contacts, has_contact))
    return spans


def _contact_labels(text: str) -> list[int]:
    """Where the value of each contact label starts: "FORCE CONTACT:", "Contact details:", or the
    label alone on its line (the value below it)."""
    starts, done = [], set()
    for i in _find_all(text, "ontact", "ONTACT"):
        if not i or text[i - 1] not in "cC":
            continue
        a = text.rfind("\n", 0, i) + 1
        if a in done:
            continue
        done.add(a)
        b = _eol(text, a)
        alone = _LABEL_ALONE.fullmatch(text, a, b)
        starts.extend([b] if alone else [m.end() for m in _LABEL_INLINE.finditer(text, a, b)])
    return starts


def _block_lines(text: str, value_start: int, contacts: list[Span]) -> list[tuple[int, int]]:
    """The label's line from the value on, then the lines that go on with the contact: the rest of
    its paragraph, and short lines after a blank that lead to a phone or e-mail line."""
    eol = _eol(text, value_start)
    lines = [(value_start, eol)]
    # "FORCE CONTACT:" alone on its line: the value is the next line, a blank between or not.
    value_below = not strip_markup(text[value_start:eol])
    following = _following_lines(text, eol + 1, _BLOCK_LINES)
    for i, (a, b, after_blank) in enumerate(following):
        after_blank = after_blank and not (i == 0 and value_below)
        plain = strip_markup(text[a:b])
        if is_noise(plain):
            continue
        if (len(plain) > 160 or is_field_label(plain) or heading_kind(plain) or is_marked_heading(text[a:b])):
            break
        if after_blank and not any(_contact_like(text, x, y, contacts) for x, y, _ in following[i:i + 3]):
            break
        lines.append((a, b))
    return lines


def _eol(text: str, pos: int) -> int:
    end = text.find("\n", pos)
    return len(text) if end < 0 else end


def _following_lines(text: str, pos: int, n: int) -> list[tuple[int, int, bool]]:
    out, blank = [], False
    while pos < len(text) and len(out) < n:
        end = _eol(text, pos)
        if text[pos:end].strip():
            out.append((pos, end, blank))
            blank = False
        else:
            blank = True
        pos = end + 1
    return out


def _contact_like(text: str, a: int, b: int, contacts: list[Span]) -> bool:
    return bool(_CONTACT_LINE.match(strip_markup(text[a:b]))) or any(a <= c.start < b for c in contacts)


def _line_names(text: str, a: int, b: int, contacts: list[Span], has_contact: bool) -> list[Span]:
    """Names in one line of a contact block: after any rank or title, or standing alone as a part of
    the line when the block gives a phone number or an e-mail address."""
    cuts = [(m.start(), m.end()) for m in _PART_BREAK.finditer(text, a, b)]
    cuts += [(max(c.start, a), min(c.end, b)) for c in contacts if c.start < b and c.end > a]
    cuts.sort()
    spans, pos = [], a
    for cs, ce in cuts + [(b, b)]:
        if cs > pos:
            spans.extend(_part_name(text, pos, cs, has_contact))
        pos = max(pos, ce)
    return spans


def _part_name(text: str, a: int, b: int, has_contact: bool) -> list[Span]:
    """The name in one part of a contact line, [a, b) (a force's name standing alone is not one)."""
    part = text[a:b]
    core = part.strip(_PART_EDGE)
    at = a + len(part) - len(part.lstrip(_PART_EDGE))
    found = contact_name(core, has_contact)
    if found is None or (found[0] == 0 and find_force(core)):
        return []
    return [Span(at + found[0], at + found[1], "name")]
