"""What every route needs: settings, the published dataset, the catalogue, the cache, the lanes."""
from __future__ import annotations

from dataclasses import dataclass, field

from .cache import ResultCache
from .catalogue import CatalogueQuery
from .config import Settings
from .dataset import PublishedDataset
from .lanes import Lane
from .search import SearchIndex


@dataclass
class ServiceState:
    settings: Settings
    dataset: PublishedDataset
    catalogue: dict[str, CatalogueQuery]
    cache: ResultCache
    lanes: dict[str, Lane] = field(default_factory=dict)  # empty outside the lifespan
    warmed: list[str] = field(default_factory=list)  # catalogue queries answered at start-up
    search: SearchIndex | None = None  # the build's full-text index; None: the build has none


def get_state(request) -> ServiceState:
    return request.app.state.service
