"""The words that name report sections, whatever markup or capitalisation they arrive in."""
from __future__ import annotations

import re
from functools import lru_cache

# kind -> pattern matched against the whole plain-text line (case-insensitive, optional trailing colon)
_HEADINGS: list[tuple[str, str]] = [
    ("strengths", r"(?:key )?strengths?"),
    ("work-in-progress", r"work in progress"),
    ("area-for-improvement", r"(?:[a-z ]+ )?areas? for improvement"),
    ("cause-of-concern", r"(?:accelerated )?causes? of concern"),
    ("recommendation-n", r"recommendation\s+(\d+)"),
    ("recommendations", r"recommendations"),
    ("distribution", r"national grade distribution"),
    ("context", r"(?:national )?contextual factors(?: overview)?|national position|national contextual factors"),
    ("good-practice", r"(?:good|developing|notable|innovative|promising) practice"),
    ("glossary", r"(?:appendix\s*\d*\s*:?\s*)?glossary(?: of terms(?: and abbreviations)?)?"),
    ("findings", r"findings"),
    ("summary", r"(?:national |force )?summary of judgements"),
    ("overview", r"force overview and context"),
    ("contents", r"contents"),
    ("detailed-findings", r"we set out our detailed findings below\..*"),
    ("question-summary", r"summary for question (\d+)"),
]
_COMPILED = [(k, re.compile(rf"^(?:{p})\s*:?$", re.IGNORECASE)) for k, p in _HEADINGS]
# All of them at once: most lines are no heading, and one failed match is cheaper than sixteen.
_ANY_HEADING = re.compile(r"^(?:%s)\s*:?$" % "|".join(f"(?:{p})" for _, p in _HEADINGS), re.IGNORECASE)

FIELD_LABELS = {
    "INSPECTION AREA": "area", "TITLE": "title", "PROBLEM": "problem", "SOLUTION": "solution",
    "OUTCOME(S)": "outcome", "OUTCOMES": "outcome", "OUTCOME": "outcome", "FORCE CONTACT": "contact",
    "CONTACT": "contact",
}
_FIELD = re.compile(r"^(%s)\s*:\s*(.*)$" % "|".join(re.escape(k) for k in sorted(FIELD_LABELS, key=len, reverse=True)))

GRADE_LABELS = {
    "excellent": "Excellent", "good": "Good", "fair": "Fair", "poor": "Poor",
    "outstanding": "Outstanding", "adequate": "Adequate", "requires improvement": "Requires improvement",
    "requiring improvement": "Requires improvement", "required improvement": "Requires improvement",
    "inadequate": "Inadequate", "not graded": "Not graded", "ungraded": "Not graded",
}
DIRECTION_LABELS = {
    "improved": "Improved", "stable": "Stable", "declined": "Declined", "deteriorated": "Declined",
    "not graded": "Not graded",
}


# The structure walkers ask about the same unit texts many times (look-ahead, several passes): memoised.
@lru_cache(maxsize=1 << 14)
def heading_kind(text: str) -> str | None:
    t = text.strip()
    if len(t) > 120 or not _ANY_HEADING.match(t):
        return None
    for kind, pat in _COMPILED:
        if pat.match(t):
            return kind
    return None


_TRAILING_NUMBER = re.compile(r"(\d+)\s*:?\s*$")
_WS = re.compile(r"\s+")
_SENTENCE_END = re.compile(r"[.!?:;)\]'’\"”]$")
_HEADING_END = re.compile(r"[.;,]$")


def heading_number(text: str) -> int | None:
    m = _TRAILING_NUMBER.search(text.strip())
    return int(m.group(1)) if m else None


def is_field_label(text: str) -> bool:
    return bool(_FIELD.match(text))


def field(text: str) -> tuple[str, str] | None:
    m = _FIELD.match(text)
    if not m:
        return None
    return FIELD_LABELS[m.group(1)], m.group(2).strip()


@lru_cache(maxsize=4096)   # asked of every table cell and look-ahead unit
def grade_label(text: str) -> str | None:
    return GRADE_LABELS.get(_WS.sub(" ", text.strip().strip(":*").lower()))


def direction_label(text: str) -> str | None:
    return DIRECTION_LABELS.get(_WS.sub(" ", text.strip().strip(":*").lower()))


def ends_sentence(text: str) -> bool:
    return bool(_SENTENCE_END.search(text.strip()))


def looks_like_heading(text: str) -> bool:
    """A short title-like line with no closing punctuation: a heading even when unmarked."""
    t = text.strip()
    if not t or len(t) > 100 or len(t.split()) > 14:
        return False
    # A quoted title ('“Safer Together” delivery plan') is a heading as much as a bare one.
    first = t.lstrip("“‘\"'(")[:1]
    if _HEADING_END.search(t) or not (first.isupper() or first.isdigit()):
        return False
    return True
