"""hmic-kg synth: N synthetic report texts with the extraction each should give, deterministic per seed."""
from __future__ import annotations

import hashlib
import json
import random
import shutil
import time
from pathlib import Path

from graph_builder.errors import HmicKgError
from graph_builder.paths import project_dir
from graph_builder.reference import forces

from .context import Ctx
from .layout_framework import baseline, inspection
from .layout_peel import peel
from .names import names_of
from .patterns import harvest
from .reference import SHIPPED, write_reference
from .writer import STYLES, SUFFIX, Noise, Writer

FAMILIES = {
    "baseline-assessment": (2004, 2005, 2006),
    "inspection-2007": (2007, 2008, 2009),
    "peel": tuple(range(2014, 2020)) + tuple(range(2021, 2026)),
}
FILE_FAMILY = {"baseline-assessment": "baseline-assessment", "inspection-2007": "inspection", "peel": "peel"}
LAYOUT = {"baseline-assessment": baseline, "inspection-2007": inspection, "peel": peel}
PROGRAMME = {"baseline-assessment": "baseline-{}", "inspection-2007": "inspection-{}", "peel": "peel-{}"}
MONTHS = {"baseline-assessment": {2004: 6}, "inspection-2007": {2008: 7, 2009: 3}}
GENERATOR = "hmic-kg synth"
ATTRIBUTION = "Synthetic text generated from patterns in Crown copyright reports, Open Government Licence v3.0"
LICENCE = "http://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
PUBLISHER = "HM Inspectorate of Constabulary (HMIC / HMICFRS)"


class SynthError(HmicKgError):
    """A synth request that cannot be met (too many reports, an unsafe output directory)."""


def capacity() -> int:
    return len(forces.all_forces()) * sum(len(y) for y in FAMILIES.values())


def plan(n: int, seed: int) -> list[tuple[str, int, forces.Force]]:
    """n distinct (family, year, force) slots, balanced over families, then years, then forces."""
    cap = capacity()
    if n < 1:
        raise SynthError(f"--reports must be at least 1 (got {n})")
    if n > cap:
        raise SynthError(f"--reports {n} is more than the {cap} distinct reports there can be "
                         f"({len(forces.all_forces())} forces x {sum(len(y) for y in FAMILIES.values())} programmes; "
                         "each force has at most one report per programme)")
    rng = random.Random(f"hmic-kg synth plan|{seed}")
    queues = {}
    for fam, years in FAMILIES.items():
        per_year = {y: rng.sample(forces.all_forces(), k=len(forces.all_forces())) for y in years}
        order = list(years)
        rng.shuffle(order)
        q = []
        for i in range(len(forces.all_forces())):
            q += [(fam, y, per_year[y][i]) for y in order]
        queues[fam] = q
    out = []
    fams = list(FAMILIES)
    while len(out) < n:
        for fam in fams:
            if queues[fam] and len(out) < n:
                out.append(queues[fam].pop(0))
    return out


def _noise(rng: random.Random, family: str, style: str, month_year: str, names) -> tuple[Noise, str]:
    if family == "peel":
        sep = "\n" if style == "plain" else "\n\n"
        return Noise(wrap=rng.choice((None, 76, 90)) if sep == "\n\n" else None), sep
    pages = [month_year if style != "markdown" or rng.random() < 0.5 else f"*{month_year}*"]
    if family == "inspection-2007":
        pages.append(f"{names.name} – HMIC Inspection Report")
    else:
        pages.append(f"{names.name} – Baseline Assessment {month_year.split()[-1]}")
    start = rng.randint(3, 40)
    pages += [str(start + k) for k in range(3)] + [f"Page {start + 4} of {start + rng.randint(30, 80)}"]
    return Noise(page_lines=pages, between=rng.uniform(0.02, 0.1), inside=rng.uniform(0.01, 0.08),
                 wrap=rng.choice((None, None, 72, 80, 96)), split_grade=rng.choice((0.0, 0.3, 0.6)),
                 glued=rng.choice((0.0, 0.15, 0.3))), "\n\n"


def report(seed: int, index: int, family: str, year: int, force: forces.Force) -> tuple[str, str, dict]:
    """(file name, text, expected record) of one synthetic report."""
    pools = harvest()
    rng = random.Random(f"hmic-kg synth report|{seed}|{family}|{year}|{force.id}")
    style = STYLES[(index + index // 3) % 3]
    names = names_of(force)
    month = MONTHS.get(family, {}).get(year, 10)
    month_name = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
                  "October", "November", "December"][month - 1]
    noise, sep = _noise(rng, family, style, f"{month_name} {year}", names)
    w = Writer(rng, style, noise)
    programme = PROGRAMME[family].format(year)
    c = Ctx(rng=rng, pools=pools, force=force, names=names, family=family, year=year, programme=programme,
            seed=seed, w=w)
    published = None if family == "peel" else f"{year}-{month:02d}"
    title = {"baseline-assessment": f"{names.name} Baseline Assessment {month_name} {year}",
             "inspection-2007": f"HMIC Inspection Report {names.name}",
             "peel": f"{names.stem} PEEL {year}/{(year + 1) % 100:02d}"}[family]
    c.record = {"synthetic": True, "seed": seed, "markup": style,
                "report": {"family": family, "programme": programme, "year": year, "published": published,
                           "title": title},
                "force": {"id": force.id, "name": names.name},
                "areas": [], "findings": [], "recommendations": [], "good_practice": [], "glossary": []}
    LAYOUT[family](c)
    text = sep.join("\n".join(b) for b in w.blocks if b) + "\n"
    c.record["noise"] = sorted(noise.kinds)
    c.record["national_distributions"] = {a["name"]: a["national_distribution"] for a in c.record["areas"]
                                          if a["national_distribution"]}
    name = f"{force.id}-{year}-{FILE_FAMILY[family]}-synthetic{SUFFIX[style]}"
    return name, text, c.record


def _check_out(out: Path) -> None:
    corpus = project_dir("corpus").resolve()
    res = out.resolve()
    if res == corpus or res.is_relative_to(corpus) or corpus.is_relative_to(res):
        raise SynthError(f"{out}: refusing to write synthetic reports into (or over) the shipped corpus {corpus}")
    if res.exists() and not res.is_dir():
        raise SynthError(f"{out}: exists and is not a directory")
    if res.exists() and any(res.iterdir()) and not _previous_output(res):
        raise SynthError(f"{out}: directory is not empty and is not the output of an earlier "
                             "`hmic-kg synth`; refusing to overwrite it")


def _previous_output(d: Path) -> dict | None:
    try:
        m = json.loads((d / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if isinstance(m, dict) and m.get("generator", {}).get("name") == GENERATOR and all(
            r.get("synthetic") is True for r in m.get("reports", [])):
        return m
    return None


def _clear_previous(d: Path) -> None:
    m = _previous_output(d)
    if not m:
        return
    for r in m.get("reports", []):
        (d / Path(r["file"]).name).unlink(missing_ok=True)
    for ref in m.get("reference", []):
        (d / Path(ref).name).unlink(missing_ok=True)
    shutil.rmtree(d / "expected", ignore_errors=True)
    (d / "manifest.json").unlink(missing_ok=True)


def synthesise(n: int, out: str | Path, seed: int = 0) -> dict:
    """Writes n synthetic reports, their expected extractions, manifest.json and the reference triples
    of the synthetic programmes into out. Returns a summary."""
    t0 = time.perf_counter()
    out = Path(out)
    slots = plan(n, seed)
    _check_out(out)
    harvest()
    out.mkdir(parents=True, exist_ok=True)
    _clear_previous(out)
    (out / "expected").mkdir()
    entries = []
    per_family: dict[str, int] = {}
    programmes = set()
    for i, (family, year, force) in enumerate(slots):
        name, text, record = report(seed, i, family, year, force)
        data = text.encode("utf-8")
        (out / name).write_bytes(data)
        (out / "expected" / f"{name}.json").write_text(
            json.dumps(record, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        entries.append({"file": name, "source": f"{GENERATOR}, seed {seed}", "publisher": PUBLISHER,
                        "licence": LICENCE, "attribution": ATTRIBUTION, "synthetic": True,
                        "sha256": hashlib.sha256(data).hexdigest()})
        per_family[family] = per_family.get(family, 0) + 1
        programmes.add((family, record["report"]["programme"], year))
    new = [p for p in programmes if p[1] != SHIPPED[p[0]][0]]
    write_reference(out / "synthetic-programmes.ttl", new)
    manifest = {"generator": {"name": GENERATOR, "seed": seed, "reports": n},
                "reference": ["synthetic-programmes.ttl"],
                "reports": sorted(entries, key=lambda e: e["file"])}
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return {"reports": n, "per_family": per_family, "seconds": time.perf_counter() - t0,
            "programmes": len(programmes), "synthetic_programmes": len(new), "out": str(out)}
