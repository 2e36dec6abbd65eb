"""Statements split into sentences, with offsets into the statement's text, and a sentence's tone.

A finding often raises several issues in several sentences (a PEEL detailed finding is a whole
paragraph), so links are explained by the pair of sentences that match best (links/evidence.py).
Sentences are not published as nodes (docs/similarity.md, "Sentences"): a link keeps the two
sentences it rests on, with their offsets.
"""
from __future__ import annotations

import re

# A boundary: sentence-final punctuation, optional closing quote or bracket, white space, then
# something that can open a sentence. Abbreviations the reports use mid-sentence are kept whole.
_BOUNDARY = re.compile(r"(?<=[.;!?])[\"'’”)]*\s+(?=[A-Z(‘'\"“0-9•–-])")
_NO_BREAK_AFTER = ("e.g.", "i.e.", "eg.", "ie.", "etc.", "Dr.", "Mr.", "Mrs.", "Ms.", "No.", "St.",
                   "para.", "cf.", "approx.")
# Semicolons end list items ("...; and"), which read as sentences only when long enough to stand
# alone: shorter pieces stay with their neighbour.
_MIN_CHARS = 25


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of each sentence of text, white space trimmed; at least one span for a
    non-empty text."""
    spans, start = [], 0
    for m in _BOUNDARY.finditer(text):
        piece = text[start:m.start()]
        last_word = piece.rsplit(None, 1)[-1] if piece.strip() else ""
        if last_word in _NO_BREAK_AFTER or len(piece.strip()) < _MIN_CHARS:
            continue
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(text)))
    out = []
    for a, b in spans:
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if b > a:
            if out and len(text[a:b]) < _MIN_CHARS:   # a short tail joins the sentence before
                out[-1] = (out[-1][0], b)
            else:
                out.append((a, b))
    return out or ([(0, len(text))] if text else [])


def sentences(text: str) -> list[str]:
    return [text[a:b] for a, b in sentence_spans(text)]


# Tone: whether a sentence reports something working or something wrong. Used only to read a later
# statement as reporting an earlier issue resolved (links/recurring.py), so it errs towards "not
# positive": any cue of a shortfall wins.
_NEGATIVE = re.compile(
    r"\b(not|no|never|nor|lack\w*|limited|insufficient\w*|inconsisten\w*|fail\w*|problem\w*|"
    r"backlog\w*|weak\w*|gap\w*|delay\w*|poor\w*|concern\w*|cannot|can't|unable|unclear|"
    r"however|but|although|though|despite|too|only|yet|shortfall\w*|shortage\w*|absence|"
    r"requires? improvement|should|must|need\w*|vary|varies|variation\w*|risk of|disappointing|"
    r"missed|missing|inadequate\w*|ineffective\w*|unsatisfactory|less|fewer|lower|reduced)\b", re.IGNORECASE)
_POSITIVE = re.compile(
    r"\b(effective\w*|good|well|appropriate\w*|robust|strong\w*|achievable|clear\w*|improved|"
    r"comprehensive\w*|commend\w*|proactive\w*|success\w*|thorough\w*|prompt\w*|regular\w*|"
    r"compliant|accurate\w*|valued|embedded|established|dedicated|excellent|positive\w*)\b",
    re.IGNORECASE)


def is_positive(sentence: str) -> bool:
    """True when the sentence states something working and names no shortfall."""
    return bool(_POSITIVE.search(sentence)) and not _NEGATIVE.search(sentence)


def tone(sentence: str) -> str:
    """'negative' (names a shortfall), 'positive' (something working, no shortfall) or 'neutral'."""
    if _NEGATIVE.search(sentence):
        return "negative"
    return "positive" if _POSITIVE.search(sentence) else "neutral"


# A sentence opening with one of these leans on the one before it ("These include ..."), so as
# evidence it is shown with its antecedent.
_ANAPHORIC = re.compile(r"^(This|These|That|Those|It|Its|They|Their|Such|Both|Them)\b")


def with_antecedent(spans: list[tuple[int, int]], k: int, text: str) -> tuple[int, int]:
    """Sentence k's span, reaching back over the sentence before when k opens with a pronoun."""
    a, b = spans[k]
    if k > 0 and _ANAPHORIC.match(text[a:b]):
        a = spans[k - 1][0]
    return a, b
