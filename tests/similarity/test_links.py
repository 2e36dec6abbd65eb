"""Similarity links and follow-ups as RDF, and prior-grade citations resolved to judgements."""
import copy

from rdflib import URIRef
from rdflib.namespace import RDF

from graph_builder.extract import parse_file
from graph_builder.iris import Minter
from graph_builder.links.followups import FollowUp
from graph_builder.links.graph import cited_judgements, links_graph
from graph_builder.links.statements import Link
from tests.conftest import CORPUS

M = Minter()


def test_a_citation_of_a_judgement_in_the_graph_is_resolved():
    # West Midlands 2006 graded 4B Protecting Vulnerable People (l.~760). A later West Midlands
    # report citing "graded Fair in 2006 for Protecting Vulnerable People" must point at it.
    wm2006 = parse_file(CORPUS / "west-midlands-2006-baseline-assessment.txt")
    later = copy.deepcopy(wm2006)
    later["report"]["programme"] = "inspection-2007"
    later["prior_grades"] = [{"sentence": "...", "grade": "Fair", "direction": None, "year": 2006,
                              "area": "Protecting Vulnerable People", "area_stated": True,
                              "programme": "baseline", "location": None}]
    assert cited_judgements([wm2006, later], M.base) == [
        (str(M.u("id", "prior-grade", "west-midlands", "inspection-2007", "1")),
         str(M.u("data", "judgement", "baseline-2006", "west-midlands", "protecting-vulnerable-people")))]


def test_citations_of_reports_not_in_the_graph_are_left_alone():
    # Cheshire 2007 cites its 2006 baseline grades, but that report is not in the corpus.
    cheshire = parse_file(CORPUS / "cheshire-2007-inspection.txt")
    assert cheshire["prior_grades"]
    assert cited_judgements([cheshire], M.base) == []


def test_links_graph_nodes():
    a, b = str(M.u("id", "finding", "x", "p", "a", "strength", "1")), str(M.u("id", "finding", "y", "p", "a", "strength", "1"))
    g = links_graph([Link(a, b, 0.5), Link(a, str(M.u("id", "z")), 0.01)],
                    [FollowUp(b, a, 0.3, "similar-text")], [], M.base)
    links = set(g.subjects(RDF.type, M.insp.SimilarityLink))
    assert len(links) == 2 and all("/data/similarity/tfidf-char5-cosine-v1/" in str(x) for x in links)
    # only links at or above the threshold get the plain shortcut
    assert set(g.subject_objects(M.insp.similarTo)) == {(URIRef(a), URIRef(b))}
    (f,) = g.subjects(RDF.type, M.insp.FollowUp)
    assert g.value(f, M.insp.followUpOf) == URIRef(a) and g.value(f, M.insp.followUpBy) == URIRef(b)
