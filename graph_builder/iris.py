"""Every IRI of the dataset, minted in one place (docs/contracts.md), and the namespaces the
stages share. The lowest layer of the package with errors.py and paths.py: it imports no stage.
"""
from __future__ import annotations

import re

import pyoxigraph as ox
from rdflib import Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS, XSD

from graph_builder.errors import HmicKgError

DEFAULT_BASE = "https://w3id.org/hmic-kg"


class _Terms(Namespace):
    """A namespace whose terms are made once: rdflib's Namespace builds a new URIRef on every
    attribute access, which cost a tenth of the mapping time."""

    def __getattr__(self, name: str) -> URIRef:
        if name.startswith("__"):
            raise AttributeError(name)
        term = self.term(name)
        object.__setattr__(self, name, term)
        return term


class _Cached:
    """One of rdflib's closed namespaces (RDF, XSD, ...) whose terms are looked up once each:
    its attribute lookup checks the name against the namespace on every access, 400,000 times a
    national build. A name it does not define still fails, on first use."""

    def __init__(self, ns):
        self._ns = ns

    def __getattr__(self, name: str) -> URIRef:
        if name.startswith("_"):  # _ns itself before __init__ (copying, unpickling), dunders
            raise AttributeError(name)
        term = getattr(self._ns, name)
        setattr(self, name, term)
        return term


RDF, SKOS, DCTERMS, XSD = (_Cached(ns) for ns in (RDF, SKOS, DCTERMS, XSD))
OA = _Terms("http://www.w3.org/ns/oa#")
QB = _Terms("http://purl.org/linked-data/cube#")
OGL = URIRef("http://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/")

PROV = _Terms("http://www.w3.org/ns/prov#")
SDO = _Terms("https://schema.org/")
SH = _Terms("http://www.w3.org/ns/shacl#")


class Minter:
    """Mints every URI of docs/contracts.md from plain values."""

    def __init__(self, base: str = DEFAULT_BASE):
        self.base = base.rstrip("/")
        self.insp = _Terms(f"{self.base}/def/inspection/")

    def u(self, *parts: str) -> URIRef:
        return URIRef("/".join([self.base, *parts]))

    def force(self, fid: str) -> URIRef:
        return self.u("id", "force", fid)

    def programme(self, prog: str) -> URIRef:
        return self.u("id", "programme", prog)

    def report(self, fid: str, prog: str) -> URIRef:
        return self.u("id", "report", fid, prog)

    # Everything map_report mints from the force and the programme together: a node under one
    # of these belongs to that one report (a corpus holds one report per force and programme).
    REPORT_OWN = (("id", "report"), ("id", "inspection"), ("id", "finding"), ("id", "recommendation"),
                  ("id", "good-practice"), ("id", "fact"), ("id", "prior-grade"))

    def report_own(self, fid: str, prog: str) -> tuple[str, ...]:
        """N-Triples prefixes of the IRIs that only the report of fid in prog mints: the report,
        its inspection, statements, spans, text and judgements. Anything else (a grade count, a
        glossary term, a force) may be stated by several reports."""
        own = [str(self.u(*kind, fid, prog)) for kind in self.REPORT_OWN] + [str(self.u("data", "judgement", prog, fid))]
        return tuple(f"<{iri}{end}" for iri in own for end in (">", "/"))

    def area(self, prog: str, area_slug: str) -> URIRef:
        return self.u("def", "framework", prog, area_slug)

    def grade(self, scale: str, label: str) -> URIRef:
        return self.u("def", "grade-scale", scale, slug(label))

    def direction(self, label: str) -> URIRef:
        return self.u("def", "direction-of-travel", slug(label))

    def graph(self, *parts: str) -> URIRef:
        return self.u("graph", *parts)


def area_slug(area: dict) -> str:
    if area.get("code") and area["code"].startswith("Q"):
        return f"{slug(area.get('group') or 'peel')}-{area['code'].lower()}"
    return slug(area["name"])




def slug(name: str) -> str:
    s = name.lower().replace("&", "and")
    s = re.sub(r"[^a-z0-9]+", "-", s)
    return s.strip("-")


def check_base(base: str) -> str:
    """The base IRI without its trailing slash, refused unless it is an absolute IRI. Every IRI
    of the dataset is the base and slugs ([a-z0-9-]), so a good base makes them all good, and the
    builder's own N-Triples can be loaded without checking each IRI again (lenient)."""
    base = base.rstrip("/")
    try:
        ox.NamedNode(base + "/")
    except ValueError as exc:
        raise HmicKgError(f"--base {base!r}: not an absolute IRI ({exc})") from None
    return base
