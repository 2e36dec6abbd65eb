"""The output directory is an atomic pointer: a reader sees the old build or the new one, never
neither; one build at a time; what killed builds leave behind is cleaned up by the next one."""
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from graph_builder.errors import HmicKgError
from graph_builder.pipeline import versions
from graph_builder.pipeline.build import build_dataset
from tests.conftest import CORPUS


def _leftovers(out: Path) -> list[str]:
    """Everything beside `out` but the current version, the lock and the versions folder."""
    names = {p.name for p in out.parent.iterdir()} - {out.name, f".{out.name}.lock", f".{out.name}.versions"}
    root = versions.versions_dir(out)
    extra = [p.name for p in root.iterdir() if p.resolve() != out.resolve()] if root.is_dir() else []
    return sorted(names) + extra


@pytest.fixture
def out(tmp_path, built) -> Path:
    """A fresh output that already holds one good build (copied, so this test owns it)."""
    o = tmp_path / "out"
    version = versions.new_version(o)
    shutil.rmtree(version)
    shutil.copytree(built, version)
    versions.publish(version, o)
    return o


def test_a_rebuild_replaces_the_link_and_removes_the_previous_version(out):
    before = out.resolve()
    build_dataset(CORPUS, out)
    assert out.is_symlink() and out.resolve() != before
    assert not before.exists()
    assert (out / "exports" / "dataset.nq").is_file()
    assert _leftovers(out) == []


def test_a_failure_at_the_last_step_leaves_the_previous_build_in_place(out, monkeypatch):
    before = out.resolve()
    data = (out / "exports" / "dataset.nq").read_bytes()

    def no_rename(*args, **kwargs):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(versions.os, "replace", no_rename)
    with pytest.raises(OSError):
        build_dataset(CORPUS, out)
    assert out.resolve() == before and (out / "exports" / "dataset.nq").read_bytes() == data
    assert _leftovers(out) == [f".{out.name}.link-{os.getpid()}"] or _leftovers(out) == []


def test_a_plain_directory_from_before_versions_is_exchanged_in_one_step(tmp_path, built):
    out = tmp_path / "out"
    shutil.copytree(built, out)
    build_dataset(CORPUS, out)
    assert out.is_symlink() and (out / "build.json").is_file()
    assert _leftovers(out) == []


def test_a_second_concurrent_build_refuses_naming_the_first(out):
    with versions.BuildLock(out):
        with pytest.raises(HmicKgError, match=f"another build of this directory is running \\(process {os.getpid()}\\)"):
            build_dataset(CORPUS, out)
    assert (out / "build.json").is_file()


def test_what_a_killed_build_left_is_removed_by_the_next(out):
    stale = versions.versions_dir(out) / "20260101T000000-999999"
    (stale / "store").mkdir(parents=True)
    (stale / "store" / "000001.sst").write_bytes(b"x" * 1000)
    link = out.with_name(f".{out.name}.link-999999")
    os.symlink("nowhere", link)
    build_dataset(CORPUS, out)
    assert not stale.exists() and not link.is_symlink()
    assert _leftovers(out) == []


def test_a_version_being_served_is_kept_until_released(out):
    served = out.resolve()
    fd = versions.hold_in_use(served)
    try:
        build_dataset(CORPUS, out)
        assert served.exists() and out.resolve() != served
    finally:
        os.close(fd)
    build_dataset(CORPUS, out)
    assert not served.exists()


def _children(pid: int) -> set[int]:
    found = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text().split()
        found |= {int(x) for x in text}
    return found


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs Linux /proc")
def test_a_build_killed_while_parsing_leaves_no_worker_behind(tmp_path):
    """Regression: SIGKILL during parsing left the pool's two workers blocked for ever."""
    from graph_builder.synth import synthesise
    corpus = tmp_path / "synth"
    synthesise(40, corpus, seed=3)
    proc = subprocess.Popen([sys.executable, "-m", "graph_builder.cli", "build", str(corpus), "--out",
                             str(tmp_path / "o" / "out"), "--quiet"], stderr=subprocess.DEVNULL)
    workers: set[int] = set()
    deadline = time.monotonic() + 60
    while len(workers) < 2 and time.monotonic() < deadline and proc.poll() is None:
        try:
            workers = _children(proc.pid)
        except OSError:
            pass
        time.sleep(0.05)
    assert len(workers) >= 2, "the build finished or failed before its parse pool started"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 10
    while any(Path(f"/proc/{w}").exists() and "Z" not in _state(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert [w for w in workers if Path(f"/proc/{w}").exists() and "Z" not in _state(w)] == []
    build_dataset(corpus, tmp_path / "o" / "out")  # and the next build cleans up after it
    assert _leftovers(tmp_path / "o" / "out") == []


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "Z"
