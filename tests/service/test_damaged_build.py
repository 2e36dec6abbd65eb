"""`serve` on a damaged build directory: one line naming what is wrong, exit 2, no traceback."""
import shutil
import subprocess
import sys

import pytest


def _damage(d, how):
    if how == "build.json not JSON":
        (d / "build.json").write_text("{not json", encoding="utf-8")
    elif how == "build.json empty":
        (d / "build.json").write_text("", encoding="utf-8")
    elif how == "build.json a list":
        (d / "build.json").write_text("[1, 2]", encoding="utf-8")
    elif how == "store empty":
        shutil.rmtree(d / "store")
        (d / "store").mkdir()
    elif how == "store garbage":
        shutil.rmtree(d / "store")
        (d / "store").mkdir()
        (d / "store" / "CURRENT").write_text("MANIFEST-000999\n")
        (d / "store" / "MANIFEST-000999").write_bytes(b"\x00\x01garbage" * 50)


@pytest.mark.parametrize("how", ["build.json not JSON", "build.json empty", "build.json a list",
                                 "store empty", "store garbage"])
def test_a_damaged_build_is_one_line_and_exit_2(built, tmp_path, how):
    d = tmp_path / "build"
    shutil.copytree(built, d)
    _damage(d, how)
    done = subprocess.run([sys.executable, "-m", "graph_builder.cli", "serve", "--data", str(d),
                           "--port", "1"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    lines = [x for x in done.stderr.splitlines() if x.startswith("hmic-kg:")]
    assert len(lines) == 1 and str(d) in lines[0], done.stderr
