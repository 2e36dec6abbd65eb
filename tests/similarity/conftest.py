import json
from pathlib import Path

import pytest

from graph_builder.extract import parse_file
from graph_builder.links.statements import statements_from_model

HERE = Path(__file__).resolve().parent
CORPUS = HERE.parent.parent / "corpus"


@pytest.fixture(scope="session")
def statements():
    return [s for p in sorted(CORPUS.glob("*.txt")) for s in statements_from_model(parse_file(p))]


@pytest.fixture(scope="session")
def labelled():
    return json.loads((HERE / "labelled_pairs.json").read_text())["pairs"]
