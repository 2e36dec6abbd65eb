"""Good-practice and developing-practice boxes: TITLE / PROBLEM / SOLUTION / OUTCOME(S) / FORCE CONTACT.

Contact details are reduced to the contact's role: phone numbers, e-mail addresses and personal
names are personal data and have no place in a public graph.
"""
from __future__ import annotations

import re

from .items import location
from .personal_data import MASK
from .units import Unit
from .vocabulary import field

_PHONE = re.compile(r"(?:\b(?:tel|telephone|phone|mobile|mob|dd|fax|ext)\b\.?\s*:?\s*)?\(?\+?\d[\d\s()-]{6,}\d(?:\s*ext\.?\s*[\d\s]+)?", re.IGNORECASE)
_EMAIL = re.compile(r"\b(?:e-?mail\s*:?\s*)?[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b", re.IGNORECASE)
_DIGIT = re.compile(r"\d")
_MASKED = re.compile(f"{MASK}+")
_LABELS = re.compile(r"\b(?:tel|telephone|phone|mobile|mob|dd|fax|email|e-mail|ext)\b\.?\s*:?", re.IGNORECASE)
_RANKS = [
    "Assistant Chief Constable", "Deputy Chief Constable", "Chief Constable", "Assistant Chief Officer",
    "Detective Chief Superintendent", "Chief Superintendent", "Detective Superintendent", "Superintendent",
    "Detective Chief Inspector", "Chief Inspector", "Detective Inspector", "Inspector",
    "Detective Sergeant", "Sergeant", "Detective Constable", "Police Constable", "Constable",
    "PCSO", "ACC", "DCC", "DCI", "DI", "DS", "DC", "PC", "Mr", "Mrs", "Ms", "Miss", "Dr",
]
_RANK = re.compile(r"^(%s)\b\.?\s*" % "|".join(re.escape(r) for r in _RANKS))
_ROLE_WORD = re.compile(r"\b(?:co-?ordinator|manager|officer|director|head|lead|team|unit|bureau|department|"
                        r"analyst|adviser|advisor|secretariat|centre|office|chief|project|service)\b", re.IGNORECASE)
_NAME = re.compile(r"^(?:\d+\s+)?(?:[A-Z][A-Za-z'’.-]*\s*){1,4}")


def contact_role(text: str) -> str | None:
    """The role of a force contact, without phone numbers, e-mail addresses or personal names."""
    # The source text reaches here with names and numbers masked: a masked run is dropped like
    # the number or name it stands for, leaving the rank and the role.
    s = _MASKED.sub("", text) if MASK in text else text
    s = _EMAIL.sub(" ", s)
    s = _PHONE.sub(" ", s)
    s = _LABELS.sub(" ", s)
    roles = []
    for seg in re.split(r"\s+/\s+|;|\n", s):
        seg = re.sub(r"\s+", " ", seg).strip(" –-,:")
        if not seg:
            continue
        rank = ""
        m = _RANK.match(seg)
        if m:
            rank = m.group(1)
            rest = seg[m.end():]
            rest = _NAME.sub("", rest, count=1)
        else:
            rest = seg
        paren = re.findall(r"\(([^)]*)\)", rest)
        after_comma = rest.split(",", 1)[1].strip() if "," in rest else ""
        desc = "; ".join(p.strip() for p in paren if p.strip()) or after_comma
        if not rank and not desc:
            # A bare segment is a role only if it reads like one; otherwise it is a name.
            desc = seg if _ROLE_WORD.search(seg) else ""
        role = ", ".join(x for x in (rank, desc.strip(" –-,")) if x)
        if role:
            roles.append(role)
    return "; ".join(dict.fromkeys(roles)) or None


def strip_contact_details(text: str) -> str:
    # An e-mail address needs an '@' and a phone number digits: skipping the scans is the same result.
    s = _EMAIL.sub("", text) if "@" in text else text
    s = _PHONE.sub("", s) if _DIGIT.search(s) else s
    return re.sub(r"\s+", " ", s).strip()


class GoodPracticeBox:
    def __init__(self, first: Unit):
        self.units: list[Unit] = [first]
        self.fields: dict[str, list[str]] = {}
        self.current: str | None = None

    def has_content(self) -> bool:
        return bool(self.fields.get("title") or self.fields.get("problem"))

    def add(self, u: Unit) -> bool:
        """Feed one unit; False when it opens the next box (a second TITLE)."""
        f = field(u.text)
        if f:
            name, value = f
            if name in self.fields and name in ("title", "area"):
                return False
            self.current = name
            self.fields.setdefault(name, [])
            if value:
                self.fields[name].append(value)
        elif self.current is not None and not u.table:
            self.fields[self.current].append(u.text)
        else:
            return True
        self.units.append(u)
        return True

    def result(self, area: str | None) -> dict:
        def text(name: str) -> str | None:
            parts = self.fields.get(name)
            return " ".join(parts).strip() if parts else None

        # Each contact line is its own segment: a unit, a phone line, an e-mail line.
        contact = "\n".join(self.fields.get("contact", [])) or None
        return {
            "title": text("title"), "area": area, "inspection_area": text("area"),
            "problem": strip_contact_details(text("problem") or "") or None,
            "solution": strip_contact_details(text("solution") or "") or None,
            "outcome": strip_contact_details(text("outcome") or "") or None,
            "outcomes": [strip_contact_details(p) for p in self.fields.get("outcome", [])],
            "contact_role": contact_role(contact) if contact else None,
            "location": location([u for u in self.units if u is not None]),
        }
