"""Readable views of recurring issues: a page per theme (its statements by force and year) and a
force-by-year matrix of the themes raised as areas for improvement or causes of concern."""
from __future__ import annotations

import re
from collections import Counter, defaultdict

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from .. import execution
from ..errors import NotFound
from ..state import get_state
from ..theme_rule import STATEMENT_KINDS, THEME_PATH, theme_tree
from .pages import render

router = APIRouter(include_in_schema=False)

PREFIXES = """PREFIX insp: <{insp}> PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> PREFIX dcterms: <http://purl.org/dc/terms/> """

# Raised as a problem: what the matrix counts (strengths and work in progress are not problems).
PROBLEM_KINDS = "insp:AreaForImprovement insp:CauseOfConcern"


def cell_anchor(force: str, year: str) -> str:
    """The id of a force-and-year group on a theme page; /recurring's cells link to it."""
    return re.sub(r"[^a-z0-9]+", "-", f"{force} {year}".lower()).strip("-")


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
    res = await _select(request, {"themes": f"""
        SELECT ?theme ?label (COUNT(DISTINCT ?s) AS ?n) (COUNT(DISTINCT ?force) AS ?forces) WHERE {{
          ?theme a insp:Theme ; skos:prefLabel ?label .
          OPTIONAL {{ VALUES ?kind {{ {STATEMENT_KINDS} }} ?s a ?kind ; {THEME_PATH} ?theme ; insp:force ?force }}
        }} GROUP BY ?theme ?label""",
        "broader": "SELECT ?narrower ?broader WHERE { ?narrower a insp:Theme ; skos:broader ?broader }"})
    themes = {_v(r, "theme"): {"label": _v(r, "label"), "n": int(_v(r, "n") or 0),
                               "forces": int(_v(r, "forces") or 0)} for r in res["themes"]}
    tree = theme_tree(themes, [(_v(r, "narrower"), _v(r, "broader")) for r in res["broader"]])
    return render(request, "themes.html", {"tree": tree, "count": len(themes)})


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
        "statements": f"""SELECT ?s ?kindLabel ?forceLabel ?year ?text ?area ?areaLabel
                (SAMPLE(?tagLabel0) AS ?tagLabel) WHERE {{
            {{ SELECT DISTINCT ?s ?tag WHERE {{ ?s insp:theme ?tag . ?tag skos:broader* <{theme}> }} }}
            VALUES ?kind {{ {STATEMENT_KINDS} }}
            ?s a ?kind ; insp:force/skos:prefLabel ?forceLabel ; insp:reportedIn/insp:year ?year .
            GRAPH ?o {{ ?kind rdfs:label ?kindLabel }} FILTER (STRENDS(STR(?o), "/graph/ontology"))
            OPTIONAL {{ ?s insp:text ?text0 }} OPTIONAL {{ ?s dcterms:title ?title }}
            BIND(COALESCE(?text0, ?title, "") AS ?text)
            OPTIONAL {{ ?s insp:assessmentArea ?area . ?area skos:prefLabel ?areaLabel }}
            OPTIONAL {{ FILTER (?tag != <{theme}>) ?tag skos:prefLabel ?tagLabel0 }}
        }} GROUP BY ?s ?kindLabel ?forceLabel ?year ?text ?area ?areaLabel
           ORDER BY ?forceLabel ?year ?kindLabel ?s"""})
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
             "area": _v(r, "areaLabel"), "via": _v(r, "tagLabel")})
    kinds = Counter(s["kind"] for items in groups.values() for s in items)
    return render(request, "theme.html", {
        "theme": {"iri": _local(theme, base), "label": _v(about, "label"), "definition": _v(about, "definition")},
        "broader": [("/themes/" + i.rsplit("/", 1)[1], lab) for i, lab in sorted(related["broader"].items())],
        "narrower": [("/themes/" + i.rsplit("/", 1)[1], lab) for i, lab in sorted(related["narrower"].items())],
        "kinds": sorted(kinds.items()), "total": sum(kinds.values()),
        "groups": [{"force": f, "year": y, "anchor": cell_anchor(f, y), "statements": items}
                   for (f, y), items in sorted(groups.items())]})


@router.get("/recurring", response_class=HTMLResponse)
async def recurring(request: Request) -> Response:
    res = await _select(request, {"cells": f"""
        SELECT ?theme ?label ?forceLabel ?year (COUNT(DISTINCT ?s) AS ?n) WHERE {{
          VALUES ?kind {{ {PROBLEM_KINDS} }}
          ?s a ?kind ; {THEME_PATH} ?theme ; insp:force/skos:prefLabel ?forceLabel ; insp:reportedIn/insp:year ?year .
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
                         "anchors": {c: cell_anchor(*c) for c in by},
                         "cells": by, "forces": len(forces)})
    rows.sort(key=lambda r: (-r["forces"], -sum(r["cells"].values()), r["label"]))
    columns = sorted({c for r in rows for c in r["cells"]}, key=lambda c: (c[0], c[1]))
    return render(request, "recurring.html", {"rows": rows, "columns": columns})
