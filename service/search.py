"""Full-text search: the user's query language, and the build's index (`search.sqlite`, written by
graph_builder/export/search_index.py) read with it.

The query language is a small safe subset, translated into FTS5 syntax here; FTS5's own syntax
(columns, NEAR, ^, parentheses) is not exposed, and the user's text only ever reaches SQLite as
quoted strings inside a bound parameter:

    word               rows containing it (case-insensitive; inside longer words too)
    "a phrase"         rows containing exactly that sequence of characters
    a b                both (AND is implied; writing AND is allowed)
    a OR b             either; OR binds tighter than the implied AND: `a b OR c` = a AND (b OR c)
    -a                 rows without it (needs at least one term that is not negated)

Each word or phrase needs at least three characters (the index is of character trigrams).
Mistakes answer 400 with a message naming the position.
"""
from __future__ import annotations

import logging
import re
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path

from graph_builder.export.search_index import FILE, SCHEMA_VERSION

from .errors import ParameterError

log = logging.getLogger("hmic_kg.service")

MIN_TERM = 3
MAX_QUERY = 500
MAX_TERMS = 16
# Around each match in `snippet`; private to no script, rare in reports, easy to split on in HTML.
MARK_START, MARK_END = "\u27e6", "\u27e7"  # ⟦ ⟧
SNIPPET_CHARS = 240
# Answers with more matches than this are listed, not ranked (SearchIndex.search).
RANK_LIMIT = 2000
# Title matches (an abbreviation, a theme's name) count double against body text.
_WEIGHTS = "2.0, 1.0"
_TOKEN = re.compile(r'\s*(?:(?P<neg>-)?(?:"(?P<phrase>[^"]*)(?P<closed>"?)|(?P<word>[^\s"]+)))')

VARIABLES = ("item", "kind", "kindLabel", "title", "snippet", "fullText", "force", "forceLabel",
             "year", "report", "line", "score")


class SearchSyntaxError(ParameterError):
    """The search text cannot be read; the message names the position (400)."""


@dataclass(frozen=True)
class Term:
    text: str
    negated: bool


def parse(text: str) -> list[list[Term]]:
    """The query as AND-ed groups of OR-ed terms; raises SearchSyntaxError."""
    if len(text) > MAX_QUERY:
        raise SearchSyntaxError(f"the search text is {len(text)} characters long; at most {MAX_QUERY}")
    if "\x00" in text:
        raise SearchSyntaxError("the search text contains a NUL character")
    groups: list[list[Term]] = []
    pending_or = False
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None or m.end() == pos:  # only trailing blanks are left
            break
        at = m.start() + (len(m.group(0)) - len(m.group(0).lstrip()))
        pos = m.end()
        word, phrase = m["word"], m["phrase"]
        if phrase is not None and not m["closed"]:
            raise SearchSyntaxError(f'the quote at position {at + 1 + bool(m["neg"])} is not closed')
        if word in ("OR", "AND") and not m["neg"]:
            if not groups or pending_or:
                raise SearchSyntaxError(f"{word} at position {at + 1} needs a term before it")
            pending_or = word == "OR"
            continue
        term = Term(phrase if phrase is not None else word, bool(m["neg"]))
        if len(term.text.strip()) < MIN_TERM:
            raise SearchSyntaxError(
                f"{'the phrase' if phrase is not None else 'the word'} {term.text!r} at position "
                f"{at + 1} is shorter than {MIN_TERM} characters; make it part of a longer phrase "
                'in quotes, e.g. "UK police"')
        if pending_or:
            if term.negated or any(t.negated for t in groups[-1]):
                raise SearchSyntaxError(f"a negated term cannot be part of OR (position {at + 1})")
            groups[-1].append(term)
            pending_or = False
        else:
            groups.append([term])
    if pending_or:
        raise SearchSyntaxError("OR at the end of the search text needs a term after it")
    if not groups:
        raise SearchSyntaxError("the search text is empty; give a word or a \"quoted phrase\"")
    if sum(len(g) for g in groups) > MAX_TERMS:
        raise SearchSyntaxError(f"the search text has more than {MAX_TERMS} terms")
    if all(g[0].negated for g in groups):
        raise SearchSyntaxError("a search needs at least one term that is not negated with '-'")
    return groups


def to_fts5(groups: list[list[Term]]) -> str:
    """FTS5 query text in which every user term is a quoted string (quotes doubled)."""
    def quoted(t: Term) -> str:
        return '"' + t.text.replace('"', '""') + '"'
    positive = [g for g in groups if not g[0].negated]
    negative = [g[0] for g in groups if g[0].negated]
    expr = " AND ".join("(" + " OR ".join(quoted(t) for t in g) + ")" for g in positive)
    return "".join([f"({expr})", *(f" NOT {quoted(t)}" for t in negative)])


class SearchIndex:
    """A build's search.sqlite, opened read-only; one SQLite connection per thread."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._local = threading.local()
        self._opened: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        version = self._db().execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
        if version is None or version[0] != str(SCHEMA_VERSION):
            raise ValueError(f"{self.path}: a search index of schema {version and version[0]}, "
                             f"not {SCHEMA_VERSION}; rebuild the dataset")

    def _db(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            # immutable: the version directory is never written once published (versions.py),
            # so SQLite needs no locks and no journal.
            db = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro&immutable=1", uri=True,
                                 check_same_thread=False)
            self._local.db = db
            with self._lock:
                self._opened.append(db)
        return db

    def search(self, text: str, limit: int, offset: int) -> tuple[list[dict], int]:
        """One page of matches and the number of all matches. Up to RANK_LIMIT matches are ranked
        (bm25, ties in listing order); more are listed in the index's order (no year first, then
        newest first), because scoring every row of a near-universal term is what costs."""
        groups = parse(text)
        match = to_fts5(groups)
        db = self._db()
        try:
            total = db.execute("SELECT count(*) FROM text WHERE text MATCH ?", (match,)).fetchone()[0]
            if total <= RANK_LIMIT:
                ranked = db.execute(
                    f"SELECT rowid, bm25(text, {_WEIGHTS}) AS score FROM text WHERE text MATCH ? "
                    "ORDER BY score, rowid LIMIT ? OFFSET ?", (match, limit, offset)).fetchall()
            else:
                ranked = db.execute("SELECT rowid, NULL FROM text WHERE text MATCH ? ORDER BY rowid "
                                    "LIMIT ? OFFSET ?", (match, limit, offset)).fetchall()
            ids = [r[0] for r in ranked]
            found = {r[0]: r[1:] for r in db.execute(
                "SELECT text.rowid, text.title, text.body, i.iri, i.kind, i.kind_label, i.force, "
                "i.force_label, i.year, i.report, i.line FROM text JOIN item i ON i.id = text.rowid "
                f"WHERE text.rowid IN ({', '.join('?' * len(ids))})", ids)} if ids else {}
        except sqlite3.Error as exc:
            raise SearchSyntaxError(f"the search text cannot be read: {exc}") from None
        marks = highlighter(groups)
        rows = []
        for rowid, score in ranked:
            title, body, iri, kind, kind_label, force, force_label, year, report, line = found[rowid]
            marked = marks(body)
            rows.append({"item": iri, "kind": kind, "kindLabel": kind_label, "title": title or None,
                         "snippet": snippet(marked if MARK_START in marked else marks(title)),
                         "fullText": body, "force": force, "forceLabel": force_label,
                         "year": year, "report": report, "line": line,
                         "score": round(-score, 6) if score is not None else None})
        return rows, total

    def close(self) -> None:
        """Closes every thread's connection (the app's generation has ended: its version of the
        build may be removed, and an open file would keep its space)."""
        with self._lock:
            opened, self._opened = self._opened, []
        for db in opened:
            db.close()
        self._local = threading.local()


def highlighter(groups: list[list[Term]]):
    """A function marking every match of the query's positive terms in a text, as the trigram
    index matches: case-insensitively, anywhere, longest term first where two overlap."""
    terms = sorted({t.text for g in groups for t in g if not t.negated}, key=len, reverse=True)
    pattern = re.compile("|".join(re.escape(t) for t in terms), re.IGNORECASE)
    return lambda text: pattern.sub(lambda m: f"{MARK_START}{m.group(0)}{MARK_END}", text or "")


def snippet(marked: str, width: int = SNIPPET_CHARS) -> str:
    """The part of a highlighted text around its first match, blanks collapsed, … where cut."""
    flat = " ".join(marked.split())
    if len(flat) <= width:
        return flat
    first = max(flat.find(MARK_START), 0)
    start = max(0, min(first - width // 3, len(flat) - width))
    end = start + width
    # A cut must not split a marker pair: close or reopen it at the edges.
    piece = flat[start:end]
    if piece.count(MARK_START) > piece.count(MARK_END):
        piece += MARK_END
    if piece.find(MARK_END) != -1 and (piece.find(MARK_START) == -1 or piece.find(MARK_END) < piece.find(MARK_START)):
        piece = MARK_START + piece
    return ("…" if start > 0 else "") + piece + ("…" if end < len(flat) else "")


def open_search(data_dir: Path) -> SearchIndex | None:
    """The build's index, or None for a build without a readable one (made before there were
    indexes, or damaged): the search query is then answered by its SPARQL text, as a phrase."""
    path = Path(data_dir) / FILE
    if not path.is_file():
        return None
    try:
        return SearchIndex(path)
    except (ValueError, sqlite3.Error) as exc:
        log.warning("%s: not used, search falls back to a scan of the graph: %s", path, exc)
        return None
