"""A synthetic corpus builds like any corpus, and the graph says which reports and programmes are
synthetic; the manifest that says so is checked like any input."""
import json

import pyoxigraph as ox
import pytest

from graph_builder.errors import HmicKgError
from graph_builder.pipeline.build import build_dataset
from graph_builder.pipeline.corpus import read_manifest
from graph_builder.synth import synthesise

INSP = "https://w3id.org/hmic-kg/def/inspection/"


@pytest.fixture(scope="module")
def synthetic_build(tmp_path_factory):
    corpus = tmp_path_factory.mktemp("syn") / "corpus"
    synthesise(6, corpus, seed=11)
    out = corpus.parent / "build"
    record = build_dataset(corpus, out)
    return corpus, out, record


def _select(store, q):
    return [tuple(r[i].value for i in range(len(r))) for r in
            store.query(q, use_default_graph_as_union=True)]


def test_synthetic_corpus_builds_and_conforms(synthetic_build):
    record = synthetic_build[2]
    assert record["validation"]["conforms"]
    assert len(record["reports"]) == 6
    assert {r["programme"].split("-")[0] for r in record["reports"]} == {"baseline", "inspection", "peel"}


def test_every_report_and_new_programme_is_marked_synthetic(synthetic_build):
    _, out, record = synthetic_build
    store = ox.Store.read_only(str(out / "store"))
    reports = _select(store, f"SELECT ?r WHERE {{ ?r a <{INSP}InspectionReport> }}")
    flagged = _select(store, f"SELECT ?r WHERE {{ ?r a <{INSP}InspectionReport> ; <{INSP}synthetic> true }}")
    assert len(reports) == 6 and sorted(flagged) == sorted(reports)
    shipped = {"baseline-2006", "inspection-2007", "peel-2018"}
    used = {r["programme"] for r in record["reports"]}
    synthetic_programmes = {p.rsplit("/", 1)[1] for (p,) in _select(
        store, f"SELECT ?p WHERE {{ ?p a <{INSP}InspectionProgramme> ; <{INSP}synthetic> true }}")}
    assert synthetic_programmes == used - shipped and synthetic_programmes


def test_real_corpus_carries_no_synthetic_flag(built):
    store = ox.Store.read_only(str(built / "store"))
    assert _select(store, f"SELECT ?s WHERE {{ ?s <{INSP}synthetic> ?v }}") == []


def test_manifest_reference_must_stay_in_the_corpus(tmp_path):
    (tmp_path / "manifest.json").write_text(json.dumps({"reports": [], "reference": ["../x.ttl"]}))
    (tmp_path.parent / "x.ttl").write_text("")
    with pytest.raises(HmicKgError, match=r"must be a \.ttl file in"):
        read_manifest(tmp_path)


def test_manifest_syntax_error_names_file_and_line(tmp_path):
    (tmp_path / "manifest.json").write_text('{\n  "reports": [\n    {"file": "a.txt",}\n  ]\n}\n')
    with pytest.raises(HmicKgError, match=r"manifest\.json:3: not valid JSON"):
        read_manifest(tmp_path)


def test_no_manifest_means_nothing_synthetic(tmp_path):
    m = read_manifest(tmp_path)
    assert not m.synthetic and not m.reference
