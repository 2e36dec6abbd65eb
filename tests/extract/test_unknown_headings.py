"""No block is lost: a sub-heading the vocabulary does not know, put in front of any item of any
strengths / work in progress / areas for improvement / cause of concern block of any corpus report,
keeps every item of the block in its kind, with the sub-heading as the topic of what follows it."""
from collections import defaultdict

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph_builder.extract import parse_bytes
from graph_builder.extract.frameworks import inspection_2007_area
from graph_builder.extract.vocabulary import ends_sentence, heading_kind
from tests.conftest import CORPUS

FILES = sorted(CORPUS.glob("*.txt"))
TEXTS = {p.name: p.read_text(encoding="utf-8") for p in FILES}
BASE = {name: parse_bytes(name, t.encode()) for name, t in TEXTS.items()}
KINDS = ("strength", "work-in-progress", "area-for-improvement", "cause-of-concern")
WORDS = ["Delivering", "Safer", "Together", "Plan", "Local", "Priorities", "Programme", "Call",
         "Handling", "Estate", "Strategy", "Volume", "Crime", "Review", "Quality", "Custody",
         "Partnership", "Tasking", "Intelligence", "Improvement", "2007-10", "Our", "Communities"]


def heading_texts():
    title = st.lists(st.sampled_from(WORDS), min_size=2, max_size=6).map(" ".join)
    quoted = title.map(lambda t: f"“{t}” delivery plan")
    return st.one_of(title, quoted).filter(
        lambda t: heading_kind(t) is None and inspection_2007_area(t) is None)


def blocks(model):
    out = defaultdict(list)
    for f in model["findings"]:
        if f["kind"] in KINDS:
            out[(f["area"], f["kind"])].append(f)
    return out


def insert_headings(text: str, lines: list[int], heading: str, blank_mode: bool) -> str:
    """The heading as its own paragraph before each given 1-based line."""
    phys = text.split("\n")
    for no in sorted(set(lines), reverse=True):
        phys[no - 1:no - 1] = [heading, ""] if blank_mode else [heading]
        if blank_mode and no >= 2 and phys[no - 2].strip():
            phys.insert(no - 1, "")
    return "\n".join(phys)


@pytest.mark.parametrize("name", sorted(TEXTS))
@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(heading=heading_texts(), middle=st.booleans())
def test_unknown_sub_headings_lose_no_finding(name, heading, middle):
    text, base = TEXTS[name], BASE[name]
    blank_mode = base["report"]["family"] != "peel"
    before = blocks(base)
    # Every block gets the heading before its first item, and, drawn, before a middle item too.
    targets = {}
    for key, items in before.items():
        targets[key] = [items[0]] + ([items[len(items) // 2]] if middle and len(items) > 2 else [])
    lines = [f["location"]["first_line"] for ts in targets.values() for f in ts]
    after = blocks(parse_bytes(name, insert_headings(text, lines, heading, blank_mode).encode()))
    for key, items in before.items():
        got = after.get(key, [])
        assert len(got) == len(items), (name, key, heading)
        # After an item that ends mid-sentence (a source without its full stop) a title line reads as
        # that item's continuation broken by a page, to a reader too: its text may take the heading.
        clean = [n for n, f in enumerate(items) if ends_sentence(f["text"])]
        assert [got[n]["text"] for n in clean] == [items[n]["text"] for n in clean], (name, key, heading)
        if base["report"]["family"] != "peel":
            firsts = {f["text"] for f in targets[key]}
            assert all(f["topic"].endswith(heading) for f in got if f["text"] in firsts), (name, key, heading)
    assert sum(map(len, after.values())) == sum(map(len, before.values()))


def test_a_quoted_plan_title_opening_a_strengths_block(cheshire):
    # The case of the issue: a 2007-family Strengths section that opens with a quoted plan title.
    text = TEXTS["cheshire-2007-inspection.txt"]
    first = next(f for f in cheshire["findings"] if f["kind"] == "strength")
    changed = insert_headings(text, [first["location"]["first_line"]], "“Policing Cheshire Together” 2007-10", True)
    got = [f for f in parse_bytes("c.txt", changed.encode())["findings"] if f["area"] == first["area"]
           and f["kind"] == "strength"]
    assert len(got) == len([f for f in cheshire["findings"] if f["area"] == first["area"] and f["kind"] == "strength"])
    assert got[0]["topic"] == "“Policing Cheshire Together” 2007-10" and got[0]["text"] == first["text"]
