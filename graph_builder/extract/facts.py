"""Figures the force overview states: population, area, officers, staff, PCSOs, special constables."""
from __future__ import annotations

import re

from .items import location
from .units import Unit

_NUM = r"(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)"
_QUAL = r"((?:in excess of|more than|over|almost|nearly|approximately|about|around|some)\s+)?"
_PATTERNS = [
    ("population", re.compile(r"population\s+(?:is\s+|of\s+)?" + _QUAL + _NUM + r"(\s+million)?", re.IGNORECASE)),
    ("area", re.compile(r"area (?:of|covering)\s+" + _QUAL + _NUM + r"\s*(sq\.?\s*km|square kilomet(?:re|er)s|km2|km²|square miles|sq\.?\s*miles)", re.IGNORECASE)),
    ("police_officers", re.compile(_NUM + r"\s+police officers\b", re.IGNORECASE)),
    ("police_staff", re.compile(_NUM + r"\s+police staff\b", re.IGNORECASE)),
    ("special_constables", re.compile(_NUM + r"\s+special constables\b", re.IGNORECASE)),
    ("pcsos", re.compile(_NUM + r"\s+(?:police community support officers|P?CSOs)\b", re.IGNORECASE)),
]
_SQMI_KM2 = 2.589988


def _value(num: str) -> float:
    return float(num.replace(",", ""))


def extract_facts(units: list[Unit]) -> list[dict]:
    facts: list[dict] = []
    seen: set[str] = set()
    for u in units:
        for name, pat in _PATTERNS:
            if name in seen:
                continue
            m = pat.search(u.text)
            if not m:
                continue
            groups = m.groups()
            fact: dict = {"name": name, "qualifier": None, "unit": None}
            if name in ("population", "area"):
                qual, num = groups[0], groups[1]
                fact["qualifier"] = qual.strip().lower() if qual else None
                value = _value(num)
                if name == "population":
                    if groups[2]:
                        value *= 1_000_000
                    fact["unit"] = "people"
                else:
                    unit = groups[2].lower()
                    if "mile" in unit:
                        fact["unit"] = "sq mi"
                        fact["km2"] = round(value * _SQMI_KM2, 1)
                    else:
                        fact["unit"] = "km2"
                        fact["km2"] = value
            else:
                value = _value(groups[0])
                fact["unit"] = "people"
            fact["value"] = int(value) if float(value).is_integer() else value
            fact["text"] = m.group(0)
            fact["location"] = location([u])
            facts.append(fact)
            seen.add(name)
    return facts
