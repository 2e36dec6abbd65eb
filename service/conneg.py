"""HTTP content negotiation (RFC 9110 section 12.5.1): q-values, wildcards, most specific range wins."""
from __future__ import annotations

from .formats import BY_NAME, JSONLD_EXPANDED, Format


class NotAcceptable(Exception):
    def __init__(self, offered: tuple[Format, ...]):
        self.offered = offered
        super().__init__("none of the media types this resource offers is acceptable: "
                         + ", ".join(f.media_type for f in offered))


class UnknownFormat(ValueError):
    pass


def parse_accept(header: str) -> list[tuple[str, str, float]]:
    """(type, subtype, q) for each media range; malformed ranges are skipped, not fatal."""
    out = []
    for part in header.split(","):
        fields = [f.strip() for f in part.split(";")]
        rng = fields[0].lower()
        if "/" not in rng:
            if rng == "*":  # some clients send a bare '*'
                rng = "*/*"
            else:
                continue
        typ, _, sub = rng.partition("/")
        q = 1.0
        for param in fields[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = min(max(float(value.strip()), 0.0), 1.0)
                except ValueError:
                    q = 0.0
        out.append((typ, sub, q))
    return out


def _quality(media_type: str, ranges: list[tuple[str, str, float]], alias: bool = False) -> float:
    typ, _, sub = media_type.partition("/")
    best_spec, best_q = -1, 0.0
    for rtyp, rsub, q in ranges:
        if rtyp == typ and rsub == sub:
            spec = 2
        elif alias:
            continue  # an alias answers only to its exact name: text/* means CSV, not SPARQL XML
        elif rtyp == typ and rsub == "*":
            spec = 1
        elif rtyp == "*" and rsub == "*":
            spec = 0
        else:
            continue
        # The same range twice (application/ld+json with a profile at q=0 and without one at
        # q=1): parameters other than q are not compared, so the more generous one counts.
        if spec > best_spec or (spec == best_spec and q > best_q):
            best_spec, best_q = spec, q
    return best_q


def negotiate(accept: str | None, offered: tuple[Format, ...]) -> Format:
    """The offered format the client prefers; ties go to the earlier (server-preferred) one."""
    if not accept or not accept.strip():
        return offered[0]
    ranges = parse_accept(accept)
    if not ranges:
        return offered[0]
    best, best_q = None, 0.0
    for fmt in offered:
        q = max([_quality(fmt.media_type, ranges)]
                + [_quality(mt, ranges, alias=True) for mt in fmt.aliases])
        if q > best_q:
            best, best_q = fmt, q
    if best is None:
        raise NotAcceptable(offered)
    return best


# Other names clients put in `format` (SPARQLWrapper and some endpoints' conventions).
_ALIASES = {"ttl": "turtle", "n3": "turtle", "nt": "ntriples", "n-triples": "ntriples",
            "nq": "nquads", "n-quads": "nquads", "json-ld": "jsonld", "rdf": "rdfxml",
            "json-ld-expanded": "jsonld-expanded",
            "rdf+xml": "rdfxml", "srj": "json", "srx": "xml", "text/n3": "turtle"}
# When a name means one thing for solutions and another for graphs, the graph reading.
_GRAPH_READING = {"json": "jsonld", "xml": "rdfxml"}


def wants_expanded(accept: str | None) -> bool:
    """Whether the JSON-LD media range asks for the expanded document form: a profile parameter
    naming http://www.w3.org/ns/json-ld#expanded (JSON-LD 1.1, section 9; a space-separated list
    of profile IRIs, quoted or not) on an application/ld+json range with q above 0."""
    for part in (accept or "").split(","):
        fields = [f.strip() for f in part.split(";")]
        if fields[0].lower() != "application/ld+json":
            continue
        params = {}
        for param in fields[1:]:
            key, _, value = param.partition("=")
            params[key.strip().lower()] = value.strip().strip('"')
        try:
            if float(params.get("q", "1")) <= 0:
                continue
        except ValueError:
            continue
        if JSONLD_EXPANDED.profile in params.get("profile", "").split():
            return True
    return False


def choose(format_param: str | None, accept: str | None, offered: tuple[Format, ...]) -> Format:
    """The `format` parameter wins over Accept (browsers cannot set Accept from a link). It may be a
    name (csv, turtle, ...) or media types, as SPARQLWrapper sends. JSON-LD is the compacted form
    unless the expanded one is asked for (`format=jsonld-expanded`, or the JSON-LD profile)."""
    fmt = _choose(format_param, accept, offered)
    if fmt is BY_NAME["jsonld"] and wants_expanded(format_param if format_param else accept):
        return JSONLD_EXPANDED
    return fmt


def _choose(format_param: str | None, accept: str | None, offered: tuple[Format, ...]) -> Format:
    if format_param:
        name = format_param.strip().lower()
        name = _ALIASES.get(name, name)
        if name in _GRAPH_READING and BY_NAME[name] not in offered:
            name = _GRAPH_READING[name]
        fmt = BY_NAME.get(name)
        if fmt is not None and fmt in offered:
            return fmt
        if fmt is JSONLD_EXPANDED and BY_NAME["jsonld"] in offered:
            return fmt
        if "/" in name:
            return negotiate(name, offered)
        raise UnknownFormat(f"format {format_param!r} is not offered here; use one of "
                            + ", ".join(f.name for f in offered))
    return negotiate(accept, offered)
