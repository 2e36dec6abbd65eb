"""The built dataset the service publishes: build.json, the store's graphs, the exports."""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from pyoxigraph import Store

from graph_builder.iris import DEFAULT_BASE
from graph_builder.pipeline.versions import hold_in_use


class DatasetMissing(Exception):
    pass


@dataclass
class PublishedDataset:
    data_dir: Path
    build: dict
    base: str
    graphs: frozenset[str]
    triples: int
    in_use: int = -1  # the descriptor whose shared lock marks the version as served
    store_path: Path = field(init=False)
    exports: Path = field(init=False)

    def __post_init__(self) -> None:
        self.store_path = self.data_dir / "store"
        self.exports = self.data_dir / "exports"

    def release(self) -> None:
        """No longer served: a later build may remove this version."""
        if self.in_use >= 0:
            os.close(self.in_use)
            self.in_use = -1

    def local_path(self, iri: str) -> str | None:
        """The path at which this server answers for iri, or None if iri is not in its namespace."""
        if iri.startswith(self.base + "/"):
            return iri[len(self.base):]
        return None


def open_dataset(data_dir: Path) -> PublishedDataset:
    # Pinned: `build/` is a link a rebuild renames over (graph_builder.pipeline.versions). Every
    # worker, download and /health reads this one version, which is marked in use so that no
    # rebuild removes it while it is served.
    data_dir = Path(data_dir).resolve()
    meta_file = data_dir / "build.json"
    if not meta_file.is_file():
        raise DatasetMissing(f"{meta_file} does not exist: build the dataset first "
                             "(hmic-kg build --out DIR) or point --data at a build directory")
    if not (data_dir / "store").is_dir():
        raise DatasetMissing(f"{data_dir / 'store'} does not exist: the build directory is incomplete")
    try:
        build = json.loads(meta_file.read_text(encoding="utf-8"))
        if not isinstance(build, dict):
            raise ValueError("not a JSON object")
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise DatasetMissing(f"{meta_file}: not a build record ({exc}); rebuild the dataset") from None
    try:
        store = Store.read_only(str(data_dir / "store"))
        graphs = frozenset(g.value for g in store.named_graphs() if hasattr(g, "value"))
        triples = len(store)  # counted once: the store does not change while it is served
        del store
    except (OSError, RuntimeError) as exc:  # RocksDB reports a damaged store as RuntimeError
        raise DatasetMissing(f"{data_dir / 'store'}: cannot be read as a store ({exc}); "
                             "rebuild the dataset") from None
    if not graphs:
        raise DatasetMissing(f"{data_dir / 'store'}: the store is empty; rebuild the dataset")
    in_use = hold_in_use(data_dir)
    return PublishedDataset(in_use=in_use, data_dir=data_dir, build=build,
                            base=(build.get("base") or DEFAULT_BASE).rstrip("/"),
                            graphs=graphs, triples=triples)
