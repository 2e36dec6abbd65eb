"""Recurring issues as RDF: similarity links between statements of different reports, and
follow-ups from a later report of a force to an earlier one, all in the links graph.

Each link is a node (modelling.md 2.7): both ends, a score, the method and the run that made it,
plus the plain `insp:similarTo` shortcut for links at or above the published threshold.
"""
from __future__ import annotations

import hashlib

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF, SKOS, XSD

from graph_builder.iris import Minter, area_slug, slug
from graph_builder.links.followups import FOLLOWUP_METHOD, FollowUp, find_followups
from graph_builder.links.similarity import METHOD, THRESHOLD, score_pairs
from graph_builder.links.statements import Link, Statement, statements_from_model
from graph_builder.ntriples import nt_line, nt_term

# The programme a prior-grade citation names, by (programme word, year), when that programme is
# one the graph can hold.
CITED_PROGRAMMES = {("baseline", 2006): "baseline-2006", ("baseline", 2005): "baseline-2006"}


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
    stmts = [s for model in models for s in statements_from_model(model, base)]
    links = score_pairs(stmts)
    citations = cited_judgements(models, base)
    return stmts, links, find_followups(stmts, links, citations), citations


def links_graph(links: list[Link], followups: list[FollowUp], citations: list, base: str) -> Graph:
    """The links graph as an rdflib Graph (links_ntriples, parsed)."""
    return Graph().parse(data=links_ntriples(links, followups, citations, base), format="nt")


def links_ntriples(links: list[Link], followups: list[FollowUp], citations: list, base: str) -> str:
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
        "basis": insp.basis, "cited": insp.citedJudgement}.items()}
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
        if link.score >= THRESHOLD:
            out.append(f"{a} {t['similar']} {b} .\n")
    for f in followups:
        node = nt_term(m.u("data", "follow-up", _key(f.later, f.earlier)))
        out += [f"{node} {t['type']} {t['fu']} .\n", f"{node} {t['of']} {end(f.earlier)} .\n",
                f"{node} {t['by']} {end(f.later)} .\n",
                f'{node} {t["score"]} "{f.score:.4f}"{dec} .\n',
                f"{node} {t['basis']} {nt_term(Literal(f.basis))} .\n", f"{node} {t['gen']} {fu_run_nt} .\n"]
    for citation, judgement in citations:
        out.append(f"{nt_term(URIRef(citation))} {t['cited']} {nt_term(URIRef(judgement))} .\n")
    # Not de-duplicated: a triple written twice is held once by whatever loads it, and hashing
    # 1.4 million lines to find none cost half a second.
    return "".join(out)
