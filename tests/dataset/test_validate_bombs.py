"""`hmic-kg validate` on files built to exhaust a parser: a one-line error naming the file, at
once, never gigabytes (regressions: a 964-byte RDF/XML billion laughs passed 8 GB in 13 s; JSON-LD
nested 20,000 deep passed 8 GB, 6,000 deep crashed)."""
import subprocess
import sys
import time

import pytest

CLI = [sys.executable, "-m", "graph_builder.cli", "validate"]

LAUGHS = ('<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [\n <!ENTITY a0 "laughlaughlaugh">\n'
          + "".join(f' <!ENTITY a{i} "{("&a" + str(i - 1) + ";") * 10}">\n' for i in range(1, 10))
          + ']>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
            'xmlns:ex="http://example.org/">\n <rdf:Description rdf:about="http://example.org/s">'
            '<ex:p>&a9;</ex:p></rdf:Description>\n</rdf:RDF>\n')
XXE = ('<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [ <!ENTITY x SYSTEM "file:///etc/passwd"> ]>\n'
       '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://example.org/">'
       '<rdf:Description rdf:about="http://example.org/s"><ex:p>&x;</ex:p></rdf:Description></rdf:RDF>\n')
# Entities as RDF/XML writers use them, to shorten namespaces: still read.
BENIGN = ('<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [ <!ENTITY ex "http://example.org/"> ]>\n'
          '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="&ex;">'
          '<rdf:Description rdf:about="&ex;s"><ex:p>1</ex:p></rdf:Description></rdf:RDF>\n')


def _nested_jsonld(depth: int) -> str:
    return '{"@id": "http://e/s", "http://e/p": ' + '{"@list": [' * depth + "1" + "]}" * depth + "}"


def _validate(path, *extra):
    t = time.monotonic()
    done = subprocess.run([*CLI, str(path), *extra], capture_output=True, text=True, timeout=120)
    return done, time.monotonic() - t


@pytest.mark.parametrize("name,text,expected", [
    ("laughs.rdf", LAUGHS, "amplification"),
    ("xxe.rdf", XXE, "external entity"),
    ("deep.jsonld", _nested_jsonld(20_000), "nested too deeply"),
    ("deeper.jsonld", _nested_jsonld(6_000), "nested too deeply"),
])
def test_a_parser_bomb_is_one_line_at_once(tmp_path, name, text, expected):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    assert len(LAUGHS) < 1100
    done, seconds = _validate(path)
    assert done.returncode == 2, done.stderr[-500:]
    assert expected in done.stderr and str(path) in done.stderr and "Traceback" not in done.stderr
    assert seconds < 30


def test_entities_that_only_shorten_names_are_still_read(tmp_path):
    path = tmp_path / "benign.rdf"
    path.write_text(BENIGN, encoding="utf-8")
    done, _ = _validate(path)
    assert "not safe" not in done.stderr and "Traceback" not in done.stderr
    assert done.returncode in (0, 1)  # read; whether it conforms is the shapes' business


def test_input_over_the_memory_limit_is_one_line(tmp_path):
    path = tmp_path / "big.nt"
    with path.open("w", encoding="utf-8") as fh:
        for i in range(200_000):
            fh.write(f'<http://e/s{i}> <http://e/p> "{"x" * 200}" .\n')
    done, _ = _validate(path, "--memory-limit", "0.05")
    assert done.returncode == 2, done.stderr[-500:]
    assert "--memory-limit" in done.stderr and "Traceback" not in done.stderr
