"""Sentences that cite an earlier judgement: 'graded as Good and Stable by HMIC in the 2005/06 baseline
assessment', 'Following the baseline assessment grade of Poor for Protecting Vulnerable People in 2006'."""
from __future__ import annotations

import re

from .items import location
from .units import Unit

_G = r"(Excellent|Good|Fair|Poor|Outstanding|Requires improvement|Inadequate)"
_D = r"(Improved|Stable|Declined|Deteriorated)"
_CITES = [
    re.compile(r"\b(?:graded|assessed|judged|rated)\s+(?:as\s+)?" + _G + r"(?:\s+and\s+" + _D + r")?", re.IGNORECASE),
    re.compile(r"\bgrade of\s+" + _G + r"(?:\s+and\s+" + _D + r")?", re.IGNORECASE),
]
# The cited framework is named in the citation's own clause, capitalised as frameworks are printed:
# in 'graded Good during the 2005 baseline process, with ... made for improvement' nothing is named
# and the citation belongs to the area the sentence sits in.
_AREA = re.compile(r"(?:\b(?:for the (?:inspection )?area of|in the area of)\s+((?:the\s+)?[A-Za-z][A-Za-z ,'-]+?)"
                   r"|\bfor\s+((?:the\s+)?[A-Z][A-Za-z ,'-]+?))"
                   r"(?:\s+\([A-Z]{2,6}\))?(?=\s+(?:in|by|during|at)\b|[.,;]|$)")
# Every citation contains one of these words: a unit without any has no citation to split out.
# Tested on the casefolded text, which is exact: every character IGNORECASE lets match one of their
# letters casefolds to that letter (checked over all code points), and it is much faster than a search.
_CITE_WORDS = ("graded", "assessed", "judged", "rated", "grade of")
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z(‘'])")


def _years(sentence: str, report_year: int | None) -> int | None:
    m = re.search(r"\b((?:19|20)\d\d)\s*/\s*(\d\d)\b", sentence)
    if m:
        return int(m.group(1)[:2] + m.group(2))
    years = [int(y) for y in re.findall(r"\b((?:19|20)\d\d)\b", sentence)]
    earlier = [y for y in years if report_year is None or y < report_year]
    if earlier:
        return earlier[0]
    if report_year and re.search(r"\b(?:last year|previous year)", sentence, re.IGNORECASE):
        return report_year - 1
    return None


def extract_prior_grades(units: list[tuple[Unit, str | None]], report_year: int | None) -> list[dict]:
    """units: (unit, area the unit sits in, or None in the overview)."""
    out: list[dict] = []
    for u, area in units:
        folded = u.text.casefold()
        if not any(w in folded for w in _CITE_WORDS):
            continue
        for sentence in _SENTENCE.split(u.text):
            for pat in _CITES:
                m = pat.search(sentence)
                if not m:
                    continue
                year = _years(sentence, report_year)
                prior = year is not None or re.search(r"\bbaseline\b", sentence, re.IGNORECASE)
                if not prior:
                    continue
                am = _AREA.search(re.split(r"[,;]\s", sentence[m.end():], maxsplit=1)[0])
                cited_area = (am.group(1) or am.group(2)).strip() if am else None
                if cited_area and cited_area.lower().startswith("the "):
                    cited_area = cited_area[4:]
                out.append({
                    "sentence": sentence.strip(), "grade": m.group(1).capitalize(),
                    "direction": m.group(2).capitalize() if m.group(2) else None,
                    "year": year, "area": cited_area or area, "area_stated": bool(cited_area),
                    "programme": "baseline" if re.search(r"\bbaseline\b", sentence, re.IGNORECASE) else None,
                    "location": location([u]),
                })
                break
    return out
