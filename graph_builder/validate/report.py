"""The results of the compiled shapes as an rdflib sh:ValidationReport graph.

The report has the form pySHACL gives (one sh:ValidationResult per violation with sh:focusNode,
sh:resultPath, sh:value where the component has one, sh:sourceShape,
sh:sourceConstraintComponent, sh:resultSeverity, sh:resultMessage), so the code that reads
pySHACL reports reads this one unchanged.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF

from graph_builder.iris import SH
from graph_builder.oxrdf import term_from_ox
from graph_builder.validate.compile import Check, Shape


@dataclass(frozen=True, order=True)
class Result:
    """One result of a compiled shape. Ordered by its text keys, so a report comes out the same
    whichever thread found what first."""
    shape: str          # sort keys first
    focus_key: str
    component: str
    value_key: str
    focus: object = field(compare=False)
    value: object = field(compare=False, default=None)
    detail: str = field(compare=False, default="")
    spec: object = field(compare=False, default=None)


def describe(chk: Check, other=None) -> str:
    """Why a value failed `chk`, for the message of a shape that has no sh:message."""
    p = chk.param
    c = chk.component
    pn = p.n3() if hasattr(p, "n3") else str(p)
    if c == SH.ClassConstraintComponent:
        return f"the value is not an instance of {pn}"
    if c == SH.DatatypeConstraintComponent:
        return f"the value is not a well-formed literal of datatype {pn}"
    if c == SH.NodeKindConstraintComponent:
        return f"the value is not of node kind {pn}"
    if c == SH.PatternConstraintComponent:
        return f"the value does not match the pattern \"{p}\""
    if c in (SH.MinLengthConstraintComponent, SH.MaxLengthConstraintComponent):
        return f"the value is {'shorter' if c == SH.MinLengthConstraintComponent else 'longer'} than {p} characters"
    if c == SH.MinInclusiveConstraintComponent:
        return f"the value is not >= {p} (or not comparable with it)"
    if c == SH.MaxInclusiveConstraintComponent:
        return f"the value is not <= {p} (or not comparable with it)"
    if c == SH.MinExclusiveConstraintComponent:
        return f"the value is not > {p} (or not comparable with it)"
    if c == SH.MaxExclusiveConstraintComponent:
        return f"the value is not < {p} (or not comparable with it)"
    if c == SH.LanguageInConstraintComponent:
        return "the value's language tag is not one of those allowed"
    if c == SH.InConstraintComponent:
        return "the value is not one of those allowed"
    if c == SH.LessThanConstraintComponent:
        return f"the value is not less than the value {other} of {pn}"
    if c == SH.LessThanOrEqualsConstraintComponent:
        return f"the value is not less than or equal to the value {other} of {pn}"
    if c == SH.DisjointConstraintComponent:
        return f"the value is also a value of {pn}"
    return f"{c} failed"


def sort_key(t) -> str:
    if t is None:
        return ""
    t = t if not isinstance(t, (ox.NamedNode, ox.Literal, ox.BlankNode)) else term_from_ox(t)
    return t.n3()


def _copy_path(shapes: Graph, path, report: Graph):
    """A blank-node path written into the report (it would be meaningless without its triples)."""
    if isinstance(path, BNode):
        todo, seen = [path], set()
        while todo:
            n = todo.pop()
            if n in seen:
                continue
            seen.add(n)
            for p, o in shapes.predicate_objects(n):
                report.add((n, p, o))
                if isinstance(o, BNode):
                    todo.append(o)
    return path


def build_report(results: list[Result], shapes: Graph, owner_shapes: bool, allow_warnings: bool) -> Graph:
    report = Graph()
    report.bind("sh", SH)
    top = BNode("report")
    report.add((top, RDF.type, SH.ValidationReport))
    conforms = True
    counter = itertools.count(1)
    for r in results:
        sh: Shape = r.spec
        node = BNode(f"result{next(counter)}")
        report.add((top, SH.result, node))
        report.add((node, RDF.type, SH.ValidationResult))
        report.add((node, SH.focusNode, r.focus))
        if sh.path is not None:
            report.add((node, SH.resultPath, _copy_path(shapes, sh.path, report)))
        if r.value is not None:
            report.add((node, SH.value, r.value))
        report.add((node, SH.sourceShape, sh.owner if owner_shapes else sh.node))
        report.add((node, SH.sourceConstraintComponent, URIRef(r.component)))
        report.add((node, SH.resultSeverity, sh.severity))
        if sh.messages:
            for m in sh.messages:
                report.add((node, SH.resultMessage, m))
        else:
            report.add((node, SH.resultMessage, Literal(_generated_message(sh, r, shapes))))
        if sh.severity == SH.Violation or not allow_warnings:
            conforms = False
    report.add((top, SH.conforms, Literal(conforms)))
    return report


def _generated_message(sh: Shape, r: Result, shapes: Graph) -> str:
    comp = r.component.rsplit("#", 1)[-1].replace("ConstraintComponent", "")
    where = "the node" if sh.path is None else (
        f"its {sh.path.n3(shapes.namespace_manager)} values" if isinstance(sh.path, URIRef) else f"its values on path {sh.sparql_path}")
    value = f" ({r.value.n3()})" if r.value is not None else ""
    return f"{comp} check of {where} failed{value}: {r.detail}"
