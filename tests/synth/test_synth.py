"""hmic-kg synth: the synthetic corpus parses to exactly what the generator says it wrote."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

from graph_builder.cli import main
from graph_builder.extract import parse_file
from graph_builder.synth import SynthError, capacity, plan, synthesise
from graph_builder.synth.context import MARKER
from graph_builder.synth.expected import differences

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("synth") / "s7"
    synthesise(15, out, seed=7)
    return out


def _reports(d: Path) -> list[dict]:
    return json.loads((d / "manifest.json").read_text(encoding="utf-8"))["reports"]


def _expected(d: Path, name: str) -> dict:
    return json.loads((d / "expected" / f"{name}.json").read_text(encoding="utf-8"))


def test_sample_covers_every_family_markup_and_noise_kind(sample):
    exp = [_expected(sample, r["file"]) for r in _reports(sample)]
    assert {e["report"]["family"] for e in exp} == {"baseline-assessment", "inspection-2007", "peel"}
    assert {(e["report"]["family"], e["markup"]) for e in exp} >= {
        (f, m) for f in ("baseline-assessment", "inspection-2007", "peel") for m in ("plain", "markdown", "html")}
    assert set().union(*(e["noise"] for e in exp)) >= {"page-break", "page-break-inside", "hard-wrap",
                                                       "split-grade", "glued-grade"}
    assert {Path(r["file"]).suffix for r in _reports(sample)} == {".txt", ".md", ".html"}


def test_every_report_extracts_exactly_what_was_written(sample):
    problems = {}
    for r in _reports(sample):
        model = parse_file(sample / r["file"])
        exp = _expected(sample, r["file"])
        diff = differences(model, exp)
        if diff:
            problems[r["file"]] = diff
        assert model["report"]["title"] == exp["report"]["title"]
        assert model["force"]["id"] == exp["force"]["id"]
    assert not problems


def test_expected_records_are_not_trivial(sample):
    exp = [_expected(sample, r["file"]) for r in _reports(sample)]
    for e in exp:
        assert e["areas"] and e["findings"]
        if e["report"]["family"] != "peel":
            assert e["glossary"]
    kinds = {f["kind"] for e in exp for f in e["findings"]}
    assert kinds == {"strength", "work-in-progress", "area-for-improvement", "cause-of-concern", "detailed-finding"}
    assert any(e["good_practice"] for e in exp) and any(e["recommendations"] for e in exp)
    grades = {a["grade"] for e in exp for a in e["areas"]}
    assert {"Good", "Fair", None} <= grades
    assert any(not a["graded"] for e in exp for a in e["areas"])
    assert {a["direction_of_travel"] for e in exp for a in e["areas"]} >= {"Improved", "Stable", None}


def test_hand_checked_report(sample):
    """Read by eye from the seed-7 sample: Cleveland's 2008 inspection (plain text)."""
    name = "cleveland-2008-inspection-synthetic.txt"
    text = (sample / name).read_text(encoding="utf-8")
    assert text.startswith("HMIC Inspection Report\nCleveland Police\n\nJuly 2008\n\nSYNTHETIC REPORT")
    m = parse_file(sample / name)
    assert m["report"]["programme"] == "inspection-2008" and m["report"]["published"] == "2008-07"
    # printed as "GRADE", blank line, "EXCELLENT": a grade line split over two lines
    assert "\nNeighbourhood Policing\n\nGRADE\n\nEXCELLENT\n" in text
    assert m["areas"][0]["name"] == "Neighbourhood Policing" and m["areas"][0]["grade"] == "Excellent"
    assert m["areas"][0]["national_distribution"] == {"Excellent": 6, "Good": 11, "Fair": 24, "Poor": 1}
    assert m["areas"][2]["name"] == "Protecting Vulnerable People – Overview" and not m["areas"][2]["graded"]
    first_afi = next(f for f in m["findings"] if f["kind"] == "area-for-improvement")
    assert first_afi["area"] == "Neighbourhood Policing"
    assert first_afi["text"].startswith("Recruitment vetting for CSOs is not consistent with the requirements "
                                        "for police officer vetting")


def test_national_distribution_is_one_per_programme_and_area(tmp_path):
    out = tmp_path / "d"
    synthesise(120, out, seed=3)
    seen: dict = {}
    for r in _reports(out):
        e = _expected(out, r["file"])
        for area, dist in e["national_distributions"].items():
            assert all(0 <= v <= 43 for v in dist.values()) and sum(dist.values()) <= 43
            key = (e["report"]["programme"], area)
            assert seen.setdefault(key, dist) == dist
    # the shipped programmes print the shipped figures
    assert seen[("inspection-2007", "Neighbourhood Policing")] == {"Excellent": 6, "Good": 14, "Fair": 21, "Poor": 2}


def test_same_seed_same_bytes_different_seed_different(tmp_path):
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    synthesise(9, a, seed=11)
    synthesise(9, b, seed=11)
    synthesise(9, c, seed=12)
    files = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file())
    for f in files:
        assert (a / f).read_bytes() == (b / f).read_bytes(), f
    assert (a / "manifest.json").read_bytes() != (c / "manifest.json").read_bytes()


def test_synthetic_marker_and_manifest(sample):
    m = json.loads((sample / "manifest.json").read_text(encoding="utf-8"))
    assert m["reference"] == ["synthetic-programmes.ttl"]
    for r in m["reports"]:
        assert r["synthetic"] is True and r["source"] == "hmic-kg synth, seed 7"
        assert r["attribution"] == ("Synthetic text generated from patterns in Crown copyright reports, "
                                    "Open Government Licence v3.0")
        head = "\n".join((sample / r["file"]).read_text(encoding="utf-8").splitlines()[:12])
        assert MARKER.format(seed=7) in head
        import hashlib
        assert hashlib.sha256((sample / r["file"]).read_bytes()).hexdigest() == r["sha256"]


def test_synthetic_programmes_reference(sample):
    from rdflib import XSD, Graph, Literal, URIRef
    g = Graph().parse(sample / "synthetic-programmes.ttl", format="turtle")
    insp = "https://w3id.org/hmic-kg/def/inspection/"
    progs = {str(s).rsplit("/", 1)[1] for s in g.subjects(URIRef(insp + "synthetic"), Literal(True, datatype=XSD.boolean))}
    used = {_expected(sample, r["file"])["report"]["programme"] for r in _reports(sample)}
    assert progs == used - {"baseline-2006", "inspection-2007", "peel-2018"}
    assert not any(isinstance(t, URIRef) and any(x in str(t) for x in ("baseline-2006", "peel-2018", "inspection-2007"))
                   for triple in g for t in triple)
    p = next(iter(sorted(progs)))
    fw = URIRef(f"https://w3id.org/hmic-kg/def/framework/{p}")
    assert (URIRef(f"https://w3id.org/hmic-kg/id/programme/{p}"), URIRef(insp + "usesFramework"), fw) in g
    areas = set(g.subjects(URIRef("http://www.w3.org/2004/02/skos/core#inScheme"), fw))
    assert len(areas) >= 7
    assert any(g.objects(a, URIRef(insp + "theme")) for a in areas)
    assert all(str(o).endswith("(synthetic)")
               for o in g.objects(None, URIRef("http://www.w3.org/2004/02/skos/core#prefLabel")))


def test_plan_is_balanced_and_distinct():
    slots = plan(capacity(), 5)
    assert len({(f, y, force.id) for f, y, force in slots}) == capacity() == 731
    first = plan(30, 5)
    assert [f for f, _, _ in first].count("peel") == 10


def test_too_many_reports_is_a_clear_error(tmp_path):
    with pytest.raises(SynthError, match="more than the 731"):
        synthesise(732, tmp_path / "x", seed=1)
    assert not (tmp_path / "x").exists()


def test_refuses_to_clobber_or_write_into_corpus(tmp_path, capsys):
    other = tmp_path / "other"
    other.mkdir()
    (other / "notes.txt").write_text("mine")
    assert main(["synth", "--reports", "3", "--out", str(other)]) == 2
    assert "refusing to overwrite" in capsys.readouterr().err
    assert main(["synth", "--reports", "3", "--out", str(ROOT / "corpus")]) == 2
    assert "shipped corpus" in capsys.readouterr().err
    assert main(["synth", "--reports", "3", "--out", str(ROOT / "corpus" / "synth")]) == 2
    assert not (ROOT / "corpus" / "synth").exists()


def test_cli_writes_and_rewrites_its_own_output(tmp_path):
    out = tmp_path / "cli"
    cmd = [sys.executable, "-m", "graph_builder.cli", "synth", "--reports", "4", "--out", str(out), "--seed", "2"]
    run = subprocess.run(cmd, check=False, capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("synthesised 4 reports into") and run.stdout.count("\n") == 1
    assert len(_reports(out)) == 4
    # an earlier synth output may be regenerated in place
    cmd[5] = "2"
    run = subprocess.run(cmd, check=False, capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 0, run.stderr
    assert len(_reports(out)) == 2 and len([p for p in out.iterdir() if p.suffix in (".txt", ".md", ".html")]) == 2
    bad = subprocess.run(cmd[:5] + ["900"] + cmd[6:], check=False, capture_output=True, text=True, cwd=ROOT)
    assert bad.returncode == 2 and "hmic-kg: error: --reports 900 is more than" in bad.stderr


def test_no_real_personal_data_reaches_a_synthetic_corpus(sample):
    # The pools are harvested from the masked texts (docs/personal-data.md); the contacts the
    # layouts print are invented.
    from dataclasses import asdict

    from graph_builder.synth.patterns import harvest
    real = ["Jez Taylor", "Brian Simmons", "McCausland", "Mark Smith", "Jo Nurse", "Tozer", "Lakeman",
            "Gibling", "Gibbling", "e.thompson", "pnn.police.uk", "614572", "612092", "614826",
            "331985", "338819", "338881", "529846", "747062", "113 5000", "7800 2383"]
    pools = repr(asdict(harvest()))
    assert not [r for r in real if r in pools]
    for p in sorted(sample.rglob("*")):
        if p.is_file():
            text = p.read_text(encoding="utf-8")
            assert not [r for r in real if r in text], p.name
