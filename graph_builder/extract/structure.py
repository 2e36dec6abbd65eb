"""The structure layer for the framework-based families (baseline assessment 2004-06, inspections 2007-09).

One pass over the units with a small state machine: region (front matter, findings, closing
recommendations, glossary), the current area, and the current section inside it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import frameworks
from .goodpractice import GoodPracticeBox
from .items import ItemList, location
from .units import Unit
from .vocabulary import (
    direction_label,
    ends_sentence,
    grade_label,
    heading_kind,
    heading_number,
    looks_like_heading,
)
from .vocabulary import field as field_label

FINDING_KINDS = ("strengths", "work-in-progress", "area-for-improvement", "cause-of-concern")
KIND_NAME = {"strengths": "strength", "work-in-progress": "work-in-progress",
             "area-for-improvement": "area-for-improvement", "cause-of-concern": "cause-of-concern"}
_CODE_AREA = re.compile(r"^(\d[A-Z])\s+(\S.+)$")
_DOMAIN = re.compile(r"^(\d)\s+([A-Z][^\t]+?)(?:\s*\((?:PPAF\s+)?Domain\s+\w+\))?$")


@dataclass
class Area:
    name: str
    code: str | None
    group: str | None
    graded: bool
    heading: Unit
    last: Unit
    grade: str | None = None
    direction: str | None = None
    distribution: dict | None = None
    distribution_order: list | None = None


@dataclass
class Walk:
    areas: list[Area] = field(default_factory=list)
    findings: list[dict] = field(default_factory=list)
    recommendations: dict = field(default_factory=dict)
    good_practice: list[dict] = field(default_factory=list)
    glossary_units: list[Unit] = field(default_factory=list)
    overview_units: list[Unit] = field(default_factory=list)
    summary_rows: list[list[str]] = field(default_factory=list)
    narrative: list[dict] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)


class FrameworkWalker:
    def __init__(self, units: list[Unit], family: str):
        self.u = units
        self.family = family
        self.w = Walk()
        self.domains: dict[str, str] = {}
        first_area = next((i for i in range(len(units)) if self._area_at(i)), len(units))
        self.first_area = first_area
        # The contents page names the glossary and the closing recommendations too: the sections
        # themselves are the last such headings after the first area.
        self.glossary_at = self._last_index(lambda i, u: heading_kind(u.text) == "glossary" and i > first_area)
        self.recs_at = self._last_index(
            lambda i, u: heading_kind(u.text) == "recommendations" and i > first_area)

    def _last_index(self, pred) -> int:
        idx = len(self.u)
        for i, u in enumerate(self.u):
            if pred(i, u):
                idx = i
        return idx

    # -- area recognition ------------------------------------------------------------------
    def _ahead(self, i: int, n: int = 4) -> list[Unit]:
        return self.u[i + 1:i + 1 + n]

    def _grade_marker(self, u: Unit) -> bool:
        c = u.cells() if u.table else [u.text]
        return bool(c) and c[0].strip().lower().startswith("grade") and len(c[0]) < 8

    def _area_at(self, i: int) -> Area | None:
        u = self.u[i]
        if (u.bullet is not None or u.table or heading_kind(u.text) or field_label(u.text) or grade_label(u.text)
                or self._grade_marker(u)):
            return None
        ahead = self._ahead(i)
        graded_next = any(self._grade_marker(a) or heading_kind(a.text) == "distribution" for a in ahead)
        context_next = any(heading_kind(a.text) == "context" for a in ahead[:2])
        if self.family == "baseline-assessment":
            m = _CODE_AREA.match(u.text)
            if not m or not graded_next or not looks_like_heading(u.text):
                return None
            code, name = m.group(1), m.group(2).strip()
            return Area(name=name, code=code, group=self.domains.get(code[0])
                        or frameworks.BASELINE_2006_DOMAINS.get(code[0]), graded=True, heading=u, last=u)
        known = frameworks.inspection_2007_area(u.text)
        if known and known in frameworks.INSPECTION_2007 and (graded_next or context_next):
            group, graded = frameworks.INSPECTION_2007[known]
            return Area(name=u.text, code=None, group=group, graded=graded, heading=u, last=u)
        if not known and ahead and self._grade_marker(ahead[0]) and looks_like_heading(u.text):
            return Area(name=u.text, code=None, group=None, graded=True, heading=u, last=u)
        return None

    # -- the pass ------------------------------------------------------------------------------
    def run(self) -> Walk:
        area: Area | None = None
        section: str | None = None
        items: ItemList | None = None
        topic: str | None = None
        topic_open = False                 # a sub-heading seen, no item under it yet
        gp: GoodPracticeBox | None = None
        pending_rec: int | None = None
        pending: str | None = None          # "grade", "grade-row", "distribution"
        dist_labels: list[str] | None = None
        rec_group: str | None = None
        region = "front"
        prose: ItemList | None = None      # the paragraphs of a context or unplaced section
        prose_topic: str | None = None

        def close_items():
            nonlocal items
            if items is not None and area is not None:
                for n, it in enumerate(items.items, 1):
                    self.w.findings.append({
                        "kind": KIND_NAME[section], "area": area.name, "area_code": area.code,
                        "ordinal": n, "topic": it.topic, "text": it.text, "location": it.location})
            items = None

        def close_prose():
            nonlocal prose
            if prose is not None and area is not None:
                kind = "context" if section == "context" else "unclassified"
                n = sum(1 for x in self.w.narrative if x["area"] == area.name and x["kind"] == kind)
                for it in prose.items:
                    n += 1
                    self.w.narrative.append({"kind": kind, "area": area.name, "area_code": area.code,
                                             "ordinal": n, "topic": it.topic, "text": it.text,
                                             "location": it.location})
            prose = None

        def close_gp():
            nonlocal gp
            if gp is not None and gp.has_content():
                self.w.good_practice.append(gp.result(area.name if area else None))
            gp = None

        for i, u in enumerate(self.u):
            if i >= self.glossary_at:
                if i == self.glossary_at:
                    close_items(); close_prose(); close_gp()
                    region = "glossary"
                else:
                    self.w.glossary_units.append(u)
                continue
            if i == self.recs_at:
                close_items(); close_prose(); close_gp()
                region, area, section = "recommendations", None, None
                continue
            kind = heading_kind(u.text)
            if region == "recommendations":
                if kind == "recommendation-n":
                    pending_rec = heading_number(u.text)
                elif pending_rec is not None:
                    self._add_rec(pending_rec, u, rec_group or "", closing=True)
                    pending_rec = None
                elif looks_like_heading(u.text):
                    rec_group = u.text
                continue

            new_area = self._area_at(i) if i >= self.first_area else None
            if new_area is not None:
                close_items(); close_prose(); close_gp()
                region, area, section, pending, topic = "findings", new_area, None, None, None
                self.w.areas.append(area)
                continue
            if region == "front":
                self._front(u)
                continue
            dm = _DOMAIN.match(u.text) if self.family == "baseline-assessment" else None
            if dm and u.bullet is None and not u.table and looks_like_heading(u.text):
                close_items(); close_prose(); close_gp()
                self.domains[dm.group(1)] = dm.group(2).strip()
                section = "between-areas"
                continue
            if area is None:
                continue
            area.last = u

            # grades and distributions: small tables right after the area heading
            if pending == "grade" and not u.table:
                g = grade_label(u.text)
                if g:
                    area.grade = g
                    pending = None
                    continue
            if pending == "grade-row" and u.table:
                c = u.cells()
                area.grade = grade_label(c[0]) if c else None
                area.direction = direction_label(c[1]) if len(c) > 1 else None
                pending = None
                continue
            if pending == "distribution" and u.table:
                c = u.cells()
                if all(grade_label(x) for x in c if x):
                    dist_labels = [grade_label(x) for x in c if x]
                    continue
                if dist_labels and all(re.fullmatch(r"\d+", x) for x in c if x):
                    counts = [int(x) for x in c if x]
                    if len(counts) == len(dist_labels):
                        area.distribution = dict(zip(dist_labels, counts))
                        area.distribution_order = list(dist_labels)
                    pending, dist_labels = None, None
                    continue
            if self._grade_marker(u):
                c = u.cells() if u.table else [u.text]
                if len(c) > 1 and grade_label(c[1]):
                    area.grade = grade_label(c[1])
                elif len(c) > 1 and c[1].lower().startswith("direction"):
                    pending = "grade-row"
                else:
                    pending = "grade"
                continue
            if u.table and section not in FINDING_KINDS and grade_label(u.cells()[0] if u.cells() else ""):
                continue

            if kind in ("distribution", "context", "good-practice") or kind in FINDING_KINDS:
                close_items(); close_prose(); close_gp()
                section, topic, topic_open = kind, None, False
                if kind == "distribution":
                    pending = "distribution"
                elif kind == "context":
                    prose, prose_topic = ItemList(), u.text
                elif kind in FINDING_KINDS:
                    items = ItemList()
                elif kind == "good-practice":
                    gp = GoodPracticeBox(first=u)
                continue
            if kind == "recommendation-n":
                pending_rec = heading_number(u.text)
                continue
            if pending_rec is not None and u.bullet is None and not u.table:
                self._add_rec(pending_rec, u, area.name, closing=False)
                pending_rec = None
                continue

            if section in FINDING_KINDS and items is not None:
                if self._is_subheading(i, u, items):
                    nxt = self._after_titles(i)
                    if nxt is not None and (nxt.bullet is not None or self._is_paragraph(nxt)):
                        # A sub-heading the vocabulary does not know (a plan title, a topic): the
                        # block's kind goes on under it. Stacked sub-headings make one topic.
                        topic = f"{topic} – {u.text}" if topic_open and topic else u.text
                        topic_open = True
                        continue
                    # A box of another kind inside the block (a table with its key, an embedded
                    # evaluation): not findings, but its paragraphs are kept as unclassified statements.
                    close_items()
                    section, prose, prose_topic = "unplaced", ItemList(), u.text
                    self.w.warnings.append({"line": u.first, "message":
                                            f"section '{u.text}' in area '{area.name}' could not be placed; "
                                            "its paragraphs are kept as unclassified statements"})
                    continue
                if u.table:
                    continue
                items.add(u, topic)
                topic_open = False
                continue
            if section in ("context", "unplaced") and prose is not None:
                if not u.table:
                    if u.bullet is None and looks_like_heading(u.text) and not ends_sentence(u.text):
                        prose_topic = u.text
                    else:
                        prose.add(u, prose_topic)
                continue
            if section == "good-practice" and gp is not None:
                if not gp.add(u):
                    close_gp()
                    gp = GoodPracticeBox(first=u)
                    gp.add(u)
                continue
        close_items(); close_prose(); close_gp()
        return self.w

    def _after_titles(self, i: int) -> Unit | None:
        """The first unit after i that is not itself a title-like line."""
        for u in self.u[i + 1:i + 6]:
            if u.table or u.bullet is not None or not looks_like_heading(u.text) or ends_sentence(u.text):
                return u
        return None

    @staticmethod
    def _is_paragraph(u: Unit) -> bool:
        return not u.table and not heading_kind(u.text) and not field_label(u.text) and not (
            looks_like_heading(u.text) and not ends_sentence(u.text))

    def _is_subheading(self, i: int, u: Unit, items: ItemList) -> bool:
        if u.bullet is not None or u.table or not looks_like_heading(u.text) or ends_sentence(u.text):
            return False
        nxt = self.u[i + 1] if i + 1 < len(self.u) else None
        if nxt is not None and nxt.bullet is None and not nxt.table and nxt.text[:1].islower():
            return False  # a paragraph cut short by a page break: its continuation opens in lower case
        prev_done = not items.items or ends_sentence(items.items[-1].text)
        if items.style == "paragraph":
            # Unmarked, a short title line (at most 14 words, no closing punctuation) is a sub-heading
            # where a paragraph of more words (and a dozen at least) follows it.
            return prev_done and (u.marked or (nxt is not None and self._is_paragraph(nxt)
                                               and len(nxt.text.split()) > max(12, len(u.text.split()))))
        return prev_done

    def _front(self, u: Unit) -> None:
        if u.table:
            self.w.summary_rows.append(u.cells())
        else:
            self.w.overview_units.append(u)

    def _add_rec(self, number: int | None, u: Unit, area: str, closing: bool) -> None:
        rec = self.w.recommendations.get(number)
        loc = location([u])
        if rec is None:
            self.w.recommendations[number] = {
                "number": number, "area": area, "text": u.text, "locations": [loc],
                "printed_in": ["closing-list" if closing else "area"]}
            return
        rec["locations"].append(loc)
        rec["printed_in"].append("closing-list" if closing else "area")
        if frameworks.norm(rec["text"]) != frameworks.norm(u.text):
            self.w.warnings.append({"line": u.first, "message":
                                    f"recommendation {number} is printed twice with different texts; "
                                    "the first is kept"})
