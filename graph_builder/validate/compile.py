"""SHACL Core shapes read into checks written in SPARQL (run.py runs them in the store).

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

from dataclasses import dataclass, field

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, XSD

from graph_builder.errors import HmicKgError
from graph_builder.iris import SH
from graph_builder.oxrdf import term_from_ox, term_to_ox

RDF_TYPE = f"<{RDF.type}>"


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


def sparql_term(t) -> str:
    """An rdflib term as SPARQL text (N-Triples syntax, which SPARQL accepts)."""
    if isinstance(t, BNode):
        raise UnsupportedShape(f"a blank node ({t}) cannot be written into a query")
    return str(term_to_ox(t))


@dataclass
class Check:
    """One constraint of one shape: the component, its parameter, and the SPARQL test."""
    component: URIRef
    param: object
    ok: str = ""          # boolean expression over ?v (and ?focus) true when the value conforms
    other: str = ""       # for pair components: the other property's path
    instances: str = ""   # for sh:class: a pattern binding ?v to every instance (for a hash join)


@dataclass
class Shape:
    node: object                    # the shape in the shapes graph
    owner: object                   # the named shape reported as sh:sourceShape when asked
    targets: list                   # (kind, term) pairs
    path: object = None             # rdflib path term (None: a node shape)
    sparql_path: str = ""
    severity: URIRef = SH.Violation
    messages: list = field(default_factory=list)
    min_count: int | None = None
    max_count: int | None = None
    values: list = field(default_factory=list)       # Check
    pairs: list = field(default_factory=list)        # Check
    equals: list = field(default_factory=list)       # paths of sh:equals
    has_value: list = field(default_factory=list)
    unique_lang: bool = False
    qualified: list = field(default_factory=list)    # (check, min, max)


class Compiler:
    """Reads a shapes graph into Shapes; the store says which classes are sub-classes of a
    sh:class or a target class, since the shapes are checked against the union of its graphs."""

    def __init__(self, store: ox.Store, shapes: Graph):
        self.store = store
        self.sg = shapes
        self._classes: dict = {}

    # ---------------------------------------------------------------- reading the shapes graph

    def shapes(self) -> list[Shape]:
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
            for ps in sorted(sg.objects(root, SH.property), key=lambda b: self.key(b)):
                if not self._deactivated(ps):
                    out.append(self._shape(ps, root, targets))
        for s in sg.subjects(SH.node, None):
            raise UnsupportedShape(f"shape {s} uses sh:node, which this compiler does not translate")
        return out

    def key(self, ps) -> str:
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

    def _shape(self, node, owner, targets, path=...) -> Shape:
        sg = self.sg
        if path is ...:
            path = sg.value(node, SH.path)
            if path is None:
                raise UnsupportedShape(f"property shape {node} of {owner} has no sh:path")
        if path is not None and (node, SH.property, None) in sg:
            raise UnsupportedShape(f"property shape {self.name(node)} of {self.name(owner)} has its own "
                                   "sh:property, which this compiler does not translate")
        sh = Shape(node=node, owner=owner, targets=targets, path=path)
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
                sh.pairs.append(Check(comp, o, other=self.path(o)))
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
        parts += [f"sameTerm(?v, {sparql_term(h)})" for h in sorted(sg.objects(q, SH.hasValue), key=str)]
        return " && ".join(f"COALESCE({p}, false)" for p in parts) or "true"

    def value_checks(self, node, owner) -> list[Check]:
        sg = self.sg
        out = []
        for p, comp in _VALUE_COMPONENTS.items():
            for o in sorted(sg.objects(node, p), key=str):
                chk = Check(comp, o, ok=self._ok(p, o, node, owner))
                if p == SH["class"]:
                    classes = self.subclasses(o)
                    chk.instances = (f"?v {RDF_TYPE} {sparql_term(o)} ." if len(classes) == 1 else
                                     f"?v {RDF_TYPE} ?_c . VALUES ?_c {{ {' '.join(map(sparql_term, classes))} }}")
                out.append(chk)
        return out

    def _ok(self, p, o, node, owner) -> str:
        v = "?v"
        if p == SH["class"]:
            classes = self.subclasses(o)
            if len(classes) == 1:
                return f"EXISTS {{ {v} {RDF_TYPE} {sparql_term(o)} }}"
            return f"EXISTS {{ {v} {RDF_TYPE} ?_c . VALUES ?_c {{ {' '.join(map(sparql_term, classes))} }} }}"
        if p == SH.datatype:
            if o == RDF.langString:
                return f"(isLiteral({v}) && LANG({v}) != \"\")"
            test = f"(isLiteral({v}) && DATATYPE({v}) = {sparql_term(o)}"
            if o in _LEXICAL:
                test += f" && REGEX(STR({v}), {sparql_term(Literal(_LEXICAL[o]))})"
            return test + ")"
        if p == SH.nodeKind:
            if o not in _NODE_KINDS:
                raise UnsupportedShape(f"shape {self.name(owner)}: unknown sh:nodeKind {o}")
            return _NODE_KINDS[o].format(v=v)
        if p == SH.pattern:
            flags = self.sg.value(node, SH.flags)
            extra = f", {sparql_term(Literal(str(flags)))}" if flags is not None else ""
            return f"(!isBlank({v}) && REGEX(STR({v}), {sparql_term(Literal(str(o)))}{extra}))"
        if p in (SH.minLength, SH.maxLength):
            op = ">=" if p == SH.minLength else "<="
            return f"(!isBlank({v}) && STRLEN(STR({v})) {op} {_int(o)})"
        if p in (SH.minInclusive, SH.maxInclusive, SH.minExclusive, SH.maxExclusive):
            op = {SH.minInclusive: ">=", SH.maxInclusive: "<=", SH.minExclusive: ">", SH.maxExclusive: "<"}[p]
            return f"({v} {op} {sparql_term(o)})"
        if p == SH.languageIn:
            tags = [str(t) for t in Collection(self.sg, o)]
            if not tags:
                return "false"
            return f"(isLiteral({v}) && ({' || '.join(f'langMatches(LANG({v}), {sparql_term(Literal(t))})' for t in tags)}))"
        if p == SH["in"]:
            members = list(Collection(self.sg, o))
            if not members:
                return "false"
            return "(" + " || ".join(f"sameTerm({v}, {sparql_term(m)})" for m in members) + ")"
        raise AssertionError(p)

    def path(self, p) -> str:
        sg = self.sg
        if isinstance(p, URIRef):
            return sparql_term(p)
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
            q = f"SELECT DISTINCT ?c WHERE {{ ?c <{RDFS.subClassOf}>* {sparql_term(c)} }}"
            found = {term_from_ox(s["c"]) for s in self.store.query(q, use_default_graph_as_union=True)}
            self._classes[c] = sorted(found | {c}, key=str)
        return self._classes[c]

    def target_pattern(self, targets) -> str:
        parts = []
        for kind, t in targets:
            if kind == SH.targetClass:
                cs = self.subclasses(t)
                if len(cs) == 1:
                    parts.append(f"?focus {RDF_TYPE} {sparql_term(t)} .")
                else:
                    parts.append(f"?focus {RDF_TYPE} ?_t . VALUES ?_t {{ {' '.join(map(sparql_term, cs))} }}")
            elif kind == SH.targetNode:
                parts.append(f"VALUES ?focus {{ {sparql_term(t)} }}")
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
