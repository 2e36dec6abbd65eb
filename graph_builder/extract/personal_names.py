"""Personal names in a report text: a name after a rank or a title, a name standing alone in a
contact line, and the same name printed again. Used by personal_data.py (the rules are in
docs/personal-data.md)."""
from __future__ import annotations

import re

_UP, _LO = "A-ZÀ-ÖØ-Þ", "a-zß-öø-ÿ"
_SP = r"[ \u00a0]"
NOT_BEFORE_WORD = re.compile(r"[\w'’-]")

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


def scan(pattern: re.Pattern[str], text: str, not_before: re.Pattern[str]):
    """pattern's matches that do not start inside a word (checked here, once per candidate: a
    look-behind opening the pattern would be tried at every position of the text)."""
    pos = 0
    while (m := pattern.search(text, pos)) is not None:
        if m.start() and not_before.match(text, m.start() - 1):
            pos = m.start() + 1
            continue
        yield m
        pos = max(m.end(), m.start() + 1)


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


def ranked_names(text: str) -> list[tuple[int, int]]:
    """Names after a rank below chief officer or a civil title, anywhere in the text."""
    spans = []
    for m in scan(_RANKED, text, NOT_BEFORE_WORD):
        rank, rest = m.group("rank"), m.group("rest")
        if rank.endswith("Inspector") and _HM_BEFORE.search(text, max(0, m.start() - 20), m.start()):
            continue
        end = _name_end(rest)
        if end is None or (rank in _AMBIGUOUS and not _two_words_or_collar(rest[:end])):
            continue
        spans.append((m.start("rest"), m.start("rest") + end))
    return spans


def _two_words_or_collar(name: str) -> bool:
    return bool(re.match(r"\d", name)) or len(name.split()) >= 2


def contact_name(part: str, alone: bool) -> tuple[int, int] | None:
    """(start, end) in part, one part of a contact line, of the name it holds: after any rank or
    title, chief officers' too; or, when alone is allowed (the block gives a number or an address),
    the whole part if it is nothing but a name: two name words or more, none of them a role or
    unit word."""
    m = _RANKED_ANY.match(part)
    if m:
        end = _name_end(m.group("rest"))
        return (m.start("rest"), m.start("rest") + end) if end is not None else None
    if alone and _NAME_ONLY.match(part) and len(part.split()) >= 2 and _name_end(part) == len(part):
        return 0, len(part)
    return None


def same_names_elsewhere(text: str, names: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """A name masked once is masked wherever else the text prints it: the same person, without the
    rank or the phone number that gave them away the first time. Only names of two words or more,
    so that a surname alone does not mask a namesake."""
    found = {re.sub(r"^\d+\s+", "", text[a:b]) for a, b in names}
    full = sorted((n for n in found if len(n.split()) >= 2), key=len, reverse=True)
    if not full:
        return []
    alternatives = "|".join(r"\s+".join(map(re.escape, n.split())) for n in full)
    pat = re.compile(rf"(?:{alternatives})(?![\w'’-])")
    return [(m.start(), m.end()) for m in scan(pat, text, NOT_BEFORE_WORD)]
