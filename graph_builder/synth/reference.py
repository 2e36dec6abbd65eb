"""synthetic-programmes.ttl: reference triples for the programmes the synthetic reports use that the
ontology does not ship (e.g. baseline-2004, peel-2023): a copy of the shipped programme's programme,
framework and area->theme triples under the new programme's IRIs, labelled '(synthetic)' and typed
insp:synthetic true."""
from __future__ import annotations

import re

from rdflib import RDF, RDFS, SKOS, XSD, Graph, Literal, Namespace, URIRef

from graph_builder.iris import DEFAULT_BASE
from graph_builder.paths import project_dir

SHIPPED = {"baseline-assessment": ("baseline-2006", 2006), "inspection-2007": ("inspection-2007", 2007),
           "peel": ("peel-2018", 2018)}
_LABELS = (SKOS.prefLabel, RDFS.label)


def _year_text(label: str, old: int, new: int) -> str:
    label = re.sub(rf"\b{old}/{(old + 1) % 100:02d}\b", f"{new}/{(new + 1) % 100:02d}", label)
    return re.sub(rf"\b{old}\b", str(new), label)


def _movers(old_p: str, new_p: str, old_f: str, new_f: str):
    """Whether an IRI is the shipped programme's or its framework's, and its synthetic counterpart."""
    def mine(term) -> bool:
        s = str(term)
        return isinstance(term, URIRef) and (s == old_p or s == old_f or s.startswith(old_f + "/"))

    def move(term):
        if not isinstance(term, URIRef):
            return term
        s = str(term)
        if s == old_p:
            return URIRef(new_p)
        if s == old_f or s.startswith(old_f + "/"):
            return URIRef(new_f + s[len(old_f):])
        return term
    return mine, move


def synthetic_programmes(programmes: list[tuple[str, str, int]], base: str = DEFAULT_BASE) -> Graph:
    """programmes: (family, new programme id, year) for every programme not shipped."""
    base = base.rstrip("/")
    insp = Namespace(f"{base}/def/inspection/")
    src = Graph()
    for name in ("scales-and-programmes.ttl", "frameworks.ttl"):
        src.parse(project_dir("ontology") / name, format="turtle")
    themes = Graph().parse(project_dir("ontology") / "themes.ttl", format="turtle")
    out = Graph()
    out.bind("insp", insp)
    out.bind("skos", SKOS)
    out.bind("dcterms", "http://purl.org/dc/terms/")
    out.bind("prov", "http://www.w3.org/ns/prov#")
    for family, new, year in sorted(programmes, key=lambda p: p[1]):
        real, real_year = SHIPPED[family]
        old_p, new_p = f"{base}/id/programme/{real}", f"{base}/id/programme/{new}"
        old_f, new_f = f"{base}/def/framework/{real}", f"{base}/def/framework/{new}"

        mine, move = _movers(old_p, new_p, old_f, new_f)
        for s, p, o in src:
            if not mine(s):
                continue
            if p in _LABELS and isinstance(o, Literal):
                text = _year_text(str(o), real_year, year) if str(s) in (old_p, old_f) else str(o)
                o = Literal(f"{text} (synthetic)", lang=o.language, datatype=o.datatype)
            elif p == SKOS.definition and isinstance(o, Literal) and str(s) == old_p:
                o = Literal(f"Synthetic programme modelled on {real}: {o}", lang=o.language)
            elif p == insp.year and str(s) == old_p:
                o = Literal(year, datatype=XSD.integer)
            out.add((move(s), p, move(o)))
        for s, p, o in themes.triples((None, insp.theme, None)):
            if mine(s):
                out.add((move(s), p, o))
        out.add((URIRef(new_p), insp.synthetic, Literal(True, datatype=XSD.boolean)))
        assert (URIRef(new_p), RDF.type, insp.InspectionProgramme) in out
    return out


def write_reference(path, programmes: list[tuple[str, str, int]]) -> None:
    g = synthetic_programmes(programmes)
    header = ("# Reference triples for the synthetic programmes of an hmic-kg synth corpus: copies of the shipped\n"
              "# programmes' programme, framework and area->theme triples under new IRIs. Not real HMIC programmes.\n")
    data = g.serialize(format="turtle") if len(g) else ""
    path.write_text(header + data, encoding="utf-8")
