"""Service settings: one dataclass, filled from the command line or by tests."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path


def _default_workers() -> int:
    # More query workers than the few clients that may hold one each (one running query per
    # address): with 2 workers, 4 hostile addresses held both in the first seconds after a start
    # and cheap /sparql waited up to 3 s; with 6 on 2 cores, cheap p99 stayed at 17 ms
    # (benchmarks/bench_fairness.py, docs/service.md "Fairness"). Workers run niced and each is
    # capped by worker_memory; 16 at most.
    return min(16, max(4, 3 * (os.cpu_count() or 2)))


@dataclass(frozen=True)
class Settings:
    data_dir: Path = Path("build")
    queries_dir: Path | None = None  # None: the project's queries/ directory
    timeout: float = 10.0  # seconds of wall-clock time per query
    max_query_length: int = 100_000  # characters
    max_rows: int = 100_000  # solutions or triples in one response
    max_response_bytes: int = 64 * 1024 * 1024
    workers: int = field(default_factory=_default_workers)  # the query lane: SPARQL from /sparql
    # The pages lane (service/lanes.py): linked data, themes, catalogue queries; never /sparql.
    page_workers: int = 1
    # Heap per worker process (RLIMIT_DATA); the store's file maps are not counted. None: no cap.
    worker_memory: int | None = 1536 * 1024 * 1024
    # Per client address on the query lane (service/fairness.py): queries running, then waiting;
    # past both, 429. Worker-seconds used lately past which a client may not take the last worker.
    client_running: int = 1
    client_queue: int = 2
    heavy_client_seconds: float = 5.0
    # Seconds a newcomer's query (no query of that client has run yet) may run when it takes the
    # last idle query worker of two or more: nothing marks it as expensive before it runs.
    last_worker_timeout: float = 1.0
    # Slow clients (service/http_server.py, body_deadline.py): seconds to send a request head
    # (else the connection is closed) and a body (else 408); connections past which requests get 503.
    header_timeout: float = 10.0
    body_timeout: float = 30.0
    max_connections: int = 1000
    queue_timeout: float | None = None  # waiting for a free worker; None: same as timeout
    cache: bool = True
    cache_entries: int = 512
    # Large enough that the biggest catalogue listings at national scale (tens of MB of JSON for
    # 25,000 rows) are kept: an entry may use up to a quarter of it.
    cache_bytes: int = 512 * 1024 * 1024
    # Answer the catalogue queries that need no parameter at start-up (service/warmup.py).
    warm: bool = True
    cors: bool = True
    store_url: str | None = None  # serve --store: an external SPARQL 1.1 query endpoint
    # Curation proposals (service/routes/proposals.py): off unless a file to append them to and a
    # token are both given. Never applied to the served graph: a researcher reviews the file and
    # moves what holds into the corpus's curation.csv for the next build.
    proposals_file: Path | None = None
    proposals_token: str | None = None
    proposals_max_bytes: int = 1024 * 1024      # the whole file
    proposals_per_hour: int = 20                # per client address

    @property
    def worker_wait(self) -> float:
        return self.timeout if self.queue_timeout is None else self.queue_timeout
