"""The query catalogue over HTTP: list the queries, run one with parameters bound safely."""
from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from .. import execution
from ..catalogue import bind
from ..conneg import choose
from ..errors import JSON_ERRORS, NotFound, ParameterError
from ..formats import BY_NAME, GRAPH_FORMATS
from ..state import get_state

router = APIRouter(tags=["Query catalogue"], dependencies=[JSON_ERRORS])

_TABLE_FORMATS = (BY_NAME["json"], BY_NAME["csv"], BY_NAME["tsv"], BY_NAME["xml"])
_CONTROL = {"format"}


@router.get("/queries", summary="List the query catalogue")
async def list_queries(request: Request) -> list[dict]:
    """Every catalogue query: name, title, summary, form and parameters (name, type, required)."""
    return [q.describe() for q in get_state(request).catalogue.values()]


@router.get("/queries/{name}", summary="Run a catalogue query", response_class=Response,
            responses={200: {"content": {"application/sparql-results+json": {}, "text/csv": {}}},
                       400: {"description": "missing or malformed parameter"},
                       404: {"description": "no such query"},
                       503: {"description": "timed out or the service is busy"}})
async def run_query(name: str, request: Request) -> Response:
    """Runs the named query. Parameters are given as URL query parameters named as in the listing
    (for example `?force=https://w3id.org/hmic-kg/id/force/west-mercia`); `iri` parameters must
    be absolute IRIs, `integer` ones integers. Results are SPARQL JSON by default, CSV with
    `Accept: text/csv` or `format=csv` (also `tsv`, `xml`)."""
    state = get_state(request)
    query = state.catalogue.get(name)
    if query is None:
        raise NotFound(f"no catalogue query named {name!r}; see /queries")
    values = {}
    for key in request.query_params:
        if key in _CONTROL:
            continue
        got = request.query_params.getlist(key)
        if len(got) > 1:
            raise ParameterError(f"parameter {key} is given more than once")
        values[key] = got[0]
    text = bind(query, values, state.dataset.base)
    offered = GRAPH_FORMATS if query.form in ("CONSTRUCT", "DESCRIBE") else _TABLE_FORMATS
    fmt = choose(request.query_params.get("format"), request.headers.get("accept"), offered)
    return await execution.run(state, execution.PAGES, text, fmt, None, None,
                               accept_encoding=request.headers.get("accept-encoding"))
