"""`hmic-kg serve`: the command graph_builder's CLI finds through the hmic_kg.commands entry point.
One of the two modules of the service that print (uvicorn logs the rest)."""
from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

from .config import Settings


class ServeCommand:
    name = "serve"
    help = "serve the dataset over HTTP: SPARQL endpoint, query page, linked data"

    def configure(self, parser: argparse.ArgumentParser) -> None:
        defaults = Settings()
        parser.add_argument("--data", type=Path, default=Path("build"),
                            help="build directory to serve (default: ./build, built from ./corpus "
                                 "first if it has no build.json)")
        parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
        parser.add_argument("--port", type=int, default=8000, help="port to listen on")
        parser.add_argument("--timeout", type=float, default=defaults.timeout,
                            help=f"seconds a query may run (default {defaults.timeout:g})")
        parser.add_argument("--workers", type=int, default=defaults.workers,
                            help=f"query worker processes, for /sparql (default {defaults.workers})")
        parser.add_argument("--page-workers", type=int, default=defaults.page_workers,
                            help="worker processes for pages and catalogue queries, which /sparql "
                                 f"never uses (default {defaults.page_workers})")
        parser.add_argument("--worker-memory", type=int, metavar="MIB",
                            default=defaults.worker_memory // 2**20,
                            help="heap per worker process in MiB; a query past it is stopped "
                                 f"(503); 0: no cap (default {defaults.worker_memory // 2**20})")
        parser.add_argument("--max-rows", type=int, default=defaults.max_rows,
                            help=f"most solutions or triples per response (default {defaults.max_rows})")
        parser.add_argument("--no-cache", action="store_true", help="do not cache query results")
        parser.add_argument("--no-warm", action="store_true",
                            help="do not answer the parameterless catalogue queries at start-up")
        parser.add_argument("--no-cors", action="store_true", help="send no CORS headers")
        parser.add_argument("--follow-rebuilds", action="store_true",
                            help="serve a new build as soon as --data points at it (otherwise: on "
                                 "SIGHUP); every worker moves together, no request is refused")
        parser.add_argument("--accept-proposals", type=Path, metavar="FILE",
                            help="accept researchers' curation proposals (POST /curation/proposals) "
                                 "and append them to FILE for review; needs --proposal-token-file. "
                                 "Off by default; proposals never change the served graph")
        parser.add_argument("--proposal-token-file", type=Path, metavar="FILE",
                            help="file holding the token a proposal must carry (at least 16 characters)")
        parser.add_argument("--store", metavar="URL",
                            help="evaluate queries on this external SPARQL 1.1 endpoint (e.g. Virtuoso's "
                                 "http://host:8890/sparql) holding the published dataset; --data still "
                                 "names the build whose description, graphs and downloads are served")

    def run(self, args: argparse.Namespace) -> int:
        from . import reloading
        from .app import create_app
        from .dataset import DatasetMissing
        from .http_server import uvicorn_options

        problem = _bad_limit(args)
        if problem:
            print(f"hmic-kg: error: {problem}", file=sys.stderr)
            return 2
        data = args.data
        if not (data / "build.json").is_file():
            corpus = Path("corpus")
            if data != Path("build") or not corpus.is_dir():
                print(f"hmic-kg: error: {data / 'build.json'} does not exist; build it with "
                      f"'hmic-kg build --out {data}'", file=sys.stderr)
                return 2
            print(f"hmic-kg: no build in {data}: building it from {corpus}/ first", file=sys.stderr)
            from graph_builder.pipeline.build import build_dataset
            build_dataset(corpus, data)
        token, problem = _proposal_token(args)
        if problem:
            print(f"hmic-kg: error: {problem}", file=sys.stderr)
            return 2
        settings = Settings(data_dir=data, timeout=args.timeout, workers=args.workers,
                            page_workers=args.page_workers,
                            worker_memory=args.worker_memory * 2**20 or None,
                            max_rows=args.max_rows, cache=not args.no_cache, warm=not args.no_warm,
                            cors=not args.no_cors, store_url=args.store,
                            proposals_file=args.accept_proposals if token else None,
                            proposals_token=token)
        options = {"log_level": "info", "timeout_graceful_shutdown": max(args.timeout, 5),
                   **uvicorn_options(settings)}
        try:
            reloading.serve(lambda: create_app(settings), data, args.host, args.port,
                            args.follow_rebuilds, options)
        except DatasetMissing as exc:
            print(f"hmic-kg: error: {exc}", file=sys.stderr)
            return 2
        except OSError as exc:  # the address: in use, not this machine's, not allowed
            print(f"hmic-kg: error: cannot listen on {args.host}:{args.port}: {exc.strerror}",
                  file=sys.stderr)
            return 2
        return 0


# Bounds that a mistyped option cannot pass: each worker holds a store handle and up to its memory
# cap, so 100,000 workers exhausted the machine in seconds.
MAX_WORKERS = 64
MAX_TIMEOUT = 3600.0
# Below this a worker cannot even open the store; above it the cap means nothing.
MIN_WORKER_MIB = 256
MAX_WORKER_MIB = 1 << 20


def _bad_limit(args: argparse.Namespace) -> str | None:
    if not (math.isfinite(args.timeout) and 0 < args.timeout <= MAX_TIMEOUT):
        return f"--timeout must be a number of seconds above 0 and at most {MAX_TIMEOUT:g} (got {args.timeout})"
    if not 1 <= args.workers <= MAX_WORKERS:
        return f"--workers must be from 1 to {MAX_WORKERS} (got {args.workers})"
    if not 1 <= args.page_workers <= MAX_WORKERS:
        return f"--page-workers must be from 1 to {MAX_WORKERS} (got {args.page_workers})"
    if args.worker_memory != 0 and not MIN_WORKER_MIB <= args.worker_memory <= MAX_WORKER_MIB:
        return (f"--worker-memory must be 0 (no cap) or from {MIN_WORKER_MIB} to {MAX_WORKER_MIB} "
                f"MiB (got {args.worker_memory})")
    if args.max_rows < 1:
        return f"--max-rows must be positive (got {args.max_rows})"
    if not 0 <= args.port <= 65535:
        return f"--port must be from 0 to 65535 (got {args.port})"
    return None


MIN_TOKEN = 16


def _proposal_token(args: argparse.Namespace) -> tuple[str | None, str | None]:
    """(token, problem): both options or neither; the token read from its file."""
    if args.accept_proposals is None and args.proposal_token_file is None:
        return None, None
    if args.accept_proposals is None or args.proposal_token_file is None:
        return None, "--accept-proposals and --proposal-token-file go together"
    try:
        token = args.proposal_token_file.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as exc:
        return None, f"--proposal-token-file {args.proposal_token_file}: {getattr(exc, 'strerror', None) or exc}"
    if len(token) < MIN_TOKEN or any(c.isspace() for c in token):
        return None, f"--proposal-token-file: the token must be at least {MIN_TOKEN} characters, no spaces"
    if not args.accept_proposals.parent.is_dir():
        return None, f"--accept-proposals {args.accept_proposals}: no such directory"
    return token, None


command = ServeCommand()
