"""parse_file: one report text in, the document model (a JSON-ready dict) out."""
from __future__ import annotations

from pathlib import Path

from graph_builder import __version__
from graph_builder.errors import ReportError

from . import frameworks, header
from .facts import extract_facts
from .glossary import parse_glossary
from .items import location
from .model_types import ParseModel
from .pages import add_pages
from .peel import PeelWalker
from .priorgrades import extract_prior_grades
from .source import Source, decode_source, read_source
from .structure import FrameworkWalker
from .units import Unit
from .units import units as make_units
from .vocabulary import ends_sentence, grade_label, heading_kind

SCHEMA_VERSION = "1.0"


def parse_file(path: str | Path) -> ParseModel:
    return parse_source(read_source(path))


def parse_bytes(path: str, data: bytes) -> ParseModel:
    return parse_source(decode_source(path, data))


def parse_source(src: Source) -> ParseModel:
    us = make_units(src)
    if not us:
        raise ReportError(src.path, "has no text")
    fam = header.family(src, header.title_block(us))
    report = header.report_header(src, us, fam)
    force = header.subject_force(src, us)
    if fam == "peel":
        body = _peel(src, us, force)
    else:
        body = _framework(src, us, fam, report)
    model = {
        "schema_version": SCHEMA_VERSION,
        "extractor": {"name": "hmic-kg", "version": __version__},
        "source": {"path": src.path, "sha256": src.sha256},
        "report": report, "force": force, **body,
    }
    add_pages(model, src)
    return model


def _area_span(heading: Unit, last: Unit) -> dict:
    return location([heading, last])


def _framework(src: Source, us: list[Unit], fam: str, report: dict) -> dict:
    walk = FrameworkWalker(us, fam).run()
    if not walk.areas:
        raise ReportError(src.path, f"no graded area found: the text is truncated or is not a report of the {fam} family",
                          us[-1].last)
    _check_summary(src, walk)
    areas = []
    for a in walk.areas:
        areas.append({
            "name": a.name, "code": a.code, "group": a.group, "graded": a.graded,
            "grade": a.grade, "grade_source": "stated" if a.grade else None,
            "direction_of_travel": a.direction,
            "national_distribution": a.distribution, "national_distribution_order": a.distribution_order,
            "location": _area_span(a.heading, a.last), "prose_grades": [],
        })
        if a.graded and a.grade is None:
            walk.warnings.append({"line": a.heading.first, "message": f"area '{a.name}' has no grade line"})
    recs = [walk.recommendations[k] for k in sorted(walk.recommendations, key=lambda x: (x is None, x))]
    glossary, gw = parse_glossary(walk.glossary_units)
    area_of = _area_locator(walk.areas)
    prior = extract_prior_grades([(u, area_of(u)) for u in us], report["year"])
    return {
        "areas": areas, "findings": walk.findings, "narrative": walk.narrative, "recommendations": recs,
        "good_practice": walk.good_practice, "glossary": glossary,
        "facts": extract_facts(walk.overview_units), "prior_grades": prior,
        "warnings": sorted(walk.warnings + gw, key=lambda w: w["line"] or 0),
    }


def _area_locator(areas):
    spans = [(a.heading.start, a.last.end, a.name) for a in areas]

    def area_of(u: Unit) -> str | None:
        for s, e, name in spans:
            if s <= u.start <= e:
                return name
        return None
    return area_of


def _canonical(name: str) -> str:
    """One key for an area whether printed in full (section heading) or short (summary table)."""
    return frameworks.norm(frameworks.inspection_2007_area(name) or name)


def _check_summary(src: Source, walk) -> None:
    """The force summary table lists the graded areas: one missing from the body means truncation,
    one graded differently is reported."""
    listed = [(row[0], grade_label(row[1])) for row in walk.summary_rows
              if len(row) >= 2 and row[0] and not grade_label(row[0]) and grade_label(row[1])]
    if not listed:
        return
    by_key = {_canonical(a.name): a for a in walk.areas}
    missing = [name for name, _ in listed if _canonical(name) not in by_key]
    if missing:
        raise ReportError(src.path, f"truncated: the summary of judgements lists {len(listed)} graded areas but "
                          f"the text ends before {', '.join(repr(m) for m in missing[:3])}", walk.areas[-1].last.last)
    for name, grade in listed:
        a = by_key[_canonical(name)]
        if a.grade and a.grade != grade:
            walk.warnings.append({"line": a.heading.first, "message":
                                  f"area '{a.name}' is graded {a.grade} but the summary table says {grade}"})


def _peel(src: Source, us: list[Unit], force: dict) -> dict:
    names = [force["name"], force["official_name"]] + force["variants"]
    from graph_builder.reference.forces import stem
    names += [stem(force["official_name"]) + " Police", stem(force["official_name"])]
    last = us[-1]
    if not last.table and not ends_sentence(last.text) and not heading_kind(last.text):
        raise ReportError(src.path, "truncated: the text ends in the middle of a sentence", last.last)
    w = PeelWalker(us, names)
    w.run()
    if not w.areas:
        raise ReportError(src.path, "no PEEL question found: the text is truncated or is not a PEEL report",
                          us[-1].last)
    areas = []
    for q in w.areas:
        grades = {p["grade"] for p in q["prose"]}
        # 2018/19 Effectiveness Q5, specialist capabilities, is the one ungraded question (domain.md 2.7).
        graded = "specialist capabilities" not in q["name"].lower()
        grade = grades.pop() if len(grades) == 1 and graded else None
        if len({p["grade"] for p in q["prose"]}) > 1:
            w.warnings.append({"line": q["heading"].first, "message":
                               f"question '{q['name']}': the prose states conflicting grades; none is taken"})
        elif graded and grade is None:
            w.warnings.append({"line": q["heading"].first, "message":
                               f"question '{q['name']}' is graded but its text states no grade; "
                               "the graph records the grade as not stated"})
        areas.append({
            "name": q["name"], "code": q["code"], "group": q["group"], "graded": graded,
            "grade": grade, "grade_source": "prose" if grade else None, "direction_of_travel": None,
            "national_distribution": None, "national_distribution_order": None,
            "location": _area_span(q["heading"], q["last"]), "prose_grades": q["prose"],
        })
    return {
        "areas": areas, "findings": w.findings, "narrative": [], "recommendations": w.recommendations,
        "good_practice": [], "glossary": [], "facts": [], "prior_grades": [],
        "warnings": w.warnings,
    }
