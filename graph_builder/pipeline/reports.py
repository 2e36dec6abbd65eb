"""Report texts to loadable N-Quads, one report per task, so a corpus is parsed and mapped on every
core and reaches the store in one bulk load.

A worker parses a report and maps it (mapping.map_report) into a plain list instead of an rdflib
graph: rdflib's indexed store costs more per triple than the mapping itself, and nothing here needs
to query the report graph. The triples travel back as N-Triples lines, which pickle cheaply and
which the main process can count (triples several reports assert go to the shared graph) and
rewrite (one preferred label per glossary term) as plain strings before Oxigraph parses them.
"""
from __future__ import annotations

import hashlib
import json
import os
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain
from pathlib import Path

from rdflib import URIRef
from rdflib.namespace import RDF, SKOS

from graph_builder import __version__
from graph_builder.extract import parse_source
from graph_builder.extract.source import Source, read_source
from graph_builder.iris import Minter
from graph_builder.ntriples import nt_line, nt_term
from graph_builder.paths import project_dir
from graph_builder.to_rdf.mapping import map_report


class _Triples(list):
    add = list.append


class _Sink:
    """The part of rdflib's Dataset API that map_report uses."""

    def __init__(self):
        self.graphs: dict[URIRef, _Triples] = {}

    def graph(self, iri: URIRef) -> _Triples:
        return self.graphs.setdefault(iri, _Triples())


@dataclass
class PreparedReport:
    path: Path
    model: dict
    text: str
    graph: str  # the report's named graph IRI
    own: str  # the triples about nodes only this report mints (Minter.report_own), N-Triples lines
    lines: list[str]  # its other triples, which other reports may state too: N-Triples, each once
    glossary: list[tuple[str, str, str]]  # (term IRI, preferred label, label as N-Triples)
    from_cache: bool = False


@lru_cache(maxsize=2)
def _tagger(base: str, reference: tuple[Path, ...]):
    from graph_builder.to_rdf.themes import corpus_tagger
    return corpus_tagger(base, reference)


def prepare(path: Path, base: str, synthetic: bool = False, reference: tuple[Path, ...] = (),
            src: Source | None = None) -> PreparedReport:
    """One report parsed and mapped. Runs in a worker process: pure, no store, no output."""
    src = src if src is not None else read_source(path)
    model = parse_source(src)
    if synthetic:
        model["report"]["synthetic"] = True
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


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """What a cached report depends on besides its text: this package's code and the ontology
    files the mapping and the tagger read. Any edit invalidates every cached report."""
    h = hashlib.sha256(__version__.encode())
    here = Path(__file__).resolve().parents[1]  # the whole package, not this stage
    for f in sorted([*here.rglob("*.py"), *project_dir("ontology").rglob("*.ttl"),
                     *project_dir("ontology").rglob("*.csv")]):
        h.update(str(f.relative_to(f.parents[1])).encode())
        h.update(f.read_bytes())
    return h.hexdigest()


def cache_key(source: str, base: str, synthetic: bool, reference: tuple[Path, ...]) -> str:
    h = hashlib.sha256("|".join([code_fingerprint(), source, base, str(synthetic)]).encode())
    for r in reference:
        h.update(r.read_bytes())
    return h.hexdigest()[:32]


def prepare_cached(path: Path, base: str, synthetic: bool, reference: tuple[Path, ...],
                   old_cache: Path | None, new_cache: Path | None) -> PreparedReport:
    """prepare(), or its result from the previous build's cache when the text, the flags, the
    corpus's reference files and the code are all unchanged (a rebuild after one report changed
    parses and maps only that report). The result is also written to new_cache."""
    src = read_source(path)
    key = cache_key(f"{src.sha256}|{path}", base, synthetic, reference)
    name = f"{key}.json"
    if old_cache is not None and (old_cache / name).is_file():
        try:
            head, _, body = (old_cache / name).read_text(encoding="utf-8").partition("\n")
            d = json.loads(head)
            own, lines = body[:d["own"]], [x + "\n" for x in body[d["own"]:].split("\n")[:-1]]
            if len(lines) != d["lines"] or not body.endswith("\n") or own.count("\n") != d["own_lines"]:
                raise ValueError("truncated")
            found = PreparedReport(path, d["model"], src.text, d["graph"], own, lines,
                                   [tuple(x) for x in d["glossary"]], from_cache=True)
        except (OSError, ValueError, KeyError, TypeError):
            found = None  # a damaged cache entry is only a miss
        if found is not None:
            if new_cache is not None:
                try:
                    os.link(old_cache / name, new_cache / name)
                except OSError:
                    _write_entry(found, new_cache / name)
            return found
    prepared = prepare(path, base, synthetic, reference, src)
    if new_cache is not None:
        _write_entry(prepared, new_cache / name)
    return prepared


def _write_entry(p: PreparedReport, target: Path) -> None:
    """One line of JSON (the model, the graph, the glossary, the sizes of the parts), then the
    N-Triples lines as they are, own first: JSON-escaping them took a tenth of a report's
    mapping time. A line ends with a line end and holds no other (N-Triples escapes them)."""
    # Not dataclasses.asdict: it deep-copies the model first, a fifth of a report's mapping time.
    head = json.dumps({"model": p.model, "graph": p.graph, "own": len(p.own), "own_lines": p.own.count("\n"),
                       "lines": len(p.lines), "glossary": p.glossary})
    target.write_text(head + "\n" + p.own + "".join(p.lines), encoding="utf-8")


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
