"""pySHACL on several cores: the node shapes are split into groups of about equal work and each
group runs in a forked child that inherits the data graph (no pickling of the graph), then the
children's reports are merged into one. On one core, or without fork, it is plain pySHACL."""
from __future__ import annotations

import multiprocessing as mp
import os

import pyshacl
from rdflib import BNode, Graph, Literal, Namespace
from rdflib.namespace import RDF

SH = Namespace("http://www.w3.org/ns/shacl#")
_DATA: Graph | None = None  # set in the parent just before forking; children read it


def _one(data: Graph, shapes: Graph) -> Graph:
    _, report, _ = pyshacl.validate(data, shacl_graph=shapes, inference="none", allow_warnings=True,
                                       advanced=False, abort_on_first=False)
    if not isinstance(report, Graph):
        raise TypeError(str(report))
    # Property shapes are blank nodes, meaningless once the report leaves this process: report the
    # named node shape that holds them (the result keeps its sh:resultPath).
    for r, b in list(report.subject_objects(SH.sourceShape)):
        owner = b
        while isinstance(owner, BNode):
            owner = next(shapes.subjects(SH.property, owner), None) or next(shapes.subjects(SH.node, owner), None)
        if owner is not None and owner != b:
            report.set((r, SH.sourceShape, owner))
    return report


def _child(shapes_nt: str) -> str:
    shapes = Graph().parse(data=shapes_nt, format="nt")
    return _one(_DATA, shapes).serialize(format="nt")


def _weight(data: Graph, shapes: Graph, node) -> int:
    n = 0
    for c in shapes.objects(node, SH.targetClass):
        n += sum(1 for _ in data.subjects(RDF.type, c))
    for p in shapes.objects(node, SH.targetObjectsOf):
        n += sum(1 for _ in data.subject_objects(p))
    n += sum(1 for _ in shapes.objects(node, SH.targetNode))
    return n * (1 + sum(1 for _ in shapes.objects(node, SH.property)))


def partition(data: Graph, shapes: Graph, k: int) -> list[Graph]:
    targets = (SH.targetClass, SH.targetNode, SH.targetObjectsOf, SH.targetSubjectsOf)
    nodes = sorted({s for t in targets for s in shapes.subjects(t, None)}, key=str)
    loads = [[0, []] for _ in range(k)]
    for node in sorted(nodes, key=lambda n: -_weight(data, shapes, n)):
        slot = min(loads, key=lambda x: x[0])
        slot[0] += _weight(data, shapes, node)
        slot[1].append(node)
    groups = []
    for _, mine in loads:
        if not mine:
            continue
        g = Graph()
        for s, p, o in shapes:
            # Another group's shape stays in the graph (it may be referenced) but loses its targets.
            if p in targets and s not in mine:
                continue
            g.add((s, p, o))
        groups.append(g)
    return groups


def validate_core(data: Graph, shapes: Graph, workers: int | None = None) -> Graph:
    workers = workers or min(4, os.cpu_count() or 1)
    if workers <= 1 or "fork" not in mp.get_all_start_methods():
        return _one(data, shapes)
    groups = partition(data, shapes, workers)
    if len(groups) <= 1:
        return _one(data, shapes)
    global _DATA
    _DATA = data
    try:
        with mp.get_context("fork").Pool(len(groups)) as pool:
            outs = pool.map(_child, [g.serialize(format="nt") for g in groups])
    finally:
        _DATA = None
    merged = Graph()
    top = BNode()
    merged.add((top, RDF.type, SH.ValidationReport))
    conforms = True
    for nt in outs:
        part = Graph().parse(data=nt, format="nt")
        rep = next(part.subjects(RDF.type, SH.ValidationReport))
        conforms &= bool(part.value(rep, SH.conforms).toPython())
        for s, p, o in part:
            if s == rep:
                if p == SH.result:
                    merged.add((top, p, o))
                continue
            merged.add((s, p, o))
    merged.add((top, SH.conforms, Literal(conforms)))
    return merged
