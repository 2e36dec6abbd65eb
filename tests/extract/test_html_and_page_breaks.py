"""Regressions found by the synthetic corpus (hmic-kg synth): HTML headings and list items, and a
page break falling right after the first line of a section's first paragraph."""
from graph_builder.extract import parse_bytes

HEAD = "HMIC Inspection Report\nKent Police\n\nOctober 2007\n\n"


def _one_area(body: str) -> str:
    return (HEAD + "Neighbourhood Policing\n\nGRADE\tGOOD\n\nNational grade distribution\n\n"
            "Excellent\tGood\tFair\tPoor\n6\t14\t21\t2\n\n" + body)


def test_html_headings_and_list_items():
    text = _one_area("<h3>Strengths</h3>\n\n<li>The force has a clear plan for neighbourhood policing.</li>\n\n"
                     "<li>Partners attend tasking meetings at divisional level and share data.</li>\n\n"
                     "<h3>Areas for improvement</h3>\n\n"
                     "<li>improve the recording of community priorities on the force system;</li>\n\n"
                     "<li>review abstraction of neighbourhood officers.</li>\n")
    m = parse_bytes("k.html", text.encode())
    got = [(f["kind"], f["text"]) for f in m["findings"]]
    assert got == [
        ("strength", "The force has a clear plan for neighbourhood policing."),
        ("strength", "Partners attend tasking meetings at divisional level and share data."),
        # lower-case list items stay apart: each <li> opens an item, as "- " does
        ("area-for-improvement", "improve the recording of community priorities on the force system;"),
        ("area-for-improvement", "review abstraction of neighbourhood officers."),
    ]


def test_page_break_after_first_line_of_first_item_is_not_a_subheading():
    text = _one_area("Strengths\n\nGun crime is a strategic priority for the force, which\n12\n"
                     "uses a mediation service to focus on key groups.\n\n"
                     "The force has invested in training for neighbourhood teams.\n")
    m = parse_bytes("k.txt", text.encode())
    assert [f["text"] for f in m["findings"]] == [
        "Gun crime is a strategic priority for the force, which uses a mediation service to focus on key groups.",
        "The force has invested in training for neighbourhood teams."]
    assert not m["warnings"]
