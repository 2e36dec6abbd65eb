"""Curation proposals: a researcher who sees a wrong (or missing) link says so from its page.

The service's only write path, and a narrow one (docs/security.md): off unless `serve` is given a
file to append proposals to and a token file; every proposal needs that token (compared in
constant time), is checked like a row of the corpus's curation.csv (graph_builder.links.curation),
is bounded in size, and is limited per client address per hour; the file itself is bounded. A
proposal is appended to the file for review and never touches the served graph: only a reviewed
row moved into corpus/curation.csv reaches the next build.
"""
from __future__ import annotations

import asyncio
import csv
import hmac
import io
import json
import time
from collections import defaultdict, deque
from datetime import datetime, timezone

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from graph_builder.errors import HmicKgError
from graph_builder.links.curation import COLUMNS, parse_row

from ..errors import JSON_ERRORS, NotFound, ParameterError, ServiceError
from ..state import get_state

router = APIRouter(tags=["Curation proposals"], dependencies=[JSON_ERRORS])

MAX_BODY = 8 * 1024
_LOCK = asyncio.Lock()


def _check_token(request: Request, expected: str, given: str | None) -> None:
    header = request.headers.get("authorization", "")
    token = header[7:].strip() if header.lower().startswith("bearer ") else (given or "")
    if not token or not hmac.compare_digest(token.encode(), expected.encode()):
        raise ServiceError("unauthorized", "a curation proposal needs the service's proposal token")


def _within_rate(request: Request, per_hour: int) -> None:
    recent = getattr(request.app.state, "proposal_times", None)
    if recent is None:
        recent = request.app.state.proposal_times = defaultdict(deque)
    client = request.client.host if request.client else "unknown"
    now, seen = time.monotonic(), recent[client]
    while seen and now - seen[0] > 3600:
        seen.popleft()
    if len(seen) >= per_hour:
        raise ServiceError("too-many", f"at most {per_hour} curation proposals an hour from one address")
    seen.append(now)


async def _fields(request: Request) -> dict:
    body = await request.body()
    if len(body) > MAX_BODY:
        raise ServiceError("too-long", f"a curation proposal is at most {MAX_BODY} bytes")
    kind = request.headers.get("content-type", "").split(";")[0].strip()
    if kind == "application/json":
        try:
            data = json.loads(body)
        except (ValueError, RecursionError):
            raise ParameterError("the proposal is not valid JSON") from None
        if not isinstance(data, dict):
            raise ParameterError("the proposal must be a JSON object")
        return data
    if kind == "application/x-www-form-urlencoded":
        form = await request.form()
        return {k: form.get(k) for k in form.keys()}
    raise ServiceError("unsupported-media", "send the proposal as JSON or as a form")


@router.post("/curation/proposals", status_code=202,
             summary="Propose a curation judgement on a link (off unless serve enables it)")
async def propose(request: Request) -> JSONResponse:
    settings = get_state(request).settings
    if settings.proposals_file is None or not settings.proposals_token:
        raise NotFound("curation proposals are not accepted by this server")
    data = await _fields(request)
    _check_token(request, settings.proposals_token, data.pop("token", None))
    row = {col: data.get(col) or "" for col in COLUMNS}
    row["date"] = datetime.now(timezone.utc).date().isoformat()
    try:
        judgement = parse_row(row, "proposal")
    except HmicKgError as exc:
        raise ParameterError(str(exc)) from None
    unknown = sorted(set(data) - set(COLUMNS))
    if unknown:
        raise ParameterError(f"unknown field(s) {', '.join(unknown)}; a proposal has "
                             f"{', '.join(c for c in COLUMNS if c != 'date')}")
    _within_rate(request, settings.proposals_per_hour)
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow([getattr(judgement, c) for c in COLUMNS])
    line = out.getvalue().encode("utf-8")
    path = settings.proposals_file
    async with _LOCK:
        size = path.stat().st_size if path.exists() else 0
        header = b"" if size else (",".join(COLUMNS) + "\n").encode("utf-8")
        if size + len(header) + len(line) > settings.proposals_max_bytes:
            raise ServiceError("full", "the proposals file is full: waiting for review")
        with path.open("ab") as fh:
            fh.write(header + line)
    return JSONResponse({"status": "recorded for review", "judgement": judgement.judgement,
                         "source": judgement.source, "target": judgement.target}, status_code=202)
