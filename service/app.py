"""The FastAPI application factory."""
from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager, suppress
from pathlib import Path

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from graph_builder.paths import project_dir

from . import errors
from .body_deadline import BodyDeadline
from .cache import ResultCache
from .catalogue import load_catalogue
from .config import Settings
from .dataset import open_dataset
from .head import HeadAsGet
from .lanes import close_lanes, start_lanes
from .routes import (catalogue, downloads, health, home, linked_data, pages, proposals, search_page,
                     sparql, themes)
from .search import open_search
from .state import ServiceState
from .warmup import warm_catalogue

STATIC = Path(__file__).resolve().parent / "static"
YASGUI_BUILD = STATIC / "node_modules" / "@zazuko" / "yasgui" / "build"
SWAGGER_DIST = STATIC / "node_modules" / "swagger-ui-dist"


def create_app(settings: Settings) -> FastAPI:
    dataset = open_dataset(settings.data_dir)
    queries_dir = settings.queries_dir or project_dir("queries")
    state = ServiceState(settings=settings, dataset=dataset,
                         catalogue=load_catalogue(Path(queries_dir), dataset.graphs, dataset.base),
                         cache=ResultCache(settings.cache_entries, settings.cache_bytes,
                                           settings.cache),
                         search=open_search(dataset.data_dir))

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        warming = None
        lanes = await start_lanes(settings, settings.store_url or str(dataset.store_path))
        try:
            state.lanes = lanes
            warming = (asyncio.create_task(warm_catalogue(state))
                       if settings.warm and state.cache.enabled else None)
            yield
        finally:
            if warming is not None:
                warming.cancel()
                with suppress(asyncio.CancelledError):
                    await warming
            state.lanes = {}
            await close_lanes(lanes)
            if state.search is not None:
                state.search.close()

    # FastAPI's default /docs and /redoc pull Swagger UI and ReDoc from a CDN; the OpenAPI page is
    # served from the npm package installed at set-up instead, and ReDoc is not offered.
    app = FastAPI(title="hmic-kg", lifespan=lifespan, docs_url=None, redoc_url=None,
                  summary="Knowledge graph of UK police inspection reports: read-only SPARQL 1.1 "
                          "endpoint, query catalogue and linked data.")
    app.state.service = state
    errors.install(app, pages.render)
    # Innermost (added first), so its 408 rises straight into the route and its error handler, not
    # through the task group SecurityHeaders (BaseHTTPMiddleware) reads the body in.
    app.add_middleware(BodyDeadline, seconds=settings.body_timeout)
    if settings.cors:
        # Read-only use from any page: no credentials, so no cookie ever rides along.
        app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=False,
                           allow_methods=["GET", "POST", "OPTIONS"], allow_headers=["*"],
                           expose_headers=["X-Result-Rows", "X-Cache", "X-Total-Count", "Link"], max_age=3600)
    app.add_middleware(pages.SecurityHeaders)
    app.add_middleware(HeadAsGet)
    for module in (health, sparql, catalogue, downloads, home, pages, search_page, themes, proposals,
                   linked_data):
        app.include_router(module.router)
    app.mount("/assets", StaticFiles(directory=STATIC / "assets"), name="assets")
    if SWAGGER_DIST.is_dir():
        app.mount("/static/swagger", StaticFiles(directory=SWAGGER_DIST), name="swagger")

        @app.get("/docs", include_in_schema=False)
        def docs() -> HTMLResponse:
            return get_swagger_ui_html(openapi_url=app.openapi_url, title="hmic-kg API",
                                       swagger_js_url="/static/swagger/swagger-ui-bundle.js",
                                       swagger_css_url="/static/swagger/swagger-ui.css",
                                       swagger_favicon_url="/static/swagger/favicon-32x32.png")
    if YASGUI_BUILD.is_dir():
        app.mount("/static/yasgui", StaticFiles(directory=YASGUI_BUILD), name="yasgui")
    return app
