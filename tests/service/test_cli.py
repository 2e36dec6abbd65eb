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
