"""Checks that run on an RDF file before Oxigraph parses it, for the two formats whose parsers can
be made to use unbounded memory by a small file (measured: a 964-byte RDF/XML "billion laughs"
passed 8 GB in 13 s; JSON-LD lists nested 20,000 deep passed 8 GB, 6,000 deep crashed).

Each check is a real parser with a built-in bound, not a text scan: expat (2.4 and later stop
entity amplification, the billion laughs, and report where) for RDF/XML, Python's json decoder
(which refuses nesting deeper than the interpreter's recursion limit) for JSON-LD. Turtle, TriG,
N-Triples and N-Quads have no entities, and Oxigraph parses their nesting without recursion.
"""
from __future__ import annotations

import json
from pathlib import Path
from xml.parsers import expat

import pyoxigraph as ox

from graph_builder.errors import ReportError


def check(path: Path, data: bytes, fmt: ox.RdfFormat) -> None:
    """Raises ReportError naming the file (and line) when `data` could exhaust the parser."""
    if fmt == ox.RdfFormat.RDF_XML:
        _check_xml(path, data)
    elif fmt == ox.RdfFormat.JSON_LD:
        _check_json(path, data)


def _check_xml(path: Path, data: bytes) -> None:
    parser = expat.ParserCreate()

    def entity(name, is_parameter, value, base, system_id, public_id, notation):
        # An external entity would make a parser read a file or URL named by the input.
        if system_id or public_id:
            raise ReportError(str(path), f"declares the external entity {name!r}; not accepted",
                              parser.CurrentLineNumber)
        if expat.version_info < (2, 4, 0):  # no amplification limit in this expat: no entities
            raise ReportError(str(path), f"declares the entity {name!r}; not accepted",
                              parser.CurrentLineNumber)

    parser.EntityDeclHandler = entity
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        raise ReportError(str(path), f"is not safe, well-formed XML: {expat.errors.messages[exc.code]}",
                          exc.lineno) from None


def _check_json(path: Path, data: bytes) -> None:
    try:
        json.loads(data)
    except RecursionError:
        raise ReportError(str(path), "is nested too deeply to be read safely") from None
    except ValueError:
        pass  # not JSON at all: Oxigraph's own error names the line and column
