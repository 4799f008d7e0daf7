"""Integer enums (`enum: [1, 2, 3]`) through the loader and every target, and what each target
does with the values an integer enum must refuse (spec/README.md, "Numeric enums and literals";
README's agreement table lists what the libraries cannot refuse)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from conftest import import_path
from generator import model, render, spec
from generator.targets import docs_cli, docs_python, json_schema, typescript
from generator.targets import msgspec as msgspec_target
from generator.targets import pydantic as pydantic_target
from generator.targets import python as python_target

SPEC = """\
title: Tiny
page: tiny/index.md
module: tiny_numeric
entry: tiny_event
types:
  thing:
    fields:
      type: {literal: thing}
      level: {enum: [1, 2, 30], description: The level.}
      codes: {items: {enum: [-1, 404]}, optional: true}
  tiny_event:
    discriminator: type
    union: [thing]
"""
# value -> accepted by (stdlib, msgspec, pydantic, JSON Schema)
VERDICTS: dict[str, tuple[bool, bool, bool, bool]] = {
    "1": (True, True, True, True),
    "30": (True, True, True, True),
    "true": (False, False, True, False),  # pydantic: True == 1
    "1.0": (False, False, True, True),  # pydantic and JSON Schema: 1.0 == 1
    "3": (False, False, False, False),
    '"1"': (False, False, False, False),
    "null": (False, False, False, False),
    "false": (False, False, False, False),
}

CODES: dict[str, tuple[bool, bool, bool, bool]] = {
    "-1": (True, True, True, True),
    "-1.0": (False, False, True, True),
    "true": (False, False, False, False),
    "405": (False, False, False, False),
    '"-1"': (False, False, False, False),
}


def loaded() -> model.Spec:
    return spec.parse(SPEC, "tiny.yaml", "tiny.yaml")


def test_the_loader_reads_integers() -> None:
    thing = loaded().definition(model.Name("thing"))
    assert isinstance(thing, model.Object)
    level = thing.fields[1].type
    assert isinstance(level, model.Enum) and level.values == (1, 2, 30) and level.integers
    assert [type(v) for v in level.values] == [int, int, int]


@pytest.mark.parametrize(
    "field, at, message",
    [
        ("{enum: [1, high]}", "high", "enum mixes strings and integers (the first value, line 9, is an integer)"),
        ("{enum: [high, 1]}", "1]", "enum mixes strings and integers (the first value, line 9, is a string)"),
        ("{enum: [0.5, 1.5]}", "0.5", "enum values must be strings (quote them) or decimal integers"),
        ("{enum: [1, 0x1f]}", "0x1f", "enum values must be strings (quote them) or decimal integers"),
        ("{enum: [1, 2], open: true}", "open", "'open' only applies to an enum of strings"),
        ("{enum: [1, 01, 1]}", "1]", "duplicate enum value 1"),
        ("{literal: 1.5}", "1.5", "literal '1.5' is a float in YAML"),
    ],
)
def test_misuse_is_a_located_error(field: str, at: str, message: str) -> None:
    text = SPEC.replace("{enum: [1, 2, 30], description: The level.}", field)
    line = next(i for i, row in enumerate(text.split("\n"), 1) if field in row)
    column = text.split("\n")[line - 1].index(at) + 1
    with pytest.raises(spec.SpecError) as info:
        spec.parse(text, "tiny.yaml", "tiny.yaml")
    assert f"tiny.yaml:{line}:{column}: {message}" in str(info.value)


def write(target: Any, tmp_path: Path) -> Any:
    ((rel, text),) = render.render(loaded(), targets=(target.TARGET,)).items()
    path = tmp_path / Path(rel).name
    path.write_text(text, encoding="utf-8")
    return import_path(path, path.stem)


def test_every_python_target_and_the_schema_as_documented(tmp_path: Path) -> None:
    stdlib, msgspec, pyd = (write(t, tmp_path) for t in (python_target, msgspec_target, pydantic_target))
    validator = jsonschema.Draft202012Validator(json_schema.document(loaded()))

    def accepts(decode: Any, text: str) -> bool:
        try:
            decode(text)
            return True
        except Exception:
            return False

    def verdicts(text: str) -> tuple[bool, bool, bool, bool]:
        return (
            accepts(lambda t: stdlib.parse_event(t, strict=True), text),
            accepts(lambda t: msgspec.parse_event(t, strict=True), text),
            accepts(pyd.TinyEvent.model_validate_json, text),
            validator.is_valid(json.loads(text)),
        )

    for value, want in VERDICTS.items():
        text = '{"type": "thing", "level": %s}' % value
        assert verdicts(text) == want, text
    # One level deeper, an array's item (`codes`, enum [-1, 404]): the same, and `true` is no code.
    for value, want in CODES.items():
        text = '{"type": "thing", "level": 2, "codes": [404, %s]}' % value
        assert verdicts(text) == want, text
    event = stdlib.parse_event('{"type": "thing", "level": 30, "codes": [-1]}')
    assert event.level == 30 and event.codes == (-1,) and event.to_dict()["codes"] == [-1]


def test_annotations_and_docs() -> None:
    spec_ = loaded()
    out = render.render(spec_, targets=(python_target.TARGET, msgspec_target.TARGET, typescript.TARGET, docs_cli.TARGET, docs_python.TARGET))
    py, ms, ts, cli, pyd = (out[k] for k in sorted(out, key=lambda k: ["python/", "msgspec/", "typescript/", "docs/tiny", "docs/python"].index(next(p for p in ["python/", "msgspec/", "typescript/", "docs/python", "docs/tiny"] if k.startswith(p)))))
    assert "    level: Literal[1, 2, 30]\n" in py and "    level: Literal[1, 2, 30]\n" in ms
    assert "codes: tuple[Literal[-1, 404], ...] | None" in py
    assert "readonly level: 1 | 2 | 30;" in ts and "readonly codes?: ReadonlyArray<-1 | 404>;" in ts
    assert "- `level: 1 or 2 or 30`" in cli and "  - `30`" in cli
    assert "- `level: Literal[1, 2, 30]`" in pyd
    schema = json_schema.document(spec_)["$defs"]["Thing"]["properties"]["level"]
    assert schema == {"type": "integer", "enum": [1, 2, 30], "description": "The level."}
