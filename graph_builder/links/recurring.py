"""Recurring issues: statements of different reports that raise the same concrete issue, grouped.

Members are joined by strong links (score >= RECURRING_THRESHOLD) and by researchers' same-issue
judgements (links/curation.py), never across a different-issue judgement. Statements printing the
same text count as one (the same sentence given to many forces). Groups are the connected parts
of those joins; a part of more than MAX_MEMBERS distinct texts is split again at a higher score,
step by step, so one chain of loosely related statements does not become a national catch-all.

For each force the issue says whether it came back (issue-raising statements of that force in two
or more years) and whether it was reported resolved (a later positive statement of that force in
the issue, and nothing raising it again after). A statement's tone: strengths are positive,
areas for improvement, work in progress, causes of concern and recommendations raise the issue,
and a PEEL detailed finding is read from its lead sentence, else from its evidence sentence
(links/sentences.py `tone`).
"""
from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass

from graph_builder.links.evidence import Evidence
from graph_builder.links.followups import ISSUE_KINDS
from graph_builder.links.sentences import sentences, tone
from graph_builder.links.statements import Link, Statement

RECURRING_THRESHOLD = 0.2
MAX_MEMBERS = 12
SPLIT_STEP = 0.05
LABEL_CHARS = 140


@dataclass(frozen=True)
class Resolution:
    force: str
    raised_by: str      # the last statement raising the issue before it was reported resolved
    resolved_by: str    # the positive statement that reports it resolved


@dataclass(frozen=True)
class RecurringIssue:
    key: str
    label: str
    members: tuple[str, ...]
    forces: tuple[str, ...]
    first_year: int | None
    last_year: int | None
    kinds: tuple[str, ...]
    recurred_for: tuple[str, ...]
    resolutions: tuple[Resolution, ...]


def _components(edges: list[tuple[str, str, float]]) -> list[tuple[list[str], list]]:
    """Connected parts of the edges: (sorted members, their edges), each edge once, in edge order."""
    parent: dict[str, str] = {}

    def find(x):
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x
    for a, b, _ in edges:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    members: dict[str, list[str]] = defaultdict(list)
    for n in sorted(parent):
        members[find(n)].append(n)
    own: dict[str, list] = defaultdict(list)
    for e in edges:
        own[find(e[0])].append(e)
    return [(members[root], own[root]) for root in sorted(members, key=lambda r: members[r][0])]


def _groups(edges: list[tuple[str, str, float]], at: float) -> list[tuple[list[str], list]]:
    """(members, internal edges) of each group: connected parts of the edges scoring at least
    `at`, a part of more than MAX_MEMBERS split again at a higher score."""
    out = []
    for members, own in _components([e for e in edges if e[2] >= at]):
        if len(members) <= MAX_MEMBERS:
            out.append((members, own))
        elif at < 1.0:
            out += _groups(own, round(at + SPLIT_STEP, 4))
    return out


def member_tone(s: Statement, evidence_sentence: str | None) -> str:
    if s.kind == "strength":
        return "positive"
    if s.kind in ISSUE_KINDS:
        return "negative"
    if s.kind == "detailed-finding":
        lead = sentences(s.text)[:1]
        t = tone(lead[0]) if lead else "neutral"
        if t == "neutral" and evidence_sentence:
            t = tone(evidence_sentence)
        return t
    return "neutral"


def find_recurring(statements: list[Statement], links: list[Link],
                   evidence: dict[tuple[str, str], Evidence],
                   same_issue: set[tuple[str, str]] = frozenset(),
                   different_issue: set[tuple[str, str]] = frozenset()) -> list[RecurringIssue]:
    """Recurring issues among statements, sorted by key. Same-issue pairs join at any score
    (they are given score 1.0 here); different-issue pairs never join directly."""
    by = {s.iri: s for s in statements}
    # Statements printing one text are one node: the same sentence given to many forces is one
    # issue raised many times, and a clique of identical texts (score 1.0) cannot be split by score.
    node, copies = {}, defaultdict(list)
    for s in sorted(statements, key=lambda s: s.iri):
        node[s.iri] = node.get(s.text) or node.setdefault(s.text, s.iri)
        copies[node[s.iri]].append(s.iri)
    blocked = {tuple(sorted((node[a], node[b]))) for a, b in different_issue if a in by and b in by}
    best: dict[tuple[str, str], tuple[float, tuple[str, str]]] = {}
    repeated = set()
    for k in links:
        if k.score < RECURRING_THRESHOLD or (k.source, k.target) in different_issue:
            continue
        u, v = sorted((node[k.source], node[k.target]))
        if u == v:
            repeated.add(u)
        elif (u, v) not in best or best[(u, v)][0] < k.score:
            best[(u, v)] = (k.score, (k.source, k.target))
    for a, b in sorted(same_issue):
        if a in by and b in by and node[a] != node[b]:
            best[tuple(sorted((node[a], node[b])))] = (1.0, (a, b))
    edge_list = sorted((u, v, sc) for (u, v), (sc, _) in best.items() if (u, v) not in blocked)
    groups = _groups(edge_list, RECURRING_THRESHOLD)
    grouped = {n for g, _ in groups for n in g}
    groups += [([n], []) for n in sorted(repeated - grouped)]
    out = []
    for nodes, own in groups:
        internal = sorted(((sc, *best[(u, v)][1]) for u, v, sc in own), key=lambda e: (-e[0], e[1], e[2]))
        # Each member's evidence sentence: from its strongest join within the issue (shared by
        # the statements printing the same text).
        said: dict[str, str] = {}
        for _, a, b in internal:
            ev = evidence.get((a, b))
            if ev:
                said.setdefault(node[a], ev.source_sentence)
                said.setdefault(node[b], ev.target_sentence)
        first_ev = next((evidence[(a, b)] for _, a, b in internal if (a, b) in evidence), None)
        label = first_ev.source_sentence if first_ev else (sentences(by[nodes[0]].text) or [""])[0]
        if len(label) > LABEL_CHARS:
            label = label[:LABEL_CHARS].rsplit(" ", 1)[0] + " ..."
        group = sorted(i for n in nodes for i in copies[n])
        said = {i: said[node[i]] for i in group if node[i] in said}
        members = [by[i] for i in group]
        years = sorted(s.year for s in members if s.year is not None)
        tones = {s.iri: member_tone(s, said.get(s.iri)) for s in members}
        recurred, resolutions = [], []
        per_force = defaultdict(list)
        for s in members:
            per_force[s.force].append(s)
        for force in sorted(per_force):
            ms = [s for s in per_force[force] if s.year is not None]
            raising = sorted((s.year, s.iri) for s in ms if tones[s.iri] == "negative")
            if len({y for y, _ in raising}) >= 2:
                recurred.append(force)
            positive = sorted((s.year, s.iri) for s in ms if tones[s.iri] == "positive")
            for year, iri in positive:
                before = [r for r in raising if r[0] < year]
                after = [r for r in raising if r[0] >= year]
                if before and not after:
                    resolutions.append(Resolution(force, before[-1][1], iri))
                    break
        key = hashlib.sha256("|".join(group).encode("utf-8")).hexdigest()[:16]
        out.append(RecurringIssue(
            key, label, tuple(group), tuple(sorted({s.force for s in members})),
            years[0] if years else None, years[-1] if years else None,
            tuple(sorted({s.kind for s in members})), tuple(recurred), tuple(resolutions)))
    return sorted(out, key=lambda r: r.key)
