"""Recurring issues as RDF: similarity links between statements of different reports, follow-ups
from a later report of a force to an earlier one, recurring issues and the researchers' judgements
they honour, all in the links graph.

Each link is a node (modelling.md 2.7): both ends, a score, the method and the run that made it,
the evidence it rests on (the best-matching sentence of each end, that pair's score and the words
they share: links/evidence.py), plus the plain `insp:similarTo` shortcut for links at or above the
published threshold or judged the same issue by a researcher.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF, SKOS, XSD

from graph_builder.iris import Minter, area_slug, slug
from graph_builder.links.curation import Judgement, decided, rebased
from graph_builder.links.evidence import Evidence, SentenceIndex, link_evidence
from graph_builder.links.followups import FOLLOWUP_METHOD, FollowUp, find_followups
from graph_builder.links.graph_issues import issues_ntriples
from graph_builder.links.recurring import RecurringIssue, find_recurring
from graph_builder.links.similarity import METHOD, THRESHOLD, pair_scores, score_pairs
from graph_builder.links.statements import Link, Statement, statements_from_model
from graph_builder.ntriples import nt_line, nt_term

# The programme a prior-grade citation names, by (programme word, year), when that programme is
# one the graph can hold.
CITED_PROGRAMMES = {("baseline", 2006): "baseline-2006", ("baseline", 2005): "baseline-2006"}


@dataclass
class Found:
    """Everything the links graph holds, before it is written."""
    statements: list[Statement]
    links: list[Link]
    followups: list[FollowUp]
    citations: list
    evidence: dict[tuple[str, str], Evidence] = field(default_factory=dict)
    issues: list[RecurringIssue] = field(default_factory=list)
    judgements: tuple[Judgement, ...] = ()


def _key(*parts: str) -> str:
    return hashlib.sha256("|".join(parts).encode("utf-8")).hexdigest()[:16]


def cited_judgements(models: list[dict], base: str) -> list[tuple[str, str]]:
    """(citation IRI, judgement IRI) for each prior-grade citation whose judgement is in the graph:
    same force, the cited programme, and an area whose name the citation states."""
    m = Minter(base)
    judgements = set()
    for model in models:
        prog, fid = model["report"]["programme"], model["force"]["id"]
        for a in model["areas"]:
            judgements.add(str(m.u("data", "judgement", prog, fid, area_slug(a))))
    out = []
    for model in models:
        fid, prog = model["force"]["id"], model["report"]["programme"]
        for n, cite in enumerate(model.get("prior_grades", []), 1):
            cited = CITED_PROGRAMMES.get((cite.get("programme") or "baseline", cite.get("year")))
            if not cited or not cite.get("area") or cited == prog:
                continue
            j = str(m.u("data", "judgement", cited, fid, slug(cite["area"])))
            if j in judgements:
                out.append((str(m.u("id", "prior-grade", fid, prog, str(n))), j))
    return out


def recurring_issues(models: list[dict], base: str) -> tuple[list[Statement], list[Link], list[FollowUp], list]:
    found = find_links(models, base)
    return found.statements, found.links, found.followups, found.citations


def find_links(models: list[dict], base: str, curation: tuple[Judgement, ...] = ()) -> Found:
    """Links, follow-ups and recurring issues of the parsed reports, with the judgements of
    `curation` applied over any score: a different-issue pair is never linked, followed up or
    grouped; a same-issue pair is linked whatever its score (and followed up within a force)."""
    stmts = [s for model in models for s in statements_from_model(model, base)]
    by = {s.iri: s for s in stmts}
    curation = rebased(tuple(curation), base)
    rulings = {p: j for p, j in decided(curation).items() if p[0] in by and p[1] in by}
    same = {p for p, j in rulings.items() if j.judgement == "same-issue"}
    different = {p for p, j in rulings.items() if j.judgement == "different-issue"}
    links = [k for k in score_pairs(stmts) if (k.source, k.target) not in different]
    have = {(k.source, k.target) for k in links}
    extra = pair_scores(stmts, sorted(same - have))
    links = sorted(links + [Link(a, b, score) for (a, b), score in extra.items()],
                   key=lambda k: (k.source, k.target))
    citations = cited_judgements(models, base)
    followups = [f for f in find_followups(stmts, links, citations)
                 if tuple(sorted((f.later, f.earlier))) not in different]
    scores = {(k.source, k.target): k.score for k in links}
    known = {(f.later, f.earlier) for f in followups}
    for a, b in sorted(same):
        sa, sb = by[a], by[b]
        if sa.force == sb.force and sa.year and sb.year and sa.year != sb.year:
            later, earlier = (a, b) if sa.year > sb.year else (b, a)
            if (later, earlier) not in known:
                followups.append(FollowUp(later, earlier, scores[(a, b)], "curated"))
    followups.sort(key=lambda f: (f.later, f.earlier))
    index = SentenceIndex(stmts)
    evidence = link_evidence(stmts, [(k.source, k.target) for k in links], index)
    issues = find_recurring(stmts, links, evidence, same, different)
    return Found(stmts, links, followups, citations, evidence, issues, tuple(curation))


def links_graph(links: list[Link], followups: list[FollowUp], citations: list, base: str,
                found: Found | None = None) -> Graph:
    """The links graph as an rdflib Graph (links_ntriples, parsed)."""
    return Graph().parse(data=links_ntriples(links, followups, citations, base, found), format="nt")


def links_ntriples(links: list[Link], followups: list[FollowUp], citations: list, base: str,
                   found: Found | None = None) -> str:
    """The links graph as N-Triples, written as strings: at national scale it holds over a million
    triples, and building them as rdflib terms took half a minute."""
    m = Minter(base)
    insp = m.insp
    method, run = m.u("def", "similarity-method", METHOD), m.u("id", "run", "similarity", METHOD)
    g = Graph()
    g.add((method, RDF.type, SKOS.Concept))
    g.add((method, SKOS.prefLabel, Literal(METHOD)))
    g.add((method, SKOS.definition, Literal(
        "Cosine similarity of TF-IDF vectors of character 5-grams of normalised statement text "
        "(docs/similarity.md); links at or above the published threshold are kept.", lang="en")))
    g.add((method, insp.threshold, Literal(str(THRESHOLD), datatype=XSD.decimal)))
    g.add((run, RDF.type, PROV.Activity))
    g.add((run, PROV.used, method))
    fu_run = m.u("id", "run", "follow-up", FOLLOWUP_METHOD)
    g.add((fu_run, RDF.type, PROV.Activity))
    out = sorted(nt_line(*t) for t in g)  # not the graph's order, which changes from run to run
    t = {k: nt_term(v) for k, v in {
        "type": RDF.type, "link": insp.SimilarityLink, "src": insp.linkSource, "tgt": insp.linkTarget,
        "score": insp.similarityScore, "method": insp.similarityMethod, "gen": PROV.wasGeneratedBy,
        "similar": insp.similarTo, "fu": insp.FollowUp, "of": insp.followUpOf, "by": insp.followUpBy,
        "basis": insp.basis, "cited": insp.citedJudgement, "ssent": insp.sourceSentence,
        "tsent": insp.targetSentence, "sscore": insp.sentenceScore, "terms": insp.sharedTerms,
        "derived": PROV.wasDerivedFrom}.items()}
    evidence = found.evidence if found else {}
    rulings = decided(found.judgements) if found else {}
    judgement_nt = {p: nt_term(m.u("data", "curation", j.key)) for p, j in rulings.items()}
    method_nt, run_nt, fu_run_nt = nt_term(method), nt_term(run), nt_term(fu_run)
    dec = f"^^<{XSD.decimal}>"
    # Link IRIs are the method's prefix and a hex key: written as strings, since minting and
    # checking 150,000 of them as rdflib terms was most of this function's time at 650 reports.
    prefix = nt_term(m.u("data", "similarity", METHOD, "0"))[:-2]
    ends: dict[str, str] = {}

    def end(iri: str) -> str:
        found = ends.get(iri)
        if found is None:
            found = ends[iri] = nt_term(URIRef(iri))
        return found
    for link in links:
        node = f"{prefix}{_key(link.source, link.target)}>"
        a, b = end(link.source), end(link.target)
        out += [f"{node} {t['type']} {t['link']} .\n", f"{node} {t['src']} {a} .\n", f"{node} {t['tgt']} {b} .\n",
                f'{node} {t["score"]} "{link.score:.4f}"{dec} .\n', f"{node} {t['method']} {method_nt} .\n",
                f"{node} {t['gen']} {run_nt} .\n"]
        ev = evidence.get((link.source, link.target))
        if ev is not None:
            out += [f"{node} {t['ssent']} {nt_term(Literal(ev.source_sentence))} .\n",
                    f"{node} {t['tsent']} {nt_term(Literal(ev.target_sentence))} .\n",
                    f'{node} {t["sscore"]} "{ev.sentence_score:.4f}"{dec} .\n']
            if ev.shared_terms:
                out.append(f"{node} {t['terms']} {nt_term(Literal(', '.join(ev.shared_terms)))} .\n")
        ruled = judgement_nt.get((link.source, link.target))
        if ruled is not None:
            out.append(f"{node} {t['derived']} {ruled} .\n")
        if link.score >= THRESHOLD or ruled is not None:
            out.append(f"{a} {t['similar']} {b} .\n")
    for f in followups:
        node = nt_term(m.u("data", "follow-up", _key(f.later, f.earlier)))
        out += [f"{node} {t['type']} {t['fu']} .\n", f"{node} {t['of']} {end(f.earlier)} .\n",
                f"{node} {t['by']} {end(f.later)} .\n",
                f'{node} {t["score"]} "{f.score:.4f}"{dec} .\n',
                f"{node} {t['basis']} {nt_term(Literal(f.basis))} .\n", f"{node} {t['gen']} {fu_run_nt} .\n"]
        ruled = judgement_nt.get(tuple(sorted((f.later, f.earlier)))) if f.basis == "curated" else None
        if ruled is not None:
            out.append(f"{node} {t['derived']} {ruled} .\n")
    for citation, judgement in citations:
        out.append(f"{nt_term(URIRef(citation))} {t['cited']} {nt_term(URIRef(judgement))} .\n")
    if found is not None:
        out.append(issues_ntriples(found.issues, found.judgements, m))
    # Not de-duplicated: a triple written twice is held once by whatever loads it, and hashing
    # 1.4 million lines to find none cost half a second.
    return "".join(out)
