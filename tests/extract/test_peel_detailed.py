"""PEEL detailed findings, the grade the text does not state, and recommendations kept whole.
Expected values read by hand from corpus/west-mercia-2018-peel-effectiveness.txt (line numbers are
the file's)."""


def _detailed(model, code):
    return [f for f in model["findings"] if f["area_code"] == code and f["kind"] == "detailed-finding"]


def test_every_paragraph_of_every_question_is_a_detailed_finding(peel2018):
    # Q1: lines 9-13 and 15-22 under two sub-headings; Q2: 37-55 (49-50 one paragraph broken in two)
    # and 57-69; Q3: 79-87, 89-101, 103-116; Q4: 122-133, 135-143, 145-153; Q5 prints no lists and
    # no 'We set out our detailed findings' line: 156-160 and 162-167.
    assert [len(_detailed(peel2018, q)) for q in ("Q1", "Q2", "Q3", "Q4", "Q5")] == [13, 31, 36, 30, 11]


def test_detailed_findings_carry_sub_heading_span_and_order(peel2018):
    q2 = _detailed(peel2018, "Q2")
    assert [f["ordinal"] for f in q2] == list(range(1, 32))
    six = q2[5]
    assert six["topic"] == "Investigation quality"
    assert six["text"].startswith("Some investigators lack the training and accreditation they need for "
                                  "specialist investigations.")
    assert six["location"]["first_line"] == six["location"]["last_line"] == 42
    broken = next(f for f in q2 if f["text"].startswith("Our review of 60 crime files"))
    assert (broken["location"]["first_line"], broken["location"]["last_line"]) == (49, 50)
    assert "approximately half (29 out of 60)" in broken["text"]
    assert q2[18]["topic"] == "Catching criminals"
    assert q2[18]["text"] == ("West Mercia Police’s approach to catching criminals and resolving "
                              "investigations requires improvement.")
    sex_offenders = next(f for f in _detailed(peel2018, "Q3") if "management of sex offenders" in f["text"])
    assert sex_offenders["topic"] == "Supporting vulnerable victims"
    assert sex_offenders["location"]["first_line"] == 113
    q5 = _detailed(peel2018, "Q5")
    assert q5[0]["topic"] == "Understanding the threat and responding to it"
    assert q5[-1]["topic"] == "Working with others"


def test_lead_in_lines_and_headings_are_not_findings(peel2018):
    texts = [f["text"] for f in peel2018["findings"]]
    assert not any(t.startswith("We set out our detailed findings below") for t in texts)
    assert "Prioritising crime prevention" not in texts
    assert not any(t.startswith("To address this cause of concern") for t in texts)


def test_a_graded_question_without_a_stated_grade_is_warned_about(peel2018):
    q3 = peel2018["areas"][2]
    assert q3["graded"] and q3["grade"] is None
    warned = [w for w in peel2018["warnings"] if w["line"] == 70]
    assert len(warned) == 1 and "states no grade" in warned[0]["message"]
    # Q5 (specialist capabilities) is ungraded, so it is not warned about.
    assert len(peel2018["warnings"]) == 1


def test_recommendations_keep_their_lead_in_deadline_and_addressee(peel2018):
    for r in peel2018["recommendations"]:
        assert r["lead_in"] == ("To address this cause of concern, we recommend that within six months "
                                "the force should:")
        assert r["deadline"] == "within six months" and r["addressee"] == "the force"
