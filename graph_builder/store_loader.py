"""`python -m graph_builder.store_loader NQUADS STORE_DIR`: bulk-loads an N-Quads file into a new
on-disk Oxigraph store.

Run as a fresh process, never in a forked one: RocksDB keeps a process-wide pool of background
threads, and a child forked after the parent has opened an on-disk store inherits the pool's state
without its threads, then waits for them forever.
"""
from __future__ import annotations

import sys

import pyoxigraph as ox


def load(nquads: str, store_dir: str) -> int:
    store = ox.Store(store_dir)
    store.bulk_load(path=nquads, format=ox.RdfFormat.N_QUADS)
    store.flush()
    return len(store)


if __name__ == "__main__":
    load(sys.argv[1], sys.argv[2])
