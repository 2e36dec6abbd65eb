"""Why two statements are linked: the pair of their sentences that match best, that pair's score,
and the distinctive words the two sentences share.

Sentences are vectorised as the statements are (links/tfidf.py: character 5-grams of the
normalised text, IDF over every sentence of every statement, each distinct text once and counted
as often as it occurs), so a sentence score reads on the same scale as the link score. The shared
terms are normalised words both sentences contain, rarest first (word IDF over the same sentences).
"""
from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from graph_builder.links.sentences import sentence_spans, with_antecedent
from graph_builder.links.statements import Statement
from graph_builder.links import text as features_text
from graph_builder.links.tfidf import statement_bags, tfidf_matrix

SHARED_TERMS = 5
CHUNK = 50_000  # sentence pairs scored at once


@dataclass(frozen=True)
class Evidence:
    source_span: tuple[int, int]      # offsets into the source statement's text
    target_span: tuple[int, int]
    source_sentence: str
    target_sentence: str
    sentence_score: float             # cosine of the two sentences, 4 decimals
    shared_terms: tuple[str, ...]     # rarest first


class SentenceIndex:
    """Every sentence of every distinct statement text, vectorised once."""

    def __init__(self, statements: Iterable[Statement]):
        copies = Counter(s.text for s in statements)
        self.texts = sorted(copies)
        self.text_id = {t: k for k, t in enumerate(self.texts)}
        spans, shown, owner, weight = [], [], [], []
        for k, t in enumerate(self.texts):
            own = sentence_spans(t) or [(0, 0)]
            for n, sp in enumerate(own):
                spans.append(sp)
                shown.append(with_antecedent(own, n, t))
                owner.append(k)
                weight.append(copies[t])
        self.spans = spans
        self.shown = shown  # what a reader is shown: the sentence, with its antecedent if needed
        self.first = np.searchsorted(np.array(owner), np.arange(len(self.texts) + 1))
        sent = [self.texts[o][a:b] for o, (a, b) in zip(owner, spans)]
        bags = statement_bags(sent)
        self.bags = [frozenset(b) for b in bags]
        self.x = tfidf_matrix(bags, copies=np.array(weight, dtype=float))
        df: Counter = Counter()
        for b, w in zip(self.bags, weight):
            for tok in b:
                df[tok] += w
        n = float(sum(weight))
        self.idf = {tok: math.log((n + 1) / (d + 0.5)) for tok, d in df.items()}
        # A normalised token is shown as the shortest word that normalises to it ("involv" as
        # "involve"), from the tokeniser's own cache, which every sentence has just filled.
        self.surface: dict[str, str] = {}
        for word, tok in sorted(features_text._NORMAL.items(), key=lambda kv: (len(kv[0]), kv[0])):
            if tok is not None:
                self.surface.setdefault(tok, word)

    def rows(self, text: str) -> range:
        k = self.text_id[text]
        return range(int(self.first[k]), int(self.first[k + 1]))

    def best_pairs(self, pairs: list[tuple[str, str]]) -> dict[tuple[str, str], Evidence]:
        """Evidence for each (source text, target text); the best sentence pair, ties to the
        earlier sentences. Every sentence pair of every text pair is scored in chunks of rows
        (row-wise products of the two sentences' vectors), not text by text."""
        pairs = sorted(set(pairs))
        if not pairs:
            return {}
        first = self.first
        a_id = np.array([self.text_id[a] for a, _ in pairs], dtype=np.int64)
        b_id = np.array([self.text_id[b] for _, b in pairs], dtype=np.int64)
        na, nb = first[a_id + 1] - first[a_id], first[b_id + 1] - first[b_id]
        per = na * nb
        pair_of = np.repeat(np.arange(len(pairs)), per)
        k = np.arange(int(per.sum())) - np.repeat(np.cumsum(per) - per, per)
        si = first[a_id][pair_of] + k // nb[pair_of]
        sj = first[b_id][pair_of] + k % nb[pair_of]
        score = np.empty(len(si))
        for c in range(0, len(si), CHUNK):
            rows = slice(c, c + CHUNK)
            score[rows] = np.asarray(self.x[si[rows]].multiply(self.x[sj[rows]]).sum(axis=1)).ravel()
        # the best of each text pair: highest score, then the earliest sentence pair
        order = np.lexsort((np.arange(len(si)), -score, pair_of))
        top = order[np.r_[0, np.flatnonzero(np.diff(pair_of[order])) + 1]]
        return {pairs[p]: self._evidence(pairs[p][0], pairs[p][1], int(si[t]), int(sj[t]), float(score[t]))
                for p, t in zip(pair_of[top].tolist(), top.tolist())}

    def _evidence(self, a: str, b: str, si: int, sj: int, score: float) -> Evidence:
        shared = sorted(self.bags[si] & self.bags[sj], key=lambda t: (-self.idf.get(t, 0.0), t))
        shared = [self.surface.get(t, t) for t in shared]
        (s0, s1), (t0, t1) = self.shown[si], self.shown[sj]
        return Evidence((s0, s1), (t0, t1), a[s0:s1], b[t0:t1], round(min(score, 1.0), 4),
                        tuple(shared[:SHARED_TERMS]))


def link_evidence(statements: list[Statement], pairs: Iterable[tuple[str, str]],
                  index: SentenceIndex | None = None) -> dict[tuple[str, str], Evidence]:
    """Evidence for each (source IRI, target IRI) pair of statements."""
    text = {s.iri: s.text for s in statements}
    pairs = [(a, b) for a, b in pairs if a in text and b in text]
    index = index or SentenceIndex(statements)
    by_text = index.best_pairs([(text[a], text[b]) for a, b in pairs])
    return {(a, b): by_text[(text[a], text[b])] for a, b in pairs}
