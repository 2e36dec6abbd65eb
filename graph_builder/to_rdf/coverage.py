"""What the dataset covers, said plainly and computed from the data: how many reports, of which
forces, programmes and years, real or synthetic, and what it leaves out.

One query and one sentence, shared by the build (the dataset description graph, VoID and DCAT)
and the service (the home page and /coverage), so the two can never tell different stories.
"""
from __future__ import annotations

from dataclasses import dataclass, field

NATIONAL_FORCES = 43  # the territorial forces of England and Wales (reference/forces.py)


def coverage_query(base: str) -> str:
    """One row per report held: ?report ?force ?forceLabel ?programme ?programmeLabel ?year ?synthetic."""
    insp = f"{base}/def/inspection/"
    return f"""PREFIX insp: <{insp}> PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?report ?force ?forceLabel ?programme ?programmeLabel ?year ?synthetic WHERE {{
  ?report insp:hasText ?text ; insp:force ?force ; insp:programme ?programme ; insp:year ?year .
  OPTIONAL {{ ?force skos:prefLabel ?forceLabel0 FILTER(lang(?forceLabel0) IN ("en", "")) }}
  OPTIONAL {{ ?programme skos:prefLabel ?programmeLabel0 FILTER(lang(?programmeLabel0) IN ("en", "")) }}
  OPTIONAL {{ ?report insp:synthetic ?synthetic0 }}
  BIND(COALESCE(STR(?forceLabel0), REPLACE(STR(?force), "^.*/", "")) AS ?forceLabel)
  BIND(COALESCE(STR(?programmeLabel0), REPLACE(STR(?programme), "^.*/", "")) AS ?programmeLabel)
  BIND(COALESCE(STR(?synthetic0) = "true", false) AS ?synthetic)
}} ORDER BY ?forceLabel ?year ?report"""


@dataclass
class Coverage:
    reports: list[dict] = field(default_factory=list)  # report, force, forceLabel, programme, ..., year
    national_forces: int = NATIONAL_FORCES

    @property
    def forces(self) -> dict[str, str]:
        return dict(sorted({r["force"]: r["forceLabel"] for r in self.reports}.items(),
                           key=lambda kv: kv[1]))

    @property
    def programmes(self) -> dict[str, str]:
        return dict(sorted({r["programme"]: r["programmeLabel"] for r in self.reports}.items(),
                           key=lambda kv: kv[1]))

    @property
    def years(self) -> list[int]:
        return sorted({r["year"] for r in self.reports})

    @property
    def synthetic(self) -> int:
        return sum(1 for r in self.reports if r["synthetic"])

    def grid(self) -> tuple[list[int], list[tuple[str, str, dict[int, list[dict]]]]]:
        """The force x year grid of reports held: (years, [(force, label, {year: reports})])."""
        years = list(range(self.years[0], self.years[-1] + 1)) if self.years else []
        rows = []
        for force, label in self.forces.items():
            cells: dict[int, list[dict]] = {}
            for r in self.reports:
                if r["force"] == force:
                    cells.setdefault(r["year"], []).append(r)
            rows.append((force, label, cells))
        return years, rows


def coverage_from_rows(rows: list[dict[str, str | None]]) -> Coverage:
    """rows: the coverage query's solutions as plain strings (None where unbound)."""
    reports = []
    for r in rows:
        reports.append({"report": r["report"], "force": r["force"], "forceLabel": r["forceLabel"],
                        "programme": r["programme"], "programmeLabel": r["programmeLabel"],
                        "year": int(r["year"]), "synthetic": r.get("synthetic") == "true"})
    return Coverage(reports)


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word if n == 1 else (plural or word + 's')}"


def _names(labels: list[str], most: int = 8) -> str:
    if len(labels) > most:
        return ", ".join(labels[:most]) + f" and {len(labels) - most} more"
    if len(labels) <= 2:
        return " and ".join(labels)
    return ", ".join(labels[:-1]) + " and " + labels[-1]


def coverage_statement(cov: Coverage) -> str:
    """The coverage in two or three plain sentences, every figure taken from cov."""
    n = len(cov.reports)
    if not n:
        return "This dataset holds no inspection report."
    forces, years = list(cov.forces.values()), cov.years
    span = (f"in {years[0]}" if len(years) == 1 else
            f"between {years[0]} and {years[-1]} (in {_names([str(y) for y in years], 12)})")
    if cov.synthetic == n:
        kind = "all of them synthetic (generated for testing, not real inspections)"
    elif cov.synthetic:
        kind = (f"{cov.synthetic} of them synthetic (generated for testing, not real inspections) "
                f"and {n - cov.synthetic} real")
    else:
        kind = "all of them real HMIC / HMICFRS publications"
    parts = [f"This dataset holds {_plural(n, 'inspection report')}, {kind}: "
             f"{_plural(len(forces), 'force')} of the {cov.national_forces} in England and Wales "
             f"({_names(forces)}), from {_plural(len(cov.programmes), 'inspection programme')} "
             f"({_names(list(cov.programmes.values()))}), published {span}."]
    missing = cov.national_forces - len(forces)
    if missing > 0:
        parts.append(f"It does not hold any report on the other {missing} forces, nor any other "
                     "programme or year; counts and comparisons describe these reports only.")
    return " ".join(parts)
