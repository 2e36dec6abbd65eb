"""SHACL Core shapes checked inside Oxigraph: each shape compiles to SPARQL SELECT queries that
return only its violations, so national-scale data never leaves the store.

    report = validate_core_in_store(store, core_shapes)   # an rdflib sh:ValidationReport graph

The report has the form pySHACL gives (one sh:ValidationResult per violation with sh:focusNode,
sh:resultPath, sh:value where the component has one, sh:sourceShape,
sh:sourceConstraintComponent, sh:resultSeverity, sh:resultMessage), so the code that reads
pySHACL reports reads this one unchanged.

How a shape runs. A property shape is one scan: its targets joined with OPTIONAL { ?focus path
?v }, grouped by focus node, with COUNT(DISTINCT ?v) for the counts (a triple held in two named
graphs appears twice in the union; DISTINCT counts it once) and, per value constraint, MAX of a
0/1 "this value fails" flag. The HAVING clause keeps only focus nodes with a problem, so on
conforming data every query returns nothing. Only for the flagged focus nodes does a second,
per-component query fetch the offending values. A node shape's own constraints (on the focus node
itself) are one filter query.

Semantics follow https://www.w3.org/TR/shacl/ for the subset compiled here (anything else raises
UnsupportedShape naming it): targets sh:targetClass (instances of sub-classes too, implicit class
targets), sh:targetNode, sh:targetObjectsOf, sh:targetSubjectsOf; paths (IRI, inverse, sequence,
alternative, zero/one-or-more, zero-or-one); sh:minCount, sh:maxCount, sh:class (rdf:type/
rdfs:subClassOf*), sh:datatype (datatype and a well-formed lexical form for the XSD types listed
in _LEXICAL), sh:nodeKind, sh:pattern (+ sh:flags; STR of IRIs and literals, blank nodes fail),
sh:minLength/sh:maxLength, sh:min/maxInclusive, sh:min/maxExclusive (SPARQL comparison, values
that cannot be compared fail), sh:languageIn (langMatches), sh:uniqueLang, sh:in, sh:hasValue,
sh:lessThan, sh:lessThanOrEquals, sh:equals, sh:disjoint, sh:qualifiedValueShape with
sh:qualifiedMin/MaxCount (the qualified shape made of value-level constraints), sh:severity,
sh:message, sh:deactivated. Non-validating properties (sh:name, sh:description, sh:order,
sh:group, sh:defaultValue) are ignored.
"""
from __future__ import annotations

import itertools
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, XSD

from graph_builder.errors import HmicKgError
from graph_builder.oxrdf import term_from_ox, term_to_ox

SH = Namespace("http://www.w3.org/ns/shacl#")
_RDF_TYPE = f"<{RDF.type}>"
_MAX_VALUES = 5000  # flagged focus nodes named in a detail query; more: scan the targets again


class UnsupportedShape(HmicKgError):
    """A shape uses a SHACL feature this compiler does not translate; never skipped silently."""


# Lexical spaces (XSD 1.1) of the datatypes whose well-formedness sh:datatype checks. A literal of
# any other datatype matches when its datatype IRI does (the spec asks for the check only for
# datatypes the processor recognises). Oxigraph keeps an ill-formed literal as written
# ("high"^^xsd:integer), so the lexical form is still there to test.
_TZ = r"(Z|[+-]((0[0-9]|1[0-3]):[0-5][0-9]|14:00))?"
_YEAR = r"-?([1-9][0-9]{3,}|0[0-9]{3})"
_NUM = r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)"
_LEXICAL = {
    XSD.boolean: r"^(true|false|1|0)$",
    XSD.integer: r"^[+-]?[0-9]+$",
    XSD.decimal: f"^{_NUM}$",
    XSD.double: rf"^({_NUM}([eE][+-]?[0-9]+)?|[+-]?INF|NaN)$",
    XSD.float: rf"^({_NUM}([eE][+-]?[0-9]+)?|[+-]?INF|NaN)$",
    XSD.gYear: f"^{_YEAR}{_TZ}$",
    XSD.gYearMonth: f"^{_YEAR}-(0[1-9]|1[0-2]){_TZ}$",
    XSD.date: f"^{_YEAR}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01]){_TZ}$",
    XSD.dateTime: (f"^{_YEAR}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
                   rf"T(([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]+)?|24:00:00(\.0+)?){_TZ}$"),
    XSD.hexBinary: r"^([0-9a-fA-F]{2})*$",
    XSD.nonNegativeInteger: r"^(\+?[0-9]+|-0+)$",
    XSD.positiveInteger: r"^\+?0*[1-9][0-9]*$",
}

# Properties of a shape that do not validate anything.
_IGNORED = {SH.name, SH.description, SH.order, SH.group, SH.defaultValue}
_TARGETS = {SH.targetClass, SH.targetNode, SH.targetObjectsOf, SH.targetSubjectsOf}
# Constraints on each value node, as a boolean SPARQL expression (see _ok).
_VALUE_COMPONENTS = {
    SH["class"]: SH.ClassConstraintComponent, SH.datatype: SH.DatatypeConstraintComponent,
    SH.nodeKind: SH.NodeKindConstraintComponent, SH.pattern: SH.PatternConstraintComponent,
    SH.minLength: SH.MinLengthConstraintComponent, SH.maxLength: SH.MaxLengthConstraintComponent,
    SH.minInclusive: SH.MinInclusiveConstraintComponent, SH.maxInclusive: SH.MaxInclusiveConstraintComponent,
    SH.minExclusive: SH.MinExclusiveConstraintComponent, SH.maxExclusive: SH.MaxExclusiveConstraintComponent,
    SH.languageIn: SH.LanguageInConstraintComponent, SH["in"]: SH.InConstraintComponent,
}
# Constraints comparing each value with the values of another property of the focus node.
_PAIR_COMPONENTS = {
    SH.lessThan: SH.LessThanConstraintComponent, SH.lessThanOrEquals: SH.LessThanOrEqualsConstraintComponent,
    SH.disjoint: SH.DisjointConstraintComponent,
}
_SUPPORTED = (_IGNORED | _TARGETS | set(_VALUE_COMPONENTS) | set(_PAIR_COMPONENTS)
              | {SH.property, SH.path, SH.severity, SH.message, SH.deactivated, SH.flags, SH.minCount,
                 SH.maxCount, SH.uniqueLang, SH.hasValue, SH.equals, SH.qualifiedValueShape,
                 SH.qualifiedMinCount, SH.qualifiedMaxCount, SH.qualifiedValueShapesDisjoint})
_NODE_KINDS = {
    SH.IRI: "isIRI({v})", SH.BlankNode: "isBlank({v})", SH.Literal: "isLiteral({v})",
    SH.BlankNodeOrIRI: "(isBlank({v}) || isIRI({v}))", SH.BlankNodeOrLiteral: "(isBlank({v}) || isLiteral({v}))",
    SH.IRIOrLiteral: "(isIRI({v}) || isLiteral({v}))",
}


def _sparql(t) -> str:
    """An rdflib term as SPARQL text (N-Triples syntax, which SPARQL accepts)."""
    if isinstance(t, BNode):
        raise UnsupportedShape(f"a blank node ({t}) cannot be written into a query")
    return str(term_to_ox(t))


@dataclass
class _Check:
    """One constraint of one shape: the component, its parameter, and the SPARQL test."""
    component: URIRef
    param: object
    ok: str = ""          # boolean expression over ?v (and ?focus) true when the value conforms
    other: str = ""       # for pair components: the other property's path
    instances: str = ""   # for sh:class: a pattern binding ?v to every instance (for a hash join)


@dataclass
class _Shape:
    node: object                    # the shape in the shapes graph
    owner: object                   # the named shape reported as sh:sourceShape when asked
    targets: list                   # (kind, term) pairs
    path: object = None             # rdflib path term (None: a node shape)
    sparql_path: str = ""
    severity: URIRef = SH.Violation
    messages: list = field(default_factory=list)
    min_count: int | None = None
    max_count: int | None = None
    values: list = field(default_factory=list)       # _Check
    pairs: list = field(default_factory=list)        # _Check
    equals: list = field(default_factory=list)       # paths of sh:equals
    has_value: list = field(default_factory=list)
    unique_lang: bool = False
    qualified: list = field(default_factory=list)    # (check, min, max)


class _Compiler:
    def __init__(self, store: ox.Store, shapes: Graph):
        self.store = store
        self.sg = shapes
        self._classes: dict = {}

    # ---------------------------------------------------------------- reading the shapes graph

    def shapes(self) -> list[_Shape]:
        sg = self.sg
        roots = {s for p in _TARGETS for s in sg.subjects(p, None)}
        roots |= {s for s in sg.subjects(RDF.type, RDFS.Class) if (s, RDF.type, SH.NodeShape) in sg
                  or (s, RDF.type, SH.PropertyShape) in sg}
        for s in sg.subjects(SH.sparql, None):
            raise UnsupportedShape(f"shape {s} uses sh:sparql: run it as a whole-graph query, not here")
        out = []
        for root in sorted(roots, key=str):
            if self._deactivated(root):
                continue
            targets = self._targets(root)
            if (root, SH.path, None) in sg:
                out.append(self._shape(root, root, targets))
            else:
                out.append(self._shape(root, root, targets, path=None))
            for ps in sorted(sg.objects(root, SH.property), key=lambda b: self._key(b)):
                if not self._deactivated(ps):
                    out.append(self._shape(ps, root, targets))
        for s in sg.subjects(SH.node, None):
            raise UnsupportedShape(f"shape {s} uses sh:node, which this compiler does not translate")
        return out

    def _key(self, ps) -> str:
        # Property shapes are blank nodes: order them by what they say, for a stable query order.
        return " ".join(sorted(f"{p} {o}" for p, o in self.sg.predicate_objects(ps))) + str(ps)

    def _deactivated(self, s) -> bool:
        v = self.sg.value(s, SH.deactivated)
        return isinstance(v, Literal) and v.toPython() is True

    def _targets(self, s) -> list:
        sg = self.sg
        t = [(p, o) for p in (SH.targetClass, SH.targetNode, SH.targetObjectsOf, SH.targetSubjectsOf)
             for o in sg.objects(s, p)]
        if (s, RDF.type, RDFS.Class) in sg:
            t.append((SH.targetClass, s))
        return sorted(t, key=str)

    def _shape(self, node, owner, targets, path=...) -> _Shape:
        sg = self.sg
        if path is ...:
            path = sg.value(node, SH.path)
            if path is None:
                raise UnsupportedShape(f"property shape {node} of {owner} has no sh:path")
        if path is not None and (node, SH.property, None) in sg:
            raise UnsupportedShape(f"property shape {self.name(node)} of {self.name(owner)} has its own "
                                   "sh:property, which this compiler does not translate")
        sh = _Shape(node=node, owner=owner, targets=targets, path=path)
        if path is not None:
            sh.sparql_path = self.path(path)
        sh.severity = sg.value(node, SH.severity) or SH.Violation
        sh.messages = sorted(sg.objects(node, SH.message), key=str)
        for p, o in sg.predicate_objects(node):
            if str(p).startswith(str(SH)) and p not in _SUPPORTED:
                raise UnsupportedShape(f"shape {self.name(owner)} uses {p.n3(sg.namespace_manager)}, "
                                       "which this compiler does not translate")
            if path is None and p in (SH.minCount, SH.maxCount, SH.uniqueLang, SH.qualifiedValueShape,
                                      SH.equals, SH.disjoint, SH.lessThan, SH.lessThanOrEquals):
                raise UnsupportedShape(f"node shape {self.name(owner)} uses {p.n3(sg.namespace_manager)}, "
                                       "which applies to property shapes only")
        sh.min_count = _int(sg.value(node, SH.minCount))
        sh.max_count = _int(sg.value(node, SH.maxCount))
        sh.unique_lang = any(isinstance(o, Literal) and o.toPython() is True for o in sg.objects(node, SH.uniqueLang))
        sh.has_value = sorted(sg.objects(node, SH.hasValue), key=str)
        sh.values = self.value_checks(node, owner)
        for p, comp in _PAIR_COMPONENTS.items():
            for o in sorted(sg.objects(node, p), key=str):
                sh.pairs.append(_Check(comp, o, other=self.path(o)))
        sh.equals = sorted(sg.objects(node, SH.equals), key=str)
        for q in sg.objects(node, SH.qualifiedValueShape):
            if any(o.toPython() is True for o in sg.objects(node, SH.qualifiedValueShapesDisjoint) if isinstance(o, Literal)):
                raise UnsupportedShape(f"shape {self.name(owner)} uses sh:qualifiedValueShapesDisjoint")
            sh.qualified.append((self.qualified_check(q, owner), _int(sg.value(node, SH.qualifiedMinCount)),
                                 _int(sg.value(node, SH.qualifiedMaxCount))))
        return sh

    def qualified_check(self, q, owner) -> str:
        """A qualified value shape as one boolean expression over ?v: only value-level constraints."""
        sg = self.sg
        for p, _ in sg.predicate_objects(q):
            if str(p).startswith(str(SH)) and p not in set(_VALUE_COMPONENTS) | _IGNORED | {SH.hasValue, SH.flags, SH.message, SH.severity}:
                raise UnsupportedShape(f"the qualified value shape of {self.name(owner)} uses "
                                       f"{p.n3(sg.namespace_manager)}; only value-level constraints are compiled there")
        parts = [c.ok for c in self.value_checks(q, owner)]
        parts += [f"sameTerm(?v, {_sparql(h)})" for h in sorted(sg.objects(q, SH.hasValue), key=str)]
        return " && ".join(f"COALESCE({p}, false)" for p in parts) or "true"

    def value_checks(self, node, owner) -> list[_Check]:
        sg = self.sg
        out = []
        for p, comp in _VALUE_COMPONENTS.items():
            for o in sorted(sg.objects(node, p), key=str):
                chk = _Check(comp, o, ok=self._ok(p, o, node, owner))
                if p == SH["class"]:
                    classes = self.subclasses(o)
                    chk.instances = (f"?v {_RDF_TYPE} {_sparql(o)} ." if len(classes) == 1 else
                                     f"?v {_RDF_TYPE} ?_c . VALUES ?_c {{ {' '.join(map(_sparql, classes))} }}")
                out.append(chk)
        return out

    def _ok(self, p, o, node, owner) -> str:
        v = "?v"
        if p == SH["class"]:
            classes = self.subclasses(o)
            if len(classes) == 1:
                return f"EXISTS {{ {v} {_RDF_TYPE} {_sparql(o)} }}"
            return f"EXISTS {{ {v} {_RDF_TYPE} ?_c . VALUES ?_c {{ {' '.join(map(_sparql, classes))} }} }}"
        if p == SH.datatype:
            if o == RDF.langString:
                return f"(isLiteral({v}) && LANG({v}) != \"\")"
            test = f"(isLiteral({v}) && DATATYPE({v}) = {_sparql(o)}"
            if o in _LEXICAL:
                test += f" && REGEX(STR({v}), {_sparql(Literal(_LEXICAL[o]))})"
            return test + ")"
        if p == SH.nodeKind:
            if o not in _NODE_KINDS:
                raise UnsupportedShape(f"shape {self.name(owner)}: unknown sh:nodeKind {o}")
            return _NODE_KINDS[o].format(v=v)
        if p == SH.pattern:
            flags = self.sg.value(node, SH.flags)
            extra = f", {_sparql(Literal(str(flags)))}" if flags is not None else ""
            return f"(!isBlank({v}) && REGEX(STR({v}), {_sparql(Literal(str(o)))}{extra}))"
        if p in (SH.minLength, SH.maxLength):
            op = ">=" if p == SH.minLength else "<="
            return f"(!isBlank({v}) && STRLEN(STR({v})) {op} {_int(o)})"
        if p in (SH.minInclusive, SH.maxInclusive, SH.minExclusive, SH.maxExclusive):
            op = {SH.minInclusive: ">=", SH.maxInclusive: "<=", SH.minExclusive: ">", SH.maxExclusive: "<"}[p]
            return f"({v} {op} {_sparql(o)})"
        if p == SH.languageIn:
            tags = [str(t) for t in Collection(self.sg, o)]
            if not tags:
                return "false"
            return f"(isLiteral({v}) && ({' || '.join(f'langMatches(LANG({v}), {_sparql(Literal(t))})' for t in tags)}))"
        if p == SH["in"]:
            members = list(Collection(self.sg, o))
            if not members:
                return "false"
            return "(" + " || ".join(f"sameTerm({v}, {_sparql(m)})" for m in members) + ")"
        raise AssertionError(p)

    def path(self, p) -> str:
        sg = self.sg
        if isinstance(p, URIRef):
            return _sparql(p)
        if not isinstance(p, BNode):
            raise UnsupportedShape(f"{p!r} is not a SHACL path")
        if (p, RDF.first, None) in sg:
            return "(" + "/".join(self.path(x) for x in Collection(sg, p)) + ")"
        for pred, fmt in ((SH.inversePath, "^{}"), (SH.zeroOrMorePath, "{}*"), (SH.oneOrMorePath, "{}+"),
                          (SH.zeroOrOnePath, "{}?")):
            inner = sg.value(p, pred)
            if inner is not None:
                return "(" + fmt.format(self.path(inner)) + ")"
        alt = sg.value(p, SH.alternativePath)
        if alt is not None:
            return "(" + "|".join(self.path(x) for x in Collection(sg, alt)) + ")"
        raise UnsupportedShape(f"path {p} is not a SHACL path this compiler knows")

    def subclasses(self, c) -> list:
        """c and every class the data says is a (transitive) sub-class of it."""
        if c not in self._classes:
            q = f"SELECT DISTINCT ?c WHERE {{ ?c <{RDFS.subClassOf}>* {_sparql(c)} }}"
            found = {term_from_ox(s["c"]) for s in self.store.query(q, use_default_graph_as_union=True)}
            self._classes[c] = sorted(found | {c}, key=str)
        return self._classes[c]

    def target_pattern(self, targets) -> str:
        parts = []
        for kind, t in targets:
            if kind == SH.targetClass:
                cs = self.subclasses(t)
                if len(cs) == 1:
                    parts.append(f"?focus {_RDF_TYPE} {_sparql(t)} .")
                else:
                    parts.append(f"?focus {_RDF_TYPE} ?_t . VALUES ?_t {{ {' '.join(map(_sparql, cs))} }}")
            elif kind == SH.targetNode:
                parts.append(f"VALUES ?focus {{ {_sparql(t)} }}")
            elif kind == SH.targetObjectsOf:
                parts.append(f"?_s {self.path(t)} ?focus .")
            elif kind == SH.targetSubjectsOf:
                parts.append(f"?focus {self.path(t)} ?_o .")
        if len(parts) == 1:
            return parts[0]
        return " UNION ".join(f"{{ {p} }}" for p in parts)

    def name(self, s) -> str:
        return s.n3(self.sg.namespace_manager) if isinstance(s, URIRef) else str(s)


def _int(t) -> int | None:
    if t is None:
        return None
    try:
        return int(t.toPython())
    except (TypeError, ValueError):
        raise UnsupportedShape(f"{t!r} is not an integer") from None


# ---------------------------------------------------------------------------- running

@dataclass(frozen=True, order=True)
class _Result:
    shape: str          # sort keys first
    focus_key: str
    component: str
    value_key: str
    focus: object = field(compare=False)
    value: object = field(compare=False, default=None)
    detail: str = field(compare=False, default="")
    spec: object = field(compare=False, default=None)


class _Runner:
    def __init__(self, store: ox.Store, comp: _Compiler):
        self.store = store
        self.c = comp
        self.queries = 0

    def select(self, q: str):
        self.queries += 1
        try:
            return self.store.query(q, use_default_graph_as_union=True)
        except SyntaxError as exc:  # a compiler bug, not a data problem: show the query
            raise HmicKgError(f"a compiled SHACL query does not parse ({exc}):\n{q}") from None

    def run(self, sh: _Shape) -> list[_Result]:
        if sh.path is None:
            return self.node_level(sh)
        return self.property(sh)

    def result(self, sh, focus, component, value=None, detail="") -> _Result:
        return _Result(shape=self.c._key(sh.node) if isinstance(sh.node, BNode) else str(sh.node),
                       focus_key=_sort_key(focus), component=str(component), value_key=_sort_key(value) if value is not None else "",
                       focus=focus, value=value, detail=detail, spec=sh)

    def node_level(self, sh: _Shape) -> list[_Result]:
        checks = list(sh.values) + [_Check(SH.HasValueConstraintComponent, h, ok=f"sameTerm(?v, {_sparql(h)})")
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
                    out.append(self.result(sh, focus, c.component, focus, _describe(c)))
        return out

    def property(self, sh: _Shape) -> list[_Result]:
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
            binds.append(f"BIND (IF(BOUND(?v) && sameTerm(?v, {_sparql(h)}), 1, 0) AS ?h{i})")
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
        out: list[_Result] = []
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

    def details(self, sh: _Shape, key: str, foci: list, target: str) -> list[_Result]:
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
                out.append(self.result(sh, term_from_ox(row["focus"]), chk.component, term_from_ox(row["v"]), _describe(chk)))
        elif kind == "p":
            chk = sh.pairs[i]
            q = (f"SELECT DISTINCT ?focus ?v ?_w WHERE {{ {scope} ?focus {P} ?v . ?focus {chk.other} ?_w . "
                 f"FILTER ({_pair_fails(chk, '?v', '?_w')}) }}")
            for row in self.select(q):
                w = term_from_ox(row["_w"])
                # One result per pair of value and other value, as the spec has it.
                out.append(self.result(sh, term_from_ox(row["focus"]), chk.component, term_from_ox(row["v"]),
                                       _describe(chk, w)))
        elif kind == "e":
            other = sh.equals[i]
            op = self.c.path(other)
            q = (f"SELECT DISTINCT ?focus ?v WHERE {{ {scope} {{ ?focus {P} ?v FILTER NOT EXISTS {{ ?focus {op} ?v }} }} "
                 f"UNION {{ ?focus {op} ?v FILTER NOT EXISTS {{ ?focus {P} ?v }} }} }}")
            for row in self.select(q):
                out.append(self.result(sh, term_from_ox(row["focus"]), SH.EqualsConstraintComponent, term_from_ox(row["v"]),
                                       f"the values of {self.c.name(other)} differ"))
        return out


def _pair_fails(chk: _Check, v: str, w: str) -> str:
    if chk.component == SH.LessThanConstraintComponent:
        return f"!COALESCE({v} < {w}, false)"
    if chk.component == SH.LessThanOrEqualsConstraintComponent:
        return f"!COALESCE({v} <= {w}, false)"
    return f"sameTerm({v}, {w})"  # disjoint


def _describe(chk: _Check, other=None) -> str:
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


def _sort_key(t) -> str:
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


def compile_shapes(store: ox.Store, shapes: Graph) -> list[_Shape]:
    """The shapes as the compiler reads them; raises UnsupportedShape for what it cannot translate."""
    return _Compiler(store, shapes).shapes()


def validate_core_in_store(store: ox.Store, shapes: Graph, owner_shapes: bool = True,
                           allow_warnings: bool = True, stats: dict | None = None, threads: int = 1,
                           nice: int = 0) -> Graph:
    """Validates everything `store` holds (the union of its graphs) against the Core shapes in
    `shapes` (no sh:sparql: run those with validation._run_global), returning an rdflib
    sh:ValidationReport graph like pySHACL's.

    owner_shapes: report a property shape's results with the named node shape holding it as
    sh:sourceShape (what shacl_parallel.validate_core does, so the report still means something
    once written out); False reports the property shape's own (blank) node, as pySHACL does.
    allow_warnings: sh:conforms stays true when every result is below sh:Violation (pySHACL's
    allow_warnings). stats, if given, receives the number of queries and per-shape seconds.
    threads: shapes checked at once; pyoxigraph releases the GIL while it evaluates a query, so
    two threads use two cores on one store (1.8x on two cores), with no copy of it; nice: see
    map_in_threads."""
    comp = _Compiler(store, shapes)
    runner = _Runner(store, comp)
    timings = {}
    compiled = comp.shapes()

    def run(sh: _Shape) -> list[_Result]:
        t = time.perf_counter()
        found = runner.run(sh)
        timings[f"{comp.name(sh.owner)} {'' if sh.path is None else comp.name(sh.path) if isinstance(sh.path, URIRef) else sh.sparql_path}".strip()] = time.perf_counter() - t
        return found
    found = map_in_threads(run, compiled, threads, nice)
    if stats is not None:
        stats["queries"] = runner.queries
        stats["seconds"] = timings
    return _report(sorted(r for rs in found for r in rs), shapes, owner_shapes, allow_warnings)


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


def _report(results: list[_Result], shapes: Graph, owner_shapes: bool, allow_warnings: bool) -> Graph:
    report = Graph()
    report.bind("sh", SH)
    top = BNode("report")
    report.add((top, RDF.type, SH.ValidationReport))
    conforms = True
    counter = itertools.count(1)
    for r in results:
        sh: _Shape = r.spec
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


def _generated_message(sh: _Shape, r: _Result, shapes: Graph) -> str:
    comp = r.component.rsplit("#", 1)[-1].replace("ConstraintComponent", "")
    where = "the node" if sh.path is None else (
        f"its {sh.path.n3(shapes.namespace_manager)} values" if isinstance(sh.path, URIRef) else f"its values on path {sh.sparql_path}")
    value = f" ({r.value.n3()})" if r.value is not None else ""
    return f"{comp} check of {where} failed{value}: {r.detail}"
