"""A corpus directory: its report files, its manifest.json: which report files are synthetic, and the reference data (programmes
and frameworks the shipped ontology does not define) the corpus brings with it; and its
curation.csv, researchers' judgements on links.

The manifest is optional. It is input like any report, so it is checked as hostile: a reference
file must be a Turtle file inside the corpus directory.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from graph_builder.errors import HmicKgError
from graph_builder.links.curation import CURATION, Judgement, read_curation

MANIFEST = "manifest.json"
REPORT_SUFFIXES = {".txt", ".md", ".html", ".htm", ".pdf"}


def discover(corpus: Path) -> list[Path]:
    if not corpus.is_dir():
        raise HmicKgError(f"{corpus}: no such corpus directory")
    # Every entry named like a report, whatever it is: the reader (extract.source.read_source)
    # refuses a link loop, a dangling link, a FIFO or a directory with the file's name, where a
    # filter here used to skip them silently.
    files = sorted(p for p in corpus.iterdir()
                   if p.suffix.lower() in REPORT_SUFFIXES and p.name.lower() != "readme.md")
    if not files:
        raise HmicKgError(f"{corpus}: no reports (*.txt, *.md, *.html, *.pdf) in this directory")
    return files


@dataclass(frozen=True)
class Manifest:
    synthetic: frozenset[str] = frozenset()
    reference: tuple[Path, ...] = ()
    files: dict = field(default_factory=dict)
    # file name -> the published document it was converted from (report.published_source)
    published: dict[str, dict] = field(default_factory=dict)

    def published_json(self, name: str) -> str:
        """The description as canonical JSON: a plain string for the worker task and the cache key."""
        return json.dumps(self.published[name], sort_keys=True, ensure_ascii=False) if name in self.published else ""
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
    synthetic, files, published = set(), {}, {}
    for n, entry in enumerate(data.get("reports", []), 1):
        if not isinstance(entry, dict) or not isinstance(entry.get("file"), str):
            raise HmicKgError(f"{path}: reports[{n}] has no \"file\" name")
        files[entry["file"]] = entry
        if entry.get("synthetic") is True:
            synthetic.add(entry["file"])
        described = _published_source(path, n, entry)
        if described:
            published[entry["file"]] = described
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
    return Manifest(frozenset(synthetic), tuple(reference), files, published, curation)


_ISSUED = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_URL = re.compile(r"^https?://[^\s<>\"{}|\\^`]+$")
_TEXT_KEYS = ("title", "publisher", "format")


def _published_source(path: Path, n: int, entry: dict) -> dict:
    """A report entry's description of its published document, checked: strings of bounded length,
    a date as YYYY[-MM[-DD]], ISBNs as a list, an address as an absolute http(s) URL."""
    raw = entry.get("published_source", {})
    where = f"{path}: reports[{n}].published_source"
    if not isinstance(raw, dict):
        raise HmicKgError(f"{where} must be an object")
    unknown = set(raw) - {*_TEXT_KEYS, "issued", "isbn", "url"}
    if unknown:
        raise HmicKgError(f"{where} has unknown keys: {', '.join(sorted(unknown))}")
    out: dict = {}
    for key in (*_TEXT_KEYS, "issued", "url"):
        if key in raw:
            v = raw[key]
            if not isinstance(v, str) or not v.strip() or len(v) > 500:
                raise HmicKgError(f"{where}.{key} must be a non-empty string of at most 500 characters")
            out[key] = v.strip()
    if "issued" in out and not _ISSUED.match(out["issued"]):
        raise HmicKgError(f"{where}.issued must be a date written YYYY, YYYY-MM or YYYY-MM-DD")
    if "url" in out and not _URL.match(out["url"]):
        raise HmicKgError(f"{where}.url must be an absolute http(s) address")
    if "isbn" in raw:
        if not isinstance(raw["isbn"], list) or not all(isinstance(i, str) and re.fullmatch(r"[0-9Xx-]{10,17}", i)
                                                         for i in raw["isbn"]):
            raise HmicKgError(f"{where}.isbn must be a list of ISBNs")
        out["isbn"] = list(raw["isbn"])
    if isinstance(entry.get("source"), str) and entry["source"].strip() and out:
        out["description"] = entry["source"].strip()[:500]
    return out
