"""The structure layer for PEEL reports (2014 on): pillar -> question, with areas for improvement,
causes of concern, the recommendations that address them, and the detailed findings: every
paragraph of the question's narrative ('We set out our detailed findings below'), its sub-heading
kept as topic. Grades absent from the text are taken from the prose where it states them
('requires improvement', 'The force is good at ...')."""
from __future__ import annotations

import re

from .frameworks import PEEL_PILLARS
from .items import ItemList, location
from .units import Unit
from .vocabulary import ends_sentence, heading_kind, heading_number, looks_like_heading

_QUESTION = re.compile(r"^(?:How|To what extent|What|Does|Is)\b.+\?$")
_PROSE = [
    (re.compile(r"\b(?:is|are)\s+outstanding\b", re.IGNORECASE), "Outstanding"),
    (re.compile(r"\b(?:is|are)\s+good at\b|\b(?:is|are)\s+good\s*\.", re.IGNORECASE), "Good"),
    (re.compile(r"\b(?:requires|require)\s+improvement\b", re.IGNORECASE), "Requires improvement"),
    (re.compile(r"\b(?:is|are)\s+inadequate\b", re.IGNORECASE), "Inadequate"),
]
_SUBJECT = re.compile(r"^(?:The force|The constabulary|%s)\b", re.IGNORECASE)
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")
_ADDRESSEE = re.compile(r"\b(the force|the constabulary|(?:all )?forces|chief constables?|police and crime "
                        r"commissioners?|the (?:College of Policing|Home Office|National Police Chiefs’ Council))"
                        r"\s+should\b", re.IGNORECASE)
_DEADLINE = re.compile(r"\b(within (?:\w+ )?(?:months?|weeks?|years?)|by (?:\w+ )?\d{4})\b", re.IGNORECASE)


class PeelWalker:
    def __init__(self, units: list[Unit], force_names: list[str]):
        self.u = units
        self.subject = re.compile(r"^(?:The force|The constabulary|%s)\b" % "|".join(
            re.escape(n) for n in force_names if n), re.IGNORECASE)
        self.areas: list[dict] = []
        self.findings: list[dict] = []
        self.recommendations: list[dict] = []
        self.warnings: list[dict] = []

    def run(self) -> None:
        pillar = None
        q = None
        section = None
        items: ItemList | None = None
        coc_units: list[Unit] = []
        lead_in: Unit | None = None
        narrative = ItemList()
        topic: str | None = None
        n_question = 0
        labels: list[int] = []

        def close():
            nonlocal items, coc_units, lead_in, narrative
            if q is None:
                return
            self._detailed(q, narrative)
            narrative = ItemList()
            if section == "area-for-improvement" and items is not None:
                for n, it in enumerate(items.items, 1):
                    self.findings.append({"kind": "area-for-improvement", "area": q["name"], "area_code": q["code"],
                                          "ordinal": n, "topic": it.topic, "text": it.text, "location": it.location})
            if section == "cause-of-concern" and coc_units:
                self._coc(q, coc_units, topic)
            if section == "recommendations" and items is not None:
                coc = [f for f in self.findings if f["kind"] == "cause-of-concern" and f["area"] == q["name"]]
                for it in items.items:
                    lead = lead_in.text if lead_in else None
                    m = _DEADLINE.search(lead or "")
                    who = _ADDRESSEE.search(lead or "")
                    self.recommendations.append({
                        "number": len(self.recommendations) + 1, "area": q["name"], "text": it.text,
                        "lead_in": lead, "deadline": m.group(1) if m else None,
                        "addressee": who.group(1) if who else None,
                        "addresses": {"kind": "cause-of-concern", "ordinal": coc[-1]["ordinal"]} if coc else None,
                        "locations": [it.location], "printed_in": ["area"]})
            items, coc_units, lead_in = None, [], None

        for i, u in enumerate(self.u):
            kind = heading_kind(u.text)
            if u.text in PEEL_PILLARS and u.bullet is None:
                close(); section = None
                pillar = u.text
                continue
            if kind == "question-summary":
                close(); section = None
                labels.append(heading_number(u.text))
                continue
            if _QUESTION.match(u.text) and u.bullet is None:
                nxt = self.u[i + 1] if i + 1 < len(self.u) else None
                if nxt is not None and _QUESTION.match(nxt.text):
                    continue  # the pillar's headline question, immediately followed by its first question
                close(); section, topic = None, None
                if q is not None:
                    q["last"] = self.u[i - 1]
                n_question += 1
                q = {"name": u.text, "code": f"Q{n_question}", "group": pillar, "heading": u, "last": u,
                     "prose": []}
                self.areas.append(q)
                continue
            if q is None:
                continue
            q["last"] = u
            if kind in ("area-for-improvement", "cause-of-concern", "recommendations", "detailed-findings"):
                close()
                section = kind if kind != "detailed-findings" else "narrative"
                topic = None
                if section in ("area-for-improvement", "recommendations"):
                    items = ItemList()
                continue
            title = u.bullet is None and not u.table and looks_like_heading(u.text) and not ends_sentence(u.text)
            nxt = self.u[i + 1] if i + 1 < len(self.u) else None
            if title and section == "area-for-improvement" and (nxt is None or nxt.bullet is None):
                # A sub-heading followed by prose: the list has ended and the narrative begins,
                # without the 'We set out our detailed findings' line.
                close()
                section = "narrative"
            if section == "area-for-improvement":
                if title:
                    topic = u.text  # a sub-heading the vocabulary does not know: the list goes on under it
                else:
                    items.add(u, topic)
            elif section == "cause-of-concern":
                if title:
                    topic = u.text
                else:
                    coc_units.append(u)
            elif section == "recommendations":
                if u.bullet is None and lead_in is None and u.text.rstrip().endswith(":"):
                    lead_in = u
                else:
                    items.add(u)
            else:
                # The narrative: after 'We set out our detailed findings below', or straight after
                # the question where a report prints no lists (the specialist capabilities question).
                self._prose(q, u)
                if title:
                    topic = u.text
                elif not u.table:
                    narrative.add(u, topic)
        close()
        for n, label in enumerate(labels, 1):
            if label is not None and label != n:
                self.warnings.append({"line": None, "message":
                                      f"'Summary for question {label}' found where question {n} ends"})

    def _detailed(self, q: dict, narrative: ItemList) -> None:
        n = sum(1 for f in self.findings if f["kind"] == "detailed-finding" and f["area"] == q["name"])
        for it in narrative.items:
            n += 1
            self.findings.append({"kind": "detailed-finding", "area": q["name"], "area_code": q["code"],
                                  "ordinal": n, "topic": it.topic, "text": it.text, "location": it.location})

    def _coc(self, q: dict, units: list[Unit], topic: str | None) -> None:
        n = 1 + sum(1 for f in self.findings if f["kind"] == "cause-of-concern" and f["area"] == q["name"])
        self.findings.append({"kind": "cause-of-concern", "area": q["name"], "area_code": q["code"], "ordinal": n,
                              "topic": topic, "text": " ".join(x.text for x in units), "location": location(units)})

    def _prose(self, q: dict, u: Unit) -> None:
        if looks_like_heading(u.text) and not ends_sentence(u.text):
            return
        for sentence in _SENTENCE.split(u.text):
            if not self.subject.match(sentence.strip()):
                continue
            for pat, grade in _PROSE:
                if pat.search(sentence):
                    q["prose"].append({"grade": grade, "sentence": sentence.strip(), "location": location([u])})
                    break
