"""Area paragraphs outside the finding lists are kept: context sections as context statements, a
section that cannot be placed as unclassified statements. Expected values read by hand."""


def _narrative(model, area_prefix, kind):
    return [x for x in model["narrative"] if x["area"].startswith(area_prefix) and x["kind"] == kind]


def test_baseline_contextual_factors_are_kept(wmid2006):
    # corpus/west-midlands-2006-baseline-assessment.txt lines 1119-1131: 'Contextual Factors' of
    # Training, Development and Organisational Learning, an introduction and six bullets.
    ctx = _narrative(wmid2006, "Training, Development", "context")
    texts = [c["text"] for c in ctx]
    assert any(t.startswith("This section summarises the results of improvement activities") for t in texts)
    assert "A single improvement plan has been developed for the L&D function and is reviewed quarterly." in texts
    assert all(c["topic"] in ("National Position", "Contextual Factors") for c in ctx)
    assert {c["topic"] for c in ctx} == {"National Position", "Contextual Factors"}


def test_force_specific_context_of_2007_is_kept(wm2007):
    # corpus/west-mercia-2007-inspection.txt line 821: missing persons context.
    ctx = _narrative(wm2007, "Protecting Vulnerable People – Missing", "context")
    assert any(c["text"].startswith("Each division within West Mercia deals with its own missing persons "
                                    "enquiries") for c in ctx)


def test_an_embedded_evaluation_is_unclassified_not_findings(wmid2006):
    # Lines 1249-1266: the Audit Commission's Use of Resources box after the areas for improvement
    # of 6D. Its key and note are unclassified statements; the areas for improvement stay two.
    afi = [f for f in wmid2006["findings"] if f["area_code"] == "6D" and f["kind"] == "area-for-improvement"]
    assert len(afi) == 2
    assert not any(1249 <= f["location"]["first_line"] <= 1266 for f in wmid2006["findings"])
    un = _narrative(wmid2006, "Managing Financial", "unclassified")
    assert len(un) == 1 and un[0]["topic"] == "Key to grades"
    assert un[0]["text"].endswith("in accordance with guidance issued by the Audit Commission.")
    assert un[0]["location"]["first_line"] == 1261
    assert any(w["line"] == 1249 and "unclassified" in w["message"] for w in wmid2006["warnings"])


def test_a_prior_grade_citation_without_a_named_area_takes_the_section_area(wmid2006):
    # Line 1123: 'The force was graded Good during the 2005 baseline process, with a number of
    # recommendations made for improvement.' cites no area: 'improvement' is not one.
    cite = next(p for p in wmid2006["prior_grades"] if p["location"]["first_line"] == 1123)
    assert cite["area"] == "Training, Development and Organisational Learning"
    assert cite["area_stated"] is False and cite["year"] == 2005 and cite["grade"] == "Good"
