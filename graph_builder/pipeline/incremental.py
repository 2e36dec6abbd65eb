"""What a build keeps for the next one to be incremental, and whether the last build can be reused.

A rebuild after a few reports changed reuses the previous build's on-disk store (patched with the
difference between the two canonical N-Quads files, store_patch.py) and its validation results for
every node no changed quad touches (validate/reuse.py). Both are sound only if the previous build
was made by the same code from the same ontology, shapes, base IRI and corpus reference files: all
of them are in the fingerprint written into every build (`cache/incremental.json`), and a build
whose fingerprint differs, or that lacks any file the reuse reads, is rebuilt in full.

The corpus's report texts are not in the fingerprint: they are what an incremental build compares.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from graph_builder import __version__
from graph_builder.paths import project_dir
from graph_builder.pipeline.cache import code_fingerprint

STATE = Path("cache") / "incremental.json"
# Bumped when what the state holds changes meaning.
FORMAT = 1


def fingerprint(base: str, reference: tuple[Path, ...]) -> str:
    """The code (the whole package and the ontology, cache.code_fingerprint), the shapes, the base
    IRI and the corpus's reference files: what everything but the report texts depends on."""
    h = hashlib.sha256(f"{FORMAT}|{__version__}|{code_fingerprint()}|{base}".encode())
    for f in sorted(project_dir("shapes").rglob("*.ttl")):
        h.update(f.name.encode())
        h.update(f.read_bytes())
    for r in reference:
        h.update(str(r.name).encode())
        h.update(r.read_bytes())
    return h.hexdigest()


@dataclass(frozen=True)
class Previous:
    """The build an incremental build starts from: its directory (a version) and what it kept."""

    root: Path
    quads: int
    results: list  # its Core-shape results, as validate.reuse.save wrote them

    @property
    def dataset(self) -> Path:
        return self.root / "exports" / "dataset.nq"

    @property
    def store(self) -> Path:
        return self.root / "store"


def previous(out: Path, fp: str) -> Previous | None:
    """The current build of `out` when it can be reused by a build with fingerprint `fp`; None
    (a full build) when there is none, it was made by other code, shapes or reference data, or any
    file the reuse reads is missing or unreadable."""
    root = out.resolve() if out.is_symlink() else out
    try:
        state = json.loads((root / STATE).read_text(encoding="utf-8"))
        record = json.loads((root / "build.json").read_text(encoding="utf-8"))
        if state.get("format") != FORMAT or state.get("fingerprint") != fp:
            return None
        quads = int(record["counts"]["quads"])
        if quads != state.get("quads") or not (root / "store" / "CURRENT").is_file():
            return None
        # The store is patched with the difference from this file, so it must be the file the
        # build wrote: an edited copy would leave the store holding other quads than the export.
        if _stamp(root / "exports" / "dataset.nq") != state.get("dataset"):
            return None
        return Previous(root, quads, list(state["results"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def write_state(work: Path, fp: str, quads: int, results: list) -> None:
    (work / STATE).write_text(json.dumps({"format": FORMAT, "fingerprint": fp, "quads": quads,
                                          "dataset": _stamp(work / "exports" / "dataset.nq"),
                                          "results": results}), encoding="utf-8")


def _stamp(path: Path) -> list[int]:
    st = path.stat()
    return [st.st_size, st.st_mtime_ns]
