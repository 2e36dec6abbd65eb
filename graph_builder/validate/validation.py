"""SHACL validation against shapes/, with results a person can act on.

Each result names the node, the rule (shape and constraint), the report it came from and the
source line of the statement, because "sh:MinCountConstraintComponent on a URI" alone sends the
reader hunting.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF

from graph_builder.iris import DEFAULT_BASE, SH, Minter
from graph_builder.oxrdf import term_from_ox
from graph_builder.oxrdf import term_to_ox as to_ox_term
from graph_builder.paths import project_dir
from graph_builder.reference.graphs import load_turtle
from graph_builder.validate import reuse, sparql_constraints
from graph_builder.validate.report import build_report
from graph_builder.validate.run import core_results, thread_pool
from graph_builder.validate.sparql_constraints import split_shapes

SHAPES_FILE = "shapes.ttl"


@dataclass
class Problem:
    severity: str
    focus: str
    shape: str
    constraint: str
    path: str | None
    value: str | None
    message: str
    report: str | None = None  # the report file the focus node was extracted from
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.report}:{self.line}: " if self.report and self.line else (f"{self.report}: " if self.report else "")
        path = f" (path {self.path})" if self.path else ""
        value = f" value {self.value}" if self.value else ""
        return f"{where}{self.severity}: {self.focus}{path}{value}: {self.message} [{self.shape}, {self.constraint}]"


@dataclass
class Validation:
    conforms: bool
    report: Graph
    problems: list[Problem] = field(default_factory=list)
    results: list = field(default_factory=list)  # the Core-shape results as reuse.dump keeps them

    @property
    def violations(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "Violation"]


def shapes_graph(base: str = DEFAULT_BASE) -> Graph:
    return load_turtle(project_dir("shapes") / SHAPES_FILE, base)


def validate_store_contents(store: ox.Store, base: str = DEFAULT_BASE,
                            sources: dict[str, str] | None = None, threads: int = 1, nice: int = 0,
                            previous: list | None = None, changed: list[str] | None = None) -> Validation:
    """Validates everything `store` holds (context and entailments already added), all inside
    Oxigraph: the Core shapes compiled to SPARQL (compile.py, run.py; pySHACL over a copy of
    the constrained triples took 99 s at 2.5 million quads, this 42 s, with the same results on
    every shape's failing example), the whole-graph SPARQL shapes as they are written
    (sparql_constraints.py); `threads` queries at once, in threads `nice` steps below the
    caller's priority.

    Incremental (an earlier build's `previous` results, and `changed`, N-Quads files of the quads
    that differ from its dataset): the Core shapes are checked only at the nodes the changes touch,
    and the earlier results kept for the others (reuse.py); the whole-graph shapes run whole."""
    shapes = shapes_graph(base)
    core, global_shapes = split_shapes(shapes, base)
    jobs = sparql_constraints.jobs(shapes, global_shapes)
    # The whole-graph queries run in a thread of their own beside the Core shapes' threads, so
    # the two sets do not each end with a tail of one long query on one core.
    with thread_pool(1, nice) as side:
        found = side.submit(sparql_constraints.evaluate, store, jobs)
        if changed is None:
            results, compiled, _ = core_results(store, core, threads=threads, nice=nice)
        else:
            results, compiled = reuse.revalidate(store, core, previous or [], changed, threads, nice)
        report = build_report(results, core, True, True)
        sparql_constraints.add_results(report, shapes, jobs, found.result())
    done = _finish(report, problem_context(store, report, base), base, sources or {}, shapes, store)
    done.results = reuse.dump(results, compiled)
    return done


def _finish(report: Graph, data: Graph, base: str, sources: dict[str, str], shapes: Graph,
            store: ox.Store) -> Validation:
    problems = [_problem(report, r, data, base, sources, shapes, store)
                for r in report.subjects(RDF.type, SH.ValidationResult)]
    problems.sort(key=lambda p: (p.severity != "Violation", p.report or "", p.line or 0, p.focus, p.message))
    conforms = not any(p.severity == "Violation" for p in problems)
    report.set((next(report.subjects(RDF.type, SH.ValidationReport)), SH.conforms, Literal(conforms)))
    return Validation(conforms=conforms, report=report, problems=problems)


def problem_context(store: ox.Store, report: Graph, base: str) -> Graph:
    """What `locate` reads about the nodes the results name (their spans, lines, reports and
    types), copied out of the store: only the few nodes with a problem, never the whole graph."""
    insp = Minter(base).insp
    preds = [insp.firstLine, insp.sourceSpan, insp.reportedIn, RDF.type]
    g = Graph()

    def copy(node: URIRef) -> None:
        for pred in preds:
            for q in store.quads_for_pattern(ox.NamedNode(str(node)), ox.NamedNode(str(pred)), None, None):
                g.add((node, pred, term_from_ox(q.object)))
    nodes = {n for p in (SH.focusNode, SH.value) for n in report.objects(None, p) if isinstance(n, URIRef)}
    for n in nodes:
        copy(n)
        if "/span/" in n:
            span = n.rsplit("/", 1)[0] if n.endswith(("/position", "/quote")) else n
            copy(URIRef(span))
            copy(URIRef(span.split("/span/")[0]))
    for span in list(g.objects(None, insp.sourceSpan)):
        copy(span)
    return g


def _short(t) -> str | None:
    if t is None:
        return None
    s = str(t)
    for ns in (str(SH), "http://www.w3.org/2004/02/skos/core#"):
        if s.startswith(ns):
            return s[len(ns):]
    return s


def _shape_name(shapes: Graph, shape) -> str:
    # Property shapes are blank nodes: name the node shape that holds them, and the path.
    if isinstance(shape, BNode):
        parent = next(shapes.subjects(SH.property, shape), None)
        if parent is not None:
            return _shape_name(shapes, parent)
        return "an anonymous shape"
    s = str(shape)
    return "shapes:" + s.rsplit("/", 1)[1] if "/shapes/" in s else s


def _problem(report: Graph, r, data: Graph, base: str, sources: dict[str, str], shapes: Graph,
             store: ox.Store) -> Problem:
    focus = report.value(r, SH.focusNode)
    value = report.value(r, SH.value)
    msg = report.value(r, SH.resultMessage)
    p = Problem(
        severity=_short(report.value(r, SH.resultSeverity)) or "Violation",
        focus=str(focus), shape=_shape_name(shapes, report.value(r, SH.sourceShape)),
        constraint=_short(report.value(r, SH.sourceConstraintComponent)) or "",
        path=_short(report.value(r, SH.resultPath)), value=str(value) if value is not None else None,
        message=str(msg) if msg is not None else "")
    # Aggregate checks report the offending node as the value; locate that one instead.
    subject = value if isinstance(value, URIRef) and p.focus.endswith("/def/inspection") else focus
    p.report, p.line = locate(data, subject, base, sources)
    path = report.value(r, SH.resultPath)
    if isinstance(path, URIRef) and value is not None:
        # The report graph holding the offending triple beats an arbitrary one of several reportedIn.
        graphs = {q.graph_name.value for q in store.quads_for_pattern(to_ox_term(focus), to_ox_term(path), to_ox_term(value), None)}
        prefix = f"{base.rstrip('/')}/graph/report/"
        reports = sorted(g.replace("/graph/report/", "/id/report/") for g in graphs if g.startswith(prefix))
        if len(reports) == 1:
            p.report = sources.get(reports[0], reports[0])
    return p


def locate(data: Graph, node, base: str, sources: dict[str, str]) -> tuple[str | None, int | None]:
    """The report file and source line a node was extracted from, as far as the graph tells."""
    insp = Minter(base).insp
    if not isinstance(node, URIRef):
        return None, None
    span = node if (node, insp.firstLine, None) in data else data.value(node, insp.sourceSpan)
    if span is None and "/span/" in str(node):
        span = URIRef(str(node).rsplit("/", 1)[0]) if str(node).endswith(("/position", "/quote")) else None
    line = data.value(span, insp.firstLine) if span is not None else None
    owner = URIRef(str(span).split("/span/")[0]) if span is not None else node
    rep = data.value(owner, insp.reportedIn)
    if rep is None and (node, RDF.type, insp.InspectionReport) in data:
        rep = node
    file = sources.get(str(rep)) if rep is not None else None
    return (file or (str(rep) if rep is not None else None),
            int(line) if isinstance(line, Literal) else None)
