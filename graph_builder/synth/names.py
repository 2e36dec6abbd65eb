"""The subject force's printed names, and rewriting a harvested sentence for a new force and year."""
from __future__ import annotations

import re
from dataclasses import dataclass

from graph_builder.reference.forces import Force, stem

from .patterns import SOURCE_NAMES


@dataclass(frozen=True)
class Names:
    name: str       # "Kent Police"
    stem: str       # "Kent"
    abbr: str       # "KP"

    def __getitem__(self, key: str) -> str:
        return {"name": self.name, "stem": self.stem, "abbr": self.abbr}[key]


def names_of(force: Force) -> Names:
    st = stem(force.name)
    words = [w for w in re.split(r"[\s-]+", force.name) if w and w.lower() not in ("and", "of", "the")]
    abbr = "".join(w[0].upper() for w in words)
    return Names(name=force.name, stem=st, abbr=abbr)


_PATTERNS = {src: [(re.compile(rf"\b{re.escape(printed)}\b"), kind) for printed, kind in names]
             for src, names in SOURCE_NAMES.items()}
_YEAR = re.compile(r"\b(199\d|20[01]\d|2020)(?:/(\d\d)\b)?\b")


def rewrite(text: str, source: str, subject: Names, shift: int) -> str:
    """Source force's names -> the subject's; years moved by `shift` (report year - source year)."""
    for pat, kind in _PATTERNS.get(source, []):
        text = pat.sub(subject[kind], text)
    if shift:
        text = _YEAR.sub(lambda m: _shift(m, shift), text)
    return text


def _shift(m: re.Match, shift: int) -> str:
    year = int(m.group(1)) + shift
    if m.group(2):
        return f"{year}/{(int(m.group(2)) + shift) % 100:02d}"
    return str(year)
