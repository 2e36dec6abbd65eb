"""Catalogue answers computed when the service starts, before anyone asks.

The graph is read-only between builds, so the answer of every catalogue query that needs no
parameter (the national listings: recurring themes, follow-ups) is known in advance. At 650
reports these take 1-6 s to evaluate against 1-10 ms from the cache; running each once at start-up
puts it in the result cache, so no client waits for the first evaluation.

Done here rather than by the build: the answers belong to the catalogue being served (serve
--queries-dir may point at another one, and the files change without a rebuild), and the build
has no time to spare. One query at a time, so the other workers stay free for clients.
"""
from __future__ import annotations

import logging

from . import execution
from .catalogue import CatalogueQuery, bind
from .errors import STATUS, classify
from .formats import BY_NAME
from .paging import DEFAULT_LIMIT, answer_page
from .pool import PoolError
from .state import ServiceState

log = logging.getLogger("hmic_kg.service")


def warmable(catalogue: dict[str, CatalogueQuery]) -> list[str]:
    """Catalogue queries without a required parameter."""
    return [name for name, q in catalogue.items() if all(p.optional for p in q.params)]


async def warm_catalogue(state: ServiceState) -> None:
    """Runs each warmable query as a client asking for it with no parameters would (its first
    page), which leaves the answer in the cache; names it in state.warmed once done."""
    for name in warmable(state.catalogue):
        query = state.catalogue[name]
        try:
            if query.form == "SELECT":
                await answer_page(state, query, {}, DEFAULT_LIMIT, 0)
            else:
                text = bind(query, {}, state.dataset.base)
                await execution.run(state, execution.PAGES, text, BY_NAME["json"], None, None)
        except PoolError as exc:  # a timeout, busy or failed worker: the first client will evaluate it
            kind, message = classify(exc)
            log.warning("warming catalogue query %s failed: HTTP %s %s", name, STATUS[kind],
                        message[:200])
            continue
        except Exception as exc:  # noqa: BLE001 -- the pool closing under it at shutdown; clients are unaffected
            log.warning("warming catalogue query %s stopped: %s", name, exc)
            return
        state.warmed.append(name)
