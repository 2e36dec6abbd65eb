"""Precision and recall of score_pairs on the hand-labelled pairs, and the invariants of links."""
from graph_builder.links.similarity import THRESHOLD, score_pairs
from graph_builder.links.statements import Statement

# Recall floor: the shipped method reaches 0.30 at THRESHOLD on this deliberately hard set (every
# negative shares area or vocabulary with its partner); 0.25 leaves room for a few pairs to move
# when the extractor's text changes, and is still a link for one labelled same-issue pair in four.
RECALL_FLOOR = 0.25


def test_labelled_set_shape(labelled, statements):
    iris = {s.iri: s for s in statements}
    pos = [p for p in labelled if p["label"] == "positive"]
    neg = [p for p in labelled if p["label"] == "negative"]
    assert len(pos) >= 30 and len(neg) >= 60
    for p in labelled:
        assert p["a"] < p["b"] and p["reason"]
        assert iris[p["a"]].report != iris[p["b"]].report


def test_precision_and_recall_at_threshold(statements, labelled):
    linked = {(k.source, k.target) for k in score_pairs(statements)}
    tp = sum(1 for p in labelled if p["label"] == "positive" and (p["a"], p["b"]) in linked)
    fp = sum(1 for p in labelled if p["label"] == "negative" and (p["a"], p["b"]) in linked)
    positives = sum(1 for p in labelled if p["label"] == "positive")
    precision, recall = tp / (tp + fp), tp / positives
    assert precision >= 0.8, (precision, recall, tp, fp)
    assert recall >= RECALL_FLOOR, (precision, recall, tp, fp)


def test_links_invariants(statements):
    links = score_pairs(statements)
    report = {s.iri: s.report for s in statements}
    assert links
    for k in links:
        assert k.source < k.target
        assert report[k.source] != report[k.target]
        assert THRESHOLD <= k.score <= 1.0
        assert k.score == round(k.score, 4)
    assert len({(k.source, k.target) for k in links}) == len(links)


def test_deterministic_and_order_independent(statements):
    first = score_pairs(statements)
    assert score_pairs(statements) == first
    assert score_pairs(list(reversed(statements))) == first


def _st(iri, report, text):
    return Statement(iri, report, "f", "p", 2007, "area-for-improvement", text)


def test_same_report_pairs_never_linked():
    text = "MAPPA level 2 meetings are chaired inconsistently across divisions."
    st = [_st("a:1", "r1", text), _st("a:2", "r1", text), _st("a:3", "r2", text)]
    links = score_pairs(st, min_score=0.0)
    assert {(k.source, k.target) for k in links} == {("a:1", "a:3"), ("a:2", "a:3")}
    assert all(k.score == 1.0 for k in links)


def test_unrelated_texts_not_linked():
    st = [_st("a:1", "r1", "Special constables are not integrated into neighbourhood teams."),
          _st("a:2", "r2", "Court resulting performance is below the national target."),
          _st("a:3", "r3", "Fleet vehicles lack management information from TRANMAN.")]
    assert score_pairs(st) == []
