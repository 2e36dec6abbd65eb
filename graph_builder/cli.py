"""The hmic-kg command line. The only module that prints or exits."""
from __future__ import annotations

import argparse
import json
import sys
from importlib.metadata import entry_points

from . import __version__
from .errors import HmicKgError

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


def _cmd_parse(args: argparse.Namespace) -> int:
    from .extract import parse_file
    model = parse_file(args.file)
    for w in model["warnings"]:
        where = f"{args.file}:{w['line']}" if w.get("line") else args.file
        print(f"hmic-kg: warning: {where}: {w['message']}", file=sys.stderr)
    json.dump(model, sys.stdout, ensure_ascii=False, indent=2 if args.pretty else None)
    sys.stdout.write("\n")
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
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
