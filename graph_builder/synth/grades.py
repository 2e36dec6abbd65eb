"""Grades: national distributions (one per programme and area, whatever the report) and each force's grade."""
from __future__ import annotations

import random

EGFP = ("Excellent", "Good", "Fair", "Poor")
PEEL4 = ("Outstanding", "Good", "Requires improvement", "Inadequate")
DIRECTIONS = ("Improved", "Stable", "Declined", "Not graded")
_SHAPE = {"Excellent": 0.08, "Good": 0.45, "Fair": 0.4, "Poor": 0.07}


def national_distribution(seed: int, programme: str, area: str, shipped: dict) -> dict[str, int]:
    """Counts of forces per grade, 0..43 summing to at most 43. The shipped corpus's printed figures
    for its own programmes; otherwise derived from (seed, programme, area) alone, so that every
    report of one programme prints the same distribution for an area."""
    if area in shipped.get(programme, {}):
        return dict(shipped[programme][area])
    rng = random.Random(f"hmic-kg synth distribution|{seed}|{programme}|{area}")
    total = 43 - rng.choice((0, 0, 0, 0, 1, 2))
    weights = {g: _SHAPE[g] * rng.uniform(0.3, 1.7) for g in EGFP}
    s = sum(weights.values())
    counts = {g: int(total * w / s) for g, w in weights.items()}
    counts["Fair"] += total - sum(counts.values())
    return counts


def pick_grade(rng: random.Random, distribution: dict[str, int]) -> str:
    grades = [g for g in EGFP if distribution.get(g)]
    return rng.choices(grades, weights=[distribution[g] for g in grades])[0]


def pick_peel_grade(rng: random.Random) -> str:
    return rng.choices(PEEL4, weights=(1, 10, 6, 1.5))[0]


def pick_direction(rng: random.Random) -> str:
    return rng.choices(DIRECTIONS, weights=(5, 10, 2, 1))[0]
