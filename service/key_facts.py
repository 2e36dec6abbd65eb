"""The facts a resource page leads with, before its full list of statements: what it is about
(force, programme, report, area), what was found (grade, direction of travel, themes), and for a
judgement the national distribution of grades it sits in; incoming links grouped by how they link."""
from __future__ import annotations

from pyoxigraph import NamedNode

from .charts import BarChart, distribution
from .resource_view import Link, ResourceView, Value

# insp: properties shown as key facts, in this order.
KEY = ("force", "programme", "reportedIn", "assessmentArea", "grade", "directionOfTravel",
       "gradeSource", "year", "theme", "addresses", "addressedBy")
LONG_QUOTE = 600  # characters: a longer quotation is collapsed under its first lines


def key_facts(view: ResourceView, insp: str) -> list[tuple[Link, list[Value]]]:
    by_name = {p.iri[len(insp):]: (p, values) for p, values in view.properties
               if p.iri.startswith(insp)}
    return [by_name[name] for name in KEY if name in by_name]


def other_properties(view: ResourceView, insp: str) -> list[tuple[Link, list[Value]]]:
    shown = {insp + name for name in KEY}
    return [(p, values) for p, values in view.properties if p.iri not in shown]


def grouped_incoming(view: ResourceView) -> list[tuple[Link, list[Link]]]:
    groups: dict[str, tuple[Link, list[Link]]] = {}
    for subject, pred in view.incoming:
        groups.setdefault(pred.iri, (pred, []))[1].append(subject)
    return sorted(groups.values(), key=lambda g: (-len(g[1]), g[0].label.lower()))


def distribution_query(insp: str, iri: str) -> str:
    skos = "http://www.w3.org/2004/02/skos/core#"
    this = str(NamedNode(iri))
    return f"""SELECT DISTINCT ?grade ?label ?rank ?n ?own WHERE {{
      {this} <{insp}programme> ?p ; <{insp}assessmentArea> ?a .
      OPTIONAL {{ {this} <{insp}grade> ?own }}
      ?cell a <{insp}GradeCount> ; <{insp}programme> ?p ; <{insp}assessmentArea> ?a ;
            <{insp}countedGrade> ?grade ; <{insp}forceCount> ?n .
      ?grade <{insp}rank> ?rank ; <{skos}prefLabel> ?label }}"""


def national_chart(rows: list[dict]) -> BarChart | None:
    if not rows:
        return None
    own = next((r["own"][1] for r in rows if r.get("own")), None)
    own_rank = next((int(r["rank"][1]) for r in rows if r["grade"][1] == own), None)
    return distribution([(int(r["rank"][1]), r["label"][1], int(r["n"][1])) for r in rows], own_rank)
