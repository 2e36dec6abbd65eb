"""Expected values read by hand from corpus/west-midlands-2006-baseline-assessment.txt."""

# code, grade, direction (the Summary of Judgements table and each framework's grade table agree)
GRADES = [
    ("1A", "Good", "Stable"), ("1B", "Good", "Improved"), ("1C", "Excellent", "Stable"), ("1D", "Good", "Not graded"),
    ("2A", "Good", "Stable"), ("3A", "Excellent", "Stable"), ("3B", "Good", "Improved"), ("3C", "Fair", "Stable"),
    ("3D", "Good", "Improved"), ("3E", "Good", "Stable"), ("4A", "Good", "Stable"), ("4B", "Fair", "Stable"),
    ("5A", "Excellent", "Stable"), ("5B", "Good", "Stable"), ("5C", "Good", "Stable"), ("6A", "Good", "Improved"),
    ("6B", "Good", "Improved"), ("6C", "Good", "Improved"), ("6D", "Excellent", "Stable"), ("6E", "Good", "Stable"),
    ("6F", "Good", "Stable"), ("7A", "Excellent", "Not graded"), ("7B", "Excellent", "Improved"),
]


def test_all_23_frameworks_with_grade_and_direction(wmid2006):
    got = [(a["code"], a["grade"], a["direction_of_travel"]) for a in wmid2006["areas"]]
    assert got == GRADES
    assert wmid2006["areas"][11]["name"] == "Protecting Vulnerable People"
    assert wmid2006["areas"][11]["group"] == "Promoting Safety (Domain 3)" or wmid2006["areas"][11]["group"].startswith("Promoting Safety")


def test_distribution_columns_read_from_the_header_poor_first(wmid2006):
    by = {a["code"]: a for a in wmid2006["areas"]}
    assert by["1A"]["national_distribution"] == {"Poor": 0, "Fair": 15, "Good": 28, "Excellent": 0}
    assert by["1A"]["national_distribution_order"] == ["Poor", "Fair", "Good", "Excellent"]
    assert by["4B"]["national_distribution"] == {"Poor": 8, "Fair": 32, "Good": 3, "Excellent": 0}
    assert by["7A"]["national_distribution"] == {"Poor": 0, "Fair": 4, "Good": 35, "Excellent": 4}
    for a in wmid2006["areas"]:
        assert sum(a["national_distribution"].values()) == 43, a["code"]


def test_finding_counts(wmid2006):
    def n(code, kind):
        return len([f for f in wmid2006["findings"] if f["area_code"] == code and f["kind"] == kind])
    assert (n("1A", "strength"), n("1A", "area-for-improvement")) == (15, 3)
    assert (n("4B", "strength"), n("4B", "area-for-improvement")) == (21, 6)
    assert (n("5A", "strength"), n("5A", "area-for-improvement")) == (22, 1)
    assert n("1D", "strength") == 0 and n("1D", "area-for-improvement") == 0   # only a national position
    assert (n("7B", "strength"), n("7B", "work-in-progress")) == (10, 1)
    # the Audit Commission table inside 6D's areas for improvement is not a finding
    assert n("6D", "area-for-improvement") == 2
    assert any("Audit Commission" in w["message"] for w in wmid2006["warnings"])


def test_subtopics_inside_strengths(wmid2006):
    pvp = [f for f in wmid2006["findings"] if f["area_code"] == "4B" and f["kind"] == "strength"]
    assert [f["topic"] for f in pvp].count("Child Protection") == 7
    assert [f["topic"] for f in pvp].count("Missing Persons") == 3
    afi = [f for f in wmid2006["findings"] if f["area_code"] == "4B" and f["kind"] == "area-for-improvement"]
    assert afi[2]["text"].endswith("The force is urged to undertake a review of the outstanding recommendations "
                                   "with a view to expediting outstanding work.")


def test_header_good_practice_glossary_facts(wmid2006):
    r = wmid2006["report"]
    assert r["family"] == "baseline-assessment" and r["published"] == "2006-10"
    assert r["isbns"] == ["978-1-84726-054-3", "1-84726-054-3"]
    assert (r["assessment_period"]["start"], r["assessment_period"]["end"]) == ("2005-04-01", "2006-03-31")
    assert wmid2006["force"]["id"] == "west-midlands" and wmid2006["force"]["abbreviation"] == "WMP"
    assert [g["title"] for g in wmid2006["good_practice"]] == [
        "Student Crime Reduction", "Domestic Violence", "Online recruitment and diversity"]
    assert wmid2006["good_practice"][0]["contact_role"] == "Student Crime Reduction Co-ordinator; Force Community Safety Bureau"
    assert len(wmid2006["glossary"]) == 76
    g = {e["abbreviation"]: e["expansion"] for e in wmid2006["glossary"]}
    assert g["YOT"] == "youth offending team" and g["D&CCU"] == "diversity and community cohesion unit"
    facts = {f["name"]: f["value"] for f in wmid2006["facts"]}
    assert facts == {"population": 2_600_000, "area": 348, "police_officers": 8201, "police_staff": 3639,
                     "special_constables": 1021, "pcsos": 161}


def test_assessment_period_survives_a_line_wrap():
    """Regression: hypothesis found that wrapping the grading-process paragraph put a newline into the
    period's quoted text."""
    from graph_builder.extract import parse_bytes
    from tests.conftest import CORPUS
    text = (CORPUS / "west-midlands-2006-baseline-assessment.txt").read_text(encoding="utf-8")
    wrapped = text.replace("assessment period 1 April 2005 to 31 March", "assessment period 1 April\n2005 to 31 March")
    period = parse_bytes("x.txt", wrapped.encode())["report"]["assessment_period"]
    assert period["text"] == "assessment period 1 April 2005 to 31 March 2006"
