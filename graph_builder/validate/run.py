"""The compiled shapes checked inside Oxigraph: each shape's SPARQL queries return only its
violations, so national-scale data never leaves the store.

    report = validate_core_in_store(store, core_shapes)   # an rdflib sh:ValidationReport graph

How a shape runs. A property shape is one scan: its targets joined with OPTIONAL { ?focus path
?v }, grouped by focus node, with COUNT(DISTINCT ?v) for the counts (a triple held in two named
graphs appears twice in the union; DISTINCT counts it once) and, per value constraint, MAX of a
0/1 "this value fails" flag. The HAVING clause keeps only focus nodes with a problem, so on
conforming data every query returns nothing. Only for the flagged focus nodes does a second,
per-component query fetch the offending values. A node shape's own constraints (on the focus node
itself) are one filter query.
"""
from __future__ import annotations

import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pyoxigraph as ox
from rdflib import BNode, Graph, URIRef

from graph_builder.errors import HmicKgError
from graph_builder.iris import SH
from graph_builder.oxrdf import term_from_ox
from graph_builder.validate.compile import Check, Compiler, Shape, sparql_term
from graph_builder.validate.report import Result, build_report, describe, sort_key

_MAX_VALUES = 5000  # flagged focus nodes named in a detail query; more: scan the targets again


class Runner:
    """Runs one compiled shape's queries; counts the queries for the stats."""

    def __init__(self, store: ox.Store, comp: Compiler):
        self.store = store
        self.c = comp
        self.queries = 0

    def select(self, q: str):
        self.queries += 1
        try:
            return self.store.query(q, use_default_graph_as_union=True)
        except SyntaxError as exc:  # a compiler bug, not a data problem: show the query
            raise HmicKgError(f"a compiled SHACL query does not parse ({exc}):\n{q}") from None

    def run(self, sh: Shape) -> list[Result]:
        if sh.path is None:
            return self.node_level(sh)
        return self.property(sh)

    def result(self, sh, focus, component, value=None, detail="") -> Result:
        return Result(shape=self.c.key(sh.node) if isinstance(sh.node, BNode) else str(sh.node),
                       focus_key=sort_key(focus), component=str(component), value_key=sort_key(value) if value is not None else "",
                       focus=focus, value=value, detail=detail, spec=sh)

    def node_level(self, sh: Shape) -> list[Result]:
        checks = list(sh.values) + [Check(SH.HasValueConstraintComponent, h, ok=f"sameTerm(?v, {sparql_term(h)})")
                                    for h in sh.has_value]
        if not checks:
            return []
        # sh:class as a hash join with the class's instances: EXISTS would be one index lookup
        # per focus node, several times slower on a store on disk.
        joins, fails = [], []
        for i, c in enumerate(checks):
            if c.instances:
                joins.append(f"OPTIONAL {{ SELECT DISTINCT ?v (true AS ?i{i}) WHERE {{ {c.instances} }} }}")
                fails.append(f"!BOUND(?i{i})")
            else:
                fails.append(f"!COALESCE({c.ok}, false)")
        flags = [f"({f} AS ?b{i})" for i, f in enumerate(fails)]
        q = (f"SELECT ?focus {' '.join(flags)} WHERE {{ {{ SELECT DISTINCT ?focus (?focus AS ?v) WHERE {{ "
             f"{self.c.target_pattern(sh.targets)} }} }} {' '.join(joins)} FILTER ({' || '.join(fails)}) }}")
        out = []
        for row in self.select(q):
            focus = term_from_ox(row["focus"])
            for i, c in enumerate(checks):
                if row[f"b{i}"].value == "true":
                    out.append(self.result(sh, focus, c.component, focus, describe(c)))
        return out

    def property(self, sh: Shape) -> list[Result]:
        c = self.c
        P = sh.sparql_path
        target = c.target_pattern(sh.targets)
        binds, aggs, having = [], ["(COUNT(DISTINCT ?v) AS ?n)"], []
        if sh.min_count:
            having.append(f"COUNT(DISTINCT ?v) < {sh.min_count}")
        if sh.max_count is not None:
            having.append(f"COUNT(DISTINCT ?v) > {sh.max_count}")
        value_checks = list(sh.values)
        # Joined to each (focus, value) inside the values subquery, where ?v is always bound:
        # the instances of a sh:class and the other property's values of a pair constraint.
        inner = []
        for i, chk in enumerate(value_checks):
            if chk.instances:
                inner.append(f"OPTIONAL {{ SELECT DISTINCT ?v (true AS ?i{i}) WHERE {{ {chk.instances} }} }}")
                binds.append(f"BIND (IF(BOUND(?v) && !BOUND(?i{i}), 1, 0) AS ?b{i})")
            else:
                binds.append(f"BIND (IF(BOUND(?v) && !COALESCE({chk.ok}, false), 1, 0) AS ?b{i})")
            aggs.append(f"(MAX(?b{i}) AS ?x{i})")
            having.append(f"MAX(?b{i}) > 0")
        for i, chk in enumerate(sh.pairs):
            inner.append(f"OPTIONAL {{ SELECT DISTINCT ?focus ?w{i} WHERE {{ ?focus {chk.other} ?w{i} }} }}")
            binds.append(f"BIND (IF(BOUND(?v) && BOUND(?w{i}) && {_pair_fails(chk, '?v', f'?w{i}')}, 1, 0) AS ?p{i})")
            aggs.append(f"(MAX(?p{i}) AS ?y{i})")
            having.append(f"MAX(?p{i}) > 0")
        for i, other in enumerate(sh.equals):
            # A value missing on the other side, or an other-side value missing here.
            binds.append(f"BIND (IF(BOUND(?v) && NOT EXISTS {{ ?focus {c.path(other)} ?v }}, 1, 0) AS ?e{i})")
            aggs.append(f"(MAX(?e{i}) AS ?z{i})")
            aggs.append(f"(MAX(IF(EXISTS {{ ?focus {c.path(other)} ?_w . FILTER NOT EXISTS {{ ?focus {P} ?_w }} }}, 1, 0)) AS ?zz{i})")
            having.append(f"MAX(?e{i}) > 0")
            having.append(f"MAX(IF(EXISTS {{ ?focus {c.path(other)} ?_w . FILTER NOT EXISTS {{ ?focus {P} ?_w }} }}, 1, 0)) > 0")
        for i, h in enumerate(sh.has_value):
            binds.append(f"BIND (IF(BOUND(?v) && sameTerm(?v, {sparql_term(h)}), 1, 0) AS ?h{i})")
            aggs.append(f"(MAX(?h{i}) AS ?hv{i})")
            having.append(f"MAX(?h{i}) = 0")
        if sh.unique_lang:
            binds.append('BIND (IF(isLiteral(?v) && LANG(?v) != "", ?v, ?_none) AS ?lv)')
            binds.append('BIND (IF(isLiteral(?v) && LANG(?v) != "", LCASE(LANG(?v)), ?_none) AS ?lt)')
            aggs += ["(COUNT(DISTINCT ?lv) AS ?nl)", "(COUNT(DISTINCT ?lt) AS ?nt)"]
            having.append("COUNT(DISTINCT ?lv) > COUNT(DISTINCT ?lt)")
        for i, (ok, _, _) in enumerate(sh.qualified):
            binds.append(f"BIND (IF(BOUND(?v) && COALESCE({ok}, false), ?v, ?_none) AS ?q{i})")
            aggs.append(f"(COUNT(DISTINCT ?q{i}) AS ?nq{i})")
            _, qmin, qmax = sh.qualified[i]
            if qmin is not None:
                having.append(f"COUNT(DISTINCT ?q{i}) < {qmin}")
            if qmax is not None:
                having.append(f"COUNT(DISTINCT ?q{i}) > {qmax}")
        if not having:
            return []
        needs_empty = bool(sh.min_count) or bool(sh.has_value) or any(q[1] for q in sh.qualified)
        # The targets and the values are two subqueries joined on ?focus: Oxigraph hash-joins
        # them (a plain BGP join looks every target up in the index, 3x slower on disk). A triple
        # held in several named graphs comes out of the union once per graph, and a focus node
        # of two target classes twice: every aggregate above is a COUNT(DISTINCT) or a MAX, which
        # such repeats cannot change, so the subqueries are not DISTINCT (hashing every row cost
        # more than the repeats: 17% of the validation at 650 reports).
        cols = " ".join(["?focus", "?v"] + [f"?i{i}" for i, c in enumerate(value_checks) if c.instances]
                        + [f"?w{i}" for i in range(len(sh.pairs))])
        values = f"{{ SELECT {cols} WHERE {{ ?focus {P} ?v {' '.join(inner)} }} }}"
        q = (f"SELECT ?focus {' '.join(aggs)} WHERE {{ {{ SELECT ?focus WHERE {{ {target} }} }} "
             f"{'OPTIONAL ' if needs_empty else ''}{values} {' '.join(binds)} }} "
             f"GROUP BY ?focus HAVING ({' || '.join(having)})")
        out: list[Result] = []
        flagged: dict[str, list] = {}
        for row in self.select(q):
            focus = term_from_ox(row["focus"])
            n = int(row["n"].value)
            if sh.min_count and n < sh.min_count:
                out.append(self.result(sh, focus, SH.MinCountConstraintComponent, detail=f"{n} value{'s' if n != 1 else ''}, at least {sh.min_count} required"))
            if sh.max_count is not None and n > sh.max_count:
                out.append(self.result(sh, focus, SH.MaxCountConstraintComponent, detail=f"{n} values, at most {sh.max_count} allowed"))
            for i in range(len(value_checks)):
                if int(row[f"x{i}"].value):
                    flagged.setdefault(f"v{i}", []).append(row["focus"])
            for i in range(len(sh.pairs)):
                if int(row[f"y{i}"].value):
                    flagged.setdefault(f"p{i}", []).append(row["focus"])
            for i in range(len(sh.equals)):
                if int(row[f"z{i}"].value) or int(row[f"zz{i}"].value):
                    flagged.setdefault(f"e{i}", []).append(row["focus"])
            for i, h in enumerate(sh.has_value):
                if not int(row[f"hv{i}"].value):
                    out.append(self.result(sh, focus, SH.HasValueConstraintComponent, detail=f"no value {h.n3()}"))
            if sh.unique_lang and int(row["nl"].value) > int(row["nt"].value):
                flagged.setdefault("lang", []).append(row["focus"])
            for i, (_, qmin, qmax) in enumerate(sh.qualified):
                k = int(row[f"nq{i}"].value)
                if qmin is not None and k < qmin:
                    out.append(self.result(sh, focus, SH.QualifiedMinCountConstraintComponent,
                                           detail=f"{k} values conform to the qualified shape, at least {qmin} required"))
                if qmax is not None and k > qmax:
                    out.append(self.result(sh, focus, SH.QualifiedMaxCountConstraintComponent,
                                           detail=f"{k} values conform to the qualified shape, at most {qmax} allowed"))
        for key, foci in sorted(flagged.items()):
            out += self.details(sh, key, foci, target)
        return out

    def details(self, sh: Shape, key: str, foci: list, target: str) -> list[Result]:
        """The offending values at the focus nodes the aggregate query flagged."""
        P = sh.sparql_path
        if len(foci) > _MAX_VALUES or any(isinstance(f, ox.BlankNode) for f in foci):
            # Blank nodes cannot be named in a query, and a huge VALUES costs more than a scan.
            scope = f"{{ SELECT DISTINCT ?focus WHERE {{ {target} }} }}"
        else:
            scope = "VALUES ?focus { " + " ".join(str(f) for f in foci) + " }"
        out = []
        if key == "lang":
            q = (f"SELECT ?focus ?tag WHERE {{ {scope} ?focus {P} ?v . FILTER (isLiteral(?v) && LANG(?v) != \"\") "
                 "BIND (LCASE(LANG(?v)) AS ?tag) } GROUP BY ?focus ?tag HAVING (COUNT(DISTINCT ?v) > 1)")
            for row in self.select(q):
                out.append(self.result(sh, term_from_ox(row["focus"]), SH.UniqueLangConstraintComponent,
                                       detail=f"more than one value in language \"{row['tag'].value}\""))
            return out
        kind, i = key[0], int(key[1:])
        if kind == "v":
            chk = sh.values[i]
            q = f"SELECT DISTINCT ?focus ?v WHERE {{ {scope} ?focus {P} ?v . FILTER (!COALESCE({chk.ok}, false)) }}"
            for row in self.select(q):
                out.append(self.result(sh, term_from_ox(row["focus"]), chk.component, term_from_ox(row["v"]), describe(chk)))
        elif kind == "p":
            chk = sh.pairs[i]
            q = (f"SELECT DISTINCT ?focus ?v ?_w WHERE {{ {scope} ?focus {P} ?v . ?focus {chk.other} ?_w . "
                 f"FILTER ({_pair_fails(chk, '?v', '?_w')}) }}")
            for row in self.select(q):
                w = term_from_ox(row["_w"])
                # One result per pair of value and other value, as the spec has it.
                out.append(self.result(sh, term_from_ox(row["focus"]), chk.component, term_from_ox(row["v"]),
                                       describe(chk, w)))
        elif kind == "e":
            other = sh.equals[i]
            op = self.c.path(other)
            q = (f"SELECT DISTINCT ?focus ?v WHERE {{ {scope} {{ ?focus {P} ?v FILTER NOT EXISTS {{ ?focus {op} ?v }} }} "
                 f"UNION {{ ?focus {op} ?v FILTER NOT EXISTS {{ ?focus {P} ?v }} }} }}")
            for row in self.select(q):
                out.append(self.result(sh, term_from_ox(row["focus"]), SH.EqualsConstraintComponent, term_from_ox(row["v"]),
                                       f"the values of {self.c.name(other)} differ"))
        return out


def _pair_fails(chk: Check, v: str, w: str) -> str:
    if chk.component == SH.LessThanConstraintComponent:
        return f"!COALESCE({v} < {w}, false)"
    if chk.component == SH.LessThanOrEqualsConstraintComponent:
        return f"!COALESCE({v} <= {w}, false)"
    return f"sameTerm({v}, {w})"  # disjoint


def validate_core_in_store(store: ox.Store, shapes: Graph, owner_shapes: bool = True,
                           allow_warnings: bool = True, stats: dict | None = None, threads: int = 1,
                           nice: int = 0) -> Graph:
    """Validates everything `store` holds (the union of its graphs) against the Core shapes in
    `shapes` (no sh:sparql: sparql_constraints.py runs those), returning an rdflib
    sh:ValidationReport graph like pySHACL's.

    owner_shapes: report a property shape's results with the named node shape holding it as
    sh:sourceShape (so the report still means something once written out, away from the shapes
    graph's blank nodes); False reports the property shape's own (blank) node, as pySHACL does.
    allow_warnings: sh:conforms stays true when every result is below sh:Violation (pySHACL's
    allow_warnings). stats, if given, receives the number of queries and per-shape seconds.
    threads: shapes checked at once; pyoxigraph releases the GIL while it evaluates a query, so
    two threads use two cores on one store (1.8x on two cores), with no copy of it; nice: see
    map_in_threads."""
    results, _, _ = core_results(store, shapes, stats, threads, nice)
    return build_report(results, shapes, owner_shapes, allow_warnings)


def core_results(store: ox.Store, shapes: Graph, stats: dict | None = None, threads: int = 1,
                 nice: int = 0) -> tuple[list[Result], list[Shape], Compiler]:
    """The sorted results of the Core shapes (validate_core_in_store), the compiled shapes and
    their compiler."""
    comp = Compiler(store, shapes)
    runner = Runner(store, comp)
    timings = {}
    compiled = comp.shapes()

    def run(sh: Shape) -> list[Result]:
        t = time.perf_counter()
        found = runner.run(sh)
        timings[f"{comp.name(sh.owner)} {'' if sh.path is None else comp.name(sh.path) if isinstance(sh.path, URIRef) else sh.sparql_path}".strip()] = time.perf_counter() - t
        return found
    found = map_in_threads(run, compiled, threads, nice)
    if stats is not None:
        stats["queries"] = runner.queries
        stats["seconds"] = timings
    return sorted(r for rs in found for r in rs), compiled, comp


def map_in_threads(fn, items: list, threads: int, nice: int = 0) -> list:
    """[fn(x) for x in items], `threads` at a time when more than one: the queries the validators
    run are evaluated with the GIL released, so threads share one store across cores. nice > 0
    runs them in threads of that much lower priority (Linux schedules threads, so the caller's
    own priority is left alone)."""
    if threads > 1 or nice > 0:
        with thread_pool(threads, nice) as pool:
            return list(pool.map(fn, items))
    return [fn(x) for x in items]


def thread_pool(threads: int, nice: int = 0) -> ThreadPoolExecutor:
    """A pool of `threads` threads, each `nice` steps below the priority of the thread making it."""
    return ThreadPoolExecutor(threads, initializer=_lower_priority, initargs=(nice,))


def _lower_priority(nice: int) -> None:
    if nice > 0 and hasattr(os, "setpriority"):
        tid = threading.get_native_id()
        os.setpriority(os.PRIO_PROCESS, tid, os.getpriority(os.PRIO_PROCESS, tid) + nice)
