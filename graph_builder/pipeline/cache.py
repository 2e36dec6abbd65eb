"""The per-report cache: a report whose text, flags, corpus reference files and code are unchanged
is not parsed or mapped again (a rebuild after one report changed redoes only that report).

An entry is one line of JSON (the model, the graph, the glossary, the sizes of the parts), then the
report's N-Triples lines as they are, its own lines first. A damaged entry is only a miss.
"""
from __future__ import annotations

import hashlib
import json
import os
from functools import lru_cache
from pathlib import Path

from graph_builder import __version__
from graph_builder.extract.source import read_source
from graph_builder.paths import project_dir
from graph_builder.pipeline.reports import PreparedReport, prepare


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
                   old_cache: Path | None, new_cache: Path | None, published: str = "") -> PreparedReport:
    """prepare(), or its result from the previous build's cache when the text, the flags, the
    corpus's reference files and the code are all unchanged (a rebuild after one report changed
    parses and maps only that report). The result is also written to new_cache."""
    src = read_source(path)
    key = cache_key(f"{src.sha256}|{path}|{published}", base, synthetic, reference)
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
    prepared = prepare(path, base, synthetic, reference, src, published)
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
