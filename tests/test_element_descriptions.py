"""Descriptions on `items:` and `values:`: every output shows them, and decoding does not change.

spec/README.md ("Descriptions of array items and map values") says where each output shows them.
"""

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
from generator.targets import python as python_target

SPEC = """\
title: Tiny
page: tiny/index.md
module: tiny_{suffix}
entry: tiny_event
types:
  thing:
    fields:
      type: {{literal: thing}}
      tags: {{items: {{type: string{tag}}}, description: The tags.}}
      grid: {{items: {{items: {{type: integer{cell}}}{row}}}}}
      stock: {{values: {{type: integer{units}}}, optional: true}}
      lines: {{items: {{fields: {{sku: {{type: string}}}}{line}}}, nullable: true}}
  tiny_event:
    discriminator: type
    union: [thing]
"""
TEXTS = {"tag": "One tag, <i>lowercase</i>.", "cell": "A cell.", "row": "A row.", "units": "Units.", "line": "A line."}
PAYLOADS = [
    {"type": "thing", "tags": ["a"], "grid": [[1, 2], []], "stock": {"k": 1}, "lines": [{"sku": "s", "x": 1}]},
    {"type": "thing", "tags": [], "grid": [], "lines": None},
]
BAD = [
    {"type": "thing", "tags": [1], "grid": [], "lines": None},
    {"type": "thing", "tags": [], "grid": [["1"]], "lines": None},
    {"type": "thing", "tags": [], "grid": [], "stock": {"k": "1"}, "lines": None},
    {"type": "thing", "tags": [], "grid": [], "lines": [{}]},
]


def tiny(described: bool) -> model.Spec:
    parts = {k: f", description: {json.dumps(v)}" if described else "" for k, v in TEXTS.items()}
    return spec.parse(SPEC.format(suffix="d" if described else "p", **parts), "tiny.yaml", "tiny.yaml")


def field(loaded: model.Spec, key: str) -> model.Field:
    thing = loaded.definition(model.Name("thing"))
    assert isinstance(thing, model.Object)
    return next(f for f in thing.fields if f.key == key)


def test_the_loader_keeps_each_description_and_the_types_compare_equal() -> None:
    loaded, plain = tiny(True), tiny(False)
    tags, grid, stock, lines = (field(loaded, k).type for k in ("tags", "grid", "stock", "lines"))
    assert isinstance(tags, model.Array) and tags.item_description == TEXTS["tag"]
    assert isinstance(grid, model.Array) and grid.item_description == TEXTS["row"]
    assert isinstance(grid.item, model.Array) and grid.item.item_description == TEXTS["cell"]
    assert isinstance(stock, model.Map) and stock.value_description == TEXTS["units"]
    assert isinstance(lines, model.Nullable) and isinstance(lines.inner, model.Array)
    line = lines.inner.item
    assert isinstance(line, model.Object) and line.description == TEXTS["line"]
    # A description is not part of the type: `diff` and every comparison of types ignore it.
    assert all(field(loaded, k).type == field(plain, k).type for k in ("tags", "grid", "stock"))


def test_element_notes_name_each_level() -> None:
    assert model.element_notes(field(tiny(True), "grid").type) == ("Each item: A row.", "Each item of each item: A cell.")
    assert model.element_notes(field(tiny(True), "lines").type) == ("Each item: A line.",)
    assert model.element_notes(field(tiny(False), "grid").type) == ()


@pytest.mark.parametrize("target", [docs_cli, docs_python])
def test_both_docs_flavours_show_them_after_the_description(target: Any) -> None:
    page = render.render(tiny(True), targets=(target.TARGET,))[target.path(tiny(True))]
    assert "The tags.\n\n    Each item: One tag, &lt;i>lowercase&lt;/i>.\n" in page
    assert "Each item: A row.\n\n    Each item of each item: A cell.\n" in page
    assert "Each value: Units.\n" in page and "Each item: A line.\n" in page
    plain = render.render(tiny(False), targets=(target.TARGET,))[target.path(tiny(False))]
    assert "Each " not in plain


@pytest.mark.parametrize("target", [python_target, msgspec_target])
def test_python_docstrings_show_them_and_decoding_is_unchanged(target: Any, tmp_path: Path) -> None:
    modules = []
    for described in (True, False):
        ((rel, text),) = render.render(tiny(described), targets=(target.TARGET,)).items()
        path = tmp_path / Path(rel).name
        path.write_text(text, encoding="utf-8")
        modules.append(import_path(path, path.stem))
    source = Path(modules[0].__file__).read_text(encoding="utf-8")
    assert '"""The tags.\n\nEach item: One tag, <i>lowercase</i>."""' in source
    assert '"""Each value: Units."""' in source
    assert modules[0].ThingLine.__doc__ == "A line."
    for p in PAYLOADS:
        assert modules[0].parse_event(json.dumps(p)).to_dict() == modules[1].parse_event(json.dumps(p)).to_dict()
    for p in BAD:
        errors = []
        for m in modules:
            with pytest.raises(m.WebhookDecodeError) as e:
                m.parse_event(json.dumps(p))
            errors.append(str(e.value))
        assert errors[0] == errors[1]


def test_typescript_comments_show_them() -> None:
    ((_, ts),) = render.render(tiny(True), targets=(typescript.TARGET,)).items()
    assert "   * The tags.\n   *\n   * Each item: One tag, <i>lowercase</i>.\n   */\n  readonly tags:" in ts
    assert "   * Each value: Units.\n   */\n  readonly stock?:" in ts


def test_json_schema_describes_the_item_and_value_schemas() -> None:
    document = json_schema.document(tiny(True))
    props = document["$defs"]["Thing"]["properties"]
    assert props["tags"]["items"] == {"type": "string", "description": TEXTS["tag"]}
    assert props["grid"]["items"]["description"] == TEXTS["row"]
    assert props["grid"]["items"]["items"]["description"] == TEXTS["cell"]
    assert props["stock"]["additionalProperties"]["description"] == TEXTS["units"]
    assert document["$defs"]["ThingLine"]["description"] == TEXTS["line"]
    plain = json_schema.document(tiny(False))
    jsonschema.Draft202012Validator.check_schema(document)
    for p in PAYLOADS + BAD:
        assert jsonschema.Draft202012Validator(document).is_valid(p) == jsonschema.Draft202012Validator(plain).is_valid(p)
    assert sum(jsonschema.Draft202012Validator(document).is_valid(p) for p in PAYLOADS) == len(PAYLOADS)
