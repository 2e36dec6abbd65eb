"""`hmic-kg build`: corpus -> parse -> map -> reason -> validate -> write, swapped in atomically.

Everything is written into a fresh sibling directory first; the output directory is replaced only
when the dataset conforms to the shapes, so a failed build never touches the last good one.
"""
from __future__ import annotations

import gc
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import Dataset

from . import __version__
from .description import description_graph
from .errors import HmicKgError, ReportError
from .exports import write_exports
from .extract import parse_source
from .extract.source import read_source
from .links import links_graph, recurring_issues
from .manifest import Manifest, read_manifest
from .mapping import DEFAULT_BASE, Minter, canonicalise_glossary, map_report
from .oxrdf import to_ox
from .reasoning import compile_rules, materialise
from .reference import load_turtle, ontology_graph, reference_graph
from .themes import corpus_tagger
from .validation import Validation, validate_store_contents

REPORT_SUFFIXES = {".txt", ".md", ".html", ".htm"}
Progress = Callable[[str, int, int], None]


class InvalidDataset(HmicKgError):
    """The dataset does not conform to the shapes; nothing was written to the output directory."""

    exit_code = 1

    def __init__(self, validation: Validation):
        self.validation = validation
        lines = [str(p) for p in validation.violations[:20]]
        more = len(validation.violations) - len(lines)
        super().__init__(f"the dataset does not conform to the shapes ({len(validation.violations)} violation"
                         f"{'s' if len(validation.violations) != 1 else ''}); the previous output is unchanged:\n  "
                         + "\n  ".join(lines) + (f"\n  ... and {more} more" if more > 0 else ""))


@dataclass
class Parsed:
    path: Path
    model: dict
    text: str


def discover(corpus: Path) -> list[Path]:
    if not corpus.is_dir():
        raise HmicKgError(f"{corpus}: no such corpus directory")
    files = sorted(p for p in corpus.iterdir()
                   if p.is_file() and p.suffix.lower() in REPORT_SUFFIXES and p.name.lower() != "readme.md")
    if not files:
        raise HmicKgError(f"{corpus}: no report texts (*.txt, *.md, *.html) in this directory")
    return files


# Below this many reports a process pool costs more to start than it saves (the corpus's four
# reports parse in 0.3 s).
PARALLEL_FROM = 16


def _parse_one(path: Path) -> tuple[Path, dict, str]:
    src = read_source(path)
    return path, parse_source(src), src.text


def parse_corpus(files: list[Path], progress: Progress | None = None, workers: int | None = None) -> list[Parsed]:
    """Every report parsed, in file order; on several cores once the corpus is large enough.

    A ReportError from any report stops the build, naming that report, as it does sequentially."""
    workers = workers if workers is not None else (os.cpu_count() or 1)
    if workers > 1 and len(files) >= PARALLEL_FROM:
        with ProcessPoolExecutor(workers) as pool:
            results = pool.map(_parse_one, files, chunksize=max(1, len(files) // (workers * 8)))
            return _checked(results, len(files), progress)
    return _checked(map(_parse_one, files), len(files), progress)


def _checked(results, total: int, progress: Progress | None) -> list[Parsed]:
    out, seen = [], {}
    for i, (path, model, text) in enumerate(results, 1):
        key = (model["force"]["id"], model["report"]["programme"])
        if key in seen:
            raise ReportError(str(path), f"is a second report for {key[0]} in {key[1]} (first: {seen[key]})")
        seen[key] = path.name
        out.append(Parsed(path, model, text))
        if progress:
            progress("parse", i, total)
    return out


def assemble(parsed: list[Parsed], base: str, store: ox.Store, manifest: Manifest | None = None) -> dict:
    """Loads every graph into `store`; returns what the build record needs."""
    m = Minter(base)
    ds = Dataset(default_union=True)
    tagger = corpus_tagger(base, manifest.reference if manifest else ())
    for p in parsed:
        map_report(p.model, p.text, base, ds, tagger)
    canonicalise_glossary(ds, base)
    hoist_shared(ds, m)
    store.extend(to_ox(q) for q in ds.quads((None, None, None, None)) if q[3] is not None)
    _, links, followups, citations = recurring_issues([p.model for p in parsed], base)
    store.extend(to_ox((s, p, o, m.graph("links"))) for s, p, o in links_graph(links, followups, citations, base))
    return {"inferred": add_context(store, base, manifest.reference if manifest else ()),
            "similarity_links": len(links), "follow_ups": len(followups)}


def add_context(store: ox.Store, base: str, extra_reference: tuple[Path, ...] = ()) -> int:
    """Adds the reference data (the shipped files and any a corpus brings), the entailments of
    everything in the store, and the ontology; returns the size of the inferred graph. What a build
    does, and what `validate` does to a file."""
    m = Minter(base)
    store.extend(to_ox((s, p, o, m.graph("reference"))) for s, p, o in reference_graph(base))
    for path in extra_reference:
        store.extend(to_ox((s, p, o, m.graph("reference"))) for s, p, o in load_turtle(path, base))
    onto = ontology_graph(base)
    rules = compile_rules(onto)
    # The reasoner reads every named graph present, so the ontology goes in after it has run.
    inf_graph = ox.NamedNode(str(m.graph("inferred")))
    n = materialise(store, rules, inf_graph)
    store.extend(to_ox((s, p, o, inf_graph)) for s, p, o in rules.tbox)
    store.extend(to_ox((s, p, o, m.graph("ontology"))) for s, p, o in onto)
    return n + len(rules.tbox)

def hoist_shared(ds: Dataset, m: Minter) -> None:
    """Moves triples that several report graphs assert (national grade counts, glossary terms) into
    one shared graph. Oxigraph's union default graph is a multiset over graphs, so a triple held by
    two graphs would answer every query twice and double every SUM."""
    prefix = str(m.graph("report"))
    seen: dict = {}
    for s, p, o, g in ds.quads((None, None, None, None)):
        if g is not None and str(getattr(g, "identifier", g)).startswith(prefix):
            seen.setdefault((s, p, o), []).append(getattr(g, "identifier", g))
    shared = ds.graph(m.graph("shared"))
    for t, graphs in seen.items():
        if len(graphs) > 1:
            for gid in graphs:
                ds.graph(gid).remove(t)
            shared.add(t)


def build_dataset(corpus: Path, out: Path, base: str = DEFAULT_BASE, progress: Progress | None = None) -> dict:
    base = base.rstrip("/")
    t0 = time.perf_counter()
    timings: dict[str, float] = {}

    def lap(stage: str, since: float) -> float:
        now = time.perf_counter()
        timings[stage] = round(now - since, 3)
        if progress:
            progress(stage, 1, 1)
        return now

    out = Path(out).absolute()
    _check_replaceable(out)
    files = discover(Path(corpus))
    manifest = read_manifest(Path(corpus))
    parsed = parse_corpus(files, progress)
    for p in parsed:
        if p.path.name in manifest.synthetic:
            p.model["report"]["synthetic"] = True
    t = lap("parse", t0)
    out.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{out.name}.building-", dir=out.parent))
    work.chmod(0o755)
    try:
        store = ox.Store(str(work / "store"))
        info = assemble(parsed, base, store, manifest)
        t = lap("map+reason", t)
        sources = {str(Minter(base).report(p.model["force"]["id"], p.model["report"]["programme"])): str(p.path)
                   for p in parsed}
        desc = description_graph(store, base, parsed, __version__)
        dgraph = ox.NamedNode(str(Minter(base).graph("description")))
        store.extend(to_ox((s, p, o, dgraph)) for s, p, o in desc)
        store.flush()
        texts = work / "texts"
        texts.mkdir()
        for p in parsed:
            (texts / f"{p.model['report']['sha256']}.txt").write_text(p.text, encoding="utf-8")
        # The exports are written while validation runs (the store is complete and no longer
        # changes); a dataset that then fails validation is thrown away with the whole work dir.
        with ThreadPoolExecutor(1) as pool:
            exporting = pool.submit(write_exports, store, work / "exports", base)
            result = validate_store_contents(store, base, sources)
            counts = exporting.result()
        t = lap("validate+write", t)
        if not result.conforms:
            raise InvalidDataset(result)
        result.report.serialize(work / "exports" / "validation.ttl", format="turtle")
        record = {
            "base": base, "tool_version": __version__,
            "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "reports": [{"file": p.path.name, "force": p.model["force"]["id"],
                         "programme": p.model["report"]["programme"], "sha256": p.model["report"]["sha256"]}
                        for p in parsed],
            "counts": {**counts, "similarity_links": info["similarity_links"], "follow_ups": info["follow_ups"]},
            "inferred_triples": info["inferred"], "timings_s": timings,
            "warnings": [{"file": p.path.name, **w} for p in parsed for w in p.model["warnings"]],
            "validation": {"conforms": True, "warnings": len(result.problems) - len(result.violations)},
        }
        (work / "build.json").write_text(json.dumps(record, indent=2, ensure_ascii=False), encoding="utf-8")
        del store  # the store must be closed (its last reference gone) before the directory moves
        gc.collect()
        _check_store(work / "store", counts["quads"])
        _swap(work, out)
        record["timings_s"]["total"] = round(time.perf_counter() - t0, 3)
        return record
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise


def _check_store(path: Path, quads: int) -> None:
    """The written store reopens and holds what was exported, before it replaces anything."""
    found = len(ox.Store.read_only(str(path)))
    if found != quads:
        raise HmicKgError(f"{path}: the store holds {found} quads after writing, not {quads}; "
                          "the previous output is unchanged")


def _check_replaceable(out: Path) -> None:
    if out.exists() and (not out.is_dir() or (not (out / "build.json").exists() and any(out.iterdir()))):
        raise HmicKgError(f"{out}: exists and is not a hmic-kg build directory; refusing to replace it")


def _swap(new: Path, out: Path) -> None:
    """Replaces `out` with `new`: two renames on one filesystem, the old copy removed only after."""
    old = None
    if out.exists():
        old = out.with_name(f".{out.name}.old-{os.getpid()}")
        os.rename(out, old)
    os.rename(new, out)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
