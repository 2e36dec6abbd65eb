from pathlib import Path

import pytest

from tests.conftest import CORPUS
from tests.typeset import page_html, typeset_pdf

FILES = sorted(CORPUS.glob("*.txt"))
# The running title printed at the top of every page, as the published reports print theirs.
TITLES = {
    "cheshire-2007-inspection": "Cheshire Constabulary – HMIC Inspection Report",
    "west-mercia-2007-inspection": "West Mercia Constabulary – HMIC Inspection Report",
    "west-mercia-2018-peel-effectiveness": "PEEL: Police effectiveness 2018 – West Mercia Police",
    "west-midlands-2006-baseline-assessment": "West Midlands Police – Baseline Assessment 2006",
}


@pytest.fixture(scope="session")
def pdf_corpus(tmp_path_factory) -> Path:
    """The corpus typeset as PDFs (fpdf2), one per text, with running titles and "Page N of M"."""
    out = tmp_path_factory.mktemp("pdf-corpus")
    for f in FILES:
        typeset_pdf(f.read_text(encoding="utf-8"), TITLES[f.stem], out / f"{f.stem}.pdf")
    return out


@pytest.fixture(scope="session")
def html_corpus(tmp_path_factory) -> Path:
    """The corpus as saved publication pages: site navigation and footer around a <main>."""
    out = tmp_path_factory.mktemp("html-corpus")
    for f in FILES:
        (out / f"{f.stem}.html").write_text(page_html(f.read_text(encoding="utf-8"), TITLES[f.stem]),
                                            encoding="utf-8")
    return out


def essence(model: dict) -> dict:
    """The model without what legitimately differs between formats of one report: positions
    (offsets, lines, pages), the file and its hash, the page count; warnings by message."""
    def strip(x):
        if isinstance(x, dict):
            return {k: strip(v) for k, v in x.items()
                    if k not in ("location", "locations", "sha256", "characters", "lines", "source",
                                 "pagination", "warnings")}
        if isinstance(x, list):
            return [strip(v) for v in x]
        return x
    return {**strip(model), "warnings": [w["message"] for w in model["warnings"]]}
