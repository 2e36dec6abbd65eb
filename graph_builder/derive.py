"""The derived graph: recurrence tables computed once per build, so catalogue answers are lookups.

The dataset is read-only between builds, so what the national listings join and count on every
request (which later reports a force has, how many forces raise a theme, the force and years of
each follow-up, the theme tree under each good-practice item) is worked out here, after the
entailments, and written to `/graph/derived` (docs/graph.md, "The derived graph"). Each table is
one CONSTRUCT over the union of every graph, written with the same joins the catalogue query used
to make at request time, so the answers the queries give do not change (tests/service/
test_catalogue_answers.py, tests/dataset/test_derived.py).

The derived terms license no entailment (no domain, range, super-property or inverse): they are
computed after the reasoner ran and it would not see them.
"""
from __future__ import annotations

import pyoxigraph as ox

from graph_builder.iris import Minter

_PREFIXES = """PREFIX insp: <{insp}>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""

# name -> CONSTRUCT. Every one reads the asserted and inferred graphs as the catalogue saw them.
TABLES = {
    # same-force-follow-ups: the force, later year and earlier year of each follow-up, joined as the
    # query did (the later statement's force, text and report year; the earlier one's report year).
    "follow-up force and years": """
CONSTRUCT { ?f insp:followUpForce ?force ; insp:laterYear ?laterYear ; insp:earlierYear ?earlierYear }
WHERE {
  { SELECT DISTINCT ?f ?earlier ?later WHERE {
      ?f a insp:FollowUp ; insp:followUpOf ?earlier ; insp:followUpBy ?later ; insp:basis ?basis } }
  { SELECT DISTINCT ?later ?force ?laterYear WHERE {
      ?later insp:force ?force ; insp:text ?laterText ; insp:reportedIn ?lr . ?lr insp:year ?laterYear } }
  { SELECT DISTINCT ?earlier ?earlierYear WHERE { ?earlier insp:reportedIn ?er . ?er insp:year ?earlierYear } }
}""",
    # recommendation-follow-ups: how many reports of the recommendation's force are later than its
    # report's year (0 when none is), counted per (force, year) as the query counted.
    "later reports per recommendation": """
CONSTRUCT { ?recommendation insp:laterReportCount ?n }
WHERE {
  { SELECT DISTINCT ?recommendation ?force ?year WHERE {
      ?recommendation a insp:Recommendation ; insp:force ?force ; insp:reportedIn/insp:year ?year } }
  OPTIONAL {
    SELECT ?force ?year (COUNT(DISTINCT ?r2) AS ?laterCount) WHERE {
      { SELECT DISTINCT ?force ?year WHERE { ?r1 a insp:InspectionReport ; insp:force ?force ; insp:year ?year } }
      { SELECT DISTINCT ?force (?y AS ?y2) (?r AS ?r2) WHERE { ?r a insp:InspectionReport ; insp:force ?force ; insp:year ?y } }
      FILTER (?y2 > ?year)
    } GROUP BY ?force ?year
  }
  BIND (COALESCE(?laterCount, 0) AS ?n)
}""",
    # recurring-themes: the number of forces for which a theme is raised as an area for improvement
    # or a cause of concern.
    "forces raising each theme": """
CONSTRUCT { ?theme insp:forcesRaising ?forces }
WHERE {
  SELECT ?theme (COUNT(DISTINCT ?f) AS ?forces) WHERE {
    VALUES ?k { insp:AreaForImprovement insp:CauseOfConcern }
    ?x a ?k ; insp:theme ?theme ; insp:force ?f .
  } GROUP BY ?theme
}""",
    # good-practice-on-theme: each good-practice item under every theme it is tagged with and every
    # broader theme of those (skos:broader*, which Oxigraph walks from every item per request).
    "good practice under each theme": """
CONSTRUCT { ?practice insp:underTheme ?theme }
WHERE {
  ?practice a insp:GoodPracticeExample ; insp:theme ?t .
  ?t skos:broader* ?theme .
}""",
}


def add_derived(store: ox.Store, base: str) -> int:
    """Computes every table into the derived graph of `store`; returns the number of triples."""
    m = Minter(base)
    graph = ox.NamedNode(str(m.graph("derived")))
    prefixes = _PREFIXES.format(insp=m.insp)
    triples: set[ox.Triple] = set()
    for query in TABLES.values():
        triples.update(store.query(prefixes + query, use_default_graph_as_union=True))
    # Sorted: the store does not care, but a deterministic insertion order keeps the build's
    # memory and timings from depending on hash seeds.
    store.extend(ox.Quad(t.subject, t.predicate, t.object, graph) for t in sorted(triples, key=str))
    return len(triples)
