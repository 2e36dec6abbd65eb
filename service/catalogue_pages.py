"""The catalogue as pages a person uses: a form per query with its parameters as labelled choices,
and the answer as a paged, sortable table with labels linked to their pages.

The renderer takes one page of rows, the total, the limit and offset and the parameter values
(`AnswerPage`), so it does not care whether the rows were cut from a whole answer (`slice_answer`,
used today) or fetched one page at a time by the store.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from urllib.parse import urlencode

from .catalogue import CatalogueQuery, Param
from .resource_view import Link, Linker

DEFAULT_LIMIT = 50
MAX_LIMIT = 1000
# Parameters that steer the page rather than the query.
CONTROL = frozenset({"format", "limit", "offset", "sort", "desc"})

_PREFIXES = """PREFIX insp: <{insp}> PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> """

# The choices a form offers for an IRI parameter, by the parameter's name: ?value ?label, and
# ?group where the choices fall into groups (areas by programme, grades by scale).
CHOICES = {
    "force": """SELECT DISTINCT ?value ?label WHERE {
        ?r insp:hasText ?t ; insp:force ?value . ?value skos:prefLabel ?label } ORDER BY ?label""",
    "programme": """SELECT DISTINCT ?value ?label WHERE {
        ?r insp:hasText ?t ; insp:programme ?value . ?value skos:prefLabel ?label } ORDER BY ?label""",
    "area": """SELECT DISTINCT ?value ?label ?group WHERE {
        ?j a insp:GradedJudgement ; insp:assessmentArea ?value ; insp:programme ?p .
        ?value skos:prefLabel ?label . ?p skos:prefLabel ?group } ORDER BY ?group ?label""",
    "grade": """SELECT DISTINCT ?value ?label ?group WHERE {
        ?r insp:hasText ?t ; insp:programme ?p . ?p insp:gradeScale ?scale .
        ?value skos:inScheme ?scale ; insp:rank ?rank ; skos:prefLabel ?label .
        ?scale skos:prefLabel|rdfs:label ?group } ORDER BY ?group DESC(?rank)""",
    "theme": """SELECT DISTINCT ?value ?label WHERE {
        ?value a insp:Theme ; skos:prefLabel ?label } ORDER BY ?label""",
}


def choice_queries(query: CatalogueQuery, insp: str) -> dict[str, str]:
    prefixes = _PREFIXES.format(insp=insp)
    return {p.name: prefixes + CHOICES[p.name] for p in query.params
            if p.type in ("iri", "grade") and p.name in CHOICES}


@dataclass
class Field:
    param: Param
    value: str
    choices: list[tuple[str, str, str | None]] = field(default_factory=list)  # value, label, group

    @property
    def groups(self) -> list[tuple[str | None, list[tuple[str, str]]]]:
        out: list[tuple[str | None, list[tuple[str, str]]]] = []
        for value, label, group in self.choices:
            if not out or out[-1][0] != group:
                out.append((group, []))
            out[-1][1].append((value, label))
        return out

    @property
    def example(self) -> str:
        desc = self.param.description
        return desc.split("e.g.", 1)[1].strip() if "e.g." in desc else ""


def form_fields(query: CatalogueQuery, values: dict[str, str], choice_rows: dict) -> list[Field]:
    fields = []
    for p in query.params:
        rows = choice_rows.get(p.name) or []
        choices, seen = [], set()
        for r in rows:
            v = r["value"][1]
            if v in seen:
                continue
            seen.add(v)
            choices.append((v, r["label"][1], r["group"][1] if r.get("group") else None))
        fields.append(Field(p, values.get(p.name, ""), choices))
    return fields


@dataclass
class Cell:
    link: Link | None = None
    text: str = ""


@dataclass
class AnswerPage:
    columns: list[str]
    rows: list[list[Cell]]
    total: int
    limit: int
    offset: int


@dataclass
class Paging:
    limit: int = DEFAULT_LIMIT
    offset: int = 0
    sort: str | None = None
    desc: bool = False


def read_paging(params) -> Paging:
    """limit / offset / sort / desc from the query string; out-of-range values are clamped, not
    refused: they only steer the page."""
    def number(name: str, default: int, low: int, high: int) -> int:
        raw = params.get(name)
        try:
            return max(low, min(high, int(raw))) if raw is not None else default
        except ValueError:
            return default
    return Paging(number("limit", DEFAULT_LIMIT, 1, MAX_LIMIT), number("offset", 0, 0, 10**9),
                  params.get("sort") or None, params.get("desc") == "1")


def parse_results(body: bytes) -> tuple[list[str], list[dict]]:
    """SPARQL JSON results -> (variables, bindings)."""
    doc = json.loads(body)
    if "boolean" in doc:
        return ["answer"], [{"answer": {"type": "literal", "value": str(doc["boolean"]).lower()}}]
    return list(doc["head"].get("vars", [])), list(doc["results"]["bindings"])


def _sort_key(term: dict | None):
    if term is None:
        return (0, 0, "")
    value = term["value"]
    try:
        return (1, float(value), "") if term.get("datatype", "").startswith(
            "http://www.w3.org/2001/XMLSchema#") and term["datatype"].rsplit("#", 1)[1] in (
            "integer", "decimal", "double", "float", "int", "long") else (2, 0, value.lower())
    except ValueError:
        return (2, 0, value.lower())


def slice_answer(variables: list[str], bindings: list[dict], paging: Paging) -> tuple[list[dict], int]:
    """One page of a whole answer, sorted by a column when asked.
    PAGING: when the catalogue pages in the store (limit/offset and a total from the search
    branch), this is the one place to replace: it returns (rows of this page, total)."""
    if paging.sort in variables:
        bindings = sorted(bindings, key=lambda b: _sort_key(b.get(paging.sort)), reverse=paging.desc)
    return bindings[paging.offset:paging.offset + paging.limit], len(bindings)


def shown_columns(variables: list[str]) -> list[str]:
    """A ?xLabel column labels ?x's links; it is not shown as a column of its own."""
    return [v for v in variables if not (v.endswith("Label") and v[:-5] in variables)]


def iris_on_page(variables: list[str], rows: list[dict]) -> set[str]:
    return {b[v]["value"] for b in rows for v in variables
            if v in b and b[v]["type"] == "uri" and f"{v}Label" not in variables}


def answer_page(variables: list[str], rows: list[dict], total: int, paging: Paging,
                base: str, labels: dict[str, str]) -> AnswerPage:
    linker = Linker(base, labels)
    columns = shown_columns(variables)
    out = []
    for b in rows:
        cells = []
        for v in columns:
            term = b.get(v)
            if term is None:
                cells.append(Cell())
            elif term["type"] == "uri":
                link = linker.link(term["value"])
                label = b.get(f"{v}Label")
                if label:
                    link = Link(link.iri, label["value"], link.href, link.local)
                cells.append(Cell(link=link))
            else:
                cells.append(Cell(text=term["value"]))
        out.append(cells)
    return AnswerPage(columns, out, total, paging.limit, paging.offset)


def page_links(path: str, values: dict[str, str], paging: Paging, total: int) -> dict:
    """Hrefs for the previous / next page, each column's sort, and the downloads of the answer."""
    def href(**changes) -> str:
        state = {"limit": paging.limit, "offset": paging.offset, "sort": paging.sort,
                 "desc": "1" if paging.desc else None, **changes}
        q = {**{k: v for k, v in values.items() if v}, **{k: v for k, v in state.items()
                                                          if v not in (None, "")}}
        if q.get("limit") == DEFAULT_LIMIT:
            del q["limit"]
        if q.get("offset") == 0:
            del q["offset"]
        return path + ("?" + urlencode(q) if q else "")

    def download(fmt: str) -> str:
        q = {**{k: v for k, v in values.items() if v}, "format": fmt}
        return path + "?" + urlencode(q)

    links = {"csv": download("csv"), "json": download("json"), "tsv": download("tsv"),
             "prev": None, "next": None,
             "sort": lambda col: href(sort=col, desc="1" if paging.sort == col and not paging.desc
                                      else None, offset=0)}
    if paging.offset > 0:
        links["prev"] = href(offset=max(0, paging.offset - paging.limit))
    if paging.offset + paging.limit < total:
        links["next"] = href(offset=paging.offset + paging.limit)
    return links


def editor_link(text: str) -> str:
    return "/query?" + urlencode({"query": text})
