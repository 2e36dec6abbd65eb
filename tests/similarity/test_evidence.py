"""Sentences and the evidence a link rests on (links/sentences.py, links/evidence.py)."""
from graph_builder.links.evidence import link_evidence
from graph_builder.links.sentences import sentence_spans, sentences, tone, with_antecedent
from graph_builder.links.statements import Statement


def test_sentence_spans_are_offsets_into_the_text():
    text = ("The force does not have the capacity to investigate crime. "
            "Lone visits (e.g. to RSOs) are made regularly by offender managers. Short one. ")
    spans = sentence_spans(text)
    assert [text[a:b] for a, b in spans] == [
        "The force does not have the capacity to investigate crime.",
        # "e.g." does not end a sentence; a short tail joins the sentence before it
        "Lone visits (e.g. to RSOs) are made regularly by offender managers. Short one."]


def test_one_sentence_for_a_text_without_boundaries():
    assert sentences("improve its understanding of suspects released under investigation") == [
        "improve its understanding of suspects released under investigation"]
    assert sentence_spans("") == []


def test_tone():
    # West Mercia 2018, l.113: the lead sentence of the sex offender finding, then its caveat
    assert tone("The force’s management of sex offenders is effective.") == "positive"
    assert tone("But offender managers do not feel they have enough skills to deal with the "
                "assessment of devices that offenders use.") == "negative"
    assert tone("This makes risk assessments less comprehensive.") == "negative"
    assert tone("It uses the ARMS risk assessment process to do this.") == "neutral"


def test_a_pronoun_sentence_is_shown_with_its_antecedent():
    # West Mercia 2018, l.42: "These include ..." only means something after the sentence before.
    text = ("Some investigators lack the training and accreditation they need for specialist "
            "investigations. These include investigations involving children and serious sexual offences.")
    spans = sentence_spans(text)
    assert text[slice(*with_antecedent(spans, 1, text))] == text
    assert with_antecedent(spans, 0, text) == spans[0]


def _st(iri, report, text):
    return Statement(iri, report, "f", "p", 2007, "area-for-improvement", text)


def test_evidence_is_the_best_sentence_pair_with_shared_terms():
    a = _st("x:a", "r1", "Special constables are not integrated into neighbourhood teams. "
                        "Fleet vehicles lack management information from the TRANMAN system.")
    b = _st("x:b", "r2", "Court resulting performance is below the national target of ninety percent. "
                        "Special constables are not yet fully integrated into the neighbourhood teams.")
    c = _st("x:c", "r3", "Robbery offences per 1,000 population remained static, above the average.")
    ev = link_evidence([a, b, c], [("x:a", "x:b")])[("x:a", "x:b")]
    assert ev.source_sentence == "Special constables are not integrated into neighbourhood teams."
    assert ev.target_sentence == "Special constables are not yet fully integrated into the neighbourhood teams."
    assert a.text[slice(*ev.source_span)] == ev.source_sentence
    assert b.text[slice(*ev.target_span)] == ev.target_sentence
    assert 0.5 < ev.sentence_score <= 1.0
    assert {"constable", "integrated"} <= set(ev.shared_terms) or {"constables", "integrated"} <= set(ev.shared_terms)
    assert "fleet" not in ev.shared_terms


def test_evidence_is_deterministic(statements):
    pairs = [(s.iri, t.iri) for s, t in zip(statements[:40], statements[-40:])]
    assert link_evidence(statements, pairs) == link_evidence(list(reversed(statements)), pairs)
