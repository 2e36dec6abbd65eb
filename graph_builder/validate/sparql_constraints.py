"""The SPARQL-based constraints, run in Oxigraph as they are written in the shapes.

Each is on a shape whose only target is the singleton ontology node (a whole-graph check: sums,
uniqueness, quotes against the stored text), so it is one query over the union of the store's
graphs with $this bound to that node, as SHACL pre-binds it: the data never leaves the store.
"""
from __future__ import annotations

from typing import NamedTuple

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from graph_builder.errors import HmicKgError
from graph_builder.iris import SH
from graph_builder.oxrdf import term_from_ox


class Job(NamedTuple):
    shape: URIRef
    constraint: object   # the sh:sparql node
    severity: URIRef
    this: URIRef
    query: str           # with the PREFIXes its sh:prefixes declare


def split_shapes(shapes: Graph, base: str) -> tuple[Graph, list]:
    """(the shapes graph without the whole-graph SPARQL shapes, those shapes): the first for the
    compiler, which refuses sh:sparql, the second for jobs()."""
    singleton = URIRef(f"{base.rstrip('/')}/def/inspection")
    global_shapes = [sh for sh in shapes.subjects(SH.targetNode, singleton)
                     if (sh, SH.sparql, None) in shapes and len(list(shapes.objects(sh, SH.targetNode))) == 1]
    core = Graph()
    for t in shapes:
        if t[0] not in global_shapes:
            core.add(t)
    return core, global_shapes


def jobs(shapes: Graph, global_shapes: list) -> list[Job]:
    """One job per SPARQL constraint of the whole-graph shapes."""
    out = []
    for sh in global_shapes:
        severity = shapes.value(sh, SH.severity) or SH.Violation
        for c in shapes.objects(sh, SH.sparql):
            prefixes = "".join(f"PREFIX {shapes.value(d, SH.prefix)}: <{shapes.value(d, SH.namespace)}>\n"
                               for decl in shapes.objects(c, SH.prefixes) for d in shapes.objects(decl, SH.declare))
            this = next(shapes.objects(sh, SH.targetNode))
            out.append(Job(sh, c, severity, this, prefixes + str(shapes.value(c, SH.select))))
    return out


def evaluate(store: ox.Store, todo: list[Job]) -> list[list]:
    """Each job's offending values, one query after another."""
    found = []
    for job in todo:
        try:
            solutions = store.query(job.query, use_default_graph_as_union=True,
                                    substitutions={ox.Variable("this"): ox.NamedNode(str(job.this))})
            found.append([sol["value"] for sol in solutions])
        except SyntaxError as exc:
            raise HmicKgError(f"shape {job.shape}: its SPARQL constraint does not parse: {exc}") from None
    return found


def add_results(report: Graph, shapes: Graph, todo: list[Job], found: list[list]) -> None:
    """The offending values into `report`, one sh:ValidationResult each, in the form pySHACL gives them."""
    for job, values in zip(todo, found):
        message = str(shapes.value(job.constraint, SH.message) or "")
        for v in values:
            value = term_from_ox(v) if v is not None else None
            r = BNode()
            report.add((r, RDF.type, SH.ValidationResult))
            report.add((r, SH.focusNode, job.this))
            report.add((r, SH.resultSeverity, job.severity))
            report.add((r, SH.sourceShape, job.shape))
            report.add((r, SH.sourceConstraint, job.constraint))
            report.add((r, SH.sourceConstraintComponent, SH.SPARQLConstraintComponent))
            if value is not None:
                report.add((r, SH.value, value))
            report.add((r, SH.resultMessage, Literal(message.replace("{?value}", str(value)), datatype=XSD.string)))
