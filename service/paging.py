"""Pages of catalogue answers: the window a request asks for, one page and the total, and the page
written in a SPARQL results format with its links.

`answer_page(state, query, params, limit, offset)` is the one way to get a page, for the JSON/CSV
route and for HTML pages alike. A SPARQL catalogue query is evaluated once per page in the pages
lane, its solutions counted past the page (worker `page` op), and the page is cached like a result
(the store does not change while served); the full-text `search` query is answered from the
build's index (service/search.py). The order is the query's ORDER BY, evaluated the same way for every page
of the same store, so pages neither overlap nor skip.
"""
from __future__ import annotations

import pickle
from dataclasses import dataclass, field

from pyoxigraph import Literal, NamedNode, Store
from starlette.concurrency import run_in_threadpool

from .catalogue import CatalogueQuery, bind
from .errors import ParameterError
from .formats import RESULTS_FORMAT, Format
from .lanes import PAGES, lane_of
from .search import VARIABLES as SEARCH_VARIABLES
from .state import ServiceState
from .worker import decode_term

DEFAULT_LIMIT = 50
MAX_LIMIT = 1000
MAX_OFFSET = 10_000_000
WINDOW = ("limit", "offset")


@dataclass(frozen=True)
class Page:
    """Rows offset .. offset+limit of an answer of `total` rows; a row maps a variable to its
    pyoxigraph term (an unbound variable is absent)."""

    variables: tuple[str, ...]
    rows: list[dict] = field(repr=False)
    total: int
    limit: int
    offset: int
    cached: bool = False

    @property
    def next_offset(self) -> int | None:
        """The offset of the next page, None on the last page."""
        after = self.offset + self.limit
        return after if after < self.total else None


def window(params) -> tuple[int, int]:
    """(limit, offset) from request parameters; ParameterError for a missing-in-range value."""
    return (_integer(params, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT),
            _integer(params, "offset", 0, 0, MAX_OFFSET))


def _integer(params, name: str, default: int, low: int, high: int) -> int:
    given = params.getlist(name) if hasattr(params, "getlist") else (
        [params[name]] if name in params else [])
    if not given:
        return default
    if len(given) > 1:
        raise ParameterError(f"parameter {name} is given more than once")
    raw = given[0].strip()
    if not raw.isascii() or not raw.isdigit() or len(raw) > 12:
        raise ParameterError(f"parameter {name} must be a whole number from {low} to {high}, got {given[0]!r}")
    value = int(raw)
    if not low <= value <= high:
        raise ParameterError(f"parameter {name} must be from {low} to {high}, got {value}")
    return value


async def answer_page(state: ServiceState, query: CatalogueQuery, params: dict[str, str],
                      limit: int, offset: int) -> Page:
    """Rows offset .. offset+limit of `query` with `params` bound, and the total.

    Raises ParameterError (400) for a bad parameter or search text, and what the pages lane
    raises (timeout, busy...). limit and offset are taken as given (see `window` for checks).
    """
    if query.engine == "fulltext" and state.search is not None:
        # Not cached as a page: a search costs a few milliseconds, about what pickling its page
        # for the cache would (the route caches what it writes).
        text = _search_text(query, params)
        rows, total = await run_in_threadpool(state.search.search, text, limit, offset)
        return Page(SEARCH_VARIABLES, [_search_terms(r) for r in rows], total, limit, offset)
    text = bind(query, params, state.dataset.base)
    key = ("page", "sparql", text, limit, offset)
    page = _cached(state, key)
    if page is None:
        request = {"op": "page", "query": text, "limit": limit, "offset": offset,
                   "max_rows": state.settings.max_rows, "default_graphs": None, "named_graphs": None}
        reply = await lane_of(state.lanes, PAGES).call(request, state.settings)
        rows = [{k: decode_term(v) for k, v in row.items()} for row in reply["rows"]]
        page = Page(tuple(reply["variables"]), rows, reply["total"], limit, offset)
        _keep(state, key, page)
    return page


def _search_text(query: CatalogueQuery, params: dict[str, str]) -> str:
    # The one string parameter of a full-text query (catalogue.load_query checks there is one).
    param = query.params[0]
    unknown = sorted(set(params) - {param.name})
    if unknown:
        raise ParameterError(f"unknown parameter(s) {', '.join(unknown)}; this query takes {param.name}")
    text = params.get(param.name) or ""
    if not text.strip():
        raise ParameterError(f"parameter {param.name} is required ({param.type}: {param.description})")
    return text


def _search_terms(row: dict) -> dict:
    out = {}
    for name, value in row.items():
        if value is None:
            continue
        if name in ("item", "kind", "force", "report"):
            out[name] = NamedNode(value)
        elif name in ("year", "line"):
            out[name] = Literal(int(value))
        elif name == "score":
            out[name] = Literal(float(value))
        else:
            out[name] = Literal(value)
    return out


def _cached(state: ServiceState, key: tuple) -> Page | None:
    hit = state.cache.get(key)
    if hit is None:
        return None
    page = pickle.loads(hit[0])
    return Page(page.variables, page.rows, page.total, page.limit, page.offset, cached=True)


def _keep(state: ServiceState, key: tuple, page: Page) -> None:
    # Pickled: the cache budgets bytes. Terms pickle as (kind, value...) through encode_term.
    state.cache.put(key, pickle.dumps(page), {})


# Writes a page in every SELECT results format pyoxigraph knows, by asking an empty in-memory
# store for the page's own rows as a VALUES block: the same writer as every other answer.
_EMPTY = Store()


def serialize(page: Page, fmt: Format) -> bytes:
    """The page as fmt (a SELECT results format), without paging members."""
    names = page.variables
    if page.rows:
        lines = " ".join("(" + " ".join(str(r[n]) if n in r else "UNDEF" for n in names) + ")"
                         for r in page.rows)
        head = " ".join("?" + n for n in names)
        text = f"SELECT {head} WHERE {{ VALUES ({head}) {{ {lines} }} }}"
    else:
        text = f"SELECT {' '.join('?' + n for n in names)} WHERE {{ FILTER(false) }}"
    return _EMPTY.query(text).serialize(format=RESULTS_FORMAT[fmt.name])
