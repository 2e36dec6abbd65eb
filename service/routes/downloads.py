"""The build's export files, listed and served; nothing outside DIR/exports is reachable."""
from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, JSONResponse, Response

from ..conneg import choose
from ..errors import NotFound
from ..formats import BY_NAME, HTML
from ..state import get_state
from .pages import render

router = APIRouter(tags=["Downloads"])

_MEDIA = {".ttl": "text/turtle", ".trig": "application/trig", ".nq": "application/n-quads",
          ".nt": "application/n-triples", ".jsonld": "application/ld+json", ".csv": "text/csv",
          ".json": "application/json", ".html": "text/html", ".txt": "text/plain",
          ".gz": "application/gzip", ".rq": "application/sparql-query"}


def _files(root: Path) -> list[dict]:
    if not root.is_dir():
        return []
    out = []
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink() and not any(
                p.startswith(".") for p in path.relative_to(root).parts):
            rel = path.relative_to(root).as_posix()
            out.append({"path": rel, "bytes": path.stat().st_size,
                        "media_type": _MEDIA.get(path.suffix, "application/octet-stream")})
    return out


@router.get("/downloads/", summary="List the downloadable exports of this build")
async def list_downloads(request: Request) -> Response:
    state = get_state(request)
    files = _files(state.dataset.exports)
    fmt = choose(request.query_params.get("format"), request.headers.get("accept"),
                 (HTML, BY_NAME["json"]))
    if fmt is HTML:
        return render(request, "downloads.html", {"files": files})
    return JSONResponse(files, headers={"Vary": "Accept"})


@router.get("/downloads/{path:path}", summary="Download one export file")
async def download(path: str, request: Request) -> Response:
    root = get_state(request).dataset.exports.resolve()
    missing = NotFound(f"no download named {path!r}; see /downloads/")
    if not path or "\x00" in path or path.startswith("/") or "\\" in path:
        raise missing
    parts = path.split("/")
    # No export has a name over 255 bytes (the file system's own limit, where resolve() failed).
    if any(p in ("", ".", "..") or p.startswith(".") or len(p.encode()) > 255 for p in parts):
        raise missing
    try:
        target = (root / path).resolve()
        # resolve() follows symlinks too, so a link pointing out of the exports is refused here.
        found = target.is_relative_to(root) and target.is_file()
    except OSError:
        found = False
    if not found:
        raise missing
    return FileResponse(target, media_type=_MEDIA.get(target.suffix, "application/octet-stream"),
                        filename=target.name, content_disposition_type="inline")
