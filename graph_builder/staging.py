"""The canonical N-Quads and the on-disk store, begun while the build is still working.

The report graphs are final as soon as they are loaded (links, entailments, reference data and the
description go into graphs of their own), and on two cores the second one is idle while the build
computes links and entailments. So the report graphs are dumped then, and their sorting and their
loading into the on-disk store start at once in processes of their own; the export child later
adds the remaining graphs (exports.write_exports). At 650 reports the on-disk store's load alone
is 33 CPU-seconds.
"""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pyoxigraph as ox

from .errors import HmicKgError
from .store_loader import StoreLoader


def start_sort(inputs: list[Path], output: Path, merge: bool = False) -> subprocess.Popen:
    """GNU sort in the C locale (byte order, which for UTF-8 is code point order), within a bounded
    buffer: sorting 3 million lines in Python held them all twice over. Sorted N-Quads with no
    blank nodes are the canonical form."""
    # A merge reads its sorted inputs line by line and needs no big buffer.
    return subprocess.Popen(["sort", "-u", *(["-m", "-S", "16M"] if merge else ["-S", "256M"]), "-T", str(output.parent),
                             "-o", str(output), *map(str, inputs)],
                            env={**os.environ, "LC_ALL": "C"}, stderr=subprocess.PIPE)


def wait_sort(proc: subprocess.Popen) -> None:
    _, err = proc.communicate()
    if proc.returncode != 0:
        raise HmicKgError(f"sorting the N-Quads failed: {err.decode(errors='replace').strip()[-300:]}")


class Staging:
    """What was handed on early: the graphs in the first part, that part sorted, the loader."""

    def __init__(self, directory: Path, store_dir: Path | None):
        self.dir = directory
        self.dir.mkdir(parents=True)
        self.loader = StoreLoader(store_dir) if store_dir is not None else None
        self.graphs: frozenset[str] = frozenset()
        self.sorted_part: Path | None = None
        self._sort: subprocess.Popen | None = None

    def first_part(self, store: ox.Store) -> None:
        """Everything `store` holds now, which must be final: dumped, then sorted and loaded aside."""
        part = self.dir / "first.nq"
        store.dump(str(part), format=ox.RdfFormat.N_QUADS)
        self.graphs = frozenset(g.value for g in store.named_graphs())
        if self.loader is not None:
            self.loader.add(part)
        self.sorted_part = self.dir / "first.sorted.nq"
        self._sort = start_sort([part], self.sorted_part)

    def sorted(self) -> None:
        """Waits until the first part is sorted (before the export child is forked)."""
        if self._sort is not None:
            proc, self._sort = self._sort, None
            wait_sort(proc)

    def stop(self) -> None:
        if self._sort is not None and self._sort.poll() is None:
            self._sort.kill()
            self._sort.wait()
        if self.loader is not None:
            self.loader.kill()
