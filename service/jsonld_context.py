"""The JSON-LD context the service compacts with and publishes at {base}/def/context.jsonld: the
one the build writes to exports/context.jsonld, made from the ontology by the same code, so it
is never read from the network or from a file a client names."""
from __future__ import annotations

from functools import lru_cache

from graph_builder.export.jsonld_context import context_document, context_for


@lru_cache(maxsize=4)
def published_context(base: str) -> dict:
    return context_for(base)


@lru_cache(maxsize=4)
def published_document(base: str) -> bytes:
    return context_document(published_context(base)).encode()
