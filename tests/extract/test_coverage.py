"""Paragraphs in, statements out: no prose paragraph inside an area of any corpus report, nor of a
small synthetic corpus, is left without a statement."""
import pytest

from graph_builder.extract import parse_bytes
from graph_builder.extract.coverage import uncovered_paragraphs
from graph_builder.extract.source import decode_source
from tests.conftest import CORPUS


@pytest.mark.parametrize("path", sorted(CORPUS.glob("*.txt")), ids=lambda p: p.stem)
def test_no_paragraph_of_a_corpus_report_is_dropped(path):
    data = path.read_bytes()
    src = decode_source(str(path), data)
    assert uncovered_paragraphs(parse_bytes(str(path), data), src) == []


def test_the_check_sees_a_dropped_paragraph():
    path = CORPUS / "west-mercia-2018-peel-effectiveness.txt"
    data = path.read_bytes()
    model = parse_bytes(str(path), data)
    model["findings"] = [f for f in model["findings"] if f["location"]["first_line"] != 113]
    assert [line for line, _ in uncovered_paragraphs(model, decode_source(str(path), data))] == [113]


def test_no_paragraph_of_synthetic_reports_is_dropped(tmp_path):
    from graph_builder.synth.generate import synthesise
    synthesise(12, tmp_path, seed=5)
    paths = sorted(p for p in tmp_path.iterdir() if p.suffix in (".txt", ".md", ".html"))
    assert len(paths) == 12
    for path in paths:
        data = path.read_bytes()
        assert uncovered_paragraphs(parse_bytes(str(path), data), decode_source(str(path), data)) == [], path.name
