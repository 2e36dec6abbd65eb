"""The 43 territorial police forces of England and Wales, and resolving a printed name to one of them."""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache

from graph_builder.paths import project_dir

_SUFFIX = r"(?:\s+(?:Police Service|Police Force|Constabulary|Police))?"


@dataclass(frozen=True)
class Force:
    id: str
    name: str
    ons_code: str
    ons_area_name: str
    country: str
    variants: tuple[str, ...]
    wikidata: str | None

    @property
    def stem(self) -> str:
        return stem(self.name)


def stem(name: str) -> str:
    s = name.replace("&", "and").replace("–", "-")
    s = re.sub(r"\s+(?:Police Service|Police Force|Constabulary|Police)$", "", s.strip())
    return s


@lru_cache(maxsize=1)
def all_forces() -> tuple[Force, ...]:
    path = project_dir("ontology") / "reference" / "forces.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        return tuple(
            Force(id=r["id"], name=r["name"], ons_code=r["ons_code"], ons_area_name=r["ons_area_name"],
                  country=r["country"], variants=tuple(v for v in r["variants"].split("|") if v),
                  wikidata=r["wikidata"] or None)
            for r in csv.DictReader(fh))


def _name_pattern(name: str) -> str:
    # "Dyfed-Powys", "Dyfed Powys", "Dyfed–Powys"; "Devon & Cornwall", "Devon and Cornwall"
    parts = re.split(r"[\s\-–]+", name.replace("&", "and"))
    return r"[\s\-–]+".join(r"(?:and|&)" if p == "and" else re.escape(p) for p in parts)


@lru_cache(maxsize=1)
def _matchers() -> list[tuple[re.Pattern[str], Force]]:
    out = []
    for f in all_forces():
        stems = {stem(f.name), stem(f.ons_area_name)} | {stem(v) for v in f.variants if not v.startswith("the ")}
        for s in stems:
            out.append((re.compile(r"\b(%s%s)\b" % (_name_pattern(s), _SUFFIX)), f))
    # Longest stems first, so "West Midlands" never loses to a shorter overlapping stem.
    out.sort(key=lambda m: -len(m[0].pattern))
    return out


def find_force(text: str) -> tuple[Force, str] | None:
    """The first force named in text (earliest position), with the name as printed."""
    best: tuple[int, Force, str] | None = None
    for pat, force in _matchers():
        m = pat.search(text)
        if m and (best is None or m.start() < best[0]):
            best = (m.start(), force, m.group(1))
    return (best[1], best[2]) if best else None


def by_id(force_id: str) -> Force:
    for f in all_forces():
        if f.id == force_id:
            return f
    raise KeyError(force_id)
