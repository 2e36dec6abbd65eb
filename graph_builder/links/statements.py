"""The statements the links are made between (findings and recommendations, with the IRIs
to_rdf/mapping.py gives them) and the links themselves."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

from graph_builder.iris import DEFAULT_BASE, Minter, area_slug


@dataclass(frozen=True)
class Statement:
    iri: str
    report: str
    force: str
    programme: str
    year: int | None
    kind: str
    text: str
    themes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Link:
    source: str
    target: str
    score: float


def statements_from_model(model: dict, base: str = DEFAULT_BASE) -> list[Statement]:
    """Findings and recommendations of one parsed report, with the IRIs mapping.py gives them."""
    m = Minter(base)
    fid, prog = model["force"]["id"], model["report"]["programme"]
    year = model["report"].get("year")
    report, force = str(m.report(fid, prog)), str(m.force(fid))
    slugs = {a["name"]: area_slug(a) for a in model["areas"]}
    out = []
    for f in model["findings"]:
        iri = m.u("id", "finding", fid, prog, slugs[f["area"]], f["kind"], str(f["ordinal"]))
        out.append(Statement(str(iri), report, force, prog, year, f["kind"], f["text"]))
    for r in model["recommendations"]:
        # Unnumbered recommendations are keyed by a text hash in mapping.py; keep in step.
        num = r["number"]
        if num is None:
            num = hashlib.sha256(r["text"].encode()).hexdigest()[:8]
        iri = m.u("id", "recommendation", fid, prog, str(num))
        out.append(Statement(str(iri), report, force, prog, year, "recommendation", r["text"]))
    return out

