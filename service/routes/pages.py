"""The query page (YASGUI, served from this project) and headers every HTML page carries."""
from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from starlette.middleware.base import BaseHTTPMiddleware

from ..state import get_state

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).resolve().parent.parent / "templates"))

# The pages load scripts and styles from this origin only and may talk to this origin only, so
# neither hostile data on a page nor a compromised script can pull anything from elsewhere.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; "
       "base-uri 'none'; frame-ancestors 'none'; form-action 'self'")

# The OpenAPI page (Swagger UI, served from this origin) starts itself with an inline script.
DOCS_CSP = CSP.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'")
_DOCS = {"/docs", "/docs/oauth2-redirect"}

router = APIRouter(include_in_schema=False)


class SecurityHeaders(BaseHTTPMiddleware):
    async def dispatch(self, request, call_next):
        response = await call_next(request)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        if response.headers.get("content-type", "").startswith("text/html"):
            policy = DOCS_CSP if request.url.path in _DOCS else CSP
            response.headers.setdefault("Content-Security-Policy", policy)
            response.headers.setdefault("Referrer-Policy", "same-origin")
        return response


def render(request: Request, template: str, context: dict, status: int = 200,
           headers: dict | None = None) -> HTMLResponse:
    state = get_state(request)
    base_context = {"base": state.dataset.base, "build": state.dataset.build}
    return TEMPLATES.TemplateResponse(request, template, {**base_context, **context},
                                      status_code=status, headers=headers)


@router.get("/query", response_class=HTMLResponse)
async def query_page(request: Request) -> HTMLResponse:
    state = get_state(request)
    examples = [{"name": q.name, "title": q.title, "summary": q.summary, "query": q.text}
                for q in state.catalogue.values()]
    # A query and run=1 in the URL open that query and run it: shareable links, and the browser test.
    initial = request.query_params.get("query")
    if initial is not None and len(initial) > state.settings.max_query_length:
        initial = None
    config = {"endpoint": "/sparql", "examples": examples, "query": initial,
              "run": request.query_params.get("run") == "1"}
    return render(request, "query.html", {"config": config, "queries": examples,
                                          "yasgui": _has_yasgui(request)})


def _has_yasgui(request: Request) -> bool:
    return any(getattr(r, "name", None) == "yasgui" for r in request.app.routes)
