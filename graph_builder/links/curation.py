"""Researchers' judgements on links, read from the corpus's curation.csv and applied over any score.

One judgement a row (docs/similarity.md, "Curation"):

    source,target,judgement,theme,who,date,why

- `same-issue`: source and target statements raise the same issue; the build links them whatever
  their score (and a same-force, later/earlier pair becomes a follow-up).
- `different-issue`: they do not; the build drops any link, follow-up or shared recurring issue
  between them.
- `wrong-tag`: the theme (an IRI in `theme`, target empty) does not fit the source statement; kept
  as provenance for the theme tagger to honour.

Every judgement is kept in the graph as a prov:Entity attributed to `who`, with `date` and `why`.
The file is input like a report: any row it cannot use stops the build with the file and line.
"""
from __future__ import annotations

import csv
import hashlib
import re
from dataclasses import dataclass, replace
from datetime import date as Date
from pathlib import Path

from graph_builder.errors import HmicKgError
from graph_builder.iris import DEFAULT_BASE

CURATION = "curation.csv"
COLUMNS = ("source", "target", "judgement", "theme", "who", "date", "why")
JUDGEMENTS = ("same-issue", "different-issue", "wrong-tag")
# Generous for a hand-kept file, small enough that a runaway file is refused rather than read.
MAX_ROWS = 100_000
MAX_FIELD = 2_000
_IRI = re.compile(r"^https?://[^\s<>\"{}|\\^`]+$")


@dataclass(frozen=True)
class Judgement:
    source: str
    target: str
    judgement: str
    theme: str
    who: str
    date: str
    why: str
    line: int = 0

    @property
    def pair(self) -> tuple[str, str]:
        return tuple(sorted((self.source, self.target)))  # type: ignore[return-value]

    @property
    def key(self) -> str:
        return hashlib.sha256("|".join((self.source, self.target, self.judgement, self.theme, self.who,
                                        self.date)).encode("utf-8")).hexdigest()[:16]


def parse_row(row: dict, where: str, line: int = 0) -> Judgement:
    """One judgement from a row of strings; HmicKgError naming `where` when it cannot be used.
    Also the check the service runs on a proposal."""
    values = {}
    for col in COLUMNS:
        v = row.get(col)
        v = "" if v is None else v
        if not isinstance(v, str) or len(v) > MAX_FIELD:
            raise HmicKgError(f"{where}: {col} must be text of at most {MAX_FIELD} characters")
        values[col] = v.strip()
    j = values["judgement"]
    if j not in JUDGEMENTS:
        raise HmicKgError(f"{where}: judgement must be one of {', '.join(JUDGEMENTS)}, not {j!r}")
    if not _IRI.match(values["source"]):
        raise HmicKgError(f"{where}: source must be a statement IRI")
    if j == "wrong-tag":
        if not _IRI.match(values["theme"]) or values["target"]:
            raise HmicKgError(f"{where}: a wrong-tag judgement names a theme IRI and no target")
    elif not _IRI.match(values["target"]) or values["target"] == values["source"]:
        raise HmicKgError(f"{where}: target must be another statement IRI")
    if not values["who"] or not values["why"]:
        raise HmicKgError(f"{where}: who and why are required")
    try:
        Date.fromisoformat(values["date"])
    except ValueError:
        raise HmicKgError(f"{where}: date must be YYYY-MM-DD, not {values['date']!r}") from None
    return Judgement(**values, line=line)


def read_curation(path: Path) -> tuple[Judgement, ...]:
    """The judgements of a curation file, in file order; () when there is no file."""
    if not path.is_file():
        return ()
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise HmicKgError(f"{path}: not UTF-8 text ({exc.reason})") from None
    rows = csv.DictReader(text.splitlines())
    if tuple(rows.fieldnames or ()) != COLUMNS:
        raise HmicKgError(f"{path}:1: the header must be {','.join(COLUMNS)}")
    out = []
    for n, row in enumerate(rows, 2):
        if n > MAX_ROWS:
            raise HmicKgError(f"{path}:{n}: more than {MAX_ROWS} judgements")
        if None in row:
            raise HmicKgError(f"{path}:{n}: more fields than the header names")
        out.append(parse_row(row, f"{path}:{n}", n))
    return tuple(out)


def decided(judgements: tuple[Judgement, ...]) -> dict[tuple[str, str], Judgement]:
    """The judgement that holds for each statement pair: the last one in the file (a later row
    is a later decision)."""
    out = {}
    for j in judgements:
        if j.judgement != "wrong-tag":
            out[j.pair] = j
    return out


def rebased(judgements: tuple[Judgement, ...], base: str) -> tuple[Judgement, ...]:
    """The judgements with the project's IRIs moved to `base`: the file names statements by their
    published IRIs, and a build may publish under another base (--base)."""
    old, new = DEFAULT_BASE.rstrip("/") + "/", base.rstrip("/") + "/"
    if old == new:
        return judgements

    def move(iri: str) -> str:
        return new + iri[len(old):] if iri.startswith(old) else iri
    return tuple(replace(j, source=move(j.source), target=move(j.target), theme=move(j.theme))
                 for j in judgements)
