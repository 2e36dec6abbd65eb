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
from .vocabulary import heading_kind, is_field_label

# Not a word character and not a letter any report prints: a tokenizer drops it, a regex for
# names, numbers or sentence starts never matches it, and a reader sees at once what was removed.
MASK = "\u2588"

_UP, _LO = "A-ZÀ-ÖØ-Þ", "a-zß-öø-ÿ"
_SP = r"[ \u00a0]"

# --- phone numbers ---------------------------------------------------------------------------
# A UK number as printed: 0 and the area code (bracketed or not), then groups split by a space or
# a hyphen (never a tab or a newline: table cells are not one number); or +44, an optional (0).
# Digits are counted afterwards (10 or 11 nationally), so a statistic, a year or an ISBN piece
# that merely starts with 0 is not a number.
_GROUPS = r"(?:[ \u00a0-]?\d{2,8}){1,4}"
# (The look-ahead names the first characters: it lets the engine skip to them.)
_PHONE = re.compile(
    rf"(?=[+(0])(?:(?P<intl>\+{_SP}?44{_SP}?(?:\({_SP}?0{_SP}?\){_SP}?)?\d{{2,5}}{_GROUPS})"
    rf"|(?P<nat>(?:\({_SP}?0\d{{2,4}}{_SP}?\)|0\d{{2,4}}){_GROUPS}))")
_EXT_AFTER = re.compile(rf"{_SP}*,?{_SP}*(?:ext(?:ension|n)?\.?|x){_SP}*:?{_SP}*(\d{{2,6}}(?:{_SP}\d{{2,6}})?)(?!\d)",
                        re.IGNORECASE)
# Spelt case by case, not IGNORECASE: literal alternatives let the engine skip ahead.
_EXT_ALONE = re.compile(rf"(?:ext|Ext|EXT)[nN]?\.?{_SP}*:?{_SP}*(\d{{3,6}})(?!\d|[.,/]\d)")
_DIGITS = re.compile(r"\d+")

# --- e-mail addresses ------------------------------------------------------------------------
_LOCAL_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._+-'")
_DOMAIN = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+")

# --- names -----------------------------------------------------------------------------------
# A name word: "Taylor", "McCausland", "O'Connor", "Scott-Lee", "Zoë"; an initial: "J", "J.".
_PIECE = rf"[{_UP}][{_LO}]+(?:[{_UP}][{_LO}]+)?"
_WORD = rf"(?:[{_UP}]['’])?{_PIECE}(?:[-'’]{_PIECE})*"
_ITEM = rf"(?:{_WORD}|[{_UP}]\.?)(?![\w'’-])"
_NAME = rf"{_ITEM}(?:{_SP}{_ITEM}){{0,3}}"
_COLLAR = rf"(?:\d{{1,6}}{_SP}+)?"

# Ranks below chief officer and civil titles: a name after one of these is masked wherever it is.
_OFFICER = [
    "Detective Chief Superintendent", "Detective Superintendent", "Chief Superintendent", "Superintendent",
    "Detective Chief Inspector", "Detective Inspector", "Chief Inspector", "Inspector",
    "Detective Sergeant", "Police Sergeant", "Sergeant", "Detective Constable", "Police Constable",
    "Special Constable", "Police Community Support Officer", "Det Supt", "Ch Supt", "Supt", "Det Insp",
    "Ch Insp", "Insp", "Det Sgt", "Sgt", "Mrs", "Mr", "Ms", "Miss", "Mx", "Dr",
]
# Abbreviations that are also other things (a PC is a computer; DS, DI, DC are initials of many
# things): the name needs two words or a collar number before it counts.
_AMBIGUOUS = ["PCSO", "DCS", "DCI", "DI", "DS", "DC", "PC", "PS"]
# Chief officers and public office holders are named in the public narrative and kept (the rule
# in docs/personal-data.md); inside a contact block every name is masked, theirs too.
_CHIEF = [
    "Deputy Chief Constable", "Assistant Chief Constable", "Chief Constable", "Assistant Chief Officer",
    "Chief Officer", "Deputy Assistant Commissioner", "Assistant Commissioner", "Deputy Commissioner",
    "Commissioner", "Commander", "Director", "Councillor", "Cllr", "Professor", "Prof", "Reverend", "Rev",
    "Sir", "Dame", "Lord", "Lady", "ACC", "DCC", "ACO",
]


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(w).replace(r"\ ", f"{_SP}+") for w in sorted(words, key=len, reverse=True))


def _rank_pattern(words: list[str]) -> re.Pattern[str]:
    return re.compile(rf"(?P<rank>{_alternation(words)})\.?{_SP}+(?P<rest>{_COLLAR}{_NAME})")


_RANKED = _rank_pattern(_OFFICER + _AMBIGUOUS)
_RANKED_ANY = re.compile(rf"^(?P<rank>{_alternation(_OFFICER + _AMBIGUOUS + _CHIEF)})\.?{_SP}+"
                         rf"(?P<rest>{_COLLAR}{_NAME})")
_NAME_ONLY = re.compile(rf"^{_NAME}$")
# HM Inspectors are report authors in their institutional role, not officers of the force.
_HM_BEFORE = re.compile(r"(?:\bHM|\bHMI|Majesty['’]s)\s+$")

# Capitalised words that follow a rank or title but are not names: roles, units, programmes,
# calendar words, and the words a sentence or a heading starts with.
_STOP_WORDS = """
A An And Or Of In On At For To With By From As Is Was Are Be Who Which That This These Those It He
She They We If When Where While Also But Not No All Any Each Every Other Some Such Our Their His Her
Chief Deputy Assistant Acting Temporary Detective Police Policing Constable Constables Sergeant
Sergeants Inspector Inspectors Superintendent Superintendents Officer Officers Staff Commander General
Rank Ranks Grade Grades Level Levels Role Roles Post Posts Manager Managers Management Lead Leads Head
Heads Team Teams Unit Units Group Groups Board Boards Department Departments Bureau Office Offices Centre
Center Service Services Force Forces Constabulary Authority Council Project Programme Program Scheme
Strategy Policy Plan Review Reviews Training Development Course Courses Network Networks Support System
Systems Software Hardware Equipment Terminal Terminals Workstation Workstations World Magazine Based
User Users Access Operations Operation Investigation Investigations Response Patrol Patrols Safety
Security Community Communities Neighbourhood Local National Regional County City Crime Intelligence
Standards Professional Performance Headquarters Division Divisions Command Commands Branch Section
Station Stations Custody Duty Duties Shift Shifts Desk Public Protection Child Domestic Abuse Victim
Victims Family Youth Partnership Partnerships Academy College School University Institute Association
Federation Foundation Trust Home Secretary Government Ministry England Wales Britain British Central
Report Reports Assessment Inspection Inspections Award Awards Trophy Medal Prize Day Week Month Year
January February March April May June July August September October November December Monday Tuesday
Wednesday Thursday Friday Saturday Sunday Sir Dame Lord Lady Professor Councillor Reverend
"""
_STOP = frozenset(_STOP_WORDS.split())
_ROLE_PIECE = re.compile(r"co-?ordinator|advis[oe]r|analyst|secretariat|administrat", re.IGNORECASE)

# --- contact blocks --------------------------------------------------------------------------
_CLOSE = r"(?:\*\*|__|</b>|</strong>)?"
_LABEL_WORDS = r"(?:force[ \t]+)?contacts?(?:[ \t]+(?:details|name|officer|point))?"
_LABEL_INLINE = re.compile(rf"(?:^|(?<=[\s*>])){_LABEL_WORDS}[ \t]*{_CLOSE}[ \t]*:", re.IGNORECASE)
_LABEL_ALONE = re.compile(rf"[ \t]*(?:[#*_>]+[ \t]*|<(?:b|strong|p|h[1-6])>[ \t]*)*{_LABEL_WORDS}[ \t]*{_CLOSE}[ \t]*"
                          rf"(?:</(?:p|h[1-6])>)?[ \t]*", re.IGNORECASE)
_CONTACT_WORD = re.compile("contact|Contact|CONTACT")
_CONTACT_LINE = re.compile(r"^\W*(?:tel|telephone|phone|mobile|mob|fax|dd|direct dial|e-?mail|ext|extn)\b",
                           re.IGNORECASE)
# Where a contact line splits into a name, a role, a unit: dashes, brackets, commas, slashes,
# markup, "on" and "at" before a number, a label's colon.
_PART_BREAK = re.compile(r"\s[–—-]\s|[,;/|()\[\]\t]|\*\*|__|<[^>]*>|:\s|\s(?:on|at)\s", re.IGNORECASE)
_PART_EDGE = " \t\u00a0*_."
_BLOCK_LINES = 8


# What may not come just before a match: the pattern would start inside a word or a number.
_NOT_BEFORE_NUMBER = re.compile(r"[\w.,/+\-\u2588]")
_NOT_BEFORE_WORD = re.compile(r"[\w'’-]")


def _scan(pattern: re.Pattern[str], text: str, not_before: re.Pattern[str]):
    """pattern's matches that do not start inside a word. A look-behind opening the pattern would
    be tried at every position of the text and keep the regex engine from skipping ahead to the
    pattern's first letters: checked here, once per candidate, the scans are several times faster."""
    pos = 0
    while (m := pattern.search(text, pos)) is not None:
        if m.start() and not_before.match(text, m.start() - 1):
            pos = m.start() + 1
            continue
        yield m
        pos = max(m.end(), m.start() + 1)


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
    names = _ranked_names(text) + _contact_block_names(text, contacts)
    names += _same_names_elsewhere(text, names)
    return sorted(set(contacts + names), key=lambda s: (s.start, s.end))


def _phones(text: str) -> list[Span]:
    spans = []
    for m in _scan(_PHONE, text, _NOT_BEFORE_NUMBER):
        end = _phone_end(m)
        if end is None or text[end:end + 1].isdigit() or re.match(r"[.,]\d|%", text[end:end + 2]):
            continue
        spans.append(Span(m.start(), end, "phone"))
        ext = _EXT_AFTER.match(text, end)
        if ext:
            spans.append(Span(ext.start(1), ext.end(1), "phone"))
    for m in _scan(_EXT_ALONE, text, _NOT_BEFORE_WORD):
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


def _name_end(rest: str) -> int | None:
    """Where the name at the start of rest ends: its collar number and its words up to the first
    word that is not a name (a role, a unit, a sentence word); None if no name word remains."""
    collar = re.match(rf"\d{{1,6}}{_SP}+", rest)
    off = collar.end() if collar else 0
    end = None
    for w in re.finditer(r"[^ \u00a0]+", rest[off:]):
        token = w.group().rstrip(".")
        if len(token) == 1:
            continue   # an initial ("A" too, not the article): it counts only before a surname
        if token in _STOP or _ROLE_PIECE.search(token):
            break
        end = off + w.end()
    return end


def _ranked_names(text: str) -> list[Span]:
    """Names after a rank below chief officer or a civil title, anywhere in the text."""
    spans = []
    for m in _scan(_RANKED, text, _NOT_BEFORE_WORD):
        rank, rest = m.group("rank"), m.group("rest")
        if rank.endswith("Inspector") and _HM_BEFORE.search(text, max(0, m.start() - 20), m.start()):
            continue
        end = _name_end(rest)
        if end is None or (rank in _AMBIGUOUS and not _two_words_or_collar(rest[:end])):
            continue
        spans.append(Span(m.start("rest"), m.start("rest") + end, "name"))
    return spans


def _two_words_or_collar(name: str) -> bool:
    return bool(re.match(r"\d", name)) or len(name.split()) >= 2


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
    for word in _CONTACT_WORD.finditer(text):
        a = text.rfind("\n", 0, word.start()) + 1
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
    """The name in one part of a contact line, [a, b)."""
    part = text[a:b]
    lead = len(part) - len(part.lstrip(_PART_EDGE))
    core = part.strip(_PART_EDGE)
    if not core:
        return []
    at = a + lead
    m = _RANKED_ANY.match(core)
    if m:
        end = _name_end(m.group("rest"))
        return [Span(at + m.start("rest"), at + m.start("rest") + end, "name")] if end is not None else []
    # Without a rank, a part is a name only if it is nothing else: two name words or more, none of
    # them a role or unit word, not a force, in a block that gives a number or an address.
    if not has_contact or not _NAME_ONLY.match(core) or len(core.split()) < 2 or find_force(core):
        return []
    return [Span(at, at + len(core), "name")] if _name_end(core) == len(core) else []


def _same_names_elsewhere(text: str, names: list[Span]) -> list[Span]:
    """A name masked once is masked wherever else the text prints it: the same person, without the
    rank or the phone number that gave them away the first time. Only names of two words or more,
    so that a surname alone does not mask a namesake."""
    found = {re.sub(r"^\d+\s+", "", text[s.start:s.end]) for s in names}
    full = sorted((n for n in found if len(n.split()) >= 2), key=len, reverse=True)
    if not full:
        return []
    alternatives = "|".join(r"\s+".join(map(re.escape, n.split())) for n in full)
    pat = re.compile(rf"(?:{alternatives})(?![\w'’-])")
    return [Span(m.start(), m.end(), "name") for m in _scan(pat, text, _NOT_BEFORE_WORD)]
