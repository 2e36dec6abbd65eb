"""`hmic-kg validate FILE...`: any RDF file against the shapes, as the build validates.

The file is checked in context, as part of the dataset it claims to belong to: the reference
data and ontology are added and the entailments materialised, exactly as a build does, so a file
passes here if and only if a build holding it would pass.
"""
from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from graph_builder.errors import HmicKgError, ReportError
from graph_builder.iris import DEFAULT_BASE, Minter, check_base
from graph_builder.reason import add_context
from graph_builder.validate import safe_input
from graph_builder.validate.validation import Validation, validate_store_contents

FORMATS = {".ttl": ox.RdfFormat.TURTLE, ".nt": ox.RdfFormat.N_TRIPLES, ".nq": ox.RdfFormat.N_QUADS,
           ".trig": ox.RdfFormat.TRIG, ".jsonld": ox.RdfFormat.JSON_LD, ".json": ox.RdfFormat.JSON_LD,
           ".rdf": ox.RdfFormat.RDF_XML, ".owl": ox.RdfFormat.RDF_XML, ".xml": ox.RdfFormat.RDF_XML}


def load_file(store: ox.Store, path: Path, graph: ox.NamedNode) -> None:
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise HmicKgError(f"{path}: unknown RDF format (expected one of {', '.join(sorted(FORMATS))})")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ReportError(str(path), f"cannot be read: {exc.strerror or exc}") from None
    safe_input.check(path, data, fmt)
    try:
        quads = list(ox.parse(data, format=fmt, base_iri=path.absolute().as_uri()))
    except SyntaxError as exc:
        # Oxigraph's message carries the line and column ("error at 3:14: ...").
        raise ReportError(str(path), f"is not valid {fmt.name}: {exc}") from None
    store.extend(ox.Quad(q.subject, q.predicate, q.object,
                         graph if isinstance(q.graph_name, ox.DefaultGraph) else q.graph_name) for q in quads)


def validate_files(paths: list[Path], base: str = DEFAULT_BASE) -> Validation:
    base = check_base(base)
    m = Minter(base)
    store = ox.Store()
    for i, p in enumerate(paths):
        load_file(store, Path(p), ox.NamedNode(str(m.graph("file", str(i)))))
    return validate_store(store, base)


def validate_store(store: ox.Store, base: str = DEFAULT_BASE, sources: dict[str, str] | None = None) -> Validation:
    """Validates what `store` holds in context (reference data, ontology, entailments added to it)."""
    add_context(store, base)
    return validate_store_contents(store, base, sources)
