"""The query catalogue over HTTP: list the queries, run one with parameters bound safely. Programs
get JSON, CSV, TSV or XML; a browser (Accept text/html, or format=html) gets the pages of
service/catalogue_pages.py: the list, and a form with the answer as a table."""
from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from .. import execution
from ..catalogue import bind
from ..catalogue_pages import (
    CONTROL,
    answer_page,
    choice_queries,
    editor_link,
    form_fields,
    iris_on_page,
    page_links,
    parse_results,
    read_paging,
    slice_answer,
)
from ..conneg import choose
from ..errors import JSON_ERRORS, STATUS, NotFound, ParameterError, classify
from ..formats import BY_NAME, GRAPH_FORMATS, HTML
from ..labels import fetch_labels
from ..state import get_state
from .pages import render

router = APIRouter(tags=["Query catalogue"], dependencies=[JSON_ERRORS])

_TABLE_FORMATS = (BY_NAME["json"], BY_NAME["csv"], BY_NAME["tsv"], BY_NAME["xml"])
# HTML comes last: a client that states no preference, or */*, still gets JSON.
_LIST_FORMATS = (BY_NAME["json"], HTML)
_RUN_FORMATS = (*_TABLE_FORMATS, HTML)
_CONTROL = {"format"}


@router.get("/queries", summary="List the query catalogue",
            responses={200: {"content": {"application/json": {}, "text/html": {}}}})
async def list_queries(request: Request) -> Response:
    """Every catalogue query: name, title, summary, form and parameters (name, type, required).
    A browser gets the list as a page."""
    state = get_state(request)
    described = [q.describe() for q in state.catalogue.values()]
    fmt = choose(request.query_params.get("format"), request.headers.get("accept"), _LIST_FORMATS)
    if fmt is HTML:
        return render(request, "catalogue.html", {"queries": described}, headers={"Vary": "Accept"})
    return JSONResponse(described, headers={"Vary": "Accept"})


@router.get("/queries/{name}", summary="Run a catalogue query", response_class=Response,
            responses={200: {"content": {"application/sparql-results+json": {}, "text/csv": {},
                                         "text/html": {}}},
                       400: {"description": "missing or malformed parameter"},
                       404: {"description": "no such query"},
                       503: {"description": "timed out or the service is busy"}})
async def run_query(name: str, request: Request) -> Response:
    """Runs the named query. Parameters are given as URL query parameters named as in the listing
    (for example `?force=https://w3id.org/hmic-kg/id/force/west-mercia`); `iri` parameters must
    be absolute IRIs, `integer` ones integers. Results are SPARQL JSON by default, CSV with
    `Accept: text/csv` or `format=csv` (also `tsv`, `xml`); a browser gets a form and a table
    (`format=html`), paged by `limit` and `offset` and sorted by `sort` (a column) and `desc=1`."""
    state = get_state(request)
    query = state.catalogue.get(name)
    if query is None:
        raise NotFound(f"no catalogue query named {name!r}; see /queries")
    graph_form = query.form in ("CONSTRUCT", "DESCRIBE")
    offered = GRAPH_FORMATS if graph_form else _RUN_FORMATS
    fmt = choose(request.query_params.get("format"), request.headers.get("accept"), offered)
    if fmt is HTML:
        return await _page(request, query)
    values = {}
    for key in request.query_params:
        if key in _CONTROL:
            continue
        got = request.query_params.getlist(key)
        if len(got) > 1:
            raise ParameterError(f"parameter {key} is given more than once")
        values[key] = got[0]
    text = bind(query, values, state.dataset.base)
    return await execution.run(state, execution.PAGES, text, fmt, None, None,
                               accept_encoding=request.headers.get("accept-encoding"))


async def _page(request: Request, query) -> Response:
    """The query's page: its form, filled with the values given, and the answer when every
    required value is there. A failure is shown on the page with its status, never a traceback."""
    state = get_state(request)
    base = state.dataset.base
    values = {k: request.query_params.get(k) for k in request.query_params if k not in CONTROL}
    paging = read_paging(request.query_params)
    choices = await execution.select(state, execution.PAGES,
                                     choice_queries(query, f"{base}/def/inspection/"))
    context = {"query": query, "fields": form_fields(query, values, choices), "answer": None,
               "error": None, "text": None, "links": None, "editor": editor_link(query.text)}
    status = 200
    missing = [p for p in query.params if not p.optional and not values.get(p.name)]
    if not missing or not query.params:
        try:
            text = bind(query, values, base)
            context["text"], context["editor"] = text, editor_link(text)
            response = await execution.run(state, execution.PAGES, text, BY_NAME["json"], None, None)
            variables, bindings = parse_results(response.body)
            rows, total = slice_answer(variables, bindings, paging)
            labels = await fetch_labels(state, iris_on_page(variables, rows))
            context["answer"] = answer_page(variables, rows, total, paging, base, labels)
            context["links"] = page_links(request.url.path, values, paging, total)
        except Exception as exc:  # noqa: BLE001 - every failure is answered on the page
            kind, message = classify(exc)
            if kind == "internal":
                raise
            status, context["error"] = STATUS[kind], message
    return render(request, "catalogue_query.html", context, status=status,
                  headers={"Vary": "Accept"})
