"""Readable views of recurring issues: a page per theme (its statements by force and year) and a
force-by-year matrix of the themes raised as areas for improvement or causes of concern."""
from __future__ import annotations

from collections import defaultdict

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from .. import execution
from ..errors import NotFound
from ..state import get_state
from .pages import render

router = APIRouter(include_in_schema=False)

PREFIXES = """PREFIX insp: <{insp}> PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> """

# Raised as a problem: what the matrix counts (strengths and work in progress are not problems).
PROBLEM_KINDS = "insp:AreaForImprovement insp:CauseOfConcern"


def _v(row: dict, key: str) -> str | None:
    t = row.get(key)
    return t[1] if t else None


def _local(iri: str, base: str) -> str:
    return iri[len(base):] if iri.startswith(base + "/") else iri


async def _select(request: Request, queries: dict[str, str]) -> dict:
    state = get_state(request)
    insp = f"{state.dataset.base}/def/inspection/"
    return await execution.select(
        state, execution.PAGES, {k: PREFIXES.format(insp=insp) + q for k, q in queries.items()},
        max_rows=20_000)


def _no_theme(theme: str) -> NotFound:
    return NotFound(f"{theme} is not a theme of this dataset", iri=theme, page=True)


@router.get("/themes/", response_class=HTMLResponse)
async def theme_index(request: Request) -> Response:
    res = await _select(request, {"themes": """
        SELECT ?theme ?label ?broader (COUNT(DISTINCT ?s) AS ?n) (COUNT(DISTINCT ?force) AS ?forces) WHERE {
          ?theme a insp:Theme ; skos:prefLabel ?label .
          OPTIONAL { ?theme skos:broader ?broader }
          OPTIONAL { ?s insp:theme ?theme ; insp:force ?force }
        } GROUP BY ?theme ?label ?broader ORDER BY ?label"""})
    base = get_state(request).dataset.base
    themes = [{"path": "/themes/" + _v(r, "theme").rsplit("/", 1)[1], "iri": _local(_v(r, "theme"), base),
               "label": _v(r, "label"), "n": int(_v(r, "n") or 0), "forces": int(_v(r, "forces") or 0),
               "top": _v(r, "broader") is None} for r in res["themes"]]
    return render(request, "themes.html", {"themes": themes})


@router.get("/themes/{slug}", response_class=HTMLResponse)
async def theme_page(slug: str, request: Request) -> Response:
    base = get_state(request).dataset.base
    theme = f"{base}/def/theme/{slug}"
    if not slug.replace("-", "").isalnum():
        raise _no_theme(theme)
    res = await _select(request, {
        "about": f"""SELECT ?label ?definition ?rel ?other ?otherLabel WHERE {{
            <{theme}> a insp:Theme ; skos:prefLabel ?label .
            OPTIONAL {{ <{theme}> skos:definition ?definition }}
            OPTIONAL {{ VALUES ?rel {{ skos:broader skos:narrower }} <{theme}> ?rel ?other . ?other skos:prefLabel ?otherLabel }}
        }}""",
        "statements": f"""SELECT ?s ?kindLabel ?forceLabel ?year ?text ?area ?areaLabel WHERE {{
            ?s insp:theme <{theme}> ; a ?kind ; insp:text ?text ; insp:force/skos:prefLabel ?forceLabel ;
               insp:reportedIn/insp:year ?year .
            GRAPH ?o {{ ?kind rdfs:label ?kindLabel }} FILTER (STRENDS(STR(?o), "/graph/ontology"))
            OPTIONAL {{ ?s insp:assessmentArea ?area . ?area skos:prefLabel ?areaLabel }}
        }} ORDER BY ?forceLabel ?year ?kindLabel ?s"""})
    if not res["about"]:
        raise _no_theme(theme)
    about = res["about"][0]
    related = defaultdict(dict)
    for r in res["about"]:
        if _v(r, "other"):
            related["broader" if _v(r, "rel").endswith("broader") else "narrower"][_v(r, "other")] = _v(r, "otherLabel")
    groups: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for r in res["statements"]:
        groups[(_v(r, "forceLabel"), _v(r, "year"))].append(
            {"path": _local(_v(r, "s"), base), "kind": _v(r, "kindLabel"), "text": _v(r, "text"),
             "area": _v(r, "areaLabel")})
    return render(request, "theme.html", {
        "theme": {"iri": _local(theme, base), "label": _v(about, "label"), "definition": _v(about, "definition")},
        "broader": [("/themes/" + i.rsplit("/", 1)[1], lab) for i, lab in sorted(related["broader"].items())],
        "narrower": [("/themes/" + i.rsplit("/", 1)[1], lab) for i, lab in sorted(related["narrower"].items())],
        "groups": [{"force": f, "year": y, "statements": items} for (f, y), items in sorted(groups.items())]})


@router.get("/recurring", response_class=HTMLResponse)
async def recurring(request: Request) -> Response:
    res = await _select(request, {"cells": f"""
        SELECT ?theme ?label ?forceLabel ?year (COUNT(DISTINCT ?s) AS ?n) WHERE {{
          VALUES ?kind {{ {PROBLEM_KINDS} }}
          ?s a ?kind ; insp:theme ?theme ; insp:force/skos:prefLabel ?forceLabel ; insp:reportedIn/insp:year ?year .
          ?theme skos:prefLabel ?label .
        }} GROUP BY ?theme ?label ?forceLabel ?year"""})
    cells: dict[str, dict[tuple[str, str], int]] = defaultdict(dict)
    labels = {}
    for r in res["cells"]:
        t = _v(r, "theme")
        labels[t] = _v(r, "label")
        cells[t][(_v(r, "forceLabel"), _v(r, "year"))] = int(_v(r, "n"))
    # Recurring: raised for two or more forces, or for one force in two or more years.
    rows = []
    for t, by in cells.items():
        forces = {f for f, _ in by}
        years_per_force = max(sum(1 for f2, _ in by if f2 == f) for f in forces)
        if len(forces) >= 2 or years_per_force >= 2:
            rows.append({"path": "/themes/" + t.rsplit("/", 1)[1], "label": labels[t],
                         "cells": by, "forces": len(forces)})
    rows.sort(key=lambda r: (-r["forces"], -sum(r["cells"].values()), r["label"]))
    columns = sorted({c for r in rows for c in r["cells"]}, key=lambda c: (c[0], c[1]))
    return render(request, "recurring.html", {"rows": rows, "columns": columns})
