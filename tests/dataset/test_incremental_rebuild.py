"""An incremental build (pipeline/rebuild.py) gives, byte for byte, what a full build of the same
corpus gives: the canonical N-Quads, every other export, the texts, the cache, and an on-disk store
holding the same quads; after a changed report, and after a report added and another removed."""
import json
import shutil

import pyoxigraph as ox
import pytest

from graph_builder.pipeline import incremental
from graph_builder.pipeline.build import build_dataset
from graph_builder.synth import synthesise
from tests.conftest import CORPUS

# Not a seed the other tests use, so this corpus is not one they have shaped.
SEED = 29


def _files(root):
    return {p.relative_to(root): p for p in root.rglob("*") if p.is_file()}


def _record(out):
    d = json.loads((out / "build.json").read_text(encoding="utf-8"))
    for k in ("built_at", "timings_s", "incremental", "reports_from_cache"):
        d.pop(k)
    return d


def _store_nquads(out, tmp_path):
    dump = tmp_path / "store.nq"
    ox.Store.read_only(str(out / "store")).dump(str(dump), format=ox.RdfFormat.N_QUADS)
    return sorted(set(dump.read_bytes().splitlines(keepends=True)))


def assert_same_build(inc, full, tmp_path):
    assert json.loads((inc / "build.json").read_text())["incremental"] is True
    assert json.loads((full / "build.json").read_text())["incremental"] is False
    # Regression: the incremental build wrote no full-text index (its export child had its own
    # list of formats).
    assert (inc / "search.sqlite").read_bytes() == (full / "search.sqlite").read_bytes()
    for part in ("exports", "texts", "cache"):
        a, b = _files(inc / part), _files(full / part)
        assert sorted(a) == sorted(b), part
        for name in a:
            if part == "cache" and name.name == "incremental.json":
                continue  # holds the dataset file's modification time; compared below without it
            assert a[name].read_bytes() == b[name].read_bytes(), f"{part}/{name} differs"
    a, b = ({k: v for k, v in json.loads((d / incremental.STATE).read_text()).items() if k != "dataset"}
            for d in (inc, full))
    assert a == b
    assert _record(inc) == _record(full)
    nq = (full / "exports" / "dataset.nq").read_bytes().splitlines(keepends=True)
    assert _store_nquads(inc, tmp_path) == nq


@pytest.fixture(scope="module")
def sixty(tmp_path_factory):
    """61 synthetic reports: a corpus of 60 of them, and one set aside to be added later."""
    root = tmp_path_factory.mktemp("incr")
    synthesise(61, root / "synth", seed=SEED)
    corpus = root / "corpus"
    shutil.copytree(root / "synth", corpus, ignore=shutil.ignore_patterns("expected"))
    reports = sorted(p for p in corpus.iterdir() if p.suffix in (".txt", ".md", ".html"))
    spare = root / reports[-1].name
    reports[-1].rename(spare)
    return corpus, spare


def test_changed_then_added_and_removed_reports_give_a_full_builds_bytes(sixty, tmp_path):
    corpus, spare = sixty
    out = tmp_path / "out"
    first = build_dataset(corpus, out)
    assert first["incremental"] is False

    # One finding of one report reworded: its statement text is in the dataset under its new words.
    report = sorted(corpus.glob("*.txt"))[3]
    text = report.read_text(encoding="utf-8")
    assert " the force " in text
    report.write_text(text.replace(" the force ", " the constabulary ", 1), encoding="utf-8")
    second = build_dataset(corpus, out)
    assert second["incremental"] is True
    assert second["reports_from_cache"] == 59
    full = build_dataset(corpus, tmp_path / "full-1", full=True)
    assert full["reports_from_cache"] == 0
    assert_same_build(out, tmp_path / "full-1", tmp_path)

    # A report added and another removed, in one rebuild.
    shutil.move(spare, corpus / spare.name)
    gone = min(corpus.glob("*.md"))
    gone.unlink()
    third = build_dataset(corpus, out)
    assert third["incremental"] is True
    assert third["reports_from_cache"] == 59
    assert gone.name not in {r["file"] for r in third["reports"]}
    assert spare.name in {r["file"] for r in third["reports"]}
    build_dataset(corpus, tmp_path / "full-2", full=True)
    assert_same_build(out, tmp_path / "full-2", tmp_path)


@pytest.fixture
def small(tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    out = tmp_path / "out"
    build_dataset(corpus, out)
    return corpus, out


def test_a_build_by_other_code_or_shapes_is_not_reused(small):
    corpus, out = small
    state = json.loads((out / incremental.STATE).read_text())
    state["fingerprint"] = "0" * 64  # as if made by another version of the code or the shapes
    (out / incremental.STATE).write_text(json.dumps(state))
    assert build_dataset(corpus, out)["incremental"] is False
    # That full build wrote its own state, so the next one is incremental again.
    assert build_dataset(corpus, out)["incremental"] is True


def test_a_build_without_its_store_is_not_reused(small):
    corpus, out = small
    (out / "store" / "CURRENT").unlink()
    assert build_dataset(corpus, out)["incremental"] is False


def test_a_build_whose_dataset_was_edited_is_not_reused(small):
    corpus, out = small
    with (out / "exports" / "dataset.nq").open("a", encoding="utf-8") as fh:
        fh.write("<http://example.org/s> <http://example.org/p> <http://example.org/o> .\n")
    assert build_dataset(corpus, out)["incremental"] is False


def test_a_failed_incremental_build_keeps_the_previous_one(small, monkeypatch):
    from graph_builder.pipeline import rebuild
    corpus, out = small
    before = out.resolve()
    dataset = (out / "exports" / "dataset.nq").read_bytes()

    def fail(*args):
        raise OSError("disk full")
    monkeypatch.setattr(rebuild, "difference", fail)
    peel = corpus / "west-mercia-2018-peel-effectiveness.txt"
    peel.write_text(peel.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    with pytest.raises(OSError):
        build_dataset(corpus, out)
    assert out.resolve() == before
    assert (out / "exports" / "dataset.nq").read_bytes() == dataset
    assert (out / "store" / "CURRENT").is_file()
