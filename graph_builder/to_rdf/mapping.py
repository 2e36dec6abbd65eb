"""Parse model -> RDF: one named graph per report, every statement anchored to its source span.

URIs follow docs/contracts.md. The same model always gives the same triples (no blank nodes, no
timestamps), so canonical N-Quads are byte-identical across builds.
"""
from __future__ import annotations

import hashlib

from rdflib import Dataset, Literal, URIRef

from graph_builder.iris import (
    DCTERMS,
    DEFAULT_BASE,
    OA,
    OGL,
    QB,
    RDF,
    SKOS,
    XSD,
    Minter,
    area_slug,
    slug,
)

from .citation import describe_source, statement_citation

FAMILY_SCALE = {"baseline-assessment": "egfp", "inspection-2007": "egfp", "peel": "peel-2014"}
FAMILY_INSPECTORATE = {"baseline-assessment": "hmic", "inspection-2007": "hmic", "peel": "hmicfrs"}
KIND_CLASS = {"strength": "Strength", "work-in-progress": "WorkInProgress",
              "area-for-improvement": "AreaForImprovement", "cause-of-concern": "CauseOfConcern",
              "detailed-finding": "DetailedFinding"}
NARRATIVE_CLASS = {"context": "ContextStatement", "unclassified": "UnclassifiedStatement"}


def map_report(model: dict, text: str, base: str = DEFAULT_BASE, ds: Dataset | None = None,
               tagger=None) -> Dataset:
    """Adds the report's named graph to ds. text is the stored report text the spans quote.

    Every finding, recommendation and good-practice item is tagged with its themes (tagger: a
    graph_builder.to_rdf.themes.Tagger; by default the project thesaurus's)."""
    if tagger is None:
        from graph_builder.to_rdf.themes import default_tagger
        tagger = default_tagger(base.rstrip("/"))
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

    inspection = m.u("id", "inspection", fid, prog)
    g.add((inspection, RDF.type, insp.Inspection))
    g.add((inspection, insp.force, force))
    g.add((inspection, insp.programme, m.programme(prog)))
    g.add((inspection, insp.conductedBy, m.u("id", "inspectorate", FAMILY_INSPECTORATE[r["family"]])))
    g.add((rep, RDF.type, insp.InspectionReport))
    g.add((rep, insp.force, force))
    g.add((rep, insp.programme, m.programme(prog)))
    g.add((rep, insp.inspection, inspection))
    g.add((rep, DCTERMS.publisher, m.u("id", "inspectorate", FAMILY_INSPECTORATE[r["family"]])))
    g.add((rep, DCTERMS.license, OGL))
    if r.get("synthetic"):
        g.add((rep, insp.synthetic, Literal(True)))
    if r.get("year"):
        g.add((rep, insp.year, Literal(r["year"], datatype=XSD.integer)))
    if r.get("title"):
        g.add((rep, DCTERMS.title, Literal(r["title"], lang="en")))
    if r.get("published"):
        g.add((rep, DCTERMS.issued, Literal(r["published"], datatype=XSD.gYearMonth)))
    for isbn in r.get("isbns", []):
        g.add((rep, DCTERMS.identifier, Literal(f"ISBN {isbn}")))
    g.add((rep, insp.nameAsPrinted, Literal(f["name"])))
    g.add((text_iri, RDF.type, insp.ReportText))
    g.add((text_iri, insp.sha256, Literal(r["sha256"], datatype=XSD.hexBinary)))
    g.add((text_iri, insp.content, Literal(text)))
    g.add((rep, insp.hasText, text_iri))
    describe_source(g, rep, r, insp)
    cited: dict[URIRef, list[dict]] = {}   # statement -> its span locations, for its citation

    def themes(subject: URIRef, text: str, area_iri: URIRef | None, heading: str | None = None) -> None:
        for t in tagger.tag_item(text, str(area_iri) if area_iri is not None else None, heading):
            g.add((subject, insp.theme, URIRef(t)))

    def span(subject: URIRef, loc: dict, k: int = 1) -> None:
        sp = URIRef(f"{subject}/span/{k}")
        pos, quote = URIRef(f"{sp}/position"), URIRef(f"{sp}/quote")
        g.add((subject, insp.sourceSpan, sp))
        g.add((sp, RDF.type, OA.SpecificResource))
        g.add((sp, OA.hasSource, text_iri))
        g.add((sp, OA.hasSelector, pos))
        g.add((pos, RDF.type, OA.TextPositionSelector))
        g.add((pos, OA.start, Literal(loc["start"], datatype=XSD.integer)))
        g.add((pos, OA.end, Literal(loc["end"], datatype=XSD.integer)))
        g.add((sp, insp.firstLine, Literal(loc["first_line"], datatype=XSD.integer)))
        g.add((sp, insp.lastLine, Literal(loc["last_line"], datatype=XSD.integer)))
        if loc.get("page"):
            g.add((sp, insp.firstPage, Literal(loc["page"], datatype=XSD.integer)))
            g.add((sp, insp.lastPage, Literal(loc.get("last_page", loc["page"]), datatype=XSD.integer)))
        cited.setdefault(subject, []).append(loc)
        # The quote is the stored text at the offsets, noise included: re-anchoring needs the exact text.
        g.add((sp, OA.hasSelector, quote))
        g.add((quote, RDF.type, OA.TextQuoteSelector))
        g.add((quote, OA.exact, Literal(text[loc["start"]:loc["end"]])))

    areas = {}
    for a in model["areas"]:
        aslug = area_slug(a)
        areas[a["name"]] = (aslug, m.area(prog, aslug))
        if a.get("national_distribution"):
            _distribution(g, m, prog, scale, aslug, a["national_distribution"], rep)
        if not a["graded"] or a["grade"] == "Not graded":
            continue
        j = m.u("data", "judgement", prog, fid, aslug)
        if not a["grade"]:
            # Graded, but the text does not state the grade: said in the graph rather than left out.
            g.add((j, RDF.type, insp.GradeNotStated))
            g.add((j, insp.force, force))
            g.add((j, insp.programme, m.programme(prog)))
            g.add((j, insp.assessmentArea, areas[a["name"]][1]))
            g.add((j, insp.reportedIn, rep))
            span(j, a["location"])
            continue
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

    # Findings at /id/finding/..., the area narrative that is not a finding at /id/statement/...
    paragraphs = [("finding", KIND_CLASS, f) for f in model["findings"]] + [
        ("statement", NARRATIVE_CLASS, st) for st in model.get("narrative", [])]
    for segment, classes, fnd in paragraphs:
        aslug, area_iri = areas[fnd["area"]]
        s = m.u("id", segment, fid, prog, aslug, fnd["kind"], str(fnd["ordinal"]))
        _statement(g, insp, s, insp[classes[fnd["kind"]]], rep, force, prog_iri=m.programme(prog))
        g.add((s, insp.text, Literal(fnd["text"])))
        g.add((s, insp.assessmentArea, area_iri))
        g.add((s, insp.ordinal, Literal(fnd["ordinal"], datatype=XSD.integer)))
        if fnd.get("topic"):
            g.add((s, insp.topic, Literal(fnd["topic"])))
        # A finding's sub-heading says what it is about; a context section's heading does not.
        themes(s, fnd["text"], area_iri, fnd.get("topic") if segment == "finding" else None)
        span(s, fnd["location"])

    for rec in model["recommendations"]:
        num = rec["number"] if rec["number"] is not None else hashlib.sha256(rec["text"].encode()).hexdigest()[:8]
        s = m.u("id", "recommendation", fid, prog, str(num))
        _statement(g, insp, s, insp.Recommendation, rep, force, prog_iri=m.programme(prog))
        g.add((s, insp.text, Literal(rec["text"])))
        if rec["number"] is not None:
            g.add((s, insp.ordinal, Literal(rec["number"], datatype=XSD.integer)))
        if rec["area"] in areas:
            g.add((s, insp.assessmentArea, areas[rec["area"]][1]))
        themes(s, rec["text"], areas[rec["area"]][1] if rec["area"] in areas else None)
        if rec.get("deadline"):
            g.add((s, insp.deadline, Literal(rec["deadline"])))
        if rec.get("lead_in"):
            g.add((s, insp.leadIn, Literal(rec["lead_in"])))
        if rec.get("addressee"):
            g.add((s, insp.addressee, Literal(rec["addressee"])))
        addr = rec.get("addresses")
        if addr and rec["area"] in areas:
            g.add((s, insp.addresses, m.u("id", "finding", fid, prog, areas[rec["area"]][0], addr["kind"],
                                         str(addr["ordinal"]))))
        for k, loc in enumerate(rec["locations"], 1):
            span(s, loc, k)

    for n, gp in enumerate(model["good_practice"], 1):
        s = m.u("id", "good-practice", fid, prog, str(n))
        _statement(g, insp, s, insp.GoodPracticeExample, rep, force, prog_iri=m.programme(prog))
        g.add((s, DCTERMS.title, Literal(gp["title"])))
        gp_text = " ".join(gp[k] for k in ("title", "problem", "solution", "outcome") if gp.get(k))
        g.add((s, insp.text, Literal(gp_text)))
        themes(s, gp_text, areas[gp["area"]][1] if gp.get("area") in areas else None)
        for key in ("problem", "solution", "outcome"):
            if gp.get(key):
                g.add((s, insp[key], Literal(gp[key])))
        if gp.get("contact_role"):
            g.add((s, insp.contactRole, Literal(gp["contact_role"])))
        if gp.get("area") in areas:
            g.add((s, insp.assessmentArea, areas[gp["area"]][1]))
        span(s, gp["location"])

    for e in model["glossary"]:
        s = m.u("def", "glossary", slug(e["abbreviation"]) or "term", slug(e["expansion"]) or "term")
        g.add((s, RDF.type, insp.GlossaryTerm))
        g.add((s, SKOS.inScheme, m.u("def", "glossary")))
        g.add((s, SKOS.altLabel, Literal(e["abbreviation"])))
        g.add((s, SKOS.notation, Literal(e["abbreviation"])))
        g.add((s, SKOS.prefLabel, Literal(e["expansion"], lang="en")))
        g.add((s, insp.reportedIn, rep))

    for n, fact in enumerate(model.get("facts", []), 1):
        s = m.u("id", "fact", fid, prog, str(n))
        _statement(g, insp, s, insp.ForceFact, rep, force, prog_iri=m.programme(prog))
        g.add((s, insp.text, Literal(fact["text"])))
        g.add((s, insp.quantity, Literal(fact["name"])))
        g.add((s, insp.value, Literal(fact["value"])))
        g.add((s, insp.unit, Literal(fact["unit"])))
        if fact.get("qualifier"):
            g.add((s, insp.qualifier, Literal(fact["qualifier"])))
        if fact.get("km2") is not None:
            g.add((s, insp.areaKm2, Literal(str(fact["km2"]), datatype=XSD.decimal)))
        span(s, fact["location"])

    for n, cite in enumerate(model.get("prior_grades", []), 1):
        s = m.u("id", "prior-grade", fid, prog, str(n))
        _statement(g, insp, s, insp.PriorGradeCitation, rep, force, prog_iri=m.programme(prog))
        g.add((s, insp.text, Literal(cite["sentence"])))
        if cite.get("grade"):
            # Prior-grade citations in the corpus all cite the EGFP era (2005-2007).
            g.add((s, insp.citedGrade, m.grade("egfp", cite["grade"])))
        if cite.get("direction"):
            g.add((s, insp.citedDirectionOfTravel, m.direction(cite["direction"])))
        if cite.get("year"):
            g.add((s, insp.citedYear, Literal(cite["year"], datatype=XSD.integer)))
        if cite.get("area"):
            g.add((s, insp.citedArea, Literal(cite["area"])))
        span(s, cite["location"])
    for subject, locations in cited.items():
        g.add((subject, DCTERMS.bibliographicCitation, Literal(statement_citation(r, locations))))
    return ds


def _statement(g, insp, s, cls, rep, force, prog_iri) -> None:
    g.add((s, RDF.type, cls))
    g.add((s, insp.reportedIn, rep))
    g.add((s, insp.force, force))
    g.add((s, insp.programme, prog_iri))


def _distribution(g, m: Minter, prog: str, scale: str, aslug: str, counts: dict, rep: URIRef) -> None:
    """The national grade distribution a report prints for an area: one qb:Observation per grade.

    Every report of a programme prints the same distribution, so the cells have programme-level URIs
    and repeat identically across report graphs (the union holds them once; the shapes flag a
    report that printed a different count)."""
    insp = m.insp
    for grade, n in sorted(counts.items()):
        c = m.u("data", "grade-distribution", prog, aslug, slug(grade))
        g.add((c, RDF.type, insp.GradeCount))
        g.add((c, RDF.type, QB.Observation))
        g.add((c, QB.dataSet, m.u("data", "grade-distribution", prog)))
        g.add((c, insp.programme, m.programme(prog)))
        g.add((c, insp.assessmentArea, m.area(prog, aslug)))
        g.add((c, insp.countedGrade, m.grade(scale, grade)))
        g.add((c, insp.forceCount, Literal(n, datatype=XSD.integer)))
        g.add((c, insp.reportedIn, rep))
