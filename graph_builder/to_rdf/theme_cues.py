"""How much a label found in a statement says about the statement: the weighing rules of the theme
tagger (graph_builder/to_rdf/themes.py), measured on the hand-labelled sample in
tests/themes/labelled_themes.json (docs/themes.md has the whole table and the figures).

A label occurrence is a cue worth 1. It is worth half when:
- the label is broad (WEAK below): words such as "partners", "police authority" or "PPU" that
  reports use in passing about almost anything; in a short statement's opening words, where it is
  the subject, it counts in full;
- it stands in an example or a list: after "eg", "such as", "including", "for example", in a
  colon-introduced list of three or more items ("performance information on: CSO patrol hours;
  user satisfaction; sickness; ..."), or among three or more themes strung together by commas;
- it names another thing's system, data, training or team ("the command and control system").
It is worth nothing inside the portfolio of a rank ("ACC (territorial policing and
partnerships)"), which names a job, not a subject. In a long text (a good-practice item) a cue in
the first sentence, the title, counts double.
"""
from __future__ import annotations

import re

# Broad labels, by theme slug, written as the matcher keys them (lower case, hyphens as spaces,
# no plural): general words ("partners", "funding", "demand") and the names of units and bodies
# that do many things ("police authority", "PPU", "CDRP"). Reports use them in passing about
# almost anything: on the development half of the labelled sample, counting each entry below as a
# full cue adds more wrong tags than right ones ("partners" 9 wrong for 2 right, "police authority"
# 6 for 4, "strategic plan" and "database" 4 for none). The specific labels of the same themes
# ("workload", "partner agencies", "chief officer group") stay full cues, and so do "training",
# "partnership" and "leadership", which weighed down lost more right tags than wrong ones.
WEAK: dict[str, tuple[str, ...]] = {
    "partnership-working": ("partners", "multi agency", "cdrp", "safer and stronger communities"),
    "resources-and-demand": ("demand", "funding", "budget", "finance", "resilience", "staffing levels",
                             "administrative support", "use of resources"),
    "leadership-and-governance": ("police authority", "pa", "cog", "governance", "strategic plan",
                                  "policing plan"),
    "workforce": ("hr", "human resources", "workforce"),
    "vulnerability": ("ppu", "sppu", "jppu", "cava", "vulnerability", "public protection unit",
                      "strategic public protection unit", "joint public protection unit",
                      "children and vulnerable adult database"),
    "ict-systems": ("database",),
    "diversity-and-equality": ("diversity",),
    "neighbourhood-policing": ("npu",),
    "criminal-justice": ("cj",),
    "crime-prevention": ("volume crime",),
    "recruitment-and-retention": ("recruitment",),
}

# Units that in the 2006-2007 reports hold every kind of vulnerability work. Named in a statement
# of one part of that work (the public protection section), they mean that part.
UNITS = ("ppu", "sppu", "jppu", "cava", "public protection unit", "strategic public protection unit",
         "joint public protection unit")

LONG_TEXT_WORDS = 120
SUBJECT_CHARS = 40
_EXAMPLE = re.compile(
    r"\b(?:eg|e\.g\.|such as|for example|for instance|including|notably)\b[^.;:)\u2013\u2014]*", re.IGNORECASE)
# A colon followed, in the same sentence, by three or more items separated by ; or ,
_LIST = re.compile(r":(?=[^.]*?[;,][^.]*?[;,][^.]*?[;,])[^.]*")
_PORTFOLIO = re.compile(
    r"\b(?:ACC|DCC|ACO|ACPO|[Ss]uperintendent|DCI|DI|DS)\s*\([^)]*\)")
_SENTENCE_END = re.compile(r"[.!?](?:\s|$)")
# What may join the items of an enumeration: a short stretch with a comma, "and", "or" or "/"
# and no sentence or clause break.
# A label naming the system, meeting, course or data of something else ("the command and control
# system", "T&CG meetings", "community engagement training") modifies the statement's subject.
_MODIFIED = re.compile(r"(?:s?\s+(?:system|database|training|data|target|performance|issue|course|standard|team)s?"
                       r"|-(?:trained|based|led|related|funded))\b", re.IGNORECASE)
_JOIN = re.compile(r"[^.;:()]{0,45}")
_JOINER = re.compile(r",|/|\band\b|\bor\b")


def _zones(regex, text: str) -> list[tuple[int, int]]:
    return [m.span() for m in regex.finditer(text)]


def _inside(pos: int, zones: list[tuple[int, int]]) -> bool:
    return any(a <= pos < b for a, b in zones)


class Weigher:
    """Weighs label occurrences in one text (see the module docstring)."""

    def __init__(self, text: str):
        self.text = text
        self.long = len(text.split()) > LONG_TEXT_WORDS
        self.examples = _zones(_EXAMPLE, text) + _zones(_LIST, text)
        self.portfolio = _zones(_PORTFOLIO, text)
        end = _SENTENCE_END.search(text)
        self.first_end = end.end() if end else len(text)
        # Where the opening (two sentences) of a text of three or more ends.
        ends = [m.end() for m in _SENTENCE_END.finditer(text.rstrip())]
        self.lead_end = ends[1] if len(ends) > 2 else len(text)
        self.threshold = 2.0 if self.long else 1.0

    def enumerate(self, text: str, cues: list[tuple[int, int, str]]) -> None:
        """Marks as examples the cues of three or more themes strung together in one
        enumeration ("cases of domestic violence, missing persons and child protection")."""
        run: list[tuple[int, int, str]] = []
        for cue in sorted(cues) + [(len(text) + 1, len(text) + 1, "")]:
            gap = text[run[-1][1]:cue[0]] if run else ""
            if run and cue[2] and _JOIN.fullmatch(gap) and _JOINER.search(gap):
                run.append(cue)
                continue
            if len({c[2] for c in run}) >= 3:
                self.examples.append((run[0][0], run[-1][1]))
            run = [cue]

    def is_subject(self, start: int) -> bool:
        return not self.long and start < SUBJECT_CHARS

    def in_example(self, start: int) -> bool:
        return _inside(start, self.examples)

    def weight(self, start: int, weak: bool, stop: int | None = None) -> float:
        if _inside(start, self.portfolio):
            return 0.0
        # A broad word in the opening words of a short statement is usually its subject.
        w = 0.5 if weak and not self.is_subject(start) else 1.0
        if stop is not None and _MODIFIED.match(self.text, stop):
            w *= 0.5
        if _inside(start, self.examples):
            w *= 0.5
        if self.long and start < self.first_end:
            w *= 2
        return w
