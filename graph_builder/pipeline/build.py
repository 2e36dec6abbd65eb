"""`hmic-kg build`: corpus -> parse -> map -> reason -> validate -> write, swapped in atomically.

Everything is written into a fresh sibling directory first; the output directory is replaced only
when the dataset conforms to the shapes, so a failed build never touches the last good one.
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pyoxigraph as ox

from graph_builder import __version__
from graph_builder.errors import HmicKgError, ReportError
from graph_builder.export.formats import write_exports
from graph_builder.iris import DEFAULT_BASE, Minter, check_base
from graph_builder.links.graph import links_ntriples, recurring_issues
from graph_builder.oxrdf import to_ox
from graph_builder.pipeline.forked import Forked, timed
from graph_builder.pipeline.manifest import Manifest, read_manifest
from graph_builder.pipeline.reports import PreparedReport, prepare_cached, report_nquads
from graph_builder.pipeline.staging import Staging
from graph_builder.reason import add_context
from graph_builder.to_rdf.description import description_graph
from graph_builder.validate.validation import Validation, validate_store_contents

REPORT_SUFFIXES = {".txt", ".md", ".html", ".htm"}
# Each report's parse and mapping, keyed by its text, flags and the code (report_graphs.cache_key).
CACHE = Path("cache") / "reports"
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


def discover(corpus: Path) -> list[Path]:
    if not corpus.is_dir():
        raise HmicKgError(f"{corpus}: no such corpus directory")
    files = sorted(p for p in corpus.iterdir()
                   if p.is_file() and p.suffix.lower() in REPORT_SUFFIXES and p.name.lower() != "readme.md")
    if not files:
        raise HmicKgError(f"{corpus}: no report texts (*.txt, *.md, *.html) in this directory")
    return files


# Niceness of the validation threads relative to the build (build_dataset, below).
VALIDATION_NICE = 10
# Below this many reports a process pool costs more to start than it saves (the corpus's four
# reports parse in 0.3 s).
PARALLEL_FROM = 16


def parse_corpus(files: list[Path], progress: Progress | None = None, workers: int | None = None,
                 base: str = DEFAULT_BASE, manifest: Manifest | None = None,
                 old_cache: Path | None = None, new_cache: Path | None = None) -> list[PreparedReport]:
    """Every report parsed and mapped to its graph's lines, in file order; on every core once the
    corpus is large enough; from old_cache where a report and the code are unchanged.

    A ReportError from any report stops the build, naming that report, as it does sequentially."""
    manifest = manifest or Manifest()
    workers = workers if workers is not None else (os.cpu_count() or 1)
    tasks = [(f, base.rstrip("/"), f.name in manifest.synthetic, manifest.reference, old_cache, new_cache)
             for f in files]
    if workers > 1 and len(files) >= PARALLEL_FROM:
        with ProcessPoolExecutor(workers) as pool:
            results = pool.map(_prepare, tasks, chunksize=max(1, len(files) // (workers * 8)))
            return _checked(results, len(files), progress)
    return _checked(map(_prepare, tasks), len(files), progress)


def _prepare(task) -> PreparedReport:
    return prepare_cached(*task)


def _checked(results, total: int, progress: Progress | None) -> list[PreparedReport]:
    out, seen = [], {}
    for i, p in enumerate(results, 1):
        key = (p.model["force"]["id"], p.model["report"]["programme"])
        if key in seen:
            raise ReportError(str(p.path), f"is a second report for {key[0]} in {key[1]} (first: {seen[key]})")
        seen[key] = p.path.name
        out.append(p)
        if progress:
            progress("parse", i, total)
    return out


def assemble(parsed: list[PreparedReport], base: str, store: ox.Store, manifest: Manifest | None = None,
             staging: Staging | None = None) -> dict:
    """Loads every graph into `store`; returns what the build record needs. The reports' lines
    are dropped once loaded (at national scale they hold half a gigabyte). With `staging`, the
    report graphs are handed to it as soon as they are loaded."""
    m = Minter(base)
    # The similarity search and the links graph's lines are made by a forked child while this
    # process joins the report graphs and loads them: both are mostly Python, so in one process
    # they took turns on one core while the other waited.
    links_file = (staging.dir if staging is not None else Path(tempfile.gettempdir())) / f"links-{os.getpid()}.nt"
    finding = Forked("finding recurring issues", _write_links, [p.model for p in parsed], base, links_file,
                     daemon=False)  # not a daemon: the similarity search has worker processes of its own
    try:
        nquads = report_nquads(parsed, str(m.graph("shared")))
        for p in parsed:
            p.own = p.lines = p.glossary = None
        _load_reports(store, nquads, staging)
        del nquads
        n_links, n_followups = finding.result()
        for p in parsed:  # what the build record and the description still read; the rest is in the store
            p.model = {k: p.model[k] for k in ("report", "force", "warnings")}
        links_graph = ox.NamedNode(str(m.graph("links")))
        store.bulk_load(path=str(links_file), format=ox.RdfFormat.N_TRIPLES, to_graph=links_graph,
                        lenient=True)  # lenient: see _load_reports
        if staging is not None:
            # Handed on now: the loader has finished the reports by the end of the reasoning and
            # would wait for the exports otherwise.
            staging.add(store, [links_graph])
    finally:
        finding.stop()
        links_file.unlink(missing_ok=True)
    return {"inferred": add_context(store, base, manifest.reference if manifest else ()),
            "similarity_links": n_links, "follow_ups": n_followups}


def _write_links(models: list[dict], base: str, path: Path) -> tuple[int, int]:
    """The links graph as N-Triples into `path`; the numbers of similarity links and follow-ups."""
    _, links, followups, citations = recurring_issues(models, base)
    path.write_bytes(links_ntriples(links, followups, citations, base).encode("utf-8"))
    return len(links), len(followups)


def _load_reports(store: ox.Store, nquads: bytes, staging: Staging | None) -> None:
    # Lenient, as the links above: lines this package wrote from minted IRIs (check_base) and
    # escaped literals; checking every IRI again was a quarter of the load time.
    store.bulk_load(nquads, format=ox.RdfFormat.N_QUADS, lenient=True)
    if staging is not None:
        staging.add(store)  # the store holds the report graphs only, and they are final


def build_dataset(corpus: Path, out: Path, base: str = DEFAULT_BASE, progress: Progress | None = None) -> dict:
    base = check_base(base)
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
    out.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{out.name}.building-", dir=out.parent))
    work.chmod(0o755)
    staging = None
    try:
        (work / CACHE).mkdir(parents=True)
        old_cache = out / CACHE if (out / CACHE).is_dir() else None
        parsed = parse_corpus(files, progress, base=base, manifest=manifest, old_cache=old_cache,
                              new_cache=work / CACHE)
        t = lap("parse+map", t0)
        # Built in memory: loading and updating an on-disk store cost more than the rest of the
        # build; the on-disk store is loaded aside, once, from the finished graphs (staging.py).
        store = ox.Store()
        staging = Staging(work / "staging", work / "store")
        info = assemble(parsed, base, store, manifest, staging)
        t = lap("links+reason", t)
        sources = {str(Minter(base).report(p.model["force"]["id"], p.model["report"]["programme"])): str(p.path)
                   for p in parsed}
        desc = description_graph(store, base, parsed, __version__)
        dgraph = ox.NamedNode(str(Minter(base).graph("description")))
        store.extend(to_ox((s, p, o, dgraph)) for s, p, o in desc)
        texts = work / "texts"
        texts.mkdir()
        for p in parsed:
            (texts / f"{p.model['report']['sha256']}.txt").write_text(p.text, encoding="utf-8")
            p.text = None
        # The exports are written, and the rest of the on-disk store handed to its loader, by a
        # forked child while this process validates (the store is complete and no longer
        # changes; a thread would share one core, as pyoxigraph holds the GIL). A dataset that
        # fails validation is thrown away with the whole work dir.
        staging.sorted()
        exporting = Forked("writing the exports", _export, store, work / "exports", staging, base)
        try:
            staging.loader.close_input()  # the child holds the loader's input now, and closes it
            # The checks run at a lower priority than the export process and the store loader:
            # those are single-threaded and finish last, the checks fill whatever CPU they leave
            # (measured: the build ends when the last of them does).
            result = validate_store_contents(store, base, sources, threads=os.cpu_count() or 1, nice=VALIDATION_NICE)
            validated = time.perf_counter() - t
            if not result.conforms:
                raise InvalidDataset(result)  # the exports are not waited for, only stopped
            # Freed while the exports and the loader finish, not after them: dropping a national
            # store takes a second or two, which was the build's last serial step.
            del store
            counts, written = exporting.result()
            stored = staging.loader.finish()
        finally:
            exporting.stop()
        shutil.rmtree(work / "staging")
        t = lap("validate+write", t)
        timings["of which validate"], timings["of which write (in parallel)"] = round(validated, 3), round(written, 3)
        result.report.serialize(work / "exports" / "validation.ttl", format="turtle")
        record = {
            "base": base, "tool_version": __version__,
            "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "reports": [{"file": p.path.name, "force": p.model["force"]["id"],
                         "programme": p.model["report"]["programme"], "sha256": p.model["report"]["sha256"]}
                        for p in parsed],
            "counts": {**counts, "similarity_links": info["similarity_links"], "follow_ups": info["follow_ups"]},
            "inferred_triples": info["inferred"], "timings_s": timings,
            "reports_from_cache": sum(p.from_cache for p in parsed),
            "warnings": [{"file": p.path.name, **w} for p in parsed for w in p.model["warnings"]],
            "validation": {"conforms": True, "warnings": len(result.problems) - len(result.violations)},
        }
        (work / "build.json").write_text(json.dumps(record, indent=2, ensure_ascii=False), encoding="utf-8")
        _check_store(work / "store", stored, counts["quads"])
        _swap(work, out)
        record["timings_s"]["total"] = round(time.perf_counter() - t0, 3)
        return record
    except BaseException:
        if staging is not None:
            staging.stop()
        shutil.rmtree(work, ignore_errors=True)
        raise


def _export(store: ox.Store, exports: Path, staging: Staging, base: str) -> tuple[dict, float]:
    return timed(write_exports, store, exports, base, staging)


def _check_store(path: Path, found: int, quads: int) -> None:
    """The written store, reopened (by its loader), holds what was exported, before it replaces
    anything."""
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
