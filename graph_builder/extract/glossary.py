"""The glossary appendix: abbreviation -> expansion pairs, in tab, column or single-space layouts."""
from __future__ import annotations

import re

from .units import Unit

_LETTER = re.compile(r"^[A-Z]$")
_ACRONYM = re.compile(r"^(?=(?:.*[A-Z]){2})[A-Za-z][A-Za-z0-9&/.'’-]{1,11}$|^[A-Z][a-z]?[A-Z][A-Za-z]*$")


def parse_glossary(units: list[Unit]) -> tuple[list[dict], list[dict]]:
    entries: list[dict] = []
    warnings: list[dict] = []
    for u in units:
        for line in u.lines:
            pair = _pair(line.raw, line.text)
            if pair is None:
                if not _LETTER.match(line.text) and line.text:
                    warnings.append({"line": line.no, "message": f"glossary line not understood: '{line.text[:60]}'"})
                continue
            abbr, expansion = pair
            entries.append({"abbreviation": abbr, "expansion": expansion,
                            "location": {"first_line": line.no, "last_line": line.no,
                                         "start": line.start, "end": line.end}})
    return entries, warnings


def _pair(raw: str, text: str) -> tuple[str, str] | None:
    from .markup import cells
    if "\t" in raw:
        c = [x for x in cells(raw) if x]
        if len(c) >= 2:
            return c[0], " ".join(c[1:])
        return None
    m = re.match(r"^(\S.*?)\s{2,}(\S.*)$", raw.strip())
    if m:
        from .markup import strip_markup
        return strip_markup(m.group(1)), strip_markup(m.group(2))
    parts = text.split(" ", 1)
    if len(parts) == 2 and _ACRONYM.match(parts[0]):
        return parts[0], parts[1].strip()
    return None
