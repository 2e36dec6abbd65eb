"""Bad input: a one-line error naming the file (and line), exit code 2, never a traceback."""
import json

import jsonschema
import pytest

from graph_builder.cli import main
from graph_builder.paths import project_dir
from tests.conftest import CORPUS

SCHEMA = json.loads((project_dir("graph_builder") / "schema" / "parse-model.schema.json").read_text())


@pytest.mark.parametrize("name", sorted(p.name for p in CORPUS.glob("*.txt")))
def test_cli_output_validates_against_the_schema(name, capsys):
    assert main(["parse", str(CORPUS / name)]) == 0
    model = json.loads(capsys.readouterr().out)
    jsonschema.validate(model, SCHEMA)
    text = (CORPUS / name).read_text(encoding="utf-8")
    for f in model["findings"]:
        loc = f["location"]
        assert 0 <= loc["start"] < loc["end"] <= len(text)
        assert loc["first_line"] == text.count("\n", 0, loc["start"]) + 1


def _run(tmp_path, data: bytes, capsys, name="r.txt"):
    p = tmp_path / name
    p.write_bytes(data)
    code = main(["parse", str(p)])
    err = capsys.readouterr().err.strip()
    return code, err, str(p)


@pytest.mark.parametrize("data,needle", [
    (b"", "is empty"),
    (b"   \n\n", "is empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00IHDR", "binary"),
    (b"HMIC Inspection Report\nCheshire Constabulary\n\xff\xfe broken", "not valid UTF-8"),
    (b"Minutes of the parish council\n\nThe meeting opened at 7pm.\n", "not an HMIC report"),
])
def test_bad_input_one_line_error_exit_2(tmp_path, capsys, data, needle):
    code, err, path = _run(tmp_path, data, capsys)
    assert code == 2
    assert err.count("\n") == 0 and path in err and needle in err
    assert "Traceback" not in err


def test_not_utf8_names_the_line(tmp_path, capsys):
    code, err, path = _run(tmp_path, b"HMIC Inspection Report\nCheshire Constabulary\n\nok\n\xff\n", capsys)
    assert code == 2 and f"{path}:5:" in err


@pytest.mark.parametrize("name,cut", [
    ("west-mercia-2007-inspection.txt", 0.75), ("cheshire-2007-inspection.txt", 0.5),
    ("west-midlands-2006-baseline-assessment.txt", 0.6), ("west-mercia-2018-peel-effectiveness.txt", 0.5),
])
def test_truncated_report_is_refused(tmp_path, capsys, name, cut):
    data = (CORPUS / name).read_bytes()
    code, err, path = _run(tmp_path, data[: int(len(data) * cut)], capsys)
    assert code == 2 and "truncated" in err and path in err


def test_unplaced_section_is_a_warning_naming_the_line(capsys):
    assert main(["parse", str(CORPUS / "west-midlands-2006-baseline-assessment.txt")]) == 0
    err = capsys.readouterr().err
    assert "warning" in err and "west-midlands-2006-baseline-assessment.txt:1249" in err


def test_directory_and_missing_file(tmp_path, capsys):
    assert main(["parse", str(tmp_path)]) == 2
    # Regression: the reader's refusal named the descriptor ("4: Is a directory"), not the path.
    assert f"{tmp_path}: is a directory" in capsys.readouterr().err
    assert main(["parse", str(tmp_path / "nope.txt")]) == 2
    assert "nope.txt" in capsys.readouterr().err
