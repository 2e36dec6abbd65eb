"""PDF input: the corpus typeset as PDFs (tests/typeset.py, fpdf2) reads back to the same model as the
texts, with the page every statement is printed on; hostile PDFs are refused with the file named."""
import re
import subprocess
from pathlib import Path

import pytest

from graph_builder.errors import ReportError
from graph_builder.extract import parse_bytes, parse_file
from graph_builder.extract import pdf as pdf_reader
from graph_builder.extract.source import read_source

from .conftest import FILES, essence


@pytest.mark.parametrize("name", [f.stem for f in FILES])
def test_the_model_from_the_pdf_is_the_model_from_the_text_apart_from_pages(pdf_corpus, name):
    from_text = parse_file(next(f for f in FILES if f.stem == name))
    from_pdf = parse_file(pdf_corpus / f"{name}.pdf")
    assert essence(from_pdf) == essence(from_text)
    assert from_pdf["report"]["pagination"]["counted_from"] == "form-feeds"
    # What the PDF gains: a page on every location.
    for f in from_pdf["findings"]:
        assert 1 <= f["location"]["page"] <= f["location"]["last_page"] <= from_pdf["report"]["pagination"]["pages"]


def _words(s: str) -> str:
    s = re.sub(r"</?\w+[^>]*>|\*+", " ", s)
    return " ".join(re.findall(r"[a-z0-9]+", s.lower()))


@pytest.mark.parametrize("name", [f.stem for f in FILES])
def test_each_statement_is_on_the_page_poppler_prints_it_on(pdf_corpus, name):
    """Checked against pdftotext's own page text (plain mode, not the word boxes the reader uses):
    a statement's first words are on its page, its last word on its last page."""
    path = pdf_corpus / f"{name}.pdf"
    plain = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True).stdout
    # Each page without its first and last line: the running title and "Page N of M".
    pages = [_words(" ".join(p.strip("\n").split("\n")[1:-1])) for p in plain.decode("utf-8").split("\f")]
    model = parse_file(path)
    items = [(f["text"], f["location"]) for f in model["findings"]]
    items += [(r["text"], loc) for r in model["recommendations"] for loc in r["locations"]]
    assert items
    for text, loc in items:
        # Masked personal data (█) is printed unmasked in these PDFs: compare the words around it.
        pieces = [_words(p).split() for p in re.split(r"█+", text) if _words(p)]
        first, last = loc["page"], loc["last_page"]
        assert " ".join(pieces[0][:5]) in pages[first - 1], (name, text[:60], loc)
        assert pieces[-1][-1] in pages[last - 1].split(), (name, text[-60:], loc)
    assert {loc["page"] for _, loc in items} != {1}


def test_a_pdf_without_a_text_layer_is_refused_naming_the_file(tmp_path):
    from fpdf import FPDF
    doc = FPDF()
    doc.add_page()
    doc.rect(20, 20, 120, 160, style="F")   # a page that is only a picture, as a scan is
    scan = tmp_path / "scanned.pdf"
    doc.output(str(scan))
    with pytest.raises(ReportError, match=r"scanned\.pdf.*without a text layer.*OCR"):
        read_source(scan)


def test_a_damaged_pdf_is_refused_naming_the_file():
    with pytest.raises(ReportError, match=r"bad\.pdf: is a PDF that could not be opened"):
        parse_bytes("bad.pdf", b"%PDF-1.7\n1 0 obj << /Type /Catalog >> garbage\n")


def _fake_converter(tmp_path: Path, body: str) -> str:
    exe = tmp_path / "fake-pdftotext"
    exe.write_text("#!/bin/sh\n" + body + "\n")
    exe.chmod(0o755)
    return str(exe)


def test_a_converter_that_hangs_is_stopped_by_the_time_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(pdf_reader, "PDFTOTEXT", _fake_converter(tmp_path, "sleep 30"))
    monkeypatch.setattr(pdf_reader, "TIMEOUT", 1)
    with pytest.raises(ReportError, match=r"slow\.pdf: is a PDF whose text layer could not be read within 1 s"):
        parse_bytes("slow.pdf", b"%PDF-1.4\n")


def test_a_converter_writing_without_end_is_stopped_by_the_file_size_limit(tmp_path, monkeypatch):
    # The last argument is the output file; the limit is set in the child before it runs.
    body = 'for last; do :; done; head -c 10000000 /dev/zero > "$last"'
    monkeypatch.setattr(pdf_reader, "PDFTOTEXT", _fake_converter(tmp_path, body))
    monkeypatch.setattr(pdf_reader, "MAX_LAYOUT", 1_000_000)
    with pytest.raises(ReportError, match=r"huge\.pdf: is a PDF that (has too large a text layer|could not be read)"):
        parse_bytes("huge.pdf", b"%PDF-1.4\n")


def test_a_missing_converter_says_which_package_to_install(monkeypatch):
    monkeypatch.setattr(pdf_reader, "PDFTOTEXT", "/nonexistent/pdftotext")
    with pytest.raises(ReportError, match=r"x\.pdf: .*poppler-utils"):
        parse_bytes("x.pdf", b"%PDF-1.4\n")


def test_personal_data_read_from_a_pdf_is_masked(pdf_corpus):
    text = read_source(pdf_corpus / "cheshire-2007-inspection.pdf").text
    assert "FORCE CONTACT: Sergeant" in text
    for secret in ("Jez Taylor", "01244 614572", "Alison McCausland", "614826"):
        assert secret not in text


def test_the_parse_command_reads_a_pdf_and_refuses_a_scan_with_exit_2(pdf_corpus, tmp_path, capsys):
    import json

    from fpdf import FPDF

    from graph_builder.cli import main
    assert main(["parse", str(pdf_corpus / "west-mercia-2018-peel-effectiveness.pdf")]) == 0
    model = json.loads(capsys.readouterr().out)
    assert model["force"]["id"] == "west-mercia" and model["findings"][0]["location"]["page"] >= 1
    from tests.extract.test_errors_and_cli import SCHEMA, jsonschema
    jsonschema.validate(model, SCHEMA)
    model["report"]["published_source"] = {"title": "PEEL 2018/19", "isbn": ["978-1-84726-448-0"], "format": "text/html"}
    jsonschema.validate(model, SCHEMA)
    doc = FPDF()
    doc.add_page()
    scan = tmp_path / "scan.pdf"
    doc.output(str(scan))
    assert main(["parse", str(scan)]) == 2
    assert "scan.pdf: is a PDF without a text layer" in capsys.readouterr().err


def test_pages_without_text_still_count(tmp_path):
    """A picture-only first page and a blank page inside: the text after them keeps its PDF page."""
    from fpdf import FPDF

    from graph_builder.extract.pages import page_starts
    doc = FPDF()
    doc.set_font("helvetica", size=11)
    doc.add_page()
    doc.rect(20, 20, 120, 160, style="F")            # page 1: a cover picture
    doc.add_page()
    doc.multi_cell(0, 6, "The force has a clear plan.")  # page 2
    doc.add_page()                                   # page 3: blank
    doc.add_page()
    doc.multi_cell(0, 6, "Partners attend meetings.")    # page 4
    path = tmp_path / "gaps.pdf"
    doc.output(str(path))
    text = pdf_reader.pdf_text("gaps.pdf", path.read_bytes())
    assert text == "\fThe force has a clear plan.\n\f\fPartners attend meetings.\n"
    _, starts = page_starts(text)
    assert [1 + sum(1 for s in starts if s <= text.index(t)) for t in ("The force", "Partners")] == [2, 4]


def test_control_characters_in_the_text_layer_are_dropped(tmp_path, monkeypatch):
    """A broken font's glyph codes come through pdftotext as control characters: not text."""
    layout = ('<html xmlns="http://www.w3.org/1999/xhtml"><body><doc><page width="595" height="842"><flow><block>'
              '<line xMin="50" yMin="50" xMax="200" yMax="60"><word xMin="50" yMin="50" xMax="90" yMax="60">'
              'Gun&#x2;</word><word xMin="93" yMin="50" xMax="200" yMax="60">crime.</word></line>'
              '</block></flow></page></doc></body></html>')
    body = f"for last; do :; done; printf '%s' '{layout}' > \"$last\""
    monkeypatch.setattr(pdf_reader, "PDFTOTEXT", _fake_converter(tmp_path, body))
    assert pdf_reader.pdf_text("x.pdf", b"%PDF-1.4\n") == "Gun crime.\n"
