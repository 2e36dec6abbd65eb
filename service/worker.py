"""The query-evaluating side of the worker pool. Runs in a child process, one query at a time.

pyoxigraph cannot cancel a running query, so each evaluation happens here, in a process the service
can kill when the query overruns. Results are serialized here so the parent only forwards bytes.
Imports stay minimal: this module is what every (re)spawned worker has to load.
"""
from __future__ import annotations

import csv
import errno
import io
import json
import os
import signal

from pyoxigraph import (
    BlankNode,
    Literal,
    NamedNode,
    Quad,
    QueryBoolean,
    QuerySolutions,
    Store,
    Variable,
    serialize,
)

from graph_builder.export.jsonld import CannotCompact, write_triples
from graph_builder.lifetime import cap_heap, die_with_parent

from .formats import JSONLD_FORMATS, QUAD_FORMATS, RDF_FORMAT, RESULTS_FORMAT
from .query_order import reorder
from .sandbox import SandboxError, deny_network


class LimitExceeded(Exception):
    pass


class _CappedBuffer:
    """A write target that refuses to grow past max_bytes, so a huge result fails early."""

    def __init__(self, max_bytes: int):
        self.parts: list[bytes] = []
        self.size = 0
        self.max_bytes = max_bytes
        self.overflow = False

    def write(self, data) -> int:
        self.size += len(data)
        if self.size > self.max_bytes:
            self.overflow = True
            raise OSError("response size limit reached")
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def getvalue(self) -> bytes:
        return b"".join(self.parts)


def encode_term(term) -> tuple | None:
    if term is None:
        return None
    if isinstance(term, NamedNode):
        return ("iri", term.value)
    if isinstance(term, BlankNode):
        return ("bnode", term.value)
    if isinstance(term, Literal):
        return ("literal", term.value, term.datatype.value, term.language)
    return ("other", str(term))


def decode_term(t: tuple):
    kind = t[0]
    if kind == "iri":
        return NamedNode(t[1])
    if kind == "literal":
        if t[3]:
            return Literal(t[1], language=t[3])
        return Literal(t[1], datatype=NamedNode(t[2])) if t[2] else Literal(t[1])
    raise ValueError(f"cannot rebuild a {kind} term")


def _count_rows(data: bytes, fmt: str) -> int:
    """Exact number of solutions in a serialized result (only called when a cheap bound says it may
    be over the limit, so the slower exact count is rare)."""
    if fmt == "json":
        return len(json.loads(data)["results"]["bindings"])
    if fmt == "xml":
        return data.count(b"<result>")  # markup inside values is escaped, so this is exact
    if fmt == "tsv":
        return max(data.count(b"\n") - 1, 0)  # TSV escapes newlines inside terms
    return max(sum(1 for _ in csv.reader(io.StringIO(data.decode("utf-8")))) - 1, 0)


def _row_bound(data: bytes, fmt: str) -> int:
    if fmt == "json":
        return 0 if b'"bindings":[]' in data else data.count(b"},{") + 1
    if fmt == "xml":
        return data.count(b"<result>")
    return max(data.count(b"\n") - 1, 0)


def _dataset_options(req: dict) -> dict:
    default, named = req.get("default_graphs"), req.get("named_graphs")
    if default is None and named is None:
        return {"use_default_graph_as_union": True}
    # Protocol parameters and FROM clauses define the whole dataset: whatever is not listed is absent.
    return {"default_graph": [NamedNode(g) for g in default or []],
            "named_graphs": [NamedNode(g) for g in named or []]}


def run_query(store: Store, req: dict) -> dict:
    subs = req.get("substitutions")
    kwargs = _dataset_options(req)
    if subs:
        kwargs["substitutions"] = {Variable(k): decode_term(v) for k, v in subs.items()}
    query = req["query"]
    if req.get("reorder"):
        query = reorder(query) or query
    result = store.query(query, **kwargs)
    fmt, max_rows, max_bytes = req["format"], req["max_rows"], req["max_bytes"]
    buf = _CappedBuffer(max_bytes)
    if isinstance(result, (QuerySolutions, QueryBoolean)):
        if fmt not in RESULTS_FORMAT:
            raise ValueError(f"a {'SELECT' if isinstance(result, QuerySolutions) else 'ASK'} "
                             f"result cannot be written as {fmt}")
        try:
            result.serialize(buf, RESULTS_FORMAT[fmt])
        except OSError:
            if buf.overflow:
                raise LimitExceeded(f"the response would exceed {max_bytes} bytes (the limit); "
                                    "add a LIMIT or select fewer variables") from None
            raise
        data = buf.getvalue()
        rows = None
        if isinstance(result, QuerySolutions):
            rows = _row_bound(data, fmt)
            if rows > max_rows:
                rows = _count_rows(data, fmt)
                if rows > max_rows:
                    raise LimitExceeded(f"the query has more than {max_rows} solutions (the limit); "
                                        "add a LIMIT or use the downloads at /downloads/")
        return {"body": data, "rows": rows}
    if fmt not in RDF_FORMAT and fmt not in JSONLD_FORMATS:
        raise ValueError(f"a graph result cannot be written as {fmt}")
    triples = []
    for t in result:
        triples.append(t)
        if len(triples) > max_rows:
            raise LimitExceeded(f"the query produces more than {max_rows} triples (the limit); "
                                "add a LIMIT or use the downloads at /downloads/")
    items = [Quad(t.subject, t.predicate, t.object) for t in triples] if fmt in QUAD_FORMATS \
        else triples
    try:
        if fmt in JSONLD_FORMATS:
            write_triples(buf, triples, req["context"] if fmt == "jsonld" else None)
        else:
            serialize(items, buf, RDF_FORMAT[fmt], prefixes=req.get("prefixes") or None)
    except OSError:
        if buf.overflow:
            raise LimitExceeded(f"the response would exceed {max_bytes} bytes (the limit)") from None
        raise
    return {"body": buf.getvalue(), "rows": len(triples)}


def run_select(store: Store, req: dict) -> dict:
    """Plain solutions as encoded terms, for the service's own pages (never for client queries)."""
    kwargs = _dataset_options(req)
    if req.get("substitutions"):
        kwargs["substitutions"] = {Variable(k): decode_term(v) for k, v in req["substitutions"].items()}
    out = {}
    for key, query in req["queries"].items():
        result = store.query(query, **kwargs)
        if isinstance(result, QueryBoolean):
            out[key] = bool(result)
            continue
        names = [v.value for v in result.variables]
        rows = []
        for sol in result:
            rows.append({n: encode_term(sol[n]) for n in names})
            if len(rows) >= req.get("max_rows", 10_000):
                break
        out[key] = rows
    return out


def run_page(store: Store, req: dict) -> dict:
    """One page of a catalogue SELECT as encoded terms, and the number of all its solutions.

    Evaluated once: the solutions past the page are counted, not converted, so the total costs
    the iteration only (an ORDER BY has produced every solution before the first arrives anyway).
    """
    result = store.query(req["query"], **_dataset_options(req))
    if not isinstance(result, QuerySolutions):
        raise TypeError("only a SELECT query can be paged")
    names = [v.value for v in result.variables]
    start, stop = req["offset"], req["offset"] + req["limit"]
    rows, total = [], 0
    for sol in result:
        if start <= total < stop:
            rows.append({n: encode_term(sol[n]) for n in names if sol[n] is not None})
            if len(rows) > req["max_rows"]:
                raise LimitExceeded(f"the page has more than {req['max_rows']} solutions (the "
                                    "limit); ask for a smaller limit")
        total += 1
    return {"variables": names, "rows": rows, "total": total}


def _blocked_connection(exc: OSError) -> bool:
    """A connection the sandbox stopped: EACCES from the filter, ENETUNREACH in the namespace."""
    codes = {errno.EACCES, errno.ENETUNREACH, errno.EHOSTUNREACH}
    return exc.errno in codes or any(f"(os error {c})" in str(exc) for c in codes)


def _send_reply(conn, reply: tuple) -> bool:
    """False once the parent has gone."""
    try:
        try:
            conn.send(reply)
        except MemoryError:  # pickling a large answer can be the allocation that fails
            conn.send(("error", "memory", "out of memory writing the answer"))
    except (BrokenPipeError, OSError):
        return False
    return True


_HANDLERS = {"query": run_query, "select": run_select, "page": run_page}
_NO_NETWORK = ("the query tried to contact another server (SERVICE); this endpoint has no network "
               "access and answers only from its own dataset")


def answer(store, req: dict, layers: list[str]) -> tuple:
    """The reply to one request: ("ok", payload) or ("error", kind, message)."""
    try:
        return ("ok", _HANDLERS[req["op"]](store, req))
    except MemoryError:  # the heap cap (cap_heap) reached by Python rather than by Rust
        return ("error", "memory", "out of memory")
    except SyntaxError as exc:
        return ("error", "syntax", str(exc))
    except LimitExceeded as exc:
        return ("error", "limit", str(exc))
    except CannotCompact as exc:
        return ("error", "query", str(exc))
    except RuntimeError as exc:
        # The engine's own refusal of what the query asks (an unbound SERVICE name, a bad
        # regular expression...): the client's query, not the server, is at fault.
        return ("error", "query", str(exc))
    except OSError as exc:
        # An external store's failure (serve --store): StoreError, an OSError, names its kind.
        if getattr(exc, "worker_kind", None):
            return ("error", exc.worker_kind, str(exc))
        if layers and _blocked_connection(exc):
            return ("error", "forbidden", _NO_NETWORK)
        return ("error", "evaluation", f"{type(exc).__name__}: {exc}")
    except Exception as exc:  # noqa: BLE001 - one bad query must not end the worker
        return ("error", "evaluation", f"{type(exc).__name__}: {exc}")


def main(conn, store_path: str, memory_limit: int | None = None, nice: int = 0) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when workers stop
    if nice > 0:
        os.nice(nice)  # before the store's threads start: they inherit it
    die_with_parent()  # a worker left behind by a crashed server would burn CPU on a runaway query
    remote = store_path.startswith(("http://", "https://"))
    layers: list[str] = []
    if not remote:
        # Before the store opens (RocksDB starts threads) and before any query is read.
        try:
            layers = deny_network()
        except SandboxError as exc:
            conn.send(("error", str(exc)))
            return
    try:
        if memory_limit is not None:
            cap_heap(memory_limit)
        if remote:
            # serve --store: evaluation moves to an external endpoint, so this process needs the
            # network; RemoteStore checks each query with a real parser before it forwards it.
            from .remote_store import RemoteStore
            store = RemoteStore(store_path)
        else:
            store = Store.read_only(store_path)
    except Exception as exc:  # noqa: BLE001 - reported to the parent, which owns the error
        conn.send(("error", f"cannot open the store at {store_path}: {exc}"))
        return
    conn.send(("ready", layers))
    while True:
        try:
            req = conn.recv()
        except (EOFError, OSError):
            return
        reply = answer(store, req, layers)
        if not _send_reply(conn, reply):
            return
