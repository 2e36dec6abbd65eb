"""The canonical N-Quads and the on-disk store, begun while the build is still working.

The report graphs are final as soon as they are loaded (the links, the entailments, the reference
data and the description each go into graphs of their own), and on two cores the second one is
idle while the build computes links and entailments. So the report graphs are dumped then, and
their sorting and their loading into the on-disk store start at once in processes of their own;
the links graph follows once it is loaded, and the export child later adds the graphs that remain
and merges the sorted parts (timeline.py, steps 3, 4 and 7). At 650 reports the on-disk store's
load alone is about 30 CPU-seconds.
"""
from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox

from graph_builder.errors import HmicKgError
from graph_builder.extract.source import MAX_BYTES
from graph_builder.pipeline.store_loader import StoreLoader

# The longest N-Triples line a dump can hold: a report's text as one literal, every character
# escaped at worst to two.
MAX_LINE = 2 * MAX_BYTES + 4096


def start_sort(inputs: list[Path], output: Path, merge: bool = False) -> subprocess.Popen:
    """GNU sort in the C locale (byte order, which for UTF-8 is code point order), within a bounded
    buffer: sorting 3 million lines in Python held them all twice over. Sorted N-Quads with no
    blank nodes are the canonical form."""
    # A merge reads its sorted inputs line by line and needs no big buffer.
    # One thread: two cost 15% more CPU time, and the build keeps both cores busy without them.
    buffer = ["-m", "-S", "16M"] if merge else ["-S", "256M"]
    return subprocess.Popen(["sort", "-u", "--parallel=1", *buffer, "-T", str(output.parent), "-o", str(output), *map(str, inputs)],
                            env={**os.environ, "LC_ALL": "C"}, stderr=subprocess.PIPE)


def wait_sort(proc: subprocess.Popen) -> None:
    _, err = proc.communicate()
    if proc.returncode != 0:
        raise HmicKgError(f"sorting the N-Quads failed: {err.decode(errors='replace').strip()[-300:]}")


def dump_graphs(store: ox.Store, graphs: Iterable[ox.NamedNode], fh) -> None:
    """The graphs as N-Quads into a binary file (Store.dump of one graph writes triples)."""
    for g in graphs:
        writer = _InGraph(fh, g)
        store.dump(writer, format=ox.RdfFormat.N_TRIPLES, from_graph=g)
        if writer.tail:  # a last line without its end would be lost
            raise ValueError(f"the dump of {g} did not end with a line end")


class _InGraph:
    """A binary file that appends `graph` to each N-Triples line written through it, making
    N-Quads (a line ends with " .\\n" and nowhere else: N-Triples escapes newlines in literals).
    A line may be far longer than a write (a report's whole text is one literal): its pieces are
    kept as a list and joined once, not copied again at every write."""

    def __init__(self, fh, graph: ox.NamedNode):
        self.fh, self.end = fh, f" {graph} .\n".encode()
        self._tail: list[bytes] = []
        self._tail_size = 0

    @property
    def tail(self) -> bytes:
        return b"".join(self._tail)

    def write(self, chunk) -> int:
        chunk = bytes(chunk)
        cut = chunk.rfind(b"\n") + 1
        if cut == 0:
            self._tail.append(chunk)
            self._tail_size += len(chunk)
            if self._tail_size > MAX_LINE:  # no line is that long: this is not N-Triples
                raise ValueError("N-Triples dump without line ends")
            return len(chunk)
        self._tail.append(chunk[:cut])
        self.fh.write(b"".join(self._tail).replace(b" .\n", self.end))
        self._tail = [chunk[cut:]] if cut < len(chunk) else []
        self._tail_size = len(chunk) - cut
        return len(chunk)

    def flush(self) -> None:
        pass


class Staging:
    """What was handed on early: the graphs already dumped, their sorted parts, the loader."""

    def __init__(self, directory: Path, store_dir: Path | None):
        self.dir = directory
        self.dir.mkdir(parents=True)
        self.loader = StoreLoader(store_dir) if store_dir is not None else None
        self.graphs: set[str] = set()
        self.parts: list[Path] = []  # sorted, once sorted() has returned
        self._sorts: list[subprocess.Popen] = []

    def add(self, store: ox.Store, graphs: list[ox.NamedNode] | None = None) -> None:
        """Hands on `graphs` of `store` (by default everything it holds now), which must be final:
        dumped here, then sorted and loaded into the on-disk store aside. Not thread-safe: one
        part at a time."""
        part = self.dir / f"part-{len(self.parts)}.nq"
        if graphs is None:
            self.graphs |= {g.value for g in store.named_graphs()}
            store.dump(str(part), format=ox.RdfFormat.N_QUADS)
        else:
            self.graphs |= {g.value for g in graphs}
            with part.open("wb") as fh:
                dump_graphs(store, graphs, fh)
        if self.loader is not None:
            self.loader.add(part)
        self.parts.append(part.with_suffix(".sorted.nq"))
        self._sorts.append(start_sort([part], self.parts[-1]))

    def sorted(self) -> None:
        """Waits until every part is sorted (before the export child is forked)."""
        while self._sorts:
            wait_sort(self._sorts.pop(0))

    def remove(self) -> None:
        """The staged parts, once merged and loaded."""
        shutil.rmtree(self.dir)

    def stop(self) -> None:
        for proc in self._sorts:
            if proc.poll() is None:
                proc.kill()
            proc.wait()
        self._sorts = []
        if self.loader is not None:
            self.loader.kill()
