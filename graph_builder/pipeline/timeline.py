"""Every process, thread, pipe and file of `hmic-kg build`, in the order they run.

This is the one module that starts processes during a full build (an incremental one follows
rebuild.py, which shares steps 1 to 5, `fill_store`); build.py prepares the work directory around
`run()` and publishes the result. M is the main process; the in-memory store lives in M.

 1. **Parse and map** (M, then a pool). `parse_corpus` runs `cache.prepare_cached` on each report,
    from PARALLEL_FROM reports on in a ProcessPoolExecutor of one process per core. A worker hands
    back a PreparedReport (model, text, N-Triples lines) and nothing else crosses.
 2. **Store loader** (a fresh interpreter, spawned by Staging): `python -m
    graph_builder.pipeline.store_loader` bulk-loads into `store/` each N-Quads file whose path
    arrives on its stdin, then reopens the store read-only and prints its size. M owns the stdin
    until step 7, when the export child inherits it: M closes its copy right after the fork, the
    child closes its own after the last path, and end of input tells the loader there is no more.
 3. **Links child** (fork of M, "finding recurring issues", not a daemon: the similarity search
    starts a pool of its own). It sees the models as they were at the fork and writes the links
    graph as N-Triples to `staging/links-<pid>.nt`. Meanwhile M joins the report lines, loads them
    into the store and hands them to Staging (`part-0.nq`: one GNU sort process, and its path to
    the loader). M then drops every PreparedReport; a ReportSummary of each is what remains.
 4. M waits for the links child, loads its file, hands the links graph to Staging (`part-1.nq`).
 5. M adds the reference data, the entailments and the ontology (reason.add_context), the derived
    graph (derive.add_derived), then the dataset description.
 6. **Sort before fork**: M waits for every staged sort, so that the export child inherits no
    running child process of M's.
 7. **Export child** (fork of M, "writing the exports"): dumps the graphs not yet staged to
    `rest.nq`, gives its path to the loader and closes its copy of the loader's stdin, sorts it,
    writes every other format (export.formats.write_formats) and the full-text index
    `search.sqlite` (export.search_index), and merges the sorted parts into `exports/dataset.nq`.
 8. M validates the store meanwhile, in threads VALIDATION_NICE steps below the build's priority
    (the export child and the loader are single-threaded and finish last; the checks fill the CPU
    they leave). An invalid dataset stops the export child's process group and the loader at once.
 9. M frees the store, waits for the export child, then for the loader's count.

Fork rules. Only M forks. A child never opens an on-disk store: RocksDB's thread pool does not
survive a fork when the parent has used one (a test session, `serve`), which is why the loader is
a fresh interpreter. A child may start processes, in its own process group (Forked), so that
stopping it stops them. A child's HmicKgError is the input's fault (exit 2); any other failure of
a child is an InternalError with its traceback (exit 3).
"""
from __future__ import annotations

import os
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from graph_builder import __version__
from graph_builder.derive import add_derived
from graph_builder.errors import HmicKgError, ReportError
from graph_builder.export.formats import write_formats
from graph_builder.export.search_index import FILE as SEARCH_INDEX
from graph_builder.export.search_index import write_search_index
from graph_builder.iris import DEFAULT_BASE, Minter
from graph_builder.lifetime import die_with_parent, give_back_freed_memory
from graph_builder.links.graph import find_links, links_ntriples
from graph_builder.oxrdf import in_order, to_ox
from graph_builder.pipeline.cache import prepare_cached
from graph_builder.pipeline.corpus import Manifest
from graph_builder.pipeline.forked import Forked, timed
from graph_builder.pipeline.reports import PreparedReport, ReportSummary, report_nquads
from graph_builder.pipeline.staging import Staging, dump_graphs, start_sort, wait_sort
from graph_builder.reason import add_context
from graph_builder.to_rdf.description import description_graph
from graph_builder.validate.validation import Validation, validate_store_contents

Progress = Callable[[str, int, int], None]
# Niceness of the validation threads relative to the build.
VALIDATION_NICE = 10
# Below this many reports a process pool costs more to start than it saves (the corpus's four
# reports parse in 0.3 s).
PARALLEL_FROM = 16


@dataclass(frozen=True)
class Outcome:
    """What the build's processes leave for the build record; the files are in the work dir."""

    reports: list[ReportSummary]
    counts: dict
    stored: int  # quads in the on-disk store, counted by the loader after reopening it
    inferred: int
    similarity_links: int
    follow_ups: int
    validation: Validation
    timings: dict[str, float]


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


def parse_corpus(files: list[Path], progress: Progress | None = None, workers: int | None = None,
                 base: str = DEFAULT_BASE, manifest: Manifest | None = None,
                 old_cache: Path | None = None, new_cache: Path | None = None) -> list[PreparedReport]:
    """Step 1: every report parsed and mapped, in file order; from old_cache where a report and
    the code are unchanged. A ReportError from any report stops the build, naming that report."""
    manifest = manifest or Manifest()
    workers = workers if workers is not None else (os.cpu_count() or 1)
    tasks = [(f, base.rstrip("/"), f.name in manifest.synthetic, manifest.reference, old_cache, new_cache,
              manifest.published_json(f.name)) for f in files]
    if workers > 1 and len(files) >= PARALLEL_FROM:
        # Workers die with this process: a build killed while parsing left them blocked for ever.
        with ProcessPoolExecutor(workers, initializer=die_with_parent) as pool:
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


@dataclass
class Filled:
    """The in-memory store after steps 1 to 5, and what the build record needs of them."""

    store: ox.Store
    reports: list[ReportSummary]
    inferred: int
    similarity_links: int
    follow_ups: int


class Clock:
    """The build record's timings, one lap per stage."""

    def __init__(self, progress: Progress | None):
        self.timings: dict[str, float] = {}
        self.progress = progress
        self.last = self.start = time.perf_counter()

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.timings[stage] = round(now - self.last, 3)
        self.last = now
        if self.progress:
            self.progress(stage, 1, 1)


def fill_store(files: list[Path], work: Path, cache: Path, base: str, manifest: Manifest,
               old_cache: Path | None, staging: Staging, clock: Clock) -> Filled:
    """Steps 1 to 5, shared by a full build (run) and an incremental one (rebuild.py): every graph
    of the dataset in an in-memory store, the report and links graphs handed to `staging`."""
    parsed = parse_corpus(files, clock.progress, base=base, manifest=manifest, old_cache=old_cache,
                          new_cache=cache)
    clock.lap("parse+map")
    reports = [ReportSummary.of(p) for p in parsed]
    write_texts(parsed, work / "texts")
    # Built in memory: loading and updating an on-disk store cost more than the rest of the build;
    # the on-disk store is loaded aside, once, from the finished graphs (steps 2, 3, 4, 7).
    store = ox.Store()
    m = Minter(base)
    links_file = staging.dir / f"links-{os.getpid()}.nt"
    finding = Forked("finding recurring issues", write_links, [p.model for p in parsed], base,
                     links_file, manifest.curation, daemon=False)
    try:
        nquads = report_nquads(parsed, str(m.graph("shared")))
        del parsed  # at national scale the models, texts and lines are half a gigabyte
        # Lenient, as the links below: lines this package wrote from minted IRIs (check_base)
        # and escaped literals; checking every IRI again was a quarter of the load time.
        store.bulk_load(nquads, format=ox.RdfFormat.N_QUADS, lenient=True)
        del nquads
        give_back_freed_memory()
        staging.add(store)  # the store holds the report graphs only, and they are final
        n_links, n_followups = finding.result()
        links_graph = ox.NamedNode(str(m.graph("links")))
        store.bulk_load(path=str(links_file), format=ox.RdfFormat.N_TRIPLES, to_graph=links_graph,
                        lenient=True)
        staging.add(store, [links_graph])
    finally:
        finding.stop()
        links_file.unlink(missing_ok=True)
    inferred = add_context(store, base, manifest.reference)
    add_derived(store, base)  # in fill_store: a full and an incremental build both derive it whole
    desc = description_graph(store, base, [(r.force_id, r.programme) for r in reports], __version__)
    store.extend(to_ox((s, p, o, m.graph("description"))) for s, p, o in in_order(desc))
    clock.lap("links+reason")
    return Filled(store, reports, inferred, n_links, n_followups)


def run(files: list[Path], work: Path, cache: Path, base: str, manifest: Manifest,
        old_cache: Path | None, progress: Progress | None = None) -> Outcome:
    """Steps 1 to 9 into `work` (store/, exports/, texts/, and `cache`, the new per-report
    cache). Raises InvalidDataset, with every process stopped, when the dataset does not conform."""
    clock = Clock(progress)
    staging = Staging(work / "staging", work / "store")
    try:
        filled = fill_store(files, work, cache, base, manifest, old_cache, staging, clock)
        store, reports = filled.store, filled.reports
        t = clock.last
        staging.sorted()
        exporting = Forked("writing the exports", _export, store, work / "exports", staging, base)
        try:
            staging.loader.close_input()
            sources = {str(Minter(base).report(r.force_id, r.programme)): str(r.path) for r in reports}
            result = validate_store_contents(store, base, sources, threads=os.cpu_count() or 1,
                                             nice=VALIDATION_NICE)
            validated = time.perf_counter() - t
            if not result.conforms:
                raise InvalidDataset(result)  # the exports are not waited for, only stopped
            # Freed while the exports and the loader finish, not after them: dropping a national
            # store takes a second or two, which was the build's last serial step.
            del store, filled.store
            give_back_freed_memory()
            counts, written = exporting.result()
            stored = staging.loader.finish()
        finally:
            exporting.stop()
    except BaseException:
        staging.stop()
        raise
    staging.remove()
    return finish(clock, filled, counts, stored, result, {"validate": validated, "write (in parallel)": written})


def finish(clock: Clock, filled: Filled, counts: dict, stored: int, result, parts: dict[str, float]) -> Outcome:
    """The build's outcome, its last lap timed and `parts` of it ('of which ...') recorded."""
    clock.lap("validate+write")
    timings = clock.timings
    for name, seconds in parts.items():
        timings[f"of which {name}"] = round(seconds, 3)
    return Outcome(filled.reports, counts, stored, filled.inferred, filled.similarity_links,
                   filled.follow_ups, result, timings)


def write_texts(parsed: list[PreparedReport], texts: Path) -> None:
    texts.mkdir()
    for p in parsed:
        (texts / f"{p.model['report']['sha256']}.txt").write_text(p.text, encoding="utf-8")


def write_links(models: list[dict], base: str, path: Path, curation: tuple = ()) -> tuple[int, int]:
    """In the links child: the links graph as N-Triples into `path`, the corpus's curation
    judgements applied; the numbers of similarity links and follow-ups."""
    found = find_links(models, base, curation)
    path.write_bytes(links_ntriples(found.links, found.followups, found.citations, base, found).encode("utf-8"))
    return len(found.links), len(found.followups)


def export_formats(store: ox.Store, exports: Path, base: str) -> dict:
    """Every download format but the canonical N-Quads, and the full-text index; the counts.
    One function for the full and the incremental build, so that both write the same files."""
    counts = write_formats(store, exports, base)
    # Beside exports/, not in it: the service reads it; it is no download format.
    counts["search_items"] = write_search_index(store, exports.parent / SEARCH_INDEX, base)
    return counts


def _export(store: ox.Store, exports: Path, staging: Staging, base: str) -> tuple[dict, float]:
    return timed(_write_exports, store, exports, staging, base)


def _write_exports(store: ox.Store, exports: Path, staging: Staging, base: str) -> dict:
    """In the export child (step 7)."""
    exports.mkdir(parents=True)
    rest = staging.dir / "rest.nq"
    with rest.open("wb") as fh:
        # The default graph's triples are quads of the default graph as they stand.
        store.dump(fh, format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
        dump_graphs(store, [g for g in store.named_graphs() if g.value not in staging.graphs], fh)
    staging.loader.add(rest)
    staging.loader.close_input()
    # Canonical N-Quads: no blank nodes anywhere, so sorted lines are the canonical form.
    sorted_rest = rest.with_suffix(".sorted.nq")
    sorting = start_sort([rest], sorted_rest)
    try:
        counts = export_formats(store, exports, base)
    except BaseException:
        sorting.kill()
        sorting.wait()
        raise
    wait_sort(sorting)
    rest.unlink()
    wait_sort(start_sort([*staging.parts, sorted_rest], exports / "dataset.nq", merge=True))
    return {"quads": len(store), **counts}
