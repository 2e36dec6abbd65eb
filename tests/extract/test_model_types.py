"""The parse model's TypedDicts say exactly what the JSON Schema says, and what the extractor
really returns fits them: a key added to one and not the other fails here."""
import json
import typing
from pathlib import Path

import pytest

from graph_builder.extract import model_types as mt
from graph_builder.extract import parse_file
from graph_builder.paths import project_dir

SCHEMA = json.loads((Path(mt.__file__).parent.parent / "schema" / "parse-model.schema.json")
                    .read_text(encoding="utf-8"))


def _resolve(node: dict) -> dict:
    if "$ref" in node:
        return SCHEMA["$defs"][node["$ref"].rsplit("/", 1)[1]]
    return node


def _object_at(path: list[str]) -> dict:
    node = SCHEMA
    for key in path:
        node = _resolve(node["items"] if key == "[]" else node["properties"][key])
    return _resolve(node)


# (TypedDict, path to its object in the schema)
PAIRS = [
    (mt.ParseModel, []), (mt.Extractor, ["extractor"]), (mt.SourceInfo, ["source"]),
    (mt.Report, ["report"]), (mt.Force, ["force"]), (mt.Area, ["areas", "[]"]),
    (mt.ProseGrade, ["areas", "[]", "prose_grades", "[]"]), (mt.Finding, ["findings", "[]"]),
    (mt.Recommendation, ["recommendations", "[]"]), (mt.GoodPractice, ["good_practice", "[]"]),
    (mt.GlossaryEntry, ["glossary", "[]"]), (mt.Fact, ["facts", "[]"]),
    (mt.PriorGrade, ["prior_grades", "[]"]), (mt.Warning, ["warnings", "[]"]),
    (mt.Location, ["areas", "[]", "location"]), (mt.Period, ["report", "assessment_period"]),
    (mt.PublishedSource, ["report", "published_source"]),
]


@pytest.mark.parametrize("typed,path", PAIRS, ids=[t.__name__ for t, _ in PAIRS])
def test_typed_dict_has_the_schema_keys(typed, path):
    obj = _object_at(path)
    keys = set(obj.get("properties", {})) | set(obj.get("required", []))
    assert set(typing.get_type_hints(typed)) == keys
    assert set(typed.__required_keys__) == set(obj.get("required", []))


def _check(value, typed, where: str) -> None:
    hints = typing.get_type_hints(typed)
    assert set(value) <= set(hints), f"{where}: keys not in {typed.__name__}: {set(value) - set(hints)}"
    missing = set(typed.__required_keys__) - set(value)
    assert not missing, f"{where}: {typed.__name__} keys missing: {missing}"
    for key, hint in hints.items():
        inner = _typed_dict_in(hint)
        item = value.get(key)
        if inner is None or item is None:
            continue
        for i, sub in enumerate(item if isinstance(item, list) else [item]):
            _check(sub, inner, f"{where}.{key}[{i}]")


def _typed_dict_in(hint):
    """The TypedDict a hint holds (itself, in a list, or in an Optional), or None."""
    if typing.is_typeddict(hint):
        return hint
    for arg in typing.get_args(hint):
        found = _typed_dict_in(arg)
        if found is not None:
            return found
    return None


@pytest.mark.parametrize("report", sorted(p.name for p in project_dir("corpus").iterdir()
                                          if p.suffix in (".md", ".txt", ".html")
                                          and p.name.lower() != "readme.md"))
def test_every_corpus_report_parses_to_the_typed_shape(report):
    _check(parse_file(project_dir("corpus") / report), mt.ParseModel, report)
