"""Report texts to loadable N-Quads, one report per task, so a corpus is parsed and mapped on every
core and reaches the store in one bulk load.

A worker parses a report and maps it (mapping.map_report) into a plain list instead of an rdflib
graph: rdflib's indexed store costs more per triple than the mapping itself, and nothing here needs
to query the report graph. The triples travel back as N-Triples lines, which pickle cheaply and
which the main process can count (triples several reports assert go to the shared graph) and
rewrite (one preferred label per glossary term) as plain strings before Oxigraph parses them.
"""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain
from pathlib import Path

from rdflib import URIRef
from rdflib.namespace import RDF, SKOS

from graph_builder.extract import parse_source
from graph_builder.extract.model_types import ParseModel
from graph_builder.extract.source import Source, read_source
from graph_builder.iris import Minter
from graph_builder.ntriples import nt_line, nt_term
from graph_builder.to_rdf.mapping import map_report


class _Triples(list):
    add = list.append


class _Sink:
    """The part of rdflib's Dataset API that map_report uses."""

    def __init__(self):
        self.graphs: dict[URIRef, _Triples] = {}

    def graph(self, iri: URIRef) -> _Triples:
        return self.graphs.setdefault(iri, _Triples())


@dataclass(frozen=True)
class PreparedReport:
    """What a worker hands back for one report. Read whole by the build's first steps (the
    loading, the links child, the texts), then let go of: see ReportSummary."""

    path: Path
    model: ParseModel
    text: str
    graph: str  # the report's named graph IRI
    own: str  # the triples about nodes only this report mints (Minter.report_own), N-Triples lines
    lines: list[str]  # its other triples, which other reports may state too: N-Triples, each once
    glossary: list[tuple[str, str, str]]  # (term IRI, preferred label, label as N-Triples)
    from_cache: bool = False


@dataclass(frozen=True)
class ReportSummary:
    """What the build keeps of a report once its graph is in the store: all that the build
    record, the dataset description and the validation's source map read."""

    path: Path
    force_id: str
    programme: str
    sha256: str
    warnings: list[dict]
    from_cache: bool

    @classmethod
    def of(cls, p: PreparedReport) -> ReportSummary:
        return cls(p.path, p.model["force"]["id"], p.model["report"]["programme"],
                   p.model["report"]["sha256"], p.model["warnings"], p.from_cache)


@lru_cache(maxsize=2)
def _tagger(base: str, reference: tuple[Path, ...]):
    from graph_builder.to_rdf.themes import corpus_tagger
    return corpus_tagger(base, reference)


def prepare(path: Path, base: str, synthetic: bool = False, reference: tuple[Path, ...] = (),
            src: Source | None = None, published: str = "") -> PreparedReport:
    """One report parsed and mapped. Runs in a worker process: pure, no store, no output."""
    src = src if src is not None else read_source(path)
    model = parse_source(src)
    if synthetic:
        model["report"]["synthetic"] = True
    if published:
        model["report"]["published_source"] = json.loads(published)
    sink = _Sink()
    map_report(model, src.text, base, sink, _tagger(base, reference))
    (graph, triples), = sink.graphs.items()
    # Compared as plain strings (predicates are always IRIs): rdflib's __eq__ and namespace
    # lookups on every triple were an eighth of a report's mapping time.
    m = Minter(base)
    eq, rdf_type, glossary_term, pref = str.__eq__, str(RDF.type), str(m.insp.GlossaryTerm), str(SKOS.prefLabel)
    terms = {s for s, p, o in triples if eq(p, rdf_type) and type(o) is URIRef and eq(o, glossary_term)}
    glossary = [(str(s), str(o), nt_term(o)) for s, p, o in triples if eq(p, pref) and s in terms]
    lines = list(dict.fromkeys(nt_line(*t) for t in triples))
    # Split here, in the worker: the main process then counts only the few lines two reports
    # can share, not every line of the corpus (2.8 s of one core at 650 reports).
    mine = m.report_own(model["force"]["id"], model["report"]["programme"])
    own = "".join(x for x in lines if x.startswith(mine))
    return PreparedReport(path, model, src.text, str(graph), own, [x for x in lines if not x.startswith(mine)], glossary)


def report_nquads(prepared: list[PreparedReport], shared_graph: str) -> bytes:
    """Every report graph as N-Quads, with two corpus-wide corrections made on the lines:

    - one preferred label per glossary term: reports print the same expansion with different
      capitals; the first label in code-point order stays preferred everywhere and the others
      become alternative labels (SKOS allows one prefLabel per language);
    - a triple that several report graphs assert (national grade counts, glossary terms) is held
      once, in the shared graph: Oxigraph's union default graph is a multiset over graphs, so a
      triple in two graphs would answer every query twice and double every SUM.
    """
    keep: dict[str, tuple[str, str]] = {}
    for p in prepared:
        for term, label, obj in p.glossary:
            if term not in keep or label < keep[term][0]:
                keep[term] = (label, obj)
    pref, alt = f"<{SKOS.prefLabel}>", f"<{SKOS.altLabel}>"
    per_report = []
    for p in prepared:
        lines = p.lines
        moved = [(term, obj) for term, label, obj in p.glossary if keep[term][0] != label]
        if moved:
            drop = {f"<{term}> {pref} {obj} .\n" for term, obj in moved}
            lines = [x for x in lines if x not in drop]
            for term, obj in moved:
                lines.append(f"<{term}> {alt} {obj} .\n")
                lines.append(f"<{term}> {pref} {keep[term][1]} .\n")
            lines = list(dict.fromkeys(lines))
        per_report.append((p.graph, p.own, lines))
    # Only lines that are not the report's own can be shared (Minter.report_own).
    seen = Counter(chain.from_iterable(lines for _, _, lines in per_report))
    # Each graph's lines joined and given their graph name in one pass: a line ends with " .\n"
    # and nowhere else (N-Triples escapes newlines in literals).
    # Encoded graph by graph: one string of them all is as wide as its widest character (one
    # curly quote made 250 MB of ASCII into 500 MB of UCS-2, then encoded back).
    out = [(own + "".join(x for x in lines if seen[x] == 1)).replace(" .\n", f" <{graph}> .\n").encode("utf-8")
           for graph, own, lines in per_report]
    out.append("".join(x for x, n in seen.items() if n > 1).replace(" .\n", f" <{shared_graph}> .\n").encode("utf-8"))
    return b"".join(out)
