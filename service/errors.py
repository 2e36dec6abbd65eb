"""Every failure the service reports, the one HTTP status for each, and the handlers that answer.

Routes raise (these types, or the ones conneg, the guard and the pool already raise); the handlers
installed by `install` turn each into its response, so a kind of failure has the same status
wherever it is detected. SPARQL clients show a plain-text body to their users; routers that declare
`dependencies=[JSON_ERRORS]` (the REST-style ones) answer `{"detail": ...}` instead.
"""
from __future__ import annotations

import logging
from collections.abc import Callable

from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response

from .conneg import NotAcceptable, UnknownFormat
from .pool import PoolBusy, PoolError, QueryTimeout, WorkerFailed
from .sparql_guard import QueryRefused

log = logging.getLogger("hmic_kg.service")

# Kind of failure -> HTTP status. Worker kinds (service/worker.py) are rows of their own, so a
# failure means the same whether the guard, a route, a worker or an external store found it.
STATUS = {
    "bad-parameter": 400,      # missing, repeated or invalid parameter or form field; empty query
    "bad-format": 400,         # format= names nothing this resource offers (UnknownFormat)
    "syntax": 400,             # the query does not parse (engine, or an external store's refusal)
    "query": 400,              # the engine refuses what the query asks (bad regex, ...)
    "refused": 403,            # update, SERVICE, a graph not in the dataset (QueryRefused)
    "forbidden": 403,          # a connection the sandbox blocked, or SERVICE seen by --store's parser
    "unauthorized": 401,       # a write (curation proposal) without the right token
    "not-found": 404,
    "not-acceptable": 406,     # Accept allows nothing this resource offers (NotAcceptable)
    "body-timeout": 408,       # the request body did not arrive within body_timeout
    "too-long": 413,           # query text over max_query_length
    "unsupported-media": 415,  # a POST body that is neither a form nor a query
    "limit": 422,              # result over max_rows or max_response_bytes
    "too-many": 429,           # this client's queries already fill its running places and queue
                               # (or its curation proposals this hour)
    "evaluation": 500,         # the engine failed on a query it accepted
    "crash": 500,              # the worker died evaluating
    "internal": 500,           # a bug in the service
    "store": 502,              # serve --store: the store failed or cannot be reached
    "timeout": 503,            # over the time limit; the worker was killed
    "memory": 503,             # over the worker's memory cap; the worker is replaced
    "store-timeout": 503,      # the store refused the query as too long, as our timeout would
    "busy": 503,               # no worker free within the wait (Retry-After)
    "unavailable": 503,        # the worker pool is not running
    "full": 507,               # the curation proposals file has reached its size bound
}
_HEADERS = {"busy": {"Retry-After": "1"}, "too-many": {"Retry-After": "1"},
            "unauthorized": {"WWW-Authenticate": "Bearer"},
            # The rest of a late body is not read: the connection cannot carry another request.
            "body-timeout": {"Connection": "close"}}
_INTERNAL = "internal server error: the service failed while answering this request (logged)"


class ServiceError(Exception):
    """A failure a route reports by raising it; kind is its row in STATUS."""

    def __init__(self, kind: str, message: str):
        if kind not in STATUS:
            raise ValueError(f"unknown failure kind {kind!r}")
        super().__init__(message)
        self.kind = kind


class ParameterError(ServiceError, ValueError):
    """A request's parameter value is missing or not of the declared type."""

    def __init__(self, message: str):
        super().__init__("bad-parameter", message)


class NotFound(ServiceError):
    """Nothing at this address. page: answer the HTML not-found page for iri (a browser asked)."""

    def __init__(self, message: str, iri: str | None = None, page: bool = False):
        super().__init__("not-found", message)
        self.iri, self.page = iri, page


_EXPECTED = (ServiceError, UnknownFormat, NotAcceptable, QueryRefused, PoolError)


def _mark_json(request: Request) -> None:
    request.state.json_errors = True


JSON_ERRORS = Depends(_mark_json)


def classify(exc: Exception) -> tuple[str, str]:
    """(kind, message) for any exception a request can end with."""
    if isinstance(exc, ServiceError):
        return exc.kind, str(exc)
    if isinstance(exc, UnknownFormat):
        return "bad-format", str(exc)
    if isinstance(exc, NotAcceptable):
        return "not-acceptable", str(exc)
    if isinstance(exc, QueryRefused):
        # The guard's status says which: a safety refusal, or a query it cannot take.
        return ("refused" if exc.status == 403 else "query"), str(exc)
    if isinstance(exc, WorkerFailed):
        if exc.kind == "syntax":
            return "syntax", f"malformed query: {exc}"
        return (exc.kind if exc.kind in STATUS else "evaluation"), str(exc)
    if isinstance(exc, QueryTimeout):
        return "timeout", str(exc)
    if isinstance(exc, PoolBusy):
        return "busy", str(exc)
    if isinstance(exc, PoolError):
        return "unavailable", str(exc)
    return "internal", _INTERNAL


def _response(request: Request, kind: str, message: str) -> Response:
    status, headers = STATUS[kind], _HEADERS.get(kind)
    if getattr(request.state, "json_errors", False):
        return JSONResponse({"detail": message}, status_code=status, headers=headers)
    return PlainTextResponse(message + "\n", status_code=status, headers=headers)


def install(app: FastAPI, render: Callable[..., Response]) -> None:
    """Registers the handlers; render(request, template, context, status=) draws the HTML 404."""

    async def answer(request: Request, exc: Exception) -> Response:
        if isinstance(exc, NotFound) and exc.page:
            return render(request, "not_found.html", {"iri": exc.iri}, status=404)
        kind, message = classify(exc)
        # The server logs the traceback of an unexpected exception; these have none to log.
        if STATUS[kind] == 500 and isinstance(exc, _EXPECTED):
            log.warning("request failed (%s): %s", kind, message)
        return _response(request, kind, message)

    for exc_type in _EXPECTED:
        app.add_exception_handler(exc_type, answer)
    # Starlette answers any other exception with this and then re-raises it, so the server still
    # logs the traceback while the client gets one line.
    app.add_exception_handler(Exception, answer)
