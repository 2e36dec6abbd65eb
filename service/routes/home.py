"""The home page (what the dataset holds, said plainly, and where to start) and /coverage (the
force x year grid of reports held). The coverage statement is the build's own (graph_builder's
coverage module), computed here from the served store, so the page and VoID say the same."""
from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from graph_builder.to_rdf.coverage import coverage_from_rows, coverage_query, coverage_statement

from .. import execution
from ..state import get_state
from .pages import render

router = APIRouter(include_in_schema=False)


async def served_coverage(request: Request):
    state = get_state(request)
    rows = (await execution.select(state, execution.PAGES,
                                   {"reports": coverage_query(state.dataset.base)},
                                   max_rows=100_000))["reports"]
    return coverage_from_rows([{k: (t[1] if t else None) for k, t in r.items()} for r in rows])


def _local(request: Request, iri: str) -> str:
    return get_state(request).dataset.local_path(iri) or iri


@router.get("/", response_class=HTMLResponse)
async def home(request: Request) -> HTMLResponse:
    cov = await served_coverage(request)
    forces = [{"path": _local(request, f), "label": label,
               "reports": sorted((r["year"], r["programmeLabel"]) for r in cov.reports
                                 if r["force"] == f)}
              for f, label in cov.forces.items()]
    queries = [q.describe() for q in get_state(request).catalogue.values()]
    return render(request, "home.html", {"statement": coverage_statement(cov), "forces": forces,
                                         "queries": queries, "coverage": cov})


@router.get("/coverage", response_class=HTMLResponse)
async def coverage(request: Request) -> HTMLResponse:
    cov = await served_coverage(request)
    years, rows = cov.grid()
    grid = [{"path": _local(request, f), "label": label,
             "cells": [[{"path": _local(request, r["report"]), "programme": r["programmeLabel"],
                         "synthetic": r["synthetic"]} for r in cells.get(y, [])] for y in years]}
            for f, label, cells in rows]
    return render(request, "coverage.html", {"statement": coverage_statement(cov), "years": years,
                                             "grid": grid, "coverage": cov})
