import socket
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"


def free_port() -> int:
    """A TCP port on 127.0.0.1 nothing listens on (for servers the tests start)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    return CORPUS


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Path:
    """The corpus built once for the whole session (the build takes seconds, not milliseconds)."""
    from graph_builder.pipeline.build import build_dataset
    out = tmp_path_factory.mktemp("corpus-build") / "build"
    build_dataset(CORPUS, out)
    return out
