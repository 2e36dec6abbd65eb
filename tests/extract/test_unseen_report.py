"""A report of the 2007 family that is not in the corpus (hand-written fixture, values known by
construction): different force, section order, bullet glyphs, CRLF endings, noise."""
from pathlib import Path

from graph_builder.extract import parse_file

FIXTURE = Path(__file__).parent / "fixtures" / "other-force-2007-synthetic.txt"


def test_unseen_2007_report_extracts_without_code_changes():
    m = parse_file(FIXTURE)
    assert m["report"]["family"] == "inspection-2007" and m["report"]["published"] == "2007-10"
    assert m["force"]["id"] == "merseyside" and m["force"]["abbreviation"] == "MP"
    areas = m["areas"]
    assert [a["name"] for a in areas] == ["Protecting Vulnerable People – Missing Persons", "Neighbourhood Policing"]
    assert areas[0]["grade"] == "Poor"
    assert areas[0]["national_distribution"] == {"Poor": 0, "Fair": 21, "Good": 21, "Excellent": 1}
    assert areas[1]["grade"] == "Good"
    kinds = [(f["area"][:10], f["kind"]) for f in m["findings"]]
    assert kinds.count(("Protecting", "area-for-improvement")) == 3
    assert kinds.count(("Protecting", "strength")) == 1
    assert kinds.count(("Neighbourh", "strength")) == 3
    assert kinds.count(("Neighbourh", "work-in-progress")) == 1
    afi = [f for f in m["findings"] if f["kind"] == "area-for-improvement"]
    assert afi[0]["text"] == ("Risk assessments of missing children are not reviewed by a supervisor within the "
                              "first hour of the report.")
    nps = [f for f in m["findings"] if f["area"] == "Neighbourhood Policing" and f["kind"] == "strength"]
    assert nps[1]["text"] == ("Abstraction of neighbourhood officers to response duties is monitored weekly by "
                              "the chief officer group.")
    assert len(m["recommendations"]) == 1
    assert m["recommendations"][0]["area"] == "Protecting Vulnerable People – Missing Persons"
    assert m["recommendations"][0]["printed_in"] == ["area", "closing-list"]
    assert {g["abbreviation"] for g in m["glossary"]} == {"BCU", "MFH", "PCSO"}
    facts = {f["name"]: f["value"] for f in m["facts"]}
    assert facts == {"area": 647, "population": 1365900, "police_officers": 4383, "police_staff": 2247, "pcsos": 416}
    text = FIXTURE.read_bytes().decode("utf-8")
    loc = afi[1]["location"]
    assert text[loc["start"]:loc["end"]] == "• Return interviews are not recorded on the case management system."
