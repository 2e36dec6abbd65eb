"""A minimal search box over the full-text index: /search?text=... as HTML, a page at a time.

The HTML pages of the catalogue are another module's; this one shows how they get a page
(paging.answer_page) and turns the highlight markers into <mark> without trusting the text.
"""
from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from ..errors import NotFound, ParameterError
from ..paging import answer_page, window
from ..search import MARK_END, MARK_START
from ..state import get_state
from .pages import render

router = APIRouter(include_in_schema=False)


def marked_parts(snippet: str) -> list[tuple[str, bool]]:
    """(text, is_match) pieces of a snippet; the template escapes each and wraps matches."""
    parts = []
    for i, chunk in enumerate(snippet.split(MARK_START)):
        if i == 0:
            parts.append((chunk, False))
            continue
        match, _, rest = chunk.partition(MARK_END)
        parts += [(match, True), (rest, False)]
    return [p for p in parts if p[0]]


@router.get("/search", response_class=HTMLResponse)
async def search_page(request: Request) -> HTMLResponse:
    state = get_state(request)
    query = state.catalogue.get("search")
    if query is None:
        raise NotFound("this service's catalogue has no search query")
    text = request.query_params.get("text", "")
    context: dict = {"text": text, "results": [], "error": None, "page": None}
    if not text.strip():
        return render(request, "search.html", context)
    try:
        limit, offset = window(request.query_params)
        page = await answer_page(state, query, {"text": text}, limit, offset)
    except ParameterError as exc:
        return render(request, "search.html", {**context, "error": str(exc)}, status=400)
    results = []
    for row in page.rows:
        iri = row["item"].value
        results.append({
            "iri": iri, "path": state.dataset.local_path(iri) or iri,
            "kind": row["kindLabel"].value if "kindLabel" in row else "",
            "force": row["forceLabel"].value if "forceLabel" in row else "",
            "year": row["year"].value if "year" in row else "",
            "parts": marked_parts(row["snippet"].value if "snippet" in row else "")})

    def link(at: int) -> str:
        return "/search?" + urlencode({"text": text, "limit": limit, "offset": at})

    nav = {"total": page.total, "first": page.offset + 1 if page.rows else 0,
           "last": page.offset + len(page.rows),
           "next": link(page.next_offset) if page.next_offset is not None else None,
           "previous": link(max(0, page.offset - limit)) if page.offset > 0 else None}
    return render(request, "search.html", {**context, "results": results, "page": nav})
