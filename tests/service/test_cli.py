"""The `serve` command as graph_builder's CLI finds it."""
import argparse

from graph_builder.cli import build_parser
from service.cli import command


def test_serve_is_a_subcommand_with_its_options():
    args = build_parser().parse_args(["serve", "--data", "somewhere", "--port", "9999",
                                      "--timeout", "2.5", "--host", "0.0.0.0"])
    assert args.run == command.run
    assert (str(args.data), args.port, args.timeout, args.host) == ("somewhere", 9999, 2.5, "0.0.0.0")


def test_defaults():
    p = argparse.ArgumentParser()
    command.configure(p)
    args = p.parse_args([])
    assert str(args.data) == "build" and args.timeout == 10 and args.host == "127.0.0.1"


def test_missing_dataset_is_a_clear_error(tmp_path, capsys):
    p = argparse.ArgumentParser()
    command.configure(p)
    code = command.run(p.parse_args(["--data", str(tmp_path / "nothing")]))
    assert code == 2
    assert "build.json does not exist" in capsys.readouterr().err


import pytest  # noqa: E402


@pytest.mark.parametrize("option,value", [
    ("--workers", "100000"), ("--workers", "0"), ("--timeout", "nan"), ("--timeout", "inf"),
    ("--timeout", "-1"), ("--timeout", "0"), ("--port", "99999"), ("--port", "-5"), ("--max-rows", "0"),
    ("--page-workers", "0"), ("--page-workers", "1000"), ("--worker-memory", "10"),
    ("--worker-memory", "-1"),
])
def test_limits_out_of_bounds_are_refused_before_anything_starts(built, capsys, option, value):
    """Regression: --workers 100000 was accepted (5.4 GB in 15 s), --timeout nan and inf too, and
    --port 99999 ended in a traceback."""
    p = argparse.ArgumentParser()
    command.configure(p)
    code = command.run(p.parse_args(["--data", str(built), option, value]))
    err = capsys.readouterr().err
    assert code == 2 and option in err and "Traceback" not in err
