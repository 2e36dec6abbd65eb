"""The report's identity: family, title, publication month, ISBNs, assessment period, subject force."""
from __future__ import annotations

import re

from graph_builder.errors import ReportError
from graph_builder.reference import forces

from .markup import MONTHS, strip_markup
from .source import Source
from .units import Unit
from .vocabulary import heading_kind

_MONTH = {m.lower(): i for i, m in enumerate(MONTHS, 1)}
_MONTH_YEAR = re.compile(r"\b(%s)\s+((?:19|20)\d\d)\b" % "|".join(MONTHS), re.IGNORECASE)
_ISBN = re.compile(r"ISBN(?:-1[03])?\s*:?\s*((?:97[89][\s-]?)?\d{1,5}[\s-]?\d{1,7}[\s-]?\d{1,7}[\s-]?[\dX])\b")
_PERIOD = re.compile(
    r"assessment period\s+(?:from\s+)?((?:\d{1,2}\s+)?(?:%s)\s+\d{4})\s+(?:to|and|-|–)\s+((?:\d{1,2}\s+)?(?:%s)\s+\d{4})"
    % ("|".join(MONTHS), "|".join(MONTHS)), re.IGNORECASE)
# Wherever _PERIOD matches in the whitespace-folded text, this matches at the same place in the original.
_PERIOD_HINT = re.compile(r"assessment\s+period", re.IGNORECASE)
_WS = re.compile(r"\s+")
_PEEL_TITLE = re.compile(r"\bPEEL\b(?:[:\s]+(?:assessment\s+)?)?((?:19|20)\d\d)(?:\s*/\s*(\d\d))?", re.IGNORECASE)


_STOP = re.compile(r"^(?:Effectiveness|Efficiency|Legitimacy|Leadership)$|^(?:How|To what extent)\b.*\?$")


def title_block(units: list[Unit], limit: int = 12) -> list[Unit]:
    """The opening units, up to the table of contents, the first section heading or the body text."""
    out = []
    for u in units[:limit]:
        if (heading_kind(u.text) in ("contents", "findings") or _STOP.match(u.text) or len(u.text) > 200
                or u.text.upper().startswith(("CROWN COPYRIGHT", "FIRST PUBLISHED"))):
            break
        out.append(u)
    return out


def _head_end(units: list[Unit]) -> int:
    """Offset where the title page ends: the unit after the title block."""
    block = title_block(units)
    nxt = len(block)
    return units[nxt].start if nxt < len(units) else (units[-1].end if units else 0)


def family(src: Source, block: list[Unit]) -> str:
    head = " ".join(u.text for u in block)
    if re.search(r"\bBaseline Assessment\b", head, re.IGNORECASE):
        return "baseline-assessment"
    if re.search(r"\bHMIC Inspection Report\b", head, re.IGNORECASE):
        return "inspection-2007"
    if _PEEL_TITLE.search(head) or re.search(r"^(?:Effectiveness|Efficiency|Legitimacy)$", head, re.MULTILINE):
        return "peel"
    first = block[0].first if block else 1
    raise ReportError(src.path, "not an HMIC report: no report family (baseline assessment, "
                      "HMIC inspection report, PEEL) is named in its opening lines", first)


def _date(text: str) -> str:
    m = re.match(r"(?:(\d{1,2})\s+)?(\w+)\s+(\d{4})", text.strip())
    day, month, year = m.group(1), _MONTH[m.group(2).lower()], m.group(3)
    return f"{year}-{month:02d}-{int(day):02d}" if day else f"{year}-{month:02d}"


def report_header(src: Source, all_units: list[Unit], fam: str) -> dict:
    block = title_block(all_units)
    raw_head = src.text[:_head_end(all_units)]
    title_parts = [u.text for u in block if not u.text.upper().startswith("ISBN")
                   and not re.fullmatch(_MONTH_YEAR.pattern, u.text, re.IGNORECASE)]
    published = None
    year = None
    for line in raw_head.splitlines():
        m = _MONTH_YEAR.search(strip_markup(line))
        if m:
            published = f"{m.group(2)}-{_MONTH[m.group(1).lower()]:02d}"
            year = int(m.group(2))
            break
    programme_year = year
    if fam == "peel":
        m = _PEEL_TITLE.search(" ".join(title_parts))
        if m:
            programme_year = int(m.group(1))
            year = year or programme_year
    isbns = []
    for m in _ISBN.finditer(raw_head):
        v = re.sub(r"\s", "-", m.group(1))
        if v not in isbns:
            isbns.append(v)
    period = None
    # Searched in whitespace-folded text: a wrapped line must not change the period or its quote.
    # Only the text from the first possible match on is folded: most reports state no period, and
    # folding a whole report cost more than the rest of the header.
    hint = _PERIOD_HINT.search(src.text)
    m = _PERIOD.search(_WS.sub(" ", src.text[hint.start():])) if hint else None
    if m:
        period = {"start": _date(m.group(1)), "end": _date(m.group(2)), "text": m.group(0)}
    return {
        "family": fam,
        "title": " ".join(dict.fromkeys(title_parts)) or None,
        "published": published,
        "year": year,
        "programme": _programme(fam, programme_year),
        "isbns": isbns,
        "assessment_period": period,
        "sha256": src.sha256,
        "characters": len(src.text),
        "lines": src.text.count("\n") + (0 if src.text.endswith("\n") else 1),
    }


def _programme(fam: str, year: int | None) -> str | None:
    if year is None:
        return None
    return {"baseline-assessment": f"baseline-{year}", "inspection-2007": f"inspection-{year}",
            "peel": f"peel-{year}"}[fam]


def subject_force(src: Source, all_units: list[Unit]) -> dict:
    block = title_block(all_units)
    found = forces.find_force(" ".join(u.text for u in block))
    if not found:
        # Web texts may open with the pillar; the first force named in the text is then the subject.
        found = forces.find_force(" ".join(u.text for u in all_units[:20]))
    if not found:
        raise ReportError(src.path, "names none of the 43 territorial police forces in its opening lines",
                          all_units[0].first if all_units else None)
    force, printed = found
    abbreviation = None
    m = re.search(re.escape(printed) + r"\s*\(([A-Z][A-Za-z&]{1,6})\)", src.text)
    if m:
        abbreviation = m.group(1)
    return {
        "name": printed, "id": force.id, "official_name": force.name, "ons_code": force.ons_code,
        "variants": list(force.variants), "abbreviation": abbreviation,
    }
