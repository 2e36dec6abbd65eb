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

Which matches make a tag (theme_cues weighs each one; docs/themes.md has the figures):
- a theme needs cues worth 1 (2 in a text over 120 words); the statement's area and heading are a
  prior, whose themes need half that; broad cues alone need 1.5 times it outside their area;
- a unit that holds all vulnerability work, named under one part of it, means that part;
- a theme named once, after the opening two sentences, is a detail unless the area says otherwise;
- at most three themes, more only where the text names them twice over.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SKOS

from graph_builder.errors import HmicKgError
from graph_builder.iris import DEFAULT_BASE
from graph_builder.paths import project_dir
from graph_builder.reference.graphs import load_turtle
from graph_builder.to_rdf.theme_cues import UNITS, WEAK, Weigher

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
    "community-engagement": (
        r"\bengag\w* (?:with )?(?:the |local |its |our )*(?:communit(?:y|ies)|public|residents|citizens)\b",
        r"\bconfidence (?:of|in) (?:the )?(?:local )?(?:public|police|policing|communit(?:y|ies))\b",
        r"\b(?:public|community|residents') (?:\w+ )?surveys?\b",
    ),
    "investigation": (
        r"\binvestigat(?:e|es|ed|ing|ion of) (?:crimes?|offences)\b",
        r"\bcrimes? (?:are|is|were|was) (?:being )?investigated\b",
    ),
    "recruitment-and-retention": (
        r"\b(?:staff |officer |personnel )turnover\b",
        r"\bturnover (?:of|among|in) (?:staff|officers|personnel)\b",
    ),
    "serious-and-organised-crime": (
        r"\blevel 2 (?:criminality|crime|criminals?|operations?|work)\b",
    ),
    "workforce": (
        r"\b(?:commendations|award ceremon\w+|award scheme)\b",
        r"\brecognis\w* (?:individual )?(?:staff|employees?|officers?)\b",
    ),
    "performance-management": (
        r"\bperformance (?:group|meeting|review|regime|board|panel)s?\b",
        r"\b(?:held|holds?|holding) (?:\w+ ){0,5}?to account\b",
    ),
    "partnership-working": (
        r"\bwork(?:s|ed|ing)? (?:closely |jointly |together )?with (?:\w+ ){0,2}partners\b",
        r"\bmulti-agency (?:basis|group|forum|team|approach|working|tasking|arrangements?|partnerships?)\b",
        r"\b(?:with|between) (?:the )?(?:other|partner|relevant|key|outside) agencies\b",
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
                    base = key[:len(key) - len(cut)]
                    for theme in self.themes[base]:
                        yield m.start(), m.end(), theme, base
                    break


class Evidence(NamedTuple):
    """The cues a text gives: each theme's weight, the weight a theme needs in this text, the part
    of each theme's weight that came from unit names (theme_cues.UNITS), the themes named by at
    least one full (not broad) cue, and those named only once, after the opening sentences."""
    scores: dict[str, float]
    need: float
    units: dict[str, float]
    full: set[str]
    late: set[str]


class Tagger:
    """Tags text with theme IRIs, weighing each label found (theme_cues) and using the statement's
    assessment area as a prior; falls back on the area's themes when the text names none."""

    MAX_THEMES = 3

    def __init__(self, labels: dict[str, set[str]], patterns: dict[str, tuple[str, ...]],
                 area_themes: dict[str, set[str]], broader: dict[str, set[str]] | None = None,
                 weak: dict[str, tuple[str, ...]] | None = None):
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
        self._weak: dict[str, set[str]] = {}
        for theme, ws in (weak or {}).items():
            known = {_key(label, True) for label in labels.get(theme, ())}
            unknown = sorted(set(ws) - known)
            if unknown:
                raise HmicKgError(f"themes: weak cue {unknown[0]!r} is not a label of {theme}")
            self._weak[theme] = set(ws)
        broader = broader or {}
        self._narrower: dict[str, set[str]] = {}
        for child, parents in broader.items():
            for parent in parents:
                self._narrower.setdefault(parent, set()).add(child)
        self._areas = {a: sorted(ts) for a, ts in area_themes.items()}
        # Reports repeat whole statements (boilerplate recommendations, the same finding in
        # several areas); a national build tags 100,000 items, a third of the workers' time.
        self._seen: dict[tuple[str, str | None, str | None], list[str]] = {}

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
        patterns, weak = {}, {}
        for table, out in ((PATTERNS, patterns), (WEAK, weak)):
            for slug, ps in table.items():
                if prefix + slug not in labels:
                    raise HmicKgError(f"themes: rule for unknown theme {slug!r}")
                out[prefix + slug] = ps
        broader = {t: {str(b) for b in g.objects(URIRef(t), SKOS.broader) if str(b) in labels} for t in labels}
        areas: dict[str, set[str]] = {}
        for area, theme in g.subject_objects(theme_prop):
            if str(theme) in labels:
                areas.setdefault(str(area), set()).add(str(theme))
        return cls(labels, patterns, areas, broader, weak)

    def tag(self, text: str) -> list[str]:
        """Theme IRIs the text itself gives enough cues for, sorted."""
        return self._cached(text, None)

    def area_themes(self, area_iri: str | None) -> list[str]:
        return list(self._areas.get(str(area_iri), ())) if area_iri else []

    def tag_item(self, text: str, area_iri: str | None, heading: str | None = None) -> list[str]:
        """Themes of a statement of the given assessment area, printed under the given heading
        within it (see theme_cues for the rules), or the area's themes when the text names none."""
        return self._cached(text, str(area_iri) if area_iri else None, heading or None)

    def _cached(self, text: str, area: str | None, heading: str | None = None) -> list[str]:
        found = self._seen.get((text, area, heading))
        if found is None:
            if len(self._seen) >= 1 << 16:
                self._seen.clear()
            found = self._seen[(text, area, heading)] = self._tag(text, area, heading)
        return list(found)

    def _descendants(self, theme: str) -> set[str]:
        out, todo = set(), [theme]
        while todo:
            for n in self._narrower.get(todo.pop(), ()):
                if n not in out:
                    out.add(n)
                    todo.append(n)
        return out

    def scores(self, text: str) -> Evidence:
        """What the text says for each theme (see Evidence)."""
        text = text.translate(_QUOTES)
        weigher = Weigher(text)
        spans = []
        for m in (self._exact, self._folded):
            spans.extend(m.spans(text))
        # Cues in examples and lists add up to half at most: a list names many things in passing.
        scores: dict[str, float] = {}
        listed: dict[str, float] = {}
        cues = [(start, stop, theme, key.lower() in self._weak.get(theme, ()))
                for start, stop, theme, key in self._unoverlapped(spans)]
        low = text.lower()
        cues += [(*m.span(), theme, False) for regex, theme in self._patterns for m in regex.finditer(low)]
        cues = _without_glosses(text, cues)
        weigher.enumerate(text, [c[:3] for c in cues])
        units: dict[str, float] = {}
        full: set[str] = set()
        first: dict[str, int] = {}
        mentions: dict[str, int] = {}
        for start, stop, theme, weak in cues:
            first.setdefault(theme, start)
            mentions[theme] = mentions.get(theme, 0) + 1
            w = weigher.weight(start, weak, stop)
            bucket = listed if weigher.in_example(start) else scores
            bucket[theme] = bucket.get(theme, 0.0) + w
            if _key(text[start:stop], True).removesuffix("s").removesuffix("'") in UNITS:
                units[theme] = units.get(theme, 0.0) + w
            if w and (not weak or weigher.is_subject(start)):
                full.add(theme)
        for theme, w in listed.items():
            scores[theme] = scores.get(theme, 0.0) + min(w, 0.5)
        late = {t for t, at in first.items() if at >= weigher.lead_end and mentions[t] == 1}
        return Evidence(scores, weigher.threshold, units, full, late)

    @staticmethod
    def _unoverlapped(spans):
        last = (-1, -1)
        for start, stop, theme, key in sorted(spans, key=lambda s: (s[0], -s[1])):
            # A shorter label overlapped by a longer one is part of it: skip it.
            if start >= last[1] or (start, stop) == last:
                yield start, stop, theme, key
                last = (start, stop)

    def _tag(self, text: str, area: str | None, heading: str | None = None) -> list[str]:
        scores, need, units, full, late = self.scores(text)
        direct = set(self._areas.get(area, ())) if area else set()
        # A heading within the area ("Child Protection" under protecting vulnerable people) is a
        # prior as the area is, and the narrower of the two.
        section = set(self._cached(heading, None)) if heading else set()
        direct |= section
        section = section or direct
        # A unit named in a statement filed under one part of its work is that part: "PPU" in
        # the public protection section is the public protection side of the unit.
        for theme, w in sorted(units.items()):
            parts = [t for t in section if t in self._descendants(theme)]
            if theme not in section and len(parts) == 1:
                scores[theme] -= w
                scores[parts[0]] = scores.get(parts[0], 0.0) + w
        # Broad cues alone are believed only where the area agrees: "partners" three times in a
        # neighbourhood policing finding do not make it a finding about partnership working.
        kept = [t for t, s in scores.items()
                if (s >= need and t in full) or s >= 1.5 * need or (t in direct and s >= need / 2)]
        # A theme named once, after the opening sentences, is a detail of the statement rather
        # than its subject (unless the area says otherwise).
        kept = [t for t in kept if t in direct or t not in late]
        # A handful at most: beyond the strongest three, only themes the text names twice over.
        kept = sorted(kept, key=lambda t: (-scores[t], t not in direct, t))
        kept = kept[:self.MAX_THEMES] + [t for t in kept[self.MAX_THEMES:] if scores[t] >= 2 * need]
        if not kept:
            # Nothing clears the bar: the area's themes (the broadest of them, as nothing says
            # which part), or without an area the text's strongest theme if it names one at least
            # half as clearly as needed.
            best = max(scores.values(), default=0.0)
            broadest = [t for t in direct if not any(t in self._descendants(o) for o in direct)]
            kept = broadest or [t for t, s in scores.items() if s == best and s >= need / 2]
        return sorted(kept)


_GLOSS = re.compile(r"\s*\(\s*")


def _without_glosses(text: str, cues: list) -> list:
    """Drops a cue that only glosses the one before it, "management of police information (MoPI)":
    one mention, not two."""
    out = []
    for cue in sorted(cues):
        prev = out[-1] if out else None
        if prev and prev[2] == cue[2] and _GLOSS.fullmatch(text[prev[1]:cue[0]]):
            continue
        out.append(cue)
    return out


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
