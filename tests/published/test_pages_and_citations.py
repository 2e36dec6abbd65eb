"""Pages where the text shows them, and the citation every statement carries."""
import json

import pytest

from graph_builder.errors import HmicKgError
from graph_builder.extract import parse_bytes
from graph_builder.extract.pages import page_starts
from graph_builder.pipeline.corpus import read_manifest
from graph_builder.to_rdf.citation import pages_of, report_citation, statement_citation
from tests.conftest import CORPUS

HEAD = "HMIC Inspection Report\nKent Police\n\nOctober 2007\n\n"


def _report(body: str) -> str:
    return (HEAD + "Neighbourhood Policing\n\nGRADE\tGOOD\n\nNational grade distribution\n\n"
            "Excellent\tGood\tFair\tPoor\n6\t14\t21\t2\n\n" + body)


def test_running_headers_start_pages():
    # "October 2007" on the cover opens no page; a running title with its date opens page 2, a bare
    # page number page 3.
    text = _report("Strengths\n\nThe force has a clear plan,\n\nKent Police – HMIC Inspection Report\n\n"
                   "October 2007\n\nwhich it reviews every month.\n\nPartners attend tasking meetings.\n\n"
                   "17\n\nThe force has invested in training.\n")
    m = parse_bytes("k.txt", text.encode())
    assert m["report"]["pagination"] == {"pages": 3, "counted_from": "running-headers"}
    assert [(f["text"], f["location"]["page"], f["location"]["last_page"]) for f in m["findings"]] == [
        ("The force has a clear plan, which it reviews every month.", 1, 2),
        ("Partners attend tasking meetings.", 2, 2),
        ("The force has invested in training.", 3, 3)]


def test_form_feeds_are_pages_and_win_over_running_headers():
    text = _report("Strengths\n\nThe force has a clear plan,\fwhich it reviews every month.\n\n"
                   "\fPartners attend tasking meetings.\n")
    m = parse_bytes("k.txt", text.encode())
    assert m["report"]["pagination"] == {"pages": 3, "counted_from": "form-feeds"}
    # A page break inside a paragraph is a space in the statement's text, and kept in its quote.
    assert [(f["text"], f["location"]["page"], f["location"]["last_page"]) for f in m["findings"]] == [
        ("The force has a clear plan, which it reviews every month.", 1, 2),
        ("Partners attend tasking meetings.", 3, 3)]


def test_a_text_without_page_evidence_has_no_pages():
    m = parse_bytes("w.txt", (CORPUS / "west-mercia-2007-inspection.txt").read_bytes())
    assert m["report"]["pagination"] is None
    assert "page" not in m["findings"][0]["location"]
    assert page_starts("no pages here\n") == (None, [])


def test_a_form_feed_ending_the_text_opens_no_page():
    assert page_starts("one\fTwo\f\n") == ("form-feeds", [4])


REPORT = {"family": "inspection-2007", "title": "HMIC Inspection Report Cheshire Constabulary",
          "published": "2007-10", "year": 2007}


def test_citations_read_as_a_researcher_writes_them():
    assert report_citation(REPORT) == "HMIC, HMIC Inspection Report Cheshire Constabulary, October 2007"
    loc = {"start": 0, "end": 5, "first_line": 1, "last_line": 1}
    assert statement_citation(REPORT, [{**loc, "page": 12, "last_page": 12}]) == (
        "HMIC, HMIC Inspection Report Cheshire Constabulary, October 2007, p. 12")
    assert pages_of([{**loc, "page": 12, "last_page": 13}]) == "pp. 12\u201313"
    # One recommendation printed in two places: both pages.
    assert pages_of([{**loc, "page": 30, "last_page": 30}, {**loc, "page": 4, "last_page": 5}]) == "pp. 4\u20135, 30"
    assert statement_citation(REPORT, [loc]) == "HMIC, HMIC Inspection Report Cheshire Constabulary, October 2007"
    described = {**REPORT, "published_source": {"publisher": "HM Inspectorate of Constabulary (HMIC)",
                                                "title": "HMIC Inspection Report: Cheshire Constabulary"}}
    assert report_citation(described) == ("HM Inspectorate of Constabulary (HMIC), HMIC Inspection Report: "
                                          "Cheshire Constabulary, October 2007")
    peel = {"family": "peel", "title": "West Mercia PEEL 2018", "published": None, "year": 2018}
    assert report_citation(peel) == "HMICFRS, West Mercia PEEL 2018, 2018"


def test_the_corpus_manifest_describes_every_published_source():
    m = read_manifest(CORPUS)
    assert set(m.published) == {p.name for p in CORPUS.glob("*.txt")}
    ches = m.published["cheshire-2007-inspection.txt"]
    # As printed on the report's title page.
    assert ches["isbn"] == ["978-1-84726-448-0"] and ches["issued"] == "2007-10"
    assert ches["format"] == "application/pdf"
    assert all("url" not in d for d in m.published.values())   # no address is known: none invented


@pytest.mark.parametrize("source,message", [
    ({"url": "javascript:alert(1)"}, "url must be an absolute http"),
    ({"url": "http://example.org/a b"}, "url must be an absolute http"),
    ({"issued": "October 2007"}, "issued must be a date"),
    ({"isbn": "978-1-84726-448-0"}, "isbn must be a list"),
    ({"title": ""}, "title must be a non-empty string"),
    ({"title": "x" * 501}, "title must be a non-empty string"),
    ({"homepage": "x"}, "unknown keys: homepage"),
    ("a string", "must be an object"),
])
def test_a_bad_published_source_is_refused_naming_the_manifest_entry(tmp_path, source, message):
    (tmp_path / "manifest.json").write_text(json.dumps({"reports": [{"file": "a.txt", "published_source": source}]}))
    with pytest.raises(HmicKgError, match=r"manifest\.json: reports\[1\]\.published_source.*" + message):
        read_manifest(tmp_path)
