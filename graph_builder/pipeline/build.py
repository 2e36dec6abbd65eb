"""`hmic-kg build`: corpus -> parse -> map -> links -> reason -> validate -> store and exports,
then published by replacing the output directory.

Everything is written into a new version directory first (the processes that write it are in
timeline.py); the output, a link to the current version (versions.py), is pointed at it in one
rename only when the dataset conforms to the shapes and the store holds what was exported, so a
failed or killed build never touches the last good one.
"""
from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

from graph_builder import __version__
from graph_builder.errors import HmicKgError
from graph_builder.iris import DEFAULT_BASE, check_base
from graph_builder.pipeline import incremental, rebuild, timeline, versions
from graph_builder.pipeline.corpus import discover, read_manifest
from graph_builder.pipeline.timeline import Progress

# Each report's parse and mapping, keyed by its text, flags and the code (cache.cache_key).
CACHE = Path("cache") / "reports"


def build_dataset(corpus: Path, out: Path, base: str = DEFAULT_BASE, progress: Progress | None = None,
                  full: bool = False) -> dict:
    """Builds `corpus` into `out`; incrementally from the build `out` holds when it was made by the
    same code, ontology, shapes, base and reference data (pipeline/incremental.py), unless `full`."""
    base = check_base(base)
    t0 = time.perf_counter()
    out = Path(out).absolute()
    _check_replaceable(out)
    files = discover(Path(corpus))
    manifest = read_manifest(Path(corpus))
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise HmicKgError(f"--out {out}: cannot create its parent directory ({exc.strerror})") from None
    with versions.BuildLock(out):
        versions.remove_unused(out)  # what killed builds left behind
        work = versions.new_version(out)
        try:
            (work / CACHE).mkdir(parents=True)
            old_cache = out / CACHE if (out / CACHE).is_dir() else None
            fp = incremental.fingerprint(base, manifest.reference)
            previous = None if full else incremental.previous(out, fp)
            if previous is None:
                done = timeline.run(files, work, work / CACHE, base, manifest, old_cache, progress)
            else:
                done = rebuild.run(files, work, work / CACHE, base, manifest, old_cache, previous, progress)
            incremental.write_state(work, fp, done.counts["quads"], done.validation.results)
            done.validation.report.serialize(work / "exports" / "validation.ttl", format="turtle")
            record = _record(done, base)
            record["incremental"] = previous is not None
            (work / "build.json").write_text(json.dumps(record, indent=2, ensure_ascii=False), encoding="utf-8")
            _check_store(work / "store", done.stored, done.counts["quads"])
            versions.publish(work, out)
        except BaseException:
            shutil.rmtree(work, ignore_errors=True)
            raise
        versions.remove_unused(out)  # the previous build, unless a server still serves it
    record["timings_s"]["total"] = round(time.perf_counter() - t0, 3)
    return record


def _record(done: timeline.Outcome, base: str) -> dict:
    reports = done.reports
    return {
        "base": base, "tool_version": __version__,
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "reports": [{"file": r.path.name, "force": r.force_id, "programme": r.programme, "sha256": r.sha256}
                    for r in reports],
        "counts": {**done.counts, "similarity_links": done.similarity_links, "follow_ups": done.follow_ups},
        "inferred_triples": done.inferred, "timings_s": dict(done.timings),
        "reports_from_cache": sum(r.from_cache for r in reports),
        "warnings": [{"file": r.path.name, **w} for r in reports for w in r.warnings],
        "validation": {"conforms": True,
                       "warnings": len(done.validation.problems) - len(done.validation.violations)},
    }


def _check_store(path: Path, found: int, quads: int) -> None:
    """The written store, reopened (by its loader), holds what was exported, before it replaces
    anything."""
    if found != quads:
        raise HmicKgError(f"{path}: the store holds {found} quads after writing, not {quads}; "
                          "the previous output is unchanged")


def _check_replaceable(out: Path) -> None:
    if out.exists() and (not out.is_dir() or (not (out / "build.json").exists() and any(out.iterdir()))):
        raise HmicKgError(f"{out}: exists and is not a hmic-kg build directory; refusing to replace it")
