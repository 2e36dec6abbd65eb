from functools import cache

import pytest

from graph_builder.extract import parse_file
from tests.conftest import CORPUS


@cache
def parsed(name: str) -> dict:
    return parse_file(CORPUS / name)


@pytest.fixture
def wm2007():
    return parsed("west-mercia-2007-inspection.txt")


@pytest.fixture
def cheshire():
    return parsed("cheshire-2007-inspection.txt")


@pytest.fixture
def wmid2006():
    return parsed("west-midlands-2006-baseline-assessment.txt")


@pytest.fixture
def peel2018():
    return parsed("west-mercia-2018-peel-effectiveness.txt")


def findings(model, area_prefix, kind):
    return [f for f in model["findings"] if f["area"].startswith(area_prefix) and f["kind"] == kind]
