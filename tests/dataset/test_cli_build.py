"""`hmic-kg build` and `hmic-kg validate` as a user runs them: exit codes, messages, and the rule
that a failed build leaves the previous output exactly as it was."""
import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import CORPUS

CLI = [sys.executable, "-m", "graph_builder.cli"]


def snapshot(d: Path) -> dict:
    return {str(p.relative_to(d)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(d.rglob("*")) if p.is_file()}


def run(*args, cwd=None):
    return subprocess.run([*CLI, *args], capture_output=True, text=True, cwd=cwd, timeout=300)


@pytest.fixture()
def previous(built, tmp_path) -> Path:
    out = tmp_path / "out"
    shutil.copytree(built, out)
    return out


@pytest.fixture()
def corpus_copy(tmp_path) -> Path:
    c = tmp_path / "corpus"
    shutil.copytree(CORPUS, c)
    return c


def test_an_invalid_dataset_is_refused_and_the_previous_output_is_untouched(previous, corpus_copy, tmp_path):
    before = snapshot(previous)
    f = corpus_copy / "west-mercia-2007-inspection.txt"
    lines = f.read_text(encoding="utf-8").split("\n")
    assert lines[248] == "6\t14\t21\t2"  # line 249: Neighbourhood Policing's national grade distribution
    lines[248] = "6\t14\t21\t52"
    f.write_text("\n".join(lines), encoding="utf-8")
    r = run("build", str(corpus_copy), "--out", str(previous))
    assert r.returncode == 1, r.stderr
    assert "west-mercia-2007-inspection.txt" in r.stderr
    assert "shapes:GradeCount" in r.stderr and "unchanged" in r.stderr
    assert "Traceback" not in r.stderr
    assert snapshot(previous) == before
    # No half-built leftovers: beside the output only its lock and an empty versions folder.
    assert sorted(p.name for p in previous.parent.iterdir()) == [".out.lock", ".out.versions", "corpus", "out"]
    assert list((previous.parent / ".out.versions").iterdir()) == []


def test_an_unreadable_report_is_refused_naming_file_and_line(previous, corpus_copy):
    before = snapshot(previous)
    (corpus_copy / "broken.txt").write_bytes(b"HMIC report\nline two\n\x00binary\n")
    r = run("build", str(corpus_copy), "--out", str(previous))
    assert r.returncode == 2
    assert "broken.txt:3:" in r.stderr and "binary" in r.stderr
    assert snapshot(previous) == before


def test_rebuild_replaces_the_output_and_is_byte_identical(previous, built):
    r = run("build", str(CORPUS), "--out", str(previous))
    assert r.returncode == 0, r.stderr
    assert "4 reports" in r.stdout
    assert "\r" not in r.stderr  # no progress display when stderr is not a terminal
    for name in ("dataset.nq", "dataset.jsonld", "context.jsonld", "csv/findings.csv",
                 "csv/recommendations.csv", "csv/good_practice.csv"):
        assert (previous / "exports" / name).read_bytes() == (built / "exports" / name).read_bytes(), name


def test_refuses_to_replace_a_directory_that_is_not_a_build(tmp_path):
    precious = tmp_path / "thesis"
    precious.mkdir()
    (precious / "chapter1.tex").write_text("do not delete")
    r = run("build", str(CORPUS), "--out", str(precious))
    assert r.returncode == 2 and "not a hmic-kg build directory" in r.stderr
    assert (precious / "chapter1.tex").read_text() == "do not delete"


def test_the_base_is_configurable(tmp_path):
    out = tmp_path / "other"
    r = run("build", str(CORPUS), "--out", str(out), "--base", "http://data.example.org/police/")
    assert r.returncode == 0, r.stderr
    nq = (out / "exports" / "dataset.nq").read_text(encoding="utf-8")
    assert "<http://data.example.org/police/id/force/west-mercia>" in nq
    assert "w3id.org/hmic-kg" not in nq
    # The JSON-LD context follows the base: insp: is the build's inspection namespace.
    context = json.loads((out / "exports" / "context.jsonld").read_text(encoding="utf-8"))["@context"]
    assert context["insp"] == "http://data.example.org/police/def/inspection/"
    assert "w3id.org/hmic-kg" not in (out / "exports" / "dataset.jsonld").read_text(encoding="utf-8")


@pytest.mark.parametrize("base", ["not an iri", "http://exa mple.org/police", "http://example.org/<x>"])
def test_a_base_that_is_not_an_iri_is_refused_in_one_line(base, previous):
    # It used to reach the mapping first: thousands of rdflib warnings, then an error about an
    # IRI deep in the first report.
    before = snapshot(previous)
    for cmd in (["build", str(CORPUS), "--out", str(previous)], ["validate", str(CORPUS / "README.md")]):
        r = run(*cmd, "--base", base)
        assert r.returncode == 2, r.stderr
        (line,) = r.stderr.strip().splitlines()
        assert line.startswith(f"hmic-kg: error: --base {base!r}: not an absolute IRI"), line
    assert snapshot(previous) == before


def test_validate_accepts_an_export_and_rejects_a_broken_file(built, tmp_path):
    ok = run("validate", str(built / "exports" / "graphs" / "report-west-mercia-peel-2018.ttl"))
    assert ok.returncode == 0 and "conforms" in ok.stdout
    bad = tmp_path / "bad.ttl"
    text = (built / "exports" / "graphs" / "report-west-mercia-peel-2018.ttl").read_text(encoding="utf-8")
    bad.write_text(text.replace("insp:text", "insp:textx", 1), encoding="utf-8")
    r = run("validate", str(bad), "--report", str(tmp_path / "report.ttl"))
    assert r.returncode == 1 and "MinCount" in r.stderr
    assert "sh:ValidationReport" in (tmp_path / "report.ttl").read_text()


def test_validate_names_the_position_of_a_syntax_error(tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix x: <http://x/> .\nx:a x:b x:c ;\n  x:d .\n")
    r = run("validate", str(bad))
    assert r.returncode == 2 and "bad.ttl" in r.stderr and "line 3" in r.stderr


def test_a_bug_is_an_internal_error_exit_3_with_its_trace_never_exit_1(monkeypatch, capsys, tmp_path):
    """Exit 1 means "invalid data"; an unexpected exception used to leave Python's own exit 1."""
    import graph_builder.pipeline.build as build_module
    from graph_builder import cli

    def broken(*args, **kwargs):
        raise KeyError("a bug")
    monkeypatch.setattr(build_module, "build_dataset", broken)
    assert cli.main(["build", str(CORPUS), "--out", str(tmp_path / "out")]) == 3
    err = capsys.readouterr().err
    assert "internal error" in err and "Traceback" in err and "KeyError: 'a bug'" in err


@pytest.mark.parametrize("process,options", [
    ("graph_builder.pipeline.store_loader", ["--full"]),  # a full build loads the store
    ("graph_builder.pipeline.store_patch", []),  # an incremental one patches the previous store
])
def test_a_store_loader_that_dies_fails_the_build_and_keeps_the_previous_output(previous, tmp_path,
                                                                               monkeypatch, capsys,
                                                                               process, options):
    """Regression: the loader dying made the next write to its stdin a BrokenPipeError, which the
    CLI answered with exit 0 and no message."""
    import graph_builder.pipeline.store_loader as loader
    from graph_builder import cli

    real_popen = loader.subprocess.Popen

    def dying_loader(cmd, **kwargs):
        if process in cmd:
            cmd = [sys.executable, "-c", "import sys; sys.stderr.write('loader crashed'); sys.exit(9)"]
        return real_popen(cmd, **kwargs)
    monkeypatch.setattr(loader.subprocess, "Popen", dying_loader)
    before = snapshot(previous)
    code = cli.main(["build", str(CORPUS), "--out", str(previous), "--quiet", *options])
    err = capsys.readouterr().err
    assert code == 3, err
    assert "store" in err and "loader crashed" in err
    assert snapshot(previous) == before
    assert not [p for p in tmp_path.iterdir() if ".building-" in p.name]


def test_parse_into_a_closed_pipe_is_not_an_error(tmp_path):
    report = CORPUS / "west-mercia-2007-inspection.txt"
    done = subprocess.run(f"{sys.executable} -m graph_builder.cli parse {report} --pretty | head -c 10",
                          shell=True, capture_output=True, text=True, timeout=120)
    assert done.stdout.startswith("{") and "Error" not in done.stderr


@pytest.mark.parametrize("entry", ["link loop", "dangling link", "fifo", "directory"])
def test_a_corpus_entry_named_like_a_report_but_not_one_is_an_error_not_a_silent_skip(corpus_copy, tmp_path, entry):
    """Regression: build skipped these silently (parse gave a clear error on each)."""
    import os
    bad = corpus_copy / "x.txt"
    if entry == "link loop":
        os.symlink("x.txt", bad)
    elif entry == "dangling link":
        os.symlink("missing.txt", bad)
    elif entry == "fifo":
        os.mkfifo(bad)
    else:
        bad.mkdir()
    done = run("build", str(corpus_copy), "--out", str(tmp_path / "out"))
    assert done.returncode == 2, done.stderr
    assert str(bad) in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("target", ["/dev/zero", "fifo"])
def test_parse_refuses_what_is_not_a_file_at_once(tmp_path, target):
    import os
    if target == "fifo":
        target = str(tmp_path / "pipe.txt")
        os.mkfifo(target)
    done = run("parse", target)  # a FIFO used to wait for a writer for ever, /dev/zero to fill memory
    assert done.returncode == 2 and "not a regular file" in done.stderr and "Traceback" not in done.stderr


def test_out_under_a_file_is_one_line_exit_2(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    done = run("build", str(CORPUS), "--out", str(blocker / "out"))
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
    assert str(blocker) in done.stderr


def test_a_manifest_nested_100000_deep_is_one_line(corpus_copy, tmp_path):
    (corpus_copy / "manifest.json").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    done = run("build", str(corpus_copy), "--out", str(tmp_path / "out"))
    assert done.returncode == 2 and "nested too deeply" in done.stderr and "Traceback" not in done.stderr


def test_validate_report_into_a_missing_directory_is_refused_before_validating(built, tmp_path):
    done = run("validate", str(built / "exports" / "dataset.nq"), "--report", str(tmp_path / "no" / "r.ttl"))
    assert done.returncode == 2 and "does not exist" in done.stderr and "Traceback" not in done.stderr


def test_an_over_long_out_name_is_one_line_exit_2(tmp_path):
    done = run("build", str(CORPUS), "--out", str(tmp_path / ("x" * 300)))
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
    assert "too long" in done.stderr.lower()


def test_a_full_disk_while_staging_is_one_line_exit_2_and_keeps_the_previous_output(previous, monkeypatch, capsys):
    import errno

    from graph_builder import cli
    from graph_builder.pipeline import staging
    before = snapshot(previous)

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", str(previous.parent / "part-0.nq"))
    monkeypatch.setattr(staging.Staging, "add", full)
    assert cli.main(["build", str(CORPUS), "--out", str(previous), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "No space left on device" in err and "Traceback" not in err
    assert snapshot(previous) == before
