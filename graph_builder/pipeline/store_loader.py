"""`python -m graph_builder.pipeline.store_loader STORE_DIR`: bulk-loads the N-Quads files whose paths arrive
on standard input, one per line, into a new on-disk Oxigraph store; at the end of input it flushes
the store, reopens it read-only, prints the number of quads it holds and exits.

Run as a fresh process, never in a forked one: RocksDB keeps a process-wide pool of background
threads, and a child forked after the parent has opened an on-disk store inherits the pool's state
without its threads, then waits for them forever. Files arrive one by one so the loading can begin
with the report graphs while the build is still reasoning over them (graph_builder/pipeline/staging.py).
"""
from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import pyoxigraph as ox

from graph_builder.errors import InternalError

# Each file is loaded in pieces of at most this many bytes, cut at line ends by coreutils' split:
# the bulk loader holds a piece in memory several times over. The 0.9 GB of N-Quads of 650 reports
# peaked at 1.8 GB in one piece, 1.0 GB in pieces of 256 MB, 0.55 GB in pieces of 128 MB, for 12%
# more CPU time (35 s against 31 s).
PIECE = "128M"


def _load_piece(store: ox.Store, piece: Path) -> None:
    # Lenient: the files are Oxigraph's own dumps of terms it has already checked, and checking
    # every IRI and literal again was 8% of the load (28 s against 30 s).
    try:
        store.bulk_load(path=str(piece), format=ox.RdfFormat.N_QUADS, lenient=True)
    except MemoryError as exc:
        if "buffer maximal size" not in str(exc):
            raise
        # A line over the file reader's 16 MiB buffer (a very long report's text as one literal):
        # parsed from memory instead, where the parser needs no buffer. The quads loaded before
        # the failure are loaded again, which changes nothing in a store (a set).
        store.bulk_load(piece.read_bytes(), format=ox.RdfFormat.N_QUADS, lenient=True)


def load_file(store: ox.Store, path: Path) -> None:
    """One N-Quads file into `store`, in pieces of at most PIECE bytes."""
    with tempfile.TemporaryDirectory(dir=path.parent) as tmp:
        # N-Quads is line-based, so each piece is a document of its own.
        subprocess.run(["split", "-C", PIECE, "-d", "-a", "4", str(path), f"{tmp}/piece."], check=True)
        for piece in sorted(Path(tmp).iterdir()):
            _load_piece(store, piece)
            piece.unlink()


def load(store_dir: str, paths) -> int:
    store = ox.Store(store_dir)
    for line in paths:
        if line.strip():
            load_file(store, Path(line.rstrip("\n")))
    store.flush()
    del store  # closed, then opened again as the service will open it, and counted
    return len(ox.Store.read_only(store_dir))


class StoreLoader:
    """The loading process, seen from the build: hand it files, then wait for it."""

    def __init__(self, store_dir: Path):
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "graph_builder.pipeline.store_loader", str(store_dir)],
            cwd=Path(__file__).resolve().parents[2], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE)

    def add(self, path: Path) -> None:
        try:
            self.proc.stdin.write(f"{path}\n".encode())
            self.proc.stdin.flush()
        except BrokenPipeError:
            # The loader is gone: its own error says why, not the pipe. (Its exit code is known only
            # to the process that started it, not to a forked child writing to it.)
            err = self.proc.stderr.read().decode(errors="replace").strip()[-500:]
            raise InternalError("the store loader exited before all files were handed to it: "
                                f"{err or 'no message'}") from None

    def close_input(self) -> None:
        """No more files from this process (a forked process holding the pipe too closes its own)."""
        if self.proc.stdin is not None:
            self.proc.stdin.close()
            self.proc.stdin = None

    def finish(self) -> int:
        """Waits for the load; the number of quads the store holds, counted after reopening it
        read-only (in the loading process, while the build still works on other things)."""
        self.close_input()
        out, err = self.proc.communicate()
        if self.proc.returncode != 0:
            raise InternalError(f"loading the on-disk store failed (exit code {self.proc.returncode}): "
                                f"{err.decode(errors='replace').strip()[-500:]}")
        if not out.strip().isdigit():
            raise InternalError(f"loading the on-disk store: the loader did not report its size ({out[-200:]!r})")
        return int(out)

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.close_input()
        self.proc.wait()
        for pipe in (self.proc.stdout, self.proc.stderr):
            if pipe is not None:
                pipe.close()


if __name__ == "__main__":
    print(load(sys.argv[1], sys.stdin))
