"""Expected values read by hand from corpus/west-mercia-2007-inspection.txt and cheshire-2007-inspection.txt
(counting rules: docs/counting-rules.md)."""
import pytest

from tests.extract.conftest import findings

WM_AREAS = [  # name as printed, grade, distribution Excellent/Good/Fair/Poor, (strengths, wip, afi)
    ("Neighbourhood Policing", "Good", (6, 14, 21, 2), (38, 11, 6)),
    ("Performance Management", "Excellent", (6, 29, 8, 0), (18, 6, 3)),
    ("Protecting Vulnerable People – Overview", None, None, (12, 8, 2)),
    ("Protecting Vulnerable People – Child Abuse", "Good", (3, 17, 21, 2), (17, 9, 7)),
    ("Protecting Vulnerable People – Domestic Violence", "Good", (1, 13, 27, 2), (19, 3, 7)),
    ("Protecting Vulnerable People – Public Protection", "Fair", (2, 16, 23, 2), (15, 5, 10)),
    ("Protecting Vulnerable People – Missing Persons", "Good", (1, 21, 21, 0), (8, 0, 4)),
]
CHESHIRE_AREAS = [
    ("Neighbourhood Policing", "Fair", (6, 14, 21, 2), (53, 20, 27)),
    ("Performance Management", "Good", (6, 29, 8, 0), (57, 7, 10)),
    ("Protecting Vulnerable People – Overview", None, None, (4, 3, 8)),
    ("Protecting Vulnerable People – Child Abuse", "Fair", (3, 17, 21, 2), (45, 4, 6)),
    ("Protecting Vulnerable People – Domestic Violence", "Good", (1, 13, 27, 2), (67, 10, 9)),
    ("Protecting Vulnerable People – Public Protection", "Fair", (2, 16, 23, 2), (44, 10, 19)),
    ("Protecting Vulnerable People – Missing Persons", "Good", (1, 21, 21, 0), (26, 8, 4)),
]


@pytest.mark.parametrize("fixture,expected", [("wm2007", WM_AREAS), ("cheshire", CHESHIRE_AREAS)])
def test_areas_grades_distributions_and_counts(fixture, expected, request):
    model = request.getfixturevalue(fixture)
    assert [a["name"] for a in model["areas"]] == [e[0] for e in expected]
    for area, (name, grade, dist, counts) in zip(model["areas"], expected):
        assert area["grade"] == grade, name
        assert area["direction_of_travel"] is None
        if dist is None:
            assert area["national_distribution"] is None and area["graded"] is False
        else:
            assert area["national_distribution"] == dict(zip(["Excellent", "Good", "Fair", "Poor"], dist)), name
            assert area["national_distribution_order"] == ["Excellent", "Good", "Fair", "Poor"]
        got = tuple(len(findings(model, name, k)) for k in ("strength", "work-in-progress", "area-for-improvement"))
        assert got == counts, name
    assert not findings(model, "", "cause-of-concern")


def test_report_and_force(wm2007, cheshire):
    assert wm2007["report"]["family"] == "inspection-2007"
    assert wm2007["report"]["published"] == "2007-10"
    assert wm2007["report"]["isbns"] == ["978-1-84726-483-1"]
    assert cheshire["report"]["isbns"] == ["978-1-84726-448-0"]
    assert wm2007["report"]["assessment_period"]["start"] == "2006-04"
    assert wm2007["report"]["assessment_period"]["end"] == "2007-07"
    assert wm2007["force"]["id"] == "west-mercia"
    assert wm2007["force"]["name"] == "West Mercia Constabulary"
    assert wm2007["force"]["ons_code"] == "E23000016"
    assert wm2007["force"]["abbreviation"] == "WMC"
    assert cheshire["force"]["id"] == "cheshire" and cheshire["force"]["ons_code"] == "E23000006"


def test_finding_text_joined_across_a_page_break(wm2007):
    afi = findings(wm2007, "Neighbourhood Policing", "area-for-improvement")
    assert afi[1]["text"] == (
        "Comprehensive geographic profiles have been prepared but these are not used or updated dynamically to "
        "inform the strategic assessment or tasking decisions; currently they are refreshed annually at "
        "headquarters. The introduction of additional CDRP/police-funded analyst posts should help to make the "
        "profiles more relevant and timely. Consideration should be given to inclusion of local priorities and "
        "making the document available to the public.")
    assert afi[3]["text"] == (
        "Recruitment vetting for CSOs is not consistent with the requirements for police officer vetting, as "
        "vetting takes place at a local level and does not encompass all checks made of potential officer "
        "recruits. Only those cases that are not considered to be clear-cut are referred to the security "
        "manager for decision.")
    s = findings(wm2007, "Neighbourhood Policing", "strength")[4]["text"]
    assert s.endswith("has been invited to review progress to date. A further force-level review is planned.")
    dv = findings(wm2007, "Protecting Vulnerable People – Domestic Violence", "strength")[7]["text"]
    assert "data compliance management arrangements were graded as Excellent. WMC generates" in dv


def test_finding_text_verbatim_per_area(wm2007, cheshire):
    assert findings(wm2007, "Performance Management", "work-in-progress")[1]["text"] == (
        "Work is under way to standardise and automate performance information for divisional performance meetings.")
    assert findings(wm2007, "Protecting Vulnerable People – Missing Persons", "area-for-improvement")[3]["text"] == (
        "A large number of nominal records have not been put onto COMPACT. Should these individuals become repeat "
        "missing persons, information would not be easily identified or retrieved.")
    assert findings(wm2007, "Protecting Vulnerable People – Public Protection", "strength")[4]["text"] == (
        "DI is the minimum rank for attendance at MAPPA level 3 meetings; if the DI is unavailable, the DCI attends.")
    assert findings(cheshire, "Neighbourhood Policing", "strength")[3]["text"] == (
        "The police authority strongly supports the Neighbourhood Policing ethos and has restructured some of "
        "its work around reassurance and cohesion.")
    # a paragraph cut by a running header 'October 2007' is one finding
    s = findings(cheshire, "Neighbourhood Policing", "strength")[4]["text"]
    assert "using the criteria and methodology of" in s and "by regularly publicising good work such as" in s
    # the generic PVP areas for improvement heading ends strengths and work in progress
    assert findings(cheshire, "Protecting Vulnerable People – Overview", "area-for-improvement")[0]["text"].startswith(
        "Although the force has in place a SPPU with a remit to develop policies and procedures")


def test_locations_point_into_the_source(wm2007):
    text = (pytest.importorskip("pathlib").Path(__file__).parents[2] / "corpus" / "west-mercia-2007-inspection.txt").read_text()
    f = findings(wm2007, "Neighbourhood Policing", "area-for-improvement")[3]
    loc = f["location"]
    assert text[loc["start"]:loc["end"]].startswith("- Recruitment vetting for CSOs")
    assert loc["first_line"] == loc["last_line"] == text.count("\n", 0, loc["start"]) + 1


def test_cheshire_recommendations_once_each_not_areas_for_improvement(cheshire):
    recs = cheshire["recommendations"]
    assert [r["number"] for r in recs] == [1, 2, 3]
    assert recs[0]["text"] == (
        "The constabulary should create a formal development plan with deliverables and key milestones to "
        "progress Neighbourhood Policing in a structured manner. The plan should include implementing an "
        "appropriate community intelligence infrastructure with associated systems and the development of "
        "community engagement methods such as key individual networks and community action meetings.")
    assert recs[1]["text"] == (
        "The constabulary should drive the development of community intelligence. It should ensure that all "
        "streams of community intelligence are identified, develop processes to analyse and disseminate "
        "community intelligence, and ensure that Neighbourhood Policing is fully integrated into the National "
        "Intelligence Model process.")
    assert recs[2]["text"].startswith("The constabulary should ensure that strategic managers responsible")
    assert [r["area"] for r in recs] == ["Neighbourhood Policing", "Neighbourhood Policing",
                                         "Protecting Vulnerable People – Public Protection"]
    assert all(r["printed_in"] == ["area", "closing-list"] and len(r["locations"]) == 2 for r in recs)
    afi_texts = {f["text"] for f in cheshire["findings"]}
    assert not any(r["text"] in afi_texts for r in recs)


def test_good_practice_titles_and_contacts_without_personal_data(wm2007, cheshire):
    assert [g["title"] for g in wm2007["good_practice"]] == [
        "Local policing training", "Force inspection template",
        "Managing risk within communities through local policing teams (the jigsaw effect)"]
    assert [g["title"] for g in cheshire["good_practice"]] == [
        "Funding shortfall – PCSO uplift", "Business services directorate performance framework",
        "'Talk, Don't Walk' – tackling the issue of young runaways"]
    g = wm2007["good_practice"][0]
    assert g["contact_role"] == "Inspector, HQ local policing support team; local policing programme team"
    assert g["problem"].startswith("To ensure that both new and existing staff working within local policing are:")
    assert cheshire["good_practice"][0]["contact_role"] == "Sergeant, PCSO Project Manager"
    for model in (wm2007, cheshire):
        for gp in model["good_practice"]:
            blob = " ".join(str(v) for v in gp.values())
            assert "01905" not in blob and "01244" not in blob and "07866" not in blob
            assert "Mark Smith" not in blob and "Jez Taylor" not in blob and "Tozer" not in blob


def test_glossary_facts_prior_grades(wm2007, cheshire):
    assert len(wm2007["glossary"]) == 38
    assert len(cheshire["glossary"]) == 60
    g = {e["abbreviation"]: e["expansion"] for e in wm2007["glossary"]}
    assert g["KIN"] == "key individual network" and g["HR"] == "Human Resources"
    assert g["MARAC"] == "multi-agency risk assessment conference"
    assert {e["abbreviation"]: e["expansion"] for e in cheshire["glossary"]}["MARAC"] == "Multi-agency Risk Assessment Committee"
    assert {e["abbreviation"] for e in cheshire["glossary"]} >= {"Form 40a", "T&CG", "ViSOR", "VOLO"}
    facts = {f["name"]: f for f in wm2007["facts"]}
    assert facts["population"]["value"] == 1185215
    assert facts["area"]["value"] == 7428 and facts["area"]["unit"] == "km2"
    assert (facts["police_officers"]["value"], facts["police_staff"]["value"],
            facts["special_constables"]["value"], facts["pcsos"]["value"]) == (2425, 2012, 271, 270)
    cf = {f["name"]: f for f in cheshire["facts"]}
    assert cf["area"]["value"] == 946 and cf["area"]["unit"] == "sq mi"
    assert cf["population"]["value"] == 1_000_000 and cf["population"]["qualifier"] == "in excess of"
    prior = wm2007["prior_grades"]
    assert any(p["grade"] == "Poor" and p["year"] == 2006 and p["area"] == "Protecting Vulnerable People" for p in prior)
    cp = cheshire["prior_grades"]
    assert any(p["grade"] == "Good" and p["direction"] == "Stable" and p["year"] == 2006
               and p["area"] == "Neighbourhood Policing" for p in cp)
    assert any(p["grade"] == "Fair" and p["direction"] == "Declined" and p["area"] == "strategic roads policing" for p in cp)


def test_emphasis_wrapped_over_two_lines_is_stripped():
    """Regression (found by the re-wrap property): italics opening on one line and closing on the next."""
    from graph_builder.extract import parse_bytes
    from tests.conftest import CORPUS
    text = (CORPUS / "west-mercia-2007-inspection.txt").read_text(encoding="utf-8")
    wrapped = text.replace("*Police Performance Management – Practical", "*Police Performance Management –\nPractical")
    model = parse_bytes("x.txt", wrapped.encode())
    s = [f for f in model["findings"] if f["area"] == "Performance Management" and f["kind"] == "strength"][4]
    assert "publication of Police Performance Management – Practical Guidance for Police Authorities. The" in s["text"]
