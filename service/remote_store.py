"""An external SPARQL 1.1 endpoint behind the interface the workers use of a pyoxigraph Store.

`hmic-kg serve --store URL` gives each worker one of these instead of the embedded store, so every
rule the service applies before evaluation (read-only, no SERVICE, graph checks, limits, the
worker's wall-clock timeout) holds unchanged; only evaluation moves. Results come back as SPARQL
XML or N-Triples and are parsed by pyoxigraph, so the service writes every format itself.
"""
from __future__ import annotations

import httpx
from pyoxigraph import QueryResultsFormat, RdfFormat, parse, parse_query_results

from .sparql_guard import query_form, unescape, where_group_start


class StoreError(OSError):
    """The external store failed or refused; worker_kind tells the service which HTTP status fits."""

    def __init__(self, message: str, worker_kind: str = "store"):
        super().__init__(message)
        self.worker_kind = worker_kind


# How stores say a query would take too long (Virtuoso refuses on its cost estimate up front).
_TOO_LONG = ("exceeds the limit", "timed out", "timeout")


class RemoteStore:
    def __init__(self, endpoint: str, timeout: float = 60.0):
        self.endpoint = endpoint
        # The service's own timeout kills the worker; this one only stops a dead connection.
        self.client = httpx.Client(timeout=timeout)

    def query(self, query: str, use_default_graph_as_union: bool = False, default_graph=None,
              named_graphs=None, substitutions=None):
        refuse_federation(query)
        if substitutions:
            query = _with_values(query, substitutions)
        params: dict = {"query": query}
        # An endpoint's own default graph is the union of its graphs (as Virtuoso's is); a request
        # naming graphs gets exactly those.
        if default_graph:
            params["default-graph-uri"] = [g.value for g in default_graph]
        if named_graphs:
            params["named-graph-uri"] = [g.value for g in named_graphs]
        graph_result = query_form(query) in ("CONSTRUCT", "DESCRIBE")
        accept = "application/n-triples, text/plain;q=0.9" if graph_result else "application/sparql-results+xml"
        try:
            r = self.client.post(self.endpoint, data=params, headers={"Accept": accept})
        except httpx.HTTPError as exc:
            raise StoreError(f"the store at {self.endpoint} cannot be reached: {exc}") from None
        if r.status_code == 400:
            raise SyntaxError(f"the store refused the query: {r.text.strip()[:500]}")
        if r.status_code != 200:
            message = r.text.strip()[:300]
            kind = "store-timeout" if any(w in message.lower() for w in _TOO_LONG) else "store"
            raise StoreError(f"the store at {self.endpoint} answered HTTP {r.status_code}: {message}", kind)
        if graph_result:
            return self._triples(r.content)
        try:
            return parse_query_results(r.content, format=QueryResultsFormat.XML)
        except SyntaxError as exc:
            raise self._unreadable(exc) from None

    # pyoxigraph reports an unreadable answer as SyntaxError, which the worker would report as the
    # client's malformed query; the store answering something else is a bad gateway.
    def _unreadable(self, exc: SyntaxError) -> StoreError:
        return StoreError(f"the store at {self.endpoint} answered something this service cannot "
                          f"read: {exc}")

    def _triples(self, content: bytes):
        try:
            for quad in parse(content, format=RdfFormat.N_TRIPLES):  # lazy: fails while read
                yield quad.triple
        except SyntaxError as exc:
            raise self._unreadable(exc) from None


def refuse_federation(query: str) -> None:
    """Raises SyntaxError unless a real SPARQL parser reads the query and finds no SERVICE in it.

    With --store this process must reach the store, so the kernel cannot keep it off the network
    (service/sandbox.py); the store's engine would follow a SERVICE. The token guard has already
    passed the query; this second reader is rdflib's grammar, whose parse tree is walked. A query it
    cannot read is refused too: what cannot be checked is not forwarded.
    """
    from rdflib.plugins.sparql.parser import parseQuery
    from rdflib.plugins.sparql.parserutils import CompValue

    try:
        tree = parseQuery(query)
    except Exception as exc:  # noqa: BLE001 - pyparsing's errors have no common public base
        raise SyntaxError(f"the query cannot be checked before it is forwarded to the store: {exc}") \
            from None
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, CompValue):
            if node.name == "ServiceGraphPattern":
                raise StoreError("SERVICE (federated query) is not allowed: this endpoint never "
                                 "contacts other servers", "forbidden")
            stack.extend(node.values())
        elif isinstance(node, (list, tuple)) or type(node).__name__ == "ParseResults":
            stack.extend(node)
        elif isinstance(node, dict):
            stack.extend(node.values())


def _with_values(query: str, substitutions: dict) -> str:
    """pyoxigraph's substitutions, for an endpoint that has none: a VALUES block in the WHERE group."""
    names = list(substitutions)
    terms = " ".join(str(substitutions[n]) for n in names)
    block = f" VALUES ({' '.join('?' + n.value for n in names)}) {{ ({terms}) }} "
    text = unescape(query)
    at = where_group_start(text)
    return text[:at] + block + text[at:]
