"""Parse model -> RDF: one named graph per report, every statement anchored to its source span.

URIs follow docs/contracts.md. The same model always gives the same triples (no blank nodes, no
timestamps), so canonical N-Quads are byte-identical across builds.
"""
from __future__ import annotations

import hashlib

from rdflib import Dataset, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS, XSD

from .extract.frameworks import slug

DEFAULT_BASE = "https://w3id.org/hmic-kg"
OA = Namespace("http://www.w3.org/ns/oa#")
QB = Namespace("http://purl.org/linked-data/cube#")

FAMILY_SCALE = {"baseline-assessment": "egfp", "inspection-2007": "egfp", "peel": "peel-2014"}
KIND_CLASS = {"strength": "Strength", "work-in-progress": "WorkInProgress",
              "area-for-improvement": "AreaForImprovement", "cause-of-concern": "CauseOfConcern"}


class Minter:
    """Mints every URI of docs/contracts.md from plain values."""

    def __init__(self, base: str = DEFAULT_BASE):
        self.base = base.rstrip("/")
        self.insp = Namespace(f"{self.base}/def/inspection/")

    def u(self, *parts: str) -> URIRef:
        return URIRef("/".join([self.base, *parts]))

    def force(self, fid: str) -> URIRef:
        return self.u("id", "force", fid)

    def programme(self, prog: str) -> URIRef:
        return self.u("id", "programme", prog)

    def report(self, fid: str, prog: str) -> URIRef:
        return self.u("id", "report", fid, prog)

    def area(self, prog: str, area_slug: str) -> URIRef:
        return self.u("def", "framework", prog, area_slug)

    def grade(self, scale: str, label: str) -> URIRef:
        return self.u("def", "grade-scale", scale, slug(label))

    def direction(self, label: str) -> URIRef:
        return self.u("def", "direction-of-travel", slug(label))

    def graph(self, *parts: str) -> URIRef:
        return self.u("graph", *parts)


def area_slug(area: dict) -> str:
    if area.get("code") and area["code"].startswith("Q"):
        return f"{slug(area.get('group') or 'peel')}-{area['code'].lower()}"
    return slug(area["name"])


def map_report(model: dict, text: str, base: str = DEFAULT_BASE, ds: Dataset | None = None) -> Dataset:
    """Adds the report's named graph to ds. text is the stored report text the spans quote."""
    m = Minter(base)
    insp = m.insp
    ds = ds if ds is not None else Dataset(default_union=True)
    r, f = model["report"], model["force"]
    fid, prog = f["id"], r["programme"]
    g = ds.graph(m.graph("report", fid, prog))
    rep = m.report(fid, prog)
    text_iri = m.u("id", "report", fid, prog, "text", r["sha256"][:16])
    force = m.force(fid)
    scale = FAMILY_SCALE[r["family"]]

    g.add((rep, RDF.type, insp.InspectionReport))
    g.add((rep, insp.force, force))
    g.add((rep, insp.programme, m.programme(prog)))
    if r.get("title"):
        g.add((rep, DCTERMS.title, Literal(r["title"], lang="en")))
    if r.get("published"):
        g.add((rep, DCTERMS.issued, Literal(r["published"], datatype=XSD.gYearMonth)))
    for isbn in r.get("isbns", []):
        g.add((rep, DCTERMS.identifier, Literal(f"ISBN {isbn}")))
    g.add((rep, insp.nameAsPrinted, Literal(f["name"])))
    g.add((text_iri, RDF.type, insp.ReportText))
    g.add((text_iri, insp.sha256, Literal(r["sha256"], datatype=XSD.hexBinary)))
    g.add((rep, insp.hasText, text_iri))

    def span(subject: URIRef, loc: dict, k: int = 1) -> None:
        sp = URIRef(f"{subject}/span/{k}")
        pos, quote = URIRef(f"{sp}/position"), URIRef(f"{sp}/quote")
        g.add((subject, insp.sourceSpan, sp))
        g.add((sp, RDF.type, OA.SpecificResource))
        g.add((sp, OA.hasSource, text_iri))
        g.add((sp, OA.hasSelector, pos))
        g.add((pos, RDF.type, OA.TextPositionSelector))
        g.add((pos, OA.start, Literal(loc["start"], datatype=XSD.nonNegativeInteger)))
        g.add((pos, OA.end, Literal(loc["end"], datatype=XSD.nonNegativeInteger)))
        g.add((sp, insp.firstLine, Literal(loc["first_line"], datatype=XSD.positiveInteger)))
        g.add((sp, insp.lastLine, Literal(loc["last_line"], datatype=XSD.positiveInteger)))
        # The quote is the stored text at the offsets, noise included: re-anchoring needs the exact text.
        g.add((sp, OA.hasSelector, quote))
        g.add((quote, RDF.type, OA.TextQuoteSelector))
        g.add((quote, OA.exact, Literal(text[loc["start"]:loc["end"]])))

    areas = {}
    for a in model["areas"]:
        aslug = area_slug(a)
        areas[a["name"]] = (aslug, m.area(prog, aslug))
        if not a["graded"] or not a["grade"] or a["grade"] == "Not graded":
            continue
        j = m.u("data", "judgement", prog, fid, aslug)
        g.add((j, RDF.type, insp.GradedJudgement))
        g.add((j, RDF.type, QB.Observation))
        g.add((j, QB.dataSet, m.u("data", "judgement", prog)))
        g.add((j, insp.force, force))
        g.add((j, insp.programme, m.programme(prog)))
        g.add((j, insp.assessmentArea, areas[a["name"]][1]))
        g.add((j, insp.grade, m.grade(scale, a["grade"])))
        g.add((j, insp.gradeSource, Literal(a["grade_source"])))
        g.add((j, insp.reportedIn, rep))
        if a.get("direction_of_travel"):
            g.add((j, insp.directionOfTravel, m.direction(a["direction_of_travel"])))
        span(j, a["location"])

    for n, fnd in enumerate(model["findings"], 1):
        aslug, area_iri = areas[fnd["area"]]
        s = m.u("id", "finding", fid, prog, aslug, fnd["kind"], str(fnd["ordinal"]))
        g.add((s, RDF.type, insp[KIND_CLASS[fnd["kind"]]]))
        g.add((s, insp.text, Literal(fnd["text"])))
        g.add((s, insp.assessmentArea, area_iri))
        g.add((s, insp.reportedIn, rep))
        g.add((s, insp.force, force))
        g.add((s, insp.ordinal, Literal(fnd["ordinal"], datatype=XSD.positiveInteger)))
        if fnd.get("topic"):
            g.add((s, insp.topic, Literal(fnd["topic"])))
        span(s, fnd["location"])

    for rec in model["recommendations"]:
        num = rec["number"] if rec["number"] is not None else hashlib.sha256(rec["text"].encode()).hexdigest()[:8]
        s = m.u("id", "recommendation", fid, prog, str(num))
        g.add((s, RDF.type, insp.Recommendation))
        g.add((s, insp.text, Literal(rec["text"])))
        g.add((s, insp.reportedIn, rep))
        g.add((s, insp.force, force))
        if rec["area"] in areas:
            g.add((s, insp.assessmentArea, areas[rec["area"]][1]))
        if rec.get("deadline"):
            g.add((s, insp.deadline, Literal(rec["deadline"])))
        addr = rec.get("addresses")
        if addr and rec["area"] in areas:
            g.add((s, insp.addresses, m.u("id", "finding", fid, prog, areas[rec["area"]][0], addr["kind"],
                                         str(addr["ordinal"]))))
        for k, loc in enumerate(rec["locations"], 1):
            span(s, loc, k)

    for n, gp in enumerate(model["good_practice"], 1):
        s = m.u("id", "good-practice", fid, prog, str(n))
        g.add((s, RDF.type, insp.GoodPracticeExample))
        g.add((s, DCTERMS.title, Literal(gp["title"])))
        g.add((s, insp.reportedIn, rep))
        g.add((s, insp.force, force))
        for key in ("problem", "solution", "outcome"):
            if gp.get(key):
                g.add((s, insp[key], Literal(gp[key])))
        if gp.get("contact_role"):
            g.add((s, insp.contactRole, Literal(gp["contact_role"])))
        if gp.get("area") in areas:
            g.add((s, insp.assessmentArea, areas[gp["area"]][1]))
        span(s, gp["location"])

    for n, e in enumerate(model["glossary"], 1):
        s = m.u("def", "glossary", f"{slug(e['abbreviation']) or 'term'}-{fid}-{prog}-{n}")
        g.add((s, RDF.type, insp.GlossaryTerm))
        g.add((s, SKOS.altLabel, Literal(e["abbreviation"])))
        g.add((s, SKOS.prefLabel, Literal(e["expansion"], lang="en")))
        g.add((s, insp.reportedIn, rep))
    return ds
