"""The built dataset the service publishes: build.json, the store's graphs, the exports."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from pyoxigraph import Store

from graph_builder.iris import DEFAULT_BASE


class DatasetMissing(Exception):
    pass


@dataclass
class PublishedDataset:
    data_dir: Path
    build: dict
    base: str
    graphs: frozenset[str]
    triples: int
    store_path: Path = field(init=False)
    exports: Path = field(init=False)

    def __post_init__(self) -> None:
        self.store_path = self.data_dir / "store"
        self.exports = self.data_dir / "exports"

    def local_path(self, iri: str) -> str | None:
        """The path at which this server answers for iri, or None if iri is not in its namespace."""
        if iri.startswith(self.base + "/"):
            return iri[len(self.base):]
        return None


def open_dataset(data_dir: Path) -> PublishedDataset:
    data_dir = Path(data_dir)
    meta_file = data_dir / "build.json"
    if not meta_file.is_file():
        raise DatasetMissing(f"{meta_file} does not exist: build the dataset first "
                             "(hmic-kg build --out DIR) or point --data at a build directory")
    if not (data_dir / "store").is_dir():
        raise DatasetMissing(f"{data_dir / 'store'} does not exist: the build directory is incomplete")
    build = json.loads(meta_file.read_text(encoding="utf-8"))
    store = Store.read_only(str(data_dir / "store"))
    graphs = frozenset(g.value for g in store.named_graphs() if hasattr(g, "value"))
    triples = len(store)  # counted once: the store does not change while it is served
    del store
    return PublishedDataset(data_dir=data_dir, build=build,
                            base=(build.get("base") or DEFAULT_BASE).rstrip("/"),
                            graphs=graphs, triples=triples)
