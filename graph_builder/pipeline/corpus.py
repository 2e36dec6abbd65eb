"""A corpus directory: its report files, its manifest.json: which report files are synthetic, and the reference data (programmes
and frameworks the shipped ontology does not define) the corpus brings with it; and its
curation.csv, researchers' judgements on links.

The manifest is optional. It is input like any report, so it is checked as hostile: a reference
file must be a Turtle file inside the corpus directory.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from graph_builder.errors import HmicKgError
from graph_builder.links.curation import CURATION, Judgement, read_curation

MANIFEST = "manifest.json"
REPORT_SUFFIXES = {".txt", ".md", ".html", ".htm"}


def discover(corpus: Path) -> list[Path]:
    if not corpus.is_dir():
        raise HmicKgError(f"{corpus}: no such corpus directory")
    # Every entry named like a report, whatever it is: the reader (extract.source.read_source)
    # refuses a link loop, a dangling link, a FIFO or a directory with the file's name, where a
    # filter here used to skip them silently.
    files = sorted(p for p in corpus.iterdir()
                   if p.suffix.lower() in REPORT_SUFFIXES and p.name.lower() != "readme.md")
    if not files:
        raise HmicKgError(f"{corpus}: no report texts (*.txt, *.md, *.html) in this directory")
    return files


@dataclass(frozen=True)
class Manifest:
    synthetic: frozenset[str] = frozenset()
    reference: tuple[Path, ...] = ()
    files: dict = field(default_factory=dict)
    # Researchers' judgements on links (curation.csv beside the reports; links/curation.py).
    curation: tuple[Judgement, ...] = ()


def read_manifest(corpus: Path) -> Manifest:
    path = corpus / MANIFEST
    curation = read_curation(corpus / CURATION)
    if not path.is_file():
        return Manifest(curation=curation)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise HmicKgError(f"{path}: not UTF-8 text ({exc.reason})") from None
    except json.JSONDecodeError as exc:
        raise HmicKgError(f"{path}:{exc.lineno}: not valid JSON: {exc.msg} (column {exc.colno})") from None
    except RecursionError:
        raise HmicKgError(f"{path}: nested too deeply to be a manifest") from None
    if not isinstance(data, dict) or not isinstance(data.get("reports", []), list):
        raise HmicKgError(f"{path}: expected an object with a \"reports\" list")
    synthetic, files = set(), {}
    for n, entry in enumerate(data.get("reports", []), 1):
        if not isinstance(entry, dict) or not isinstance(entry.get("file"), str):
            raise HmicKgError(f"{path}: reports[{n}] has no \"file\" name")
        files[entry["file"]] = entry
        if entry.get("synthetic") is True:
            synthetic.add(entry["file"])
    refs = data.get("reference", [])
    if not isinstance(refs, list) or not all(isinstance(r, str) for r in refs):
        raise HmicKgError(f"{path}: \"reference\" must be a list of file names")
    root = corpus.resolve()
    reference = []
    for name in refs:
        ref = (corpus / name).resolve()
        if ref.parent != root or ref.suffix != ".ttl":
            raise HmicKgError(f"{path}: reference file {name!r} must be a .ttl file in {corpus}")
        if not ref.is_file():
            raise HmicKgError(f"{path}: reference file {name!r} does not exist")
        reference.append(ref)
    return Manifest(frozenset(synthetic), tuple(reference), files, curation)
