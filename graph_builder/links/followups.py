"""Follow-ups: a later report's statement raising again an issue an earlier report of the same force
raised.

Same-force pairs are scored with word TF-IDF cosine, not the character n-gram score of the
cross-force links: across a decade the frameworks change wording wholesale, and what carries over
is the named thing (MARAC, mental health), which whole words weight better than 5-grams do
(docs/similarity.md, "Follow-ups"). Only issue-raising statements count on both sides: a later
strength says an issue was addressed, and an earlier strength is not an issue to be raised again.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from graph_builder.links.statements import Link, Statement
from graph_builder.links.tfidf import _pairs_above, statement_bags, tfidf_matrix

FOLLOWUP_METHOD = "tfidf-words-cosine-v1"
FOLLOWUP_THRESHOLD = 0.197
# A character n-gram link is trusted as a follow-up only well above every same-force,
# cross-year non-recurrence seen on the corpus (0.198): those scores rank the real recurrences
# 6th and 16th.
LINK_FOLLOWUP_THRESHOLD = 0.25
ISSUE_KINDS = frozenset({"area-for-improvement", "work-in-progress", "cause-of-concern",
                         "recommendation"})
NARRATIVE_KINDS = frozenset({"detailed-finding"})


@dataclass(frozen=True)
class FollowUp:
    later: str
    earlier: str
    score: float
    basis: str


def find_followups(statements: list[Statement], links: Iterable[Link] = (),
                   prior_grade_citations: Iterable[tuple[str, str]] | None = None,
                   threshold: float = FOLLOWUP_THRESHOLD) -> list[FollowUp]:
    """Follow-ups among statements, sorted by (later, earlier).

    links: similarity links already scored (similarity.score_pairs); a same-force, cross-year
    link scoring at least LINK_FOLLOWUP_THRESHOLD is kept with basis "similar-text-link".
    prior_grade_citations: (citation IRI, cited judgement IRI) pairs the caller has resolved
    against the graph; each becomes a follow-up with score 1.0 and basis "prior-grade-citation".
    """
    by_iri = {s.iri: s for s in statements}
    found: dict[tuple[str, str], FollowUp] = {}

    def add(a: Statement, b: Statement, score: float, basis: str) -> None:
        if a.force != b.force or a.year is None or b.year is None or a.year == b.year:
            return
        if a.kind not in ISSUE_KINDS or b.kind not in ISSUE_KINDS:
            return
        later, earlier = (a, b) if a.year > b.year else (b, a)
        key = (later.iri, earlier.iri)
        if key not in found or found[key].score < score:
            found[key] = FollowUp(later.iri, earlier.iri, round(score, 4), basis)

    # IDF over every boxed statement (findings and recommendations, not the narrative paragraphs
    # of PEEL detailed findings), so a term's weight does not depend on how a force is split up
    # (each distinct text vectorised once, counted as often as it occurs). Detailed findings are
    # never follow-ups by this rule, and counting their 121 paragraphs, which repeat the named
    # things ("mental health" six times), dropped the measured recurrences below the threshold.
    statements = [s for s in statements if s.kind not in NARRATIVE_KINDS]
    text_ids: dict[str, int] = {}
    text_of = np.array([text_ids.setdefault(s.text, len(text_ids)) for s in statements], dtype=np.int64)
    per_force: dict[str, list[int]] = defaultdict(list)
    for i, s in enumerate(statements):
        if s.kind in ISSUE_KINDS and s.year is not None:
            per_force[s.force].append(i)
    if per_force:
        x = tfidf_matrix(statement_bags(list(text_ids)), copies=np.bincount(text_of), words=True)
        x = x[text_of]
        for force in sorted(per_force):
            idx = np.array(per_force[force])
            for i, j, score in zip(*(a.tolist() for a in _pairs_above(x, threshold, idx))):
                if statements[i].year != statements[j].year and round(score, 4) >= threshold:
                    add(statements[i], statements[j], score, "similar-text")
    for link in links:
        a, b = by_iri.get(link.source), by_iri.get(link.target)
        if a and b and link.score >= LINK_FOLLOWUP_THRESHOLD:
            add(a, b, link.score, "similar-text-link")
    for citation, judgement in prior_grade_citations or ():
        found.setdefault((citation, judgement),
                         FollowUp(citation, judgement, 1.0, "prior-grade-citation"))
    return sorted(found.values(), key=lambda f: (f.later, f.earlier))
