"""The extractor's fast paths (scans skipped when a text cannot match, memoised look-ups, split lines)
give the results of the plain regex path they stand in for."""
from __future__ import annotations

import re

from graph_builder.extract import markup, vocabulary
from graph_builder.extract.items import location
from graph_builder.extract.priorgrades import extract_prior_grades
from graph_builder.extract.source import _NEWLINE, physical_lines
from graph_builder.extract.units import Line, Unit


def _regex_lines(text: str) -> list[tuple[int, int, int]]:
    out, pos, no = [], 0, 1
    for m in _NEWLINE.finditer(text):
        out.append((no, pos, m.start()))
        pos, no = m.end(), no + 1
    if pos < len(text):
        out.append((no, pos, len(text)))
    return out


def test_physical_lines_same_offsets_with_or_without_carriage_returns():
    for text in ["", "\n", "a", "a\n", "a\n\nb", "a\nb\n\n", "\n\na", "a\r\nb\rc\n", "x\r", "é\n€\n"]:
        assert physical_lines(text) == _regex_lines(text), repr(text)


def test_strip_markup_fast_paths():
    assert markup.strip_markup("plain text, one space") == "plain text, one space"
    assert markup.strip_markup("  two  spaces\tand\u00a0tab ") == "two spaces and tab"
    assert markup.strip_markup("Footnoted¹²") == "Footnoted"
    assert markup.strip_markup("**Bold** and *italic* \\- [link](http://x)") == "Bold and italic - link"
    assert markup.strip_markup("<p><b>Strengths</b></p>") == "Strengths"
    assert markup.strip_markup("## Heading") == "Heading"


def test_cells_are_fresh_lists():
    a = markup.cells("Good\tStable\t")
    a.append("changed")
    assert markup.cells("Good\tStable\t") == ["Good", "Stable"]


def test_heading_kind_single_pass_agrees_with_each_pattern():
    for t in ["Strengths", "key strengths:", "Recommendation 4", "Summary for question 2", "Glossary of terms",
              "Areas for improvement", "A paragraph that is not a heading.", "", "x" * 130]:
        expected = None
        if len(t.strip()) <= 120:
            expected = next((k for k, p in vocabulary._COMPILED if p.match(t.strip())), None)
        assert vocabulary.heading_kind(t) == expected, t


def test_prior_grade_prefilter_is_case_insensitive_like_the_patterns():
    # 'ſ' (long s) matches 's' under IGNORECASE: the prefilter must not drop the sentence.
    text = "The force was aſſeſſed as Good in the 2005/06 baseline assessment."
    u = Unit(lines=[Line(1, 0, len(text), text, text, None, False, False, False)], text=text)
    assert re.search(r"assessed", text, re.IGNORECASE)
    out = extract_prior_grades([(u, "Area")], 2008)
    assert [(p["grade"], p["year"]) for p in out] == [("Good", 2006)]
    assert out[0]["location"] == location([u])
