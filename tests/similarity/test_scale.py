"""The fast path (numpy features, blockwise products, the cap) against the definition."""
import random

import numpy as np

from graph_builder.links.similarity import score_pairs
from graph_builder.links.statements import Statement
from graph_builder.links.text import features, vectors
from graph_builder.links.tfidf import char_gram, statement_bags, tfidf_matrix

WORDS = ["domestic", "violence", "marac", "referral", "abuse", "victim", "neighbourhood", "team", "pcso", "intelligence", "community", "missing", "person", "child", "sex", "offender", "visor", "mappa", "supervision", "investigation", "tasking", "crime", "custody", "vetting", "special", "constable", "partnership", "safeguarding", "risk"]


def _random_statements(n=300, reports=12, seed=7):
    rng = random.Random(seed)
    out = []
    for k in range(n):
        text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 14)))
        out.append(Statement(f"s:{k:04d}", f"r{k % reports}", "f", "p", 2007, "area-for-improvement", text))
    return out


def _dense(statements):
    vecs = vectors([features(s.text) for s in statements])
    vocab = sorted({t for v in vecs for t in v})
    col = {t: c for c, t in enumerate(vocab)}
    x = np.zeros((len(vecs), len(vocab)))
    for i, v in enumerate(vecs):
        for t, w in v.items():
            x[i, col[t]] = w
    return vecs, x @ x.T


def test_matrix_has_exactly_the_features_of_features():
    st = _random_statements(120)
    texts = [s.text for s in st]
    x = tfidf_matrix(statement_bags(texts)).tocsr()
    for i, v in enumerate(vectors([features(t) for t in texts])):
        assert x[i].nnz == len(v)
    # the packed codes spell the same strings
    assert char_gram(int(sum((ord(c) - 96 + 1) << (6 * (4 - k)) for k, c in enumerate("abcde")))) == "#abcde"


def test_uncapped_equals_brute_force_dense_cosine():
    st = _random_statements()
    _, sim = _dense(st)
    expect = set()
    for i in range(len(st)):
        for j in range(i + 1, len(st)):
            if st[i].report != st[j].report and sim[i, j] >= 0.15:
                expect.add((st[i].iri, st[j].iri, round(min(sim[i, j], 1.0), 4)))
    got = {(k.source, k.target, k.score) for k in score_pairs(st, top=None)}
    assert got == expect and len(got) > 100


def test_capped_is_the_union_of_each_statements_top_k():
    st = _random_statements()
    _, sim = _dense(st)
    for k in (1, 3, 5):
        expect = set()
        for i, s in enumerate(st):
            partners = [(-round(min(sim[i, j], 1.0), 4), st[j].iri, j) for j in range(len(st))
                        if st[j].report != s.report and sim[i, j] >= 0.15]
            for _, _, j in sorted(partners)[:k]:
                expect.add(tuple(sorted((s.iri, st[j].iri))))
        got = {(x.source, x.target) for x in score_pairs(st, top=k)}
        assert got == expect, k


def _st(iri, report, text):
    return Statement(iri, report, "f", "p", 2007, "area-for-improvement", text)


def test_many_identical_partners_give_at_most_k_links_from_one_side_and_ties_go_to_lower_iris():
    text = "MAPPA level 2 meetings are chaired inconsistently across divisions."
    others = [_st(f"b:{k:02d}", f"r{k}", text) for k in range(20)]
    hub = _st("z:hub", "r-hub", text)                 # the highest IRI: nobody else's tie winner
    links = score_pairs([hub, *others], top=5)
    assert all(k.score == 1.0 for k in links)
    assert links == score_pairs([*reversed(others), hub], top=5)

    def partners(iri):
        return sorted(({k.source, k.target} - {iri}).pop() for k in links if iri in (k.source, k.target))

    # 20 partners all at 1.0: the hub keeps the five lowest IRIs, and no one keeps the hub
    assert partners("z:hub") == [f"b:{k:02d}" for k in range(5)]
    # b:05 .. b:19 keep b:00 .. b:04 and are kept by no one
    for k in range(5, 20):
        assert partners(f"b:{k:02d}") == [f"b:{m:02d}" for m in range(5)]
    assert len(links) == 5 + 15 * 5 + 10              # + the pairs among b:00 .. b:04


def test_cap_none_is_every_pair():
    text = "Special constables are not integrated into neighbourhood teams."
    st = [_st(f"a:{k}", f"r{k}", text) for k in range(8)]
    assert len(score_pairs(st, top=None)) == 28
    assert len(score_pairs(st, top=2)) < 28
