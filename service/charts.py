"""Charts drawn by the server as inline SVG: readable without JavaScript, nothing fetched from
elsewhere. This module computes the geometry only; templates/charts.html draws it with Jinja2's
autoescape, so labels from the data cannot become markup."""
from __future__ import annotations

import math
from dataclasses import dataclass, field

# Best grade first: a colour per rank position from the top of a scale of n grades.
_PALETTE = ("#1a7f37", "#7fb800", "#e0a800", "#d1242f", "#8c1c13")


def grade_colour(rank: int, top: int) -> str:
    """rank 1 is the worst grade; top the best rank of its scale."""
    return _PALETTE[min(max(top - rank, 0), len(_PALETTE) - 1)]


@dataclass
class Dot:
    x: float
    y: float
    r: float
    n: int
    colour: str
    title: str


@dataclass
class Panel:
    """Grades over time: a column per year, and a block of rows per grade scale (a row per grade,
    best at the top), so each programme's grades stay on their own scale on one time axis."""
    width: int
    height: int
    blocks: list[tuple[float, str]] = field(default_factory=list)  # (y, scale label)
    rows: list[tuple[float, str]] = field(default_factory=list)  # (y, grade label)
    columns: list[tuple[float, str]] = field(default_factory=list)  # (x, year)
    dots: list[Dot] = field(default_factory=list)


def grades_over_time(scales: list[tuple[str, list[tuple[int, str]], list[tuple[int, int, str, str]]]]
                     ) -> Panel:
    """scales: (scale label, its grades as (rank, label), its judgements as (year, rank, grade
    label, area label)), in the order to draw them."""
    years = sorted({j[0] for _, _, judged in scales for j in judged})
    left, top, row_h, col_w, gap = 190, 10, 30, 80, 28
    x_of = {}
    for i, year in enumerate(years):
        x_of[year] = left + col_w * i + col_w / 2
    panel = Panel(left + col_w * max(len(years), 1) + 20, 0)
    panel.columns = [(x, str(y)) for y, x in x_of.items()]
    y = top
    for label, grades, judged in scales:
        grades = sorted(grades, reverse=True)
        y += gap
        panel.blocks.append((y - 8, label))
        y_of = {}
        for rank, grade in grades:
            y_of[rank] = y + row_h / 2
            panel.rows.append((y_of[rank], grade))
            y += row_h
        best = grades[0][0] if grades else 1
        cells: dict[tuple[int, int], list[str]] = {}
        for year, rank, _, area in judged:
            cells.setdefault((year, rank), []).append(area)
        for (year, rank), areas in sorted(cells.items()):
            if rank not in y_of:
                continue
            n = len(areas)
            grade = next(g for r, g in grades if r == rank)
            panel.dots.append(Dot(x_of[year], y_of[rank], min(6 + 3.5 * math.sqrt(n), row_h / 2 - 1),
                                  n, grade_colour(rank, best),
                                  f"{year}: {n} area{'s' if n != 1 else ''} graded {grade}: "
                                  + "; ".join(sorted(areas))))
    panel.height = int(y + 30)
    return panel


@dataclass
class Bar:
    y: float
    length: float
    n: int
    label: str
    colour: str
    own: bool  # the grade this page's judgement was given


@dataclass
class BarChart:
    width: int
    height: int
    label_width: int
    bars: list[Bar] = field(default_factory=list)


def distribution(counts: list[tuple[int, str, int]], own_rank: int | None) -> BarChart:
    """The national distribution of one area's grades: (rank, label, forces), best first."""
    counts = sorted(counts, reverse=True)
    most = max((n for _, _, n in counts), default=0) or 1
    label_w, bar_h, span = 150, 24, 260
    chart = BarChart(label_w + span + 50, bar_h * len(counts) + 8, label_w)
    best = counts[0][0] if counts else 1
    for i, (rank, label, n) in enumerate(counts):
        chart.bars.append(Bar(4 + i * bar_h, span * n / most, n, label, grade_colour(rank, best),
                              rank == own_rank))
    return chart
