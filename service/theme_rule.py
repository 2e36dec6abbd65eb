"""The one rule by which every page counts statements under a theme, and the theme tree.

Rule: a statement counts under a theme when it is tagged with that theme or with any theme
narrower than it (skos:broader, followed any number of steps), and it counts once however many
of those tags it carries. The theme pages, the theme index, /recurring, force pages and the
catalogue's good-practice-on-theme query all count this way (tests/service/test_theme_counts.py
holds them to it; docs/service.md states it for readers).
"""
from __future__ import annotations

from dataclasses import dataclass, field

# SPARQL property path from a statement to every theme it counts under (prefixes insp:, skos:).
THEME_PATH = "insp:theme/skos:broader*"
# What is counted: statements of these kinds (each statement has exactly one of them; their
# superclasses Finding and Statement are inferred and would count a statement twice).
STATEMENT_KINDS = ("insp:Strength insp:WorkInProgress insp:AreaForImprovement insp:CauseOfConcern "
                   "insp:Recommendation insp:GoodPracticeExample")


@dataclass
class ThemeNode:
    iri: str
    label: str
    n: int
    forces: int
    parents: list[tuple[str, str]] = field(default_factory=list)  # (path, label) of each broader theme
    children: list["ThemeNode"] = field(default_factory=list)

    @property
    def path(self) -> str:
        return "/themes/" + self.iri.rsplit("/", 1)[1]


def theme_tree(themes: dict[str, dict], broader: list[tuple[str, str]]) -> list[ThemeNode]:
    """Each theme once: under its first broader theme (by label) as a child, its other broader
    themes listed beside it; themes without a broader theme at the top. themes: iri -> {label, n,
    forces}; broader: (narrower, broader) pairs."""
    nodes = {iri: ThemeNode(iri, t["label"], t["n"], t["forces"]) for iri, t in themes.items()}
    parents: dict[str, list[str]] = {}
    for narrower, wider in broader:
        if narrower in nodes and wider in nodes and wider not in parents.get(narrower, []):
            parents.setdefault(narrower, []).append(wider)
    chosen = {}
    for iri, node in nodes.items():
        ps = sorted(parents.get(iri, []), key=lambda p: nodes[p].label.lower())
        node.parents = [(nodes[p].path, nodes[p].label) for p in ps]
        if ps:
            chosen[iri] = ps[0]
    top = []
    for iri, node in nodes.items():
        if iri in chosen and not _cycle(iri, chosen):
            nodes[chosen[iri]].children.append(node)
        else:
            top.append(node)
    for node in nodes.values():
        node.children.sort(key=lambda c: c.label.lower())
    return sorted(top, key=lambda n: n.label.lower())


def _cycle(node: str, chosen: dict[str, str]) -> bool:
    """Whether node's chain of chosen parents comes back to it (thesaurus data is not trusted)."""
    seen, p = set(), chosen.get(node)
    while p is not None and p not in seen:
        if p == node:
            return True
        seen.add(p)
        p = chosen.get(p)
    return False
