"""Paragraphs in, statements out: which prose paragraphs of a report's areas no statement of its
parse model covers. A parse that loses a paragraph of a findings block shows here."""
from __future__ import annotations

from .model_types import ParseModel
from .source import Source
from .units import units
from .vocabulary import ends_sentence, heading_kind, looks_like_heading


def statement_spans(model: ParseModel) -> list[tuple[int, int]]:
    spans = [(x["location"]["start"], x["location"]["end"])
             for key in ("findings", "narrative", "good_practice", "facts") for x in model.get(key, [])]
    spans += [(loc["start"], loc["end"]) for r in model["recommendations"] for loc in r["locations"]]
    return sorted(spans)


def uncovered_paragraphs(model: ParseModel, src: Source) -> list[tuple[int, str]]:
    """(line, text) of each prose paragraph inside an area that no statement span covers.

    Headings, tables, question titles and recommendation lead-ins are not statements; the lead-in
    is kept on its recommendations."""
    spans = statement_spans(model)
    areas = [(a["location"]["start"], a["location"]["end"]) for a in model["areas"]]
    lead_ins = {r.get("lead_in") for r in model["recommendations"] if r.get("lead_in")}
    names = {a["name"] for a in model["areas"]}
    out = []
    for u in units(src):
        if u.table or heading_kind(u.text) or (looks_like_heading(u.text) and not ends_sentence(u.text)):
            continue
        if u.text in lead_ins or u.text in names:
            continue
        if not any(s <= u.start <= e for s, e in areas):
            continue
        if not any(s <= u.start < e for s, e in spans):
            out.append((u.first, u.text))
    return out
