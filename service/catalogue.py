"""The query catalogue: queries/*.rq with `# name:`, `# title:`, `# summary:`, `# param:` headers,
and optionally `# engine: fulltext` (answered from the build's full-text index, service/search.py;
the SPARQL text is what a build without an index answers).

Parameters are bound by a VALUES block of terms that pyoxigraph itself writes from validated
values, placed first in the WHERE group; the client's text never becomes query text.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from pyoxigraph import Literal, NamedNode

from graph_builder.iris import DEFAULT_BASE

from .errors import ParameterError
from .sparql_guard import QueryRefused, check, unescape, where_group_start

PARAM_TYPES = ("iri", "string", "integer", "grade")
ENGINES = ("sparql", "fulltext")
_HEADER = re.compile(r"#\s*(?P<key>[A-Za-z_-]+)\s*:\s*(?P<value>.*?)\s*$")
_PARAM = re.compile(r"(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s+(?P<type>[a-z]+)(?P<opt>\??)(?:\s+(?P<desc>.*))?$")
_NAME = re.compile(r"[a-z0-9][a-z0-9-]*$")
_ABSOLUTE_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|^`\\\x00-\x1f]*$")
_INTEGER = re.compile(r"[+-]?\d{1,18}$")


class CatalogueError(ValueError):
    """A catalogue file with a bad header; the message names the file and line."""


@dataclass(frozen=True)
class Param:
    name: str
    type: str
    optional: bool
    description: str


@dataclass(frozen=True)
class CatalogueQuery:
    name: str
    title: str
    summary: str
    params: tuple[Param, ...]
    text: str
    form: str
    path: Path = field(compare=False)
    engine: str = "sparql"

    def describe(self) -> dict:
        return {"name": self.name, "title": self.title, "summary": self.summary,
                "form": self.form, "engine": self.engine,
                "params": [{"name": p.name, "type": p.type, "required": not p.optional,
                            "description": p.description} for p in self.params]}


def load_query(path: Path, allowed_graphs: frozenset[str] = frozenset()) -> CatalogueQuery:
    text = path.read_text(encoding="utf-8")
    fields: dict[str, str] = {}
    params: list[Param] = []
    for lineno, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.startswith("#"):
            break  # the header is the leading block of comment lines
        m = _HEADER.match(stripped)
        if not m:
            continue  # an ordinary comment
        key, value = m["key"].lower(), m["value"]
        where = f"{path}:{lineno}"
        if key == "param":
            pm = _PARAM.match(value)
            if not pm:
                raise CatalogueError(f"{where}: bad param header {value!r}; expected "
                                     "'# param: NAME TYPE[?] DESCRIPTION'")
            if pm["type"] not in PARAM_TYPES:
                raise CatalogueError(f"{where}: param {pm['name']} has unknown type {pm['type']!r}; "
                                     f"use one of {', '.join(PARAM_TYPES)}")
            if any(p.name == pm["name"] for p in params):
                raise CatalogueError(f"{where}: param {pm['name']} is declared twice")
            params.append(Param(pm["name"], pm["type"], pm["opt"] == "?", pm["desc"] or ""))
        elif key in ("name", "title", "summary", "engine"):
            if key in fields:
                raise CatalogueError(f"{where}: '{key}' is given twice")
            if not value:
                raise CatalogueError(f"{where}: '{key}' is empty")
            fields[key] = value
    for key in ("name", "title"):
        if key not in fields:
            raise CatalogueError(f"{path}:1: the header has no '# {key}:' line")
    engine = fields.get("engine", "sparql")
    if engine not in ENGINES:
        raise CatalogueError(f"{path}:1: engine {engine!r} is not one of {', '.join(ENGINES)}")
    if engine == "fulltext" and [p.type for p in params] != ["string"]:
        raise CatalogueError(f"{path}:1: a fulltext query takes exactly one string parameter, the "
                             "search text")
    if not _NAME.match(fields["name"]):
        raise CatalogueError(f"{path}:1: name {fields['name']!r} must be lower-case letters, digits "
                             "and hyphens")
    if fields["name"] != path.stem:
        raise CatalogueError(f"{path}:1: name {fields['name']!r} differs from the file name "
                             f"{path.stem!r}")
    try:
        info = check(text, allowed_graphs)
    except QueryRefused as exc:
        raise CatalogueError(f"{path}: {exc}") from None
    if info.form is None:
        raise CatalogueError(f"{path}: no SELECT, ASK, CONSTRUCT or DESCRIBE query found")
    body = unescape(text)
    for p in params:
        if not re.search(rf"[?$]{re.escape(p.name)}\b", body):
            raise CatalogueError(f"{path}: param {p.name} is declared but ?{p.name} is not in the query")
    if params:
        try:
            where_group_start(text)
        except ValueError:
            raise CatalogueError(f"{path}: a query with parameters needs an explicit WHERE {{ ... }}") \
                from None
    return CatalogueQuery(name=fields["name"], title=fields["title"],
                          summary=fields.get("summary", ""), params=tuple(params), text=text,
                          form=info.form, path=path, engine=engine)


def load_catalogue(directory: Path, allowed_graphs: frozenset[str] = frozenset(),
                   base: str = DEFAULT_BASE) -> dict[str, CatalogueQuery]:
    """The catalogue, its queries' IRIs moved to the dataset's base: the files are written against
    the default base, as the ontology files are."""
    if not directory.is_dir():
        return {}
    out = {}
    for path in sorted(directory.glob("*.rq")):
        q = load_query(path, allowed_graphs)
        if base.rstrip("/") != DEFAULT_BASE:
            q = replace(q, text=q.text.replace(DEFAULT_BASE + "/", base.rstrip("/") + "/"))
        out[q.name] = q
    return out


def parse_value(param: Param, raw: str, base: str):
    """The RDF term for a request value, or ParameterError naming the parameter."""
    if param.type == "integer":
        if not _INTEGER.match(raw.strip()):
            raise ParameterError(f"parameter {param.name} must be an integer, got {raw!r}")
        return Literal(int(raw.strip()))
    if param.type == "string":
        return Literal(raw)
    if not _ABSOLUTE_IRI.match(raw):
        raise ParameterError(f"parameter {param.name} must be an absolute IRI, got {raw!r}")
    if param.type == "grade" and not raw.startswith(f"{base}/def/grade-scale/"):
        raise ParameterError(f"parameter {param.name} must be a grade IRI under "
                             f"{base}/def/grade-scale/, got {raw!r}")
    try:
        return NamedNode(raw)
    except ValueError as exc:
        raise ParameterError(f"parameter {param.name} is not a valid IRI: {exc}") from None


def bind(query: CatalogueQuery, values: dict[str, str], base: str) -> str:
    """The query text with the given parameter values bound; raises ParameterError."""
    terms = {}
    for p in query.params:
        raw = values.get(p.name)
        if raw is None or raw == "":
            if not p.optional:
                raise ParameterError(f"parameter {p.name} is required ({p.type}: {p.description})")
            continue
        terms[p.name] = parse_value(p, raw, base)
    unknown = sorted(set(values) - {p.name for p in query.params})
    if unknown:
        raise ParameterError(f"unknown parameter(s) {', '.join(unknown)}; this query takes "
                             + (", ".join(p.name for p in query.params) or "none"))
    text = unescape(query.text)
    if not terms:
        return text
    at = where_group_start(query.text)
    # str() of a pyoxigraph term is its N-Triples form, escaped by pyoxigraph.
    block = " ".join(f"VALUES ?{name} {{ {term} }}" for name, term in terms.items())
    return f"{text[:at]} {block} {text[at:]}"
