"""`hmic-kg publish --to URL`: a built dataset into an external store through the SPARQL 1.1 Graph
Store HTTP Protocol, one named graph per request.

Each graph is sent with PUT, which replaces that graph's content in one request, so publishing twice
leaves the store as publishing once did, and a report's graph is never half old and half new.
Credentials come from the environment only (a command line is visible to every user of the
machine): HMIC_KG_STORE_USER, HMIC_KG_STORE_PASSWORD, HMIC_KG_STORE_AUTH (digest, the default, or
basic).
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import httpx
import pyoxigraph as ox

from graph_builder.errors import HmicKgError


@dataclass
class Published:
    graph: str
    triples: int
    status: int


def auth_from_env(env=os.environ) -> httpx.Auth | None:
    user = env.get("HMIC_KG_STORE_USER")
    if not user:
        return None
    password = env.get("HMIC_KG_STORE_PASSWORD", "")
    kind = env.get("HMIC_KG_STORE_AUTH", "digest").lower()
    if kind == "basic":
        return httpx.BasicAuth(user, password)
    if kind == "digest":
        return httpx.DigestAuth(user, password)
    raise HmicKgError(f"HMIC_KG_STORE_AUTH must be 'digest' or 'basic', not {kind!r}")


def publish(build: Path, url: str, auth: httpx.Auth | None = None, timeout: float = 300.0,
            progress=None) -> list[Published]:
    store_dir = Path(build) / "store"
    if not (Path(build) / "build.json").is_file() or not store_dir.is_dir():
        raise HmicKgError(f"{build}: not a hmic-kg build directory (build it with 'hmic-kg build --out {build}')")
    store = ox.Store.read_only(str(store_dir))
    graphs = sorted(g.value for g in store.named_graphs())
    out = []
    with httpx.Client(timeout=timeout, auth=auth) as client:
        for i, g in enumerate(graphs, 1):
            # N-Triples is Turtle too; Turtle is the media type every Graph Store implementation takes.
            body = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(g))
            try:
                r = client.put(url, params={"graph": g}, content=body,
                               headers={"Content-Type": "text/turtle; charset=utf-8"})
            except httpx.HTTPError as exc:
                raise HmicKgError(f"{url}: the store cannot be reached ({exc}); "
                                  f"{len(out)} of {len(graphs)} graphs were published") from None
            if r.status_code in (401, 403):
                raise HmicKgError(f"{url}: the store refused the credentials (HTTP {r.status_code}); "
                                  "set HMIC_KG_STORE_USER and HMIC_KG_STORE_PASSWORD for a user allowed to write")
            if r.status_code not in (200, 201, 204):
                raise HmicKgError(f"{url}: the store refused graph {g} (HTTP {r.status_code}: "
                                  f"{r.text.strip()[:300]}); {len(out)} of {len(graphs)} graphs were published")
            out.append(Published(g, body.count(b"\n"), r.status_code))
            if progress:
                progress("publish", i, len(graphs))
    return out
