"""`hmic-kg build` on a folder of PDFs made from the corpus gives the text corpus's judgements and
findings, now with the page of each; nothing personal survives into any file of that build."""
import csv
import re

import pytest

from graph_builder.pipeline.build import build_dataset
from tests.dataset.test_personal_data_build import NAMES, NUMBERS

POSITION = {"source_line", "page", "citation"}


@pytest.fixture(scope="module")
def pdf_build(pdf_corpus, tmp_path_factory):
    out = tmp_path_factory.mktemp("pdf-build") / "build"
    build_dataset(pdf_corpus, out)
    return out


def _rows(build, table):
    with open(build / "exports" / "csv" / f"{table}.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.mark.parametrize("table", ["judgements", "findings", "recommendations", "good_practice"])
def test_the_pdf_build_has_the_text_builds_judgements_and_findings(built, pdf_build, table):
    text_rows, pdf_rows = _rows(built, table), _rows(pdf_build, table)
    assert text_rows
    assert ([{k: v for k, v in r.items() if k not in POSITION} for r in pdf_rows]
            == [{k: v for k, v in r.items() if k not in POSITION} for r in text_rows])


def test_every_statement_of_the_pdf_build_has_its_page_and_citation(pdf_build):
    for table in ("judgements", "findings", "recommendations", "good_practice"):
        for r in _rows(pdf_build, table):
            assert int(r["page"]) >= 1, (table, r)
            assert re.search(r", pp?\. \d+", r["citation"]), (table, r["citation"])
            assert r["citation"].startswith("HMIC")


def test_no_personal_data_in_any_file_of_the_pdf_build(pdf_build):
    for path in sorted(p for p in pdf_build.rglob("*") if p.is_file() and p.suffix in (".nq", ".ttl", ".trig", ".jsonld", ".csv", ".txt", ".json")):
        data = path.read_text(encoding="utf-8", errors="replace")
        for secret in NAMES + NUMBERS:
            assert secret not in data, (path.name, secret)
