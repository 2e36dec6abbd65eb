"""The parse model's shape as types: what `parse_source` returns and every later stage reads.

The model stays a plain dict (it is written as JSON by `hmic-kg parse`, cached, and pickled between
processes), so these are TypedDicts: a type checker sees every key, and nothing changes at run
time. They match graph_builder/schema/parse-model.schema.json key for key; a test holds them to it.
No `from __future__ import annotations` here: TypedDict reads NotRequired from evaluated
annotations only (Python 3.11).
"""

from typing import Literal, NotRequired, TypedDict

Grade = Literal["Excellent", "Good", "Fair", "Poor", "Outstanding", "Adequate",
                "Requires improvement", "Inadequate", "Not graded"]
Direction = Literal["Improved", "Stable", "Declined", "Not graded"]


class Location(TypedDict):
    """Lines are 1-based; start/end are code-point offsets into the source text, end exclusive."""

    first_line: int
    last_line: int
    start: int
    end: int
    page: NotRequired[int]       # the published page the span starts on (extract/pages.py), where the text shows pages
    last_page: NotRequired[int]  # the page it ends on


class Extractor(TypedDict):
    name: str
    version: str


class SourceInfo(TypedDict):
    path: str
    sha256: str


class Period(TypedDict):
    start: str
    end: str
    text: str


class Pagination(TypedDict):
    pages: int
    counted_from: Literal["form-feeds", "running-headers"]


class PublishedSource(TypedDict):
    """The published document the text was read from, as the corpus manifest describes it."""
    title: NotRequired[str]
    publisher: NotRequired[str]
    issued: NotRequired[str]
    isbn: NotRequired[list[str]]
    url: NotRequired[str]
    format: NotRequired[str]
    description: NotRequired[str]


class Report(TypedDict):
    family: Literal["baseline-assessment", "inspection-2007", "peel"]
    title: str | None
    published: str | None
    year: int | None
    programme: str | None
    isbns: list[str]
    assessment_period: Period | None
    sha256: str
    characters: NotRequired[int]
    lines: NotRequired[int]
    synthetic: NotRequired[bool]  # set by the build for a corpus manifest's synthetic reports
    pagination: NotRequired[Pagination | None]  # how pages were counted; None: the text shows no pages
    published_source: NotRequired[PublishedSource]  # set by the build from the corpus manifest


class Force(TypedDict):
    name: str
    id: str
    official_name: str
    ons_code: str
    variants: list[str]
    abbreviation: NotRequired[str | None]


class ProseGrade(TypedDict):
    grade: Grade | None
    sentence: str
    location: Location


class Area(TypedDict):
    name: str
    code: str | None
    group: str | None
    graded: bool
    grade: Grade | None
    grade_source: Literal["stated", "prose"] | None
    direction_of_travel: Direction | None
    national_distribution: dict[str, int] | None
    national_distribution_order: NotRequired[list[str]]
    location: Location
    prose_grades: NotRequired[list[ProseGrade]]


class _AreaParagraph(TypedDict):
    area: str
    area_code: NotRequired[str | None]
    ordinal: int
    topic: NotRequired[str | None]
    text: str
    location: Location


class Finding(_AreaParagraph):
    kind: Literal["strength", "work-in-progress", "area-for-improvement", "cause-of-concern",
                  "detailed-finding"]


class NarrativeStatement(_AreaParagraph):
    """A paragraph of an area outside its finding lists: its context section, or a section that
    cannot be placed (kept rather than lost)."""
    kind: Literal["context", "unclassified"]


class Recommendation(TypedDict):
    number: int | None
    area: str
    text: str
    lead_in: NotRequired[str | None]
    addressee: NotRequired[str | None]  # who the lead-in says should act ('the force')
    deadline: NotRequired[str | None]
    addresses: NotRequired[dict | None]
    printed_in: NotRequired[list[Literal["area", "closing-list"]]]
    locations: list[Location]


class GoodPractice(TypedDict):
    title: str
    area: str | None
    inspection_area: NotRequired[str | None]
    problem: str | None
    solution: str | None
    outcome: str | None
    outcomes: NotRequired[list[str]]
    contact_role: str | None
    location: Location


class GlossaryEntry(TypedDict):
    abbreviation: str
    expansion: str
    location: Location


class Fact(TypedDict):
    name: Literal["population", "area", "police_officers", "police_staff", "special_constables",
                  "pcsos"]
    value: float
    unit: str
    qualifier: NotRequired[str | None]
    km2: NotRequired[float]
    text: str
    location: Location


class PriorGrade(TypedDict):
    sentence: str
    grade: Grade | None
    direction: Literal["Improved", "Stable", "Declined", "Deteriorated"] | None
    year: int | None
    area: str | None
    area_stated: NotRequired[bool]  # the sentence names the area; otherwise area is the section's
    programme: NotRequired[Literal["baseline"] | None]  # the programme the sentence cites
    location: Location


class Warning(TypedDict):
    line: int | None
    message: str


class ParseModel(TypedDict):
    schema_version: Literal["1.0"]
    extractor: Extractor
    source: SourceInfo
    report: Report
    force: Force
    areas: list[Area]
    findings: list[Finding]
    narrative: NotRequired[list[NarrativeStatement]]
    recommendations: list[Recommendation]
    good_practice: list[GoodPractice]
    glossary: list[GlossaryEntry]
    facts: list[Fact]
    prior_grades: list[PriorGrade]
    warnings: list[Warning]
