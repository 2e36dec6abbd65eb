"""The hmic-kg command line. The only module that prints or exits."""
from __future__ import annotations

import argparse
import json
import os
import sys
import traceback
from importlib.metadata import entry_points

from graph_builder import __version__
from graph_builder.errors import HmicKgError, InternalError, environment_message

EXIT_OK, EXIT_INVALID, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3


def _cmd_parse(args: argparse.Namespace) -> int:
    from graph_builder.extract import parse_file
    model = parse_file(args.file)
    for w in model["warnings"]:
        where = f"{args.file}:{w['line']}" if w.get("line") else args.file
        print(f"hmic-kg: warning: {where}: {w['message']}", file=sys.stderr)
    try:
        json.dump(model, sys.stdout, ensure_ascii=False, indent=2 if args.pretty else None)
        sys.stdout.write("\n")
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader stopped early (`| head`): not a failure. Python would report the pipe again
        # when it flushes at exit, so stdout goes to /dev/null first.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return EXIT_OK


class _Progress:
    """One status line on a terminal, rewritten in place; nothing when stderr is piped."""

    def __init__(self, enabled: bool):
        self.enabled = enabled

    def __call__(self, stage: str, done: int, total: int) -> None:
        if self.enabled:
            sys.stderr.write(f"\r\033[Khmic-kg: {stage} {done}/{total}")
            sys.stderr.flush()

    def clear(self) -> None:
        if self.enabled:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()


def _print_problems(validation, limit: int = 50) -> None:
    for p in validation.problems[:limit]:
        print(f"hmic-kg: {p}", file=sys.stderr)
    if len(validation.problems) > limit:
        print(f"hmic-kg: ... and {len(validation.problems) - limit} more (see the full report)", file=sys.stderr)


def _cmd_build(args: argparse.Namespace) -> int:
    from pathlib import Path

    from graph_builder.paths import project_dir
    from graph_builder.pipeline.build import build_dataset
    from graph_builder.pipeline.timeline import InvalidDataset
    corpus = Path(args.corpus) if args.corpus else project_dir("corpus")
    progress = _Progress(sys.stderr.isatty() and not args.quiet)
    try:
        record = build_dataset(corpus, Path(args.out), base=args.base, progress=progress, full=args.full)
    except InvalidDataset as exc:
        progress.clear()
        _print_problems(exc.validation)
        print(f"hmic-kg: error: {len(exc.validation.violations)} violation(s): the dataset was not written; "
              f"{args.out} is unchanged", file=sys.stderr)
        return EXIT_INVALID
    finally:
        progress.clear()
    c = record["counts"]
    if not args.quiet:
        print(f"built {args.out}: {len(record['reports'])} reports, {c['quads']} quads "
              f"({record['inferred_triples']} inferred), {c['judgements']} judgements, {c['findings']} findings, "
              f"{c['recommendations']} recommendations, {c['good_practice']} good-practice items "
              f"in {record['timings_s']['total']:.1f} s")
    return EXIT_OK


def _cmd_validate(args: argparse.Namespace) -> int:
    from pathlib import Path

    from graph_builder.validate.files import validate_files
    if args.report and not Path(args.report).absolute().parent.is_dir():
        raise HmicKgError(f"--report {args.report}: the directory {Path(args.report).absolute().parent} "
                          "does not exist")
    _limit_memory(args.memory_limit)
    try:
        result = validate_files([Path(f) for f in args.files], base=args.base)
    except MemoryError:
        raise HmicKgError(f"the input needs more memory than --memory-limit {args.memory_limit:g} GB") from None
    if args.report:
        result.report.serialize(args.report, format="turtle")
    _print_problems(result)
    if not result.conforms:
        print(f"hmic-kg: {len(result.violations)} violation(s): does not conform", file=sys.stderr)
        return EXIT_INVALID
    print(f"conforms ({len(result.problems)} warning(s))")
    return EXIT_OK


def _half_the_memory() -> float:
    try:
        return round(os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") / 2**31, 1)
    except (ValueError, OSError):
        return 4.0


def _limit_memory(gigabytes: float) -> None:
    """The data segment (heap) of this process, bounded: `validate` reads files from anyone, and
    a parser bomb the checks do not know should fail here, not take the machine."""
    from graph_builder.lifetime import cap_heap
    if not 0 < gigabytes < float("inf"):
        raise HmicKgError(f"--memory-limit must be a positive number of GB (got {gigabytes})")
    cap_heap(int(gigabytes * 2**30))


def _cmd_publish(args: argparse.Namespace) -> int:
    from pathlib import Path

    from graph_builder.publish import auth_from_env, publish
    progress = _Progress(sys.stderr.isatty())
    try:
        done = publish(Path(args.data), args.to, auth=auth_from_env(), progress=progress)
    finally:
        progress.clear()
    print(f"published {len(done)} graphs ({sum(p.triples for p in done)} triples) to {args.to}")
    return EXIT_OK


def _cmd_synth(args: argparse.Namespace) -> int:
    from graph_builder.synth import synthesise
    summary = synthesise(args.reports, args.out, seed=args.seed)
    fams = ", ".join(f"{n} {fam}" for fam, n in sorted(summary["per_family"].items()))
    print(f"synthesised {summary['reports']} reports into {args.out} ({fams}; seed {args.seed}) "
          f"in {summary['seconds']:.1f} s")
    return EXIT_OK


def _plugins() -> list:
    # Commands other packages contribute (service contributes `serve`), found by entry point so that
    # graph_builder never imports them by name.
    out = []
    for ep in entry_points(group="hmic_kg.commands"):
        try:
            out.append(ep.load())
        except ImportError:
            continue  # an optional part that is not installed: its command is simply absent
    return out


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="hmic-kg", description="Knowledge graph of HMIC police inspection reports.")
    p.add_argument("--version", action="version", version=f"hmic-kg {__version__}")
    sub = p.add_subparsers(dest="command", required=True)
    sp = sub.add_parser("parse", help="print the document model of one report text as JSON")
    sp.add_argument("file")
    sp.add_argument("--pretty", action="store_true", help="indent the JSON")
    sp.set_defaults(run=_cmd_parse)
    from graph_builder.iris import DEFAULT_BASE
    bp = sub.add_parser("build", help="build the validated, reasoned dataset from a directory of report texts")
    bp.add_argument("corpus", nargs="?", help="directory of report texts (default: the bundled corpus/)")
    bp.add_argument("--out", default="build", help="output directory, replaced atomically (default: build)")
    bp.add_argument("--base", default=DEFAULT_BASE, help=f"base IRI of the dataset (default: {DEFAULT_BASE})")
    bp.add_argument("--quiet", "-q", action="store_true", help="print nothing on success")
    bp.add_argument("--full", action="store_true",
                    help="build from scratch even when the previous build in --out could be updated incrementally")
    bp.set_defaults(run=_cmd_build)
    vp = sub.add_parser("validate", help="validate RDF files against the hmic-kg shapes")
    vp.add_argument("files", nargs="+", help="Turtle, N-Triples, N-Quads, TriG, JSON-LD or RDF/XML files")
    vp.add_argument("--base", default=DEFAULT_BASE, help="base IRI the files use")
    vp.add_argument("--report", help="also write the SHACL validation report (Turtle) to this file")
    vp.add_argument("--memory-limit", type=float, default=_half_the_memory(), metavar="GB",
                    help="refuse input that would take more memory than this "
                         "(default: half of this machine's memory)")
    vp.set_defaults(run=_cmd_validate)
    pp = sub.add_parser("publish", help="push a built dataset to a store through the SPARQL 1.1 Graph Store Protocol")
    pp.add_argument("--to", required=True, metavar="URL",
                    help="the store's Graph Store Protocol endpoint, e.g. http://host:8890/sparql-graph-crud-auth "
                         "(credentials from HMIC_KG_STORE_USER / HMIC_KG_STORE_PASSWORD / HMIC_KG_STORE_AUTH)")
    pp.add_argument("--data", default="build", help="the build directory to publish (default: build)")
    pp.set_defaults(run=_cmd_publish)
    yp = sub.add_parser("synth", help="generate a synthetic corpus of report texts, with the extraction each should give")
    yp.add_argument("--reports", "-n", type=int, required=True, metavar="N",
                    help="how many reports (at most one per force and programme: 731 in all)")
    yp.add_argument("--out", required=True, metavar="DIR",
                    help="output directory: new, empty, or an earlier synth output (never corpus/)")
    yp.add_argument("--seed", type=int, default=0, help="random seed; the same seed gives the same bytes (default: 0)")
    yp.set_defaults(run=_cmd_synth)
    for plugin in _plugins():
        pp = sub.add_parser(plugin.name, help=plugin.help)
        plugin.configure(pp)
        pp.set_defaults(run=plugin.run)
    return p


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except HmicKgError as exc:
        print(f"hmic-kg: error: {exc}", file=sys.stderr)
        return EXIT_USAGE if not getattr(exc, "exit_code", None) else exc.exit_code
    except KeyboardInterrupt:
        return 130
    except OSError as exc:
        message = environment_message(exc)
        if message is None:
            return _internal()
        print(f"hmic-kg: error: {message}", file=sys.stderr)
        return EXIT_USAGE
    except InternalError as exc:
        print(f"hmic-kg: internal error: {exc}\n{exc.details}".rstrip(), file=sys.stderr)
        return EXIT_INTERNAL
    except Exception:  # noqa: BLE001 - a bug: said as one, with where it happened, never as exit 1
        return _internal()


def _internal() -> int:
    print(f"hmic-kg: internal error (a bug; please report it with this trace):\n"
          f"{traceback.format_exc()}".rstrip(), file=sys.stderr)
    return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
