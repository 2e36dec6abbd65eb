"""Expected values read by hand from corpus/west-mercia-2018-peel-effectiveness.txt."""


def test_questions_in_order_with_pillar(peel2018):
    areas = peel2018["areas"]
    assert [a["code"] for a in areas] == ["Q1", "Q2", "Q3", "Q4", "Q5"]
    assert areas[1]["name"] == "How effective is the force at investigating crime and reducing re-offending?"
    assert areas[4]["name"] == "How effective are the force’s specialist capabilities?"
    assert all(a["group"] == "Effectiveness" for a in areas)
    assert areas[4]["graded"] is False and areas[4]["grade"] is None


def test_prose_grades_marked_as_prose(peel2018):
    q = {a["code"]: a for a in peel2018["areas"]}
    assert q["Q2"]["grade"] == "Requires improvement" and q["Q2"]["grade_source"] == "prose"
    assert any("approach to investigation requires improvement" in p["sentence"] for p in q["Q2"]["prose_grades"])
    assert q["Q1"]["grade"] == "Good" and q["Q1"]["grade_source"] == "prose"
    assert q["Q3"]["grade"] is None   # the text states no grade for question 3


def test_findings_and_recommendations(peel2018):
    f = peel2018["findings"]
    by = lambda code, kind: [x for x in f if x["area_code"] == code and x["kind"] == kind]
    assert len(by("Q1", "area-for-improvement")) == 1
    assert len(by("Q3", "area-for-improvement")) == 5
    assert len(by("Q4", "area-for-improvement")) == 1
    coc = by("Q2", "cause-of-concern")
    assert len(coc) == 1 and coc[0]["text"].startswith("The force does not have the capacity or capability")
    assert by("Q3", "area-for-improvement")[4]["text"] == (
        "The force should work with partners to implement the mental health crisis care concordat.")
    recs = peel2018["recommendations"]
    assert len(recs) == 7
    assert recs[1]["text"] == ("ensure regular and active supervision of the quality and progress of "
                               "investigations. This supervision should be properly recorded;")
    assert recs[6]["text"] == "introduce effective arrangements to ensure it complies fully with its disclosure obligations."
    assert all(r["deadline"] == "within six months" for r in recs)
    assert all(r["addresses"] == {"kind": "cause-of-concern", "ordinal": 1} for r in recs)
    assert all(r["area"] == peel2018["areas"][1]["name"] for r in recs)


def test_report_header(peel2018):
    assert peel2018["report"]["family"] == "peel"
    assert peel2018["report"]["programme"] == "peel-2018"
    assert peel2018["report"]["published"] is None   # the web text states no month
    assert peel2018["force"]["id"] == "west-mercia" and peel2018["force"]["name"] == "West Mercia"
