"""Incremental rebuild: a report whose text, flags and code are unchanged is taken from the
previous build's cache instead of being parsed and mapped again, and the dataset is the same."""
import json
import shutil

import pytest

from graph_builder.errors import HmicKgError, InternalError
from graph_builder.pipeline.build import CACHE, build_dataset
from tests.conftest import CORPUS


@pytest.fixture
def corpus(tmp_path):
    d = tmp_path / "corpus"
    shutil.copytree(CORPUS, d)
    return d


def _record(out):
    return json.loads((out / "build.json").read_text(encoding="utf-8"))


def test_unchanged_rebuild_comes_from_the_cache_and_is_identical(corpus, tmp_path, built):
    out = tmp_path / "out"
    first = build_dataset(corpus, out)
    assert first["reports_from_cache"] == 0
    second = build_dataset(corpus, out)
    assert second["reports_from_cache"] == 4
    # Byte-identical to the session's build from scratch of the same texts.
    assert (out / "exports" / "dataset.nq").read_bytes() == (built / "exports" / "dataset.nq").read_bytes()


def test_one_changed_report_is_parsed_again(corpus, tmp_path):
    out = tmp_path / "out"
    build_dataset(corpus, out)
    peel = corpus / "west-mercia-2018-peel-effectiveness.txt"
    text = peel.read_text(encoding="utf-8")
    # A hand-picked area for improvement of the 2018 report, reworded.
    old = "The force should introduce a performance framework to hold officers and staff to account"
    assert old in text
    peel.write_text(text.replace(old, old.replace("performance framework", "results framework")), encoding="utf-8")
    record = build_dataset(corpus, out)
    assert record["reports_from_cache"] == 3
    nq = (out / "exports" / "dataset.nq").read_text(encoding="utf-8")
    assert "introduce a results framework" in nq and "introduce a performance framework" not in nq


def test_a_damaged_cache_entry_is_only_a_miss(corpus, tmp_path, built):
    out = tmp_path / "out"
    build_dataset(corpus, out)
    entries = sorted((out / CACHE).iterdir())
    assert len(entries) == 4
    entries[0].write_text("{not json", encoding="utf-8")
    # Cut short at a line end and in the middle of a line: either would lose triples if read.
    text = entries[1].read_text(encoding="utf-8")
    entries[1].write_text(text[:text.rindex("\n", 0, len(text) - 1) + 1], encoding="utf-8")
    text = entries[2].read_text(encoding="utf-8")
    entries[2].write_text(text[:-40], encoding="utf-8")
    record = build_dataset(corpus, out)
    assert record["reports_from_cache"] == 1
    assert (out / "exports" / "dataset.nq").read_bytes() == (built / "exports" / "dataset.nq").read_bytes()


@pytest.mark.parametrize("patched,error,raised,message", [
    # Both run in forked children, which run the patched function. A child's bug (or the machine
    # failing under it) is an internal error with the child's traceback; a child's HmicKgError is
    # the input's fault and stays one.
    ("find_links", MemoryError("no room for the matrix"), InternalError,
     "finding recurring issues failed: MemoryError: no room for the matrix"),
    ("write_formats", OSError("disk full"), InternalError,
     "writing the exports failed: OSError: disk full"),
    ("write_formats", HmicKgError("a report's text is too long to export"), HmicKgError,
     "writing the exports failed: a report's text is too long to export"),
])
def test_a_failing_child_fails_the_build_and_keeps_the_previous_output(corpus, tmp_path, monkeypatch,
                                                                       patched, error, raised, message):
    import graph_builder.pipeline.timeline as timeline
    from graph_builder.pipeline import rebuild
    out = tmp_path / "out"
    build_dataset(corpus, out)
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}

    def broken(*args, **kwargs):
        raise error
    monkeypatch.setattr(timeline, patched, broken)
    # The second build is incremental (rebuild.py), whose export child runs write_formats too.
    if hasattr(rebuild, patched):
        monkeypatch.setattr(rebuild, patched, broken)
    with pytest.raises(raised, match=message) as exc:
        build_dataset(corpus, out)
    if raised is InternalError:
        assert "Traceback" in exc.value.details and "broken" in exc.value.details
    else:
        assert not isinstance(exc.value, InternalError)
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out.building-")]


def test_build_after_opening_an_on_disk_store_does_not_hang(tmp_path):
    """Regression: the export child is forked; when it opened the on-disk store itself, a parent
    that had already opened one (as a test session or `serve` has) left RocksDB's background
    threads behind in the child, which then waited for them forever."""
    import subprocess
    import sys
    script = (
        "import pyoxigraph as ox, sys\n"
        "from pathlib import Path\n"
        "from graph_builder.pipeline.build import build_dataset\n"
        "s = ox.Store(sys.argv[1]); s.add(ox.Quad(ox.NamedNode('http://e/s'), ox.NamedNode('http://e/p'), ox.Literal('o')))\n"
        "s.flush()\n"
        "print(build_dataset(Path(sys.argv[2]), Path(sys.argv[3]))['counts']['quads'])\n")
    done = subprocess.run([sys.executable, "-c", script, str(tmp_path / "other"), str(CORPUS), str(tmp_path / "out")],
                          check=False, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert int(done.stdout.split()[-1]) > 40_000


def test_an_invalid_dataset_stops_the_exports_and_leaves_nothing_behind(corpus, tmp_path, monkeypatch):
    import time

    import graph_builder.pipeline.timeline as timeline
    from graph_builder.pipeline.timeline import InvalidDataset
    from graph_builder.validate.validation import Validation

    def slow_exports(*args, **kwargs):
        time.sleep(30)  # still writing when validation fails: the build must not wait for it
        return {}
    monkeypatch.setattr(timeline, "write_formats", slow_exports)
    monkeypatch.setattr(timeline, "validate_store_contents",
                        lambda *a, **k: Validation(conforms=False, report=None, problems=[]))
    began = time.perf_counter()
    with pytest.raises(InvalidDataset):
        build_dataset(corpus, tmp_path / "out")
    assert time.perf_counter() - began < 25
    assert not (tmp_path / "out").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out.building-")]



def test_graph_dumps_become_n_quads_whatever_the_chunks(tmp_path):
    """The export child turns each graph's N-Triples dump into N-Quads as it is written; a line
    split between two writes, or a literal holding ' .' and an escaped line break, must come out
    whole and in its graph."""
    import io

    import pyoxigraph as ox

    from graph_builder.pipeline.staging import _InGraph, dump_graphs
    g = ox.NamedNode("http://e/g")
    store = ox.Store()
    for i in range(40):
        store.add(ox.Quad(ox.NamedNode(f"http://e/s{i}"), ox.NamedNode("http://e/p"),
                          ox.Literal(f"line one .\nline two . {i}"), g))
    triples = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=g)
    for size in (1, 7, 100, len(triples)):
        out = io.BytesIO()
        w = _InGraph(out, g)
        for k in range(0, len(triples), size):
            w.write(triples[k:k + size])
        assert w.tail == b""
        back = ox.Store()
        back.load(out.getvalue(), format=ox.RdfFormat.N_QUADS)
        assert set(back) == set(store)
    out = io.BytesIO()
    dump_graphs(store, [g], out)
    assert out.getvalue().count(b"\n") == 40 and out.getvalue().count(b" <http://e/g> .\n") == 40
