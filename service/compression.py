"""gzip for large query results, compressed once and kept in the result cache.

SPARQL JSON results are verbose: a national listing of 25,000 rows is 35 MB, 2.5 MB gzipped. Such
a result is compressed the first time a client that accepts gzip asks for it, off the event loop,
and the compressed copy is cached beside the plain one, so every later client pays nothing for it.
Small results go out as they are: compressing them costs more time than it saves.
"""
from __future__ import annotations

import gzip

# Below this many bytes a result is sent uncompressed.
GZIP_FROM = 64 * 1024
LEVEL = 6


def accepts_gzip(header: str | None) -> bool:
    """Whether an Accept-Encoding header (RFC 9110 12.5.3) allows gzip: named, or covered by '*',
    with a q-value above zero."""
    if not header:
        return False
    named: dict[str, float] = {}
    for part in header.split(","):
        coding, _, params = part.strip().partition(";")
        q = 1.0
        for p in params.split(";"):
            key, _, value = p.strip().partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if coding.strip():
            named[coding.strip().lower()] = q
    for coding in ("gzip", "x-gzip"):
        if coding in named:
            return named[coding] > 0
    return named.get("*", 0) > 0


def compress(body: bytes) -> bytes:
    # mtime=0: the same result gives the same bytes, so ETags and caches downstream stay stable.
    return gzip.compress(body, compresslevel=LEVEL, mtime=0)
