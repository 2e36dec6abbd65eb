"""The theme thesaurus (ontology/themes.ttl) and a tagger that puts statements on its themes.

The tagger matches the thesaurus labels in statement text. It is built once per build and then
tags every finding, recommendation and good-practice item with compiled regular expressions only,
so tagging cost does not grow with the graph (about 1,000 items per corpus build, 100,000 at
national scale).

Matching rules:
- whole words, hyphen and space interchangeable ("problem solving" = "problem-solving"), with an
  optional plural or possessive ending ("PCSOs", "MARACs", "abstractions");
- a label with a capital after its first character (MAPPA, ViSOR, IT, "Working Together") is an
  acronym or proper name and is matched case-sensitively, so "IT" does not fire on "it" and
  "Working Together" (the child-protection guidance) not on "working together"; other labels
  ignore case;
- where labels overlap, the longest wins: "public protection unit" is the unit that does all
  vulnerability work, not the public-protection theme.
"""
from __future__ import annotations

import re
from functools import lru_cache

from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SKOS

from graph_builder.errors import HmicKgError
from graph_builder.iris import DEFAULT_BASE
from graph_builder.paths import project_dir
from graph_builder.reference.graphs import load_turtle

THEMES_FILE = "themes.ttl"

# Hand-written patterns for wordings that labels cannot express (an inflected verb near a noun).
# They live here, not in themes.ttl, because they are regular expressions of this matcher rather
# than vocabulary: the ontology declares no property for them, and SKOS hiddenLabel already holds
# the literal variants. Keyed by theme slug; written in lower case and matched ignoring case,
# independently of the labels.
PATTERNS: dict[str, tuple[str, ...]] = {
    "supervision-of-investigations": (
        r"\bsupervis\w*[^.;]{0,80}?\binvestigat\w*",
        r"\binvestigat\w*[^.;]{0,80}?\bsupervis\w*",
    ),
    "investigative-capacity": (
        r"\bcapacity (?:or|and) capability to investigate\b",
        r"\ballocat\w* (?:of )?(?:them|investigations?|crimes?)\b",
    ),
    "digital-evidence": (
        r"\b(?:retriev|examin|extract)\w* [^.;]{0,40}?\b(?:mobile phones?|computers?|devices)\b",
    ),
    "missing-persons": (
        r"\b(?:reported|reporting|go|going|went|goes|gone|are|is|were|was|be|being|become|becomes) missing\b",
        r"\bmissing (?:child|children|young (?:people|person)|adults?|episodes?)\b",
        r"\brunning away\b",
    ),
    "information-sharing": (
        r"\b(?:shar|exchang)(?:e|es|ed|ing) (?:of )?(?:relevant )?(?:information|intelligence|data)\b",
        r"\binformation (?:is|was|being|are|were|to be|should be) (?:\w+ )?shared\b",
    ),
    "abstraction": (
        r"\b(?:pulled|taken|diverted) (?:away )?from (?:their|neighbourhood|local)\b",
    ),
}

_SEP = r"[\s\-\u2010\u2011\u2013]+"
_SUFFIX = r"(?:s|es|'s)?"
_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u00a0": " "})


def thesaurus_graph(base: str = DEFAULT_BASE) -> Graph:
    """The theme thesaurus and the area-to-theme mapping, with IRIs under base."""
    return load_turtle(project_dir("ontology") / THEMES_FILE, base)


def is_case_sensitive(label: str) -> bool:
    return any(c.isupper() for c in label[1:])


def _key(label: str, fold: bool) -> str:
    k = " ".join(w for w in re.split(_SEP, label.translate(_QUOTES).strip()) if w)
    return k.lower() if fold else k


_END = None


def _trie_regex(node: dict) -> str:
    alts = [(_SEP if tok == " " else re.escape(tok)) + _trie_regex(child)
            for tok, child in sorted((k, v) for k, v in node.items() if k is not _END)]
    if not alts:
        return _SUFFIX
    body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
    # Longer labels first, so that "public protection unit" wins over "public protection".
    return f"(?:{body}|{_SUFFIX})" if _END in node else body


class _Matcher:
    """One regex for a whole label set, built as a character trie: Python's re does not share
    prefixes between alternatives, and a flat alternation of some 600 labels costs tens of
    milliseconds per paragraph."""

    def __init__(self, labels: list[tuple[str, str]], fold: bool):
        self.fold = fold
        self.themes: dict[str, set[str]] = {}
        trie: dict = {}
        for label, theme in labels:
            key = _key(label, fold)
            if not key:
                continue
            self.themes.setdefault(key, set()).add(theme)
            node = trie
            for ch in key:
                node = node.setdefault(ch, {})
            node[_END] = True
        flags = re.IGNORECASE if fold else 0
        self.regex = re.compile(rf"(?<![\w&])(?:{_trie_regex(trie)})(?![\w&])", flags) if trie else None

    def spans(self, text: str):
        if self.regex is None:
            return
        for m in self.regex.finditer(text):
            key = _key(m.group(), self.fold)
            for cut in ("", "'s", "es", "s"):
                if key.endswith(cut) and key[:len(key) - len(cut)] in self.themes:
                    for theme in self.themes[key[:len(key) - len(cut)]]:
                        yield m.start(), m.end(), theme
                    break


class Tagger:
    """Tags text with theme IRIs; falls back on the themes of the statement's assessment area."""

    def __init__(self, labels: dict[str, set[str]], patterns: dict[str, tuple[str, ...]],
                 area_themes: dict[str, set[str]]):
        pairs = [(label, theme) for theme, ls in labels.items() for label in ls if label.strip()]
        self._exact = _Matcher([p for p in pairs if is_case_sensitive(p[0])], fold=False)
        self._folded = _Matcher([p for p in pairs if not is_case_sensitive(p[0])], fold=True)
        # Matched against the lower-cased text rather than with IGNORECASE (40% faster), so
        # they must be written in lower case.
        for ps in patterns.values():
            for p in ps:
                if re.search(r"(?<!\\)[A-Z]", p):
                    raise HmicKgError(f"themes: pattern {p!r} is not in lower case")
        self._patterns = [(re.compile("|".join(ps)), theme) for theme, ps in sorted(patterns.items()) if ps]
        self._areas = {a: sorted(ts) for a, ts in area_themes.items()}
        # Reports repeat whole statements (boilerplate recommendations, the same finding in
        # several areas); a national build tags 100,000 items, a third of the workers' time.
        self._seen: dict[str, list[str]] = {}

    @classmethod
    def from_graph(cls, g: Graph, base: str = DEFAULT_BASE) -> Tagger:
        base = base.rstrip("/")
        theme_cls = URIRef(f"{base}/def/inspection/Theme")
        theme_prop = URIRef(f"{base}/def/inspection/theme")
        prefix = f"{base}/def/theme/"
        labels: dict[str, set[str]] = {}
        for t in g.subjects(RDF.type, theme_cls):
            labels[str(t)] = {str(o) for p in (SKOS.prefLabel, SKOS.altLabel, SKOS.hiddenLabel)
                              for o in g.objects(t, p) if getattr(o, "language", None) in (None, "en")}
        patterns = {}
        for slug, ps in PATTERNS.items():
            if prefix + slug not in labels:
                raise HmicKgError(f"themes: pattern for unknown theme {slug!r}")
            patterns[prefix + slug] = ps
        areas: dict[str, set[str]] = {}
        for area, theme in g.subject_objects(theme_prop):
            if str(theme) in labels:
                areas.setdefault(str(area), set()).add(str(theme))
        return cls(labels, patterns, areas)

    def tag(self, text: str) -> list[str]:
        """Theme IRIs whose labels or patterns occur in text, sorted."""
        found = self._seen.get(text)
        if found is None:
            if len(self._seen) >= 1 << 16:
                self._seen.clear()
            found = self._seen[text] = self._tag(text)
        return list(found)

    def _tag(self, text: str) -> list[str]:
        text = text.translate(_QUOTES)
        spans = []
        for m in (self._exact, self._folded):
            spans.extend(m.spans(text))
        found, last = set(), (-1, -1)
        for start, stop, theme in sorted(spans, key=lambda s: (s[0], -s[1])):
            # A shorter label overlapped by a longer one is part of it: skip it.
            if start >= last[1] or (start, stop) == last:
                found.add(theme)
                last = (start, stop)
        low = text.lower()
        for regex, theme in self._patterns:
            if theme not in found and regex.search(low):
                found.add(theme)
        return sorted(found)

    def area_themes(self, area_iri: str | None) -> list[str]:
        return list(self._areas.get(str(area_iri), ())) if area_iri else []

    def tag_item(self, text: str, area_iri: str | None) -> list[str]:
        """Themes of the text, or of its assessment area when the text names none."""
        return self.tag(text) or self.area_themes(area_iri)


@lru_cache(maxsize=4)
def corpus_tagger(base: str, extra_reference=()) -> Tagger:
    """The project thesaurus's tagger, knowing also the area->theme links of the reference data a
    corpus brings (a synthetic corpus's programmes have their own areas)."""
    if not extra_reference:
        return default_tagger(base)
    g = thesaurus_graph(base)
    for path in extra_reference:
        g += load_turtle(path, base)
    return Tagger.from_graph(g, base)


def default_tagger(base: str = DEFAULT_BASE) -> Tagger:
    """The tagger of the project's thesaurus, built once per base (the regexes take a while)."""
    return Tagger.from_graph(thesaurus_graph(base), base)
