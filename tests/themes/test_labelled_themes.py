"""Theme tagging measured on the hand-labelled sample (labelled_themes.json), and the cases issue 19
named, with expectations read from the statements' text."""
import hashlib
import re

import pytest

from graph_builder.paths import project_dir
from graph_builder.to_rdf.themes import Tagger, thesaurus_graph
from tests.themes import scoring

THEME = scoring.THEME
REPORTS = {"cheshire-2007-inspection", "west-mercia-2007-inspection",
           "west-midlands-2006-baseline-assessment", "west-mercia-2018-peel-effectiveness"}

# Micro-averaged precision and recall over (statement, theme) pairs on the whole sample. Issue 19
# asks for 0.85 each; measured when written: P 0.813, R 0.848 (held-out half P 0.785, R 0.823;
# docs/themes.md). The floor keeps what was reached from slipping; it is not the target.
FLOOR_PRECISION = 0.80
FLOOR_RECALL = 0.84


@pytest.fixture(scope="module")
def tagger() -> Tagger:
    return Tagger.from_graph(thesaurus_graph())  # a fresh one: no cache shared with other tests


@pytest.fixture(scope="module")
def items() -> list[dict]:
    return scoring.labelled()


@pytest.fixture(scope="module")
def statements() -> dict[str, dict]:
    return scoring.corpus_statements()


def tags(tagger, statement: dict) -> set[str]:
    return {t[len(THEME):] for t in tagger.tag_item(statement["text"], statement["area"], statement["heading"])}


def find(statements, start: str) -> dict:
    found = [s for s in statements.values() if s["text"].startswith(start)]
    assert len(found) == 1, (start, len(found))
    return found[0]


# ---------------------------------------------------------------- the sample itself

def test_sample_covers_every_kind_and_report(items):
    assert len(items) >= 200
    assert len({i["iri"] for i in items}) == len(items)
    assert {i["kind"] for i in items} == set(scoring.KINDS)
    assert {i["report"] for i in items} == REPORTS
    assert sum(i["report"] == "west-mercia-2018-peel-effectiveness" for i in items) >= 15


def test_every_labelled_statement_is_in_the_corpus_as_quoted(items, statements):
    for i in items:
        assert i["iri"] in statements, i["iri"]
        assert statements[i["iri"]]["text"].startswith(i["excerpt"]), i["iri"]
        assert statements[i["iri"]]["kind"] == i["kind"], i["iri"]


def test_labels_name_thesaurus_themes(items):
    slugs = set(re.findall(r"^theme:([a-z-]+) a insp:Theme", (project_dir("ontology") / "themes.ttl").read_text(),
                           re.M))
    for i in items:
        assert i["themes"] and set(i["themes"]) <= slugs, i["iri"]


def test_halves_follow_the_rule_fixed_before_tuning(items):
    for i in items:
        even = int(hashlib.sha256(("split:" + i["iri"]).encode()).hexdigest(), 16) % 2 == 0
        assert i["half"] == ("dev" if even else "held-out"), i["iri"]
    assert min(sum(i["half"] == h for i in items) for h in ("dev", "held-out")) >= 100


# ---------------------------------------------------------------- the measure

def test_scoring_counts_pairs_exactly():
    items = [{"iri": "a", "kind": "Strength", "themes": ["x", "y"]},
             {"iri": "b", "kind": "Recommendation", "themes": ["z"]}]
    pred = {"a": {"x", "w"}, "b": set()}
    s = scoring.score(items, pred)
    assert s["pairs"] == (1, 1, 2)
    assert s["micro"] == (0.5, 1 / 3)
    by_kind = scoring.score(items, pred, group=lambda it, t: it["kind"])
    assert by_kind["groups"]["Recommendation"][:2] == (1.0, 0.0)  # nothing predicted: P 1 by convention


def test_tagging_precision_and_recall_on_the_whole_sample(tagger, items):
    s = scoring.score(items, scoring.predictions(tagger, items))
    precision, recall = s["micro"]
    assert precision >= FLOOR_PRECISION and recall >= FLOOR_RECALL, s["micro"]


# ---------------------------------------------------------------- cases named in issue 19, read by hand

def test_recruitment_good_practice_is_not_neighbourhood_policing(tagger, statements):
    # West Midlands 2006 good practice on online recruitment: PCSO candidates are one example of
    # its e-mail marketing, not the subject.
    got = tags(tagger, find(statements, "Online recruitment and diversity"))
    assert {"recruitment-and-retention", "diversity-and-equality"} <= got
    assert not got & {"neighbourhood-policing", "pcsos-and-special-constables"}


def test_mappa_level_3_representation_is_public_protection(tagger, statements):
    # Cheshire 2007: who represents the force at level 3 (MAPPA) meetings; the word MAPPA does not occur.
    got = tags(tagger, find(statements, "Those individuals who require management at level 3"))
    assert "public-protection" in got


def test_student_crime_reduction_keeps_to_a_handful(tagger, statements):
    # West Midlands 2006 good practice, formerly tagged with ten themes: it is about reducing crime
    # against students; CRASBOs, Special Branch, special constables and crime recording are single
    # initiatives in a long list.
    got = tags(tagger, find(statements, "Student Crime Reduction"))
    assert "crime-prevention" in got
    assert len(got) <= 3
    assert not got & {"anti-social-behaviour", "civil-contingencies", "pcsos-and-special-constables",
                      "crime-recording"}


def test_a_list_of_newsletter_contents_is_not_its_themes(tagger, statements):
    # West Mercia 2007: a performance newsletter "includes performance information on: CSO visible
    # patrol hours; ...; sickness; workforce diversity; PDR completion; ...; reducing road traffic
    # collisions".
    got = tags(tagger, find(statements, "A monthly performance newsletter is produced"))
    assert got == {"performance-management"}


def test_mappa_named_as_a_partner_is_not_public_protection(tagger, statements):
    # Cheshire 2007 neighbourhood policing: "strategic partners such as CDRPs, multi-agency public
    # protection arrangements (MAPPA) and the voluntary sector" give feedback on joint work.
    got = tags(tagger, find(statements, "Positive feedback has been provided by strategic partners"))
    assert "public-protection" not in got
    assert {"partnership-working", "problem-solving"} <= got


def test_a_ranks_portfolio_is_not_a_theme(tagger, statements):
    # "The ACC (territorial policing and partnerships) has the strategic lead for domestic violence".
    got = tags(tagger, find(statements, "The ACC (territorial policing and partnerships) has the strategic lead for"))
    assert "partnership-working" not in got
    assert {"domestic-abuse", "leadership-and-governance"} <= got


def test_no_statement_carries_more_than_a_handful_of_themes(tagger, statements):
    counts = [len(tags(tagger, s)) for s in statements.values()]
    assert max(counts) <= 5
    assert sum(c <= 3 for c in counts) / len(counts) > 0.95
