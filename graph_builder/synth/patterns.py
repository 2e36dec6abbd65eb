"""Sentence patterns and vocabulary learned from the shipped corpus at run time.

The shipped reports are read with the extractor; their findings, recommendations, good-practice
boxes, glossary entries, narrative paragraphs and headings become pools the layouts draw from.
Texts are kept in the extractor's vocabulary (plain text, markup stripped) and filtered to those
that survive every markup variant and noise kind unchanged.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from graph_builder.extract import parse_source
from graph_builder.extract.goodpractice import strip_contact_details
from graph_builder.extract.markup import is_noise, strip_markup
from graph_builder.extract.peel import _PROSE
from graph_builder.extract.source import read_source
from graph_builder.extract.vocabulary import ends_sentence, heading_kind, is_field_label
from graph_builder.paths import project_dir

# Characters that markup stripping or HTML unescaping could change: texts carrying them are not used.
_UNSAFE = re.compile(r"[*_#<>`\\\[\]|\t]|&\w|https?:|www\.|@|\s{2,}")
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")
# Printed names of the source reports' forces, longest first; replaced by the subject force's names.
SOURCE_NAMES = {
    "cheshire": [("Cheshire Constabulary", "name"), ("Cheshire", "stem")],
    "west-mercia": [("West Mercia Constabulary", "name"), ("West Mercia Police", "name"),
                    ("West Mercia", "stem"), ("WMC", "abbr")],
    "west-midlands": [("West Midlands Police", "name"), ("West Midlands", "stem"), ("WMP", "abbr")],
}


@dataclass
class Pools:
    # family -> area key -> kind -> [texts]
    findings: dict = field(default_factory=dict)
    # family -> area key -> [paragraphs]
    context: dict = field(default_factory=dict)
    national_context: dict = field(default_factory=dict)
    recommendations: list = field(default_factory=list)
    good_practice: list = field(default_factory=list)
    glossary: dict = field(default_factory=dict)          # abbreviation -> expansion
    front: dict = field(default_factory=dict)             # family -> [paragraphs]
    overview: list = field(default_factory=list)
    overview_headings: list = field(default_factory=list)
    peel_afi: list = field(default_factory=list)
    peel_coc: list = field(default_factory=list)
    peel_recs: list = field(default_factory=list)
    peel_narrative: list = field(default_factory=list)
    peel_subheadings: list = field(default_factory=list)
    distributions: dict = field(default_factory=dict)    # programme -> area name -> {grade: n}
    source_year: dict = field(default_factory=dict)       # force id of source -> year


def safe(text: str) -> bool:
    t = text.strip()
    return (bool(t) and not _UNSAFE.search(t) and not heading_kind(t) and not is_field_label(t)
            and not re.match(r"^[-•–]\s|^\d+[.)]\s", t))


def item_ok(text: str) -> bool:
    """A finding text that stays one item in every layout: starts upper case, ends a sentence."""
    return safe(text) and len(text) >= 40 and text[0].isupper() and ends_sentence(text) and text[-1] in ".;"


def _norm(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip()


def _paragraphs(text: str, start: int, end: int) -> list[str]:
    out = []
    for block in re.split(r"\n\s*\n", text[start:end]):
        lines = [strip_markup(x) for x in block.splitlines() if x.strip()]
        if not lines:
            continue
        out.append(_norm(" ".join(lines)))
    return out


def _no_grade_sentences(text: str) -> str:
    """Drops sentences that state a PEEL grade in prose: a layout states grades where it means to."""
    keep = [s for s in _SENTENCE.split(text) if not any(p.search(s) for p, _ in _PROSE)]
    return " ".join(keep)


def _narrative_ok(p: str) -> bool:
    return safe(p) and len(p) >= 150 and p[0].isupper() and p.endswith(".")


@lru_cache(maxsize=4)
def harvest(corpus: Path | None = None) -> Pools:
    corpus = Path(corpus) if corpus else project_dir("corpus")
    pools = Pools()
    files = sorted(p for p in corpus.glob("*.txt"))
    for path in files:
        # The masked text the model's offsets count into, never the file's: a synthetic corpus
        # must not carry the real reports' personal data either.
        src = read_source(path)
        model, text = parse_source(src), src.text
        fam, fid = model["report"]["family"], model["force"]["id"]
        pools.source_year[fid] = model["report"]["year"]
        if fam == "peel":
            _harvest_peel(pools, model, text)
            continue
        _harvest_framework(pools, model, text, fam)
    for fam in pools.findings:
        for area in pools.findings[fam].values():
            for kind in area:
                area[kind] = sorted(set(area[kind]), key=area[kind].index)
    return pools


def _harvest_framework(pools: Pools, model: dict, text: str, fam: str) -> None:
    fid = model["force"]["id"]
    prog = model["report"]["programme"]
    fams = pools.findings.setdefault(fam, {})
    used: set[str] = set()
    for f in model["findings"]:
        used.add(_norm(f["text"]))
        t = _norm(f["text"])
        if item_ok(t):
            key = f["area_code"] or f["area"]
            fams.setdefault(key, {}).setdefault(f["kind"], []).append((fid, t))
        # PEEL-style areas for improvement are the finding sentences that tell the force what to do.
        if f["kind"] in ("area-for-improvement", "work-in-progress"):
            for s in _SENTENCE.split(t):
                s = re.sub(r"^The constabulary should\b", "The force should", s)
                if re.match(r"^The force should\b", s) and item_ok(s) and s.endswith("."):
                    pools.peel_afi.append((fid, s))
                if re.match(r"^(?:The force (?:does not|has not|is not)|There (?:is|are) no)\b", s) and item_ok(s):
                    pools.peel_coc.append((fid, s))
    for r in model["recommendations"]:
        t = _norm(r["text"])
        used.add(t)
        if item_ok(t):
            pools.recommendations.append((fid, t))
    for g in model["good_practice"]:
        box = {k: _norm(g[k]) for k in ("title", "problem", "solution", "outcome") if g.get(k)}
        if (box.get("title") and box.get("problem") and box.get("solution")
                and all(safe(v) and strip_contact_details(v) == v for v in box.values())
                and all(v[0].isupper() for v in box.values())):
            pools.good_practice.append((fid, box))
    for e in model["glossary"]:
        a, x = e["abbreviation"].strip(), _norm(e["expansion"])
        if re.fullmatch(r"[A-Za-z][A-Za-z0-9&/'’.-]{1,11}", a) and safe(x) and "&" not in a:
            pools.glossary.setdefault(a, x)
    for a in model["areas"]:
        if a.get("national_distribution"):
            pools.distributions.setdefault(prog, {})[a["name"]] = dict(a["national_distribution"])
    # Paragraphs: front matter (before the first area), and each area's context paragraphs.
    first = model["areas"][0]["location"]["start"]
    over_start = None
    for m in re.finditer(r"^.{0,12}Force Overview and Context.{0,6}$", text[:first], re.MULTILINE):
        over_start = m.end()
    if over_start is not None:
        intro = [p for p in _paragraphs(text, 0, over_start) if _narrative_ok(p)]
        over = [p for p in _paragraphs(text, over_start, first) if _narrative_ok(p)]
        pools.front.setdefault(fam, []).extend((fid, p) for p in intro)
        pools.overview.extend((fid, p) for p in over)
        for p in _paragraphs(text, over_start, first):
            if 3 <= len(p) <= 60 and safe(p) and not p.endswith(".") and p[0].isupper() and not is_noise(p):
                pools.overview_headings.append(p)
    else:
        pools.front.setdefault(fam, []).extend(
            (fid, p) for p in _paragraphs(text, 0, first) if _narrative_ok(p))
    fctx = pools.context.setdefault(fam, {})
    nctx = pools.national_context.setdefault(fam, {})
    for a in model["areas"]:
        key = a["code"] or a["name"]
        loc = a["location"]
        span = text[loc["start"]:loc["end"]]
        m = re.search(r"National contextual factors", span, re.IGNORECASE)
        c = re.search(r"^\W*Contextual factors", span, re.IGNORECASE | re.MULTILINE)
        s = re.search(r"^\W*(?:Strengths|Work in progress)", span, re.IGNORECASE | re.MULTILINE)
        stop = s.start() if s else len(span)
        for p in _paragraphs(text, loc["start"], loc["end"]):
            if _narrative_ok(p) and p not in used:
                pos = span.find(p[:40])
                if pos < 0 or pos > stop:
                    continue
                if m and c and m.start() < pos < c.start():
                    nctx.setdefault(key, []).append((fid, p))
                else:
                    fctx.setdefault(key, []).append((fid, p))


def _harvest_peel(pools: Pools, model: dict, text: str) -> None:
    fid = model["force"]["id"]
    for f in model["findings"]:
        t = _norm(f["text"])
        if f["kind"] == "area-for-improvement" and item_ok(t):
            pools.peel_afi.append((fid, t))
        if f["kind"] == "cause-of-concern" and safe(t) and t.endswith("."):
            pools.peel_coc.append((fid, t))
    for r in model["recommendations"]:
        t = _norm(r["text"]).rstrip(";.").removesuffix(" and").rstrip(";, ")
        if safe(t) and t[:1].islower():
            pools.peel_recs.append((fid, t))
    narrative = False
    for line in text.splitlines():
        t = strip_markup(line)
        if t.startswith("We set out our detailed findings"):
            narrative = True
            continue
        if heading_kind(t) or t.startswith("Summary for question"):
            narrative = False
            continue
        if not narrative:
            continue
        if 3 <= len(t) <= 70 and not ends_sentence(t) and safe(t) and t[0].isupper():
            pools.peel_subheadings.append(t)
            continue
        p = _no_grade_sentences(t)
        if _narrative_ok(p):
            pools.peel_narrative.append((fid, p))
