"""`deprecated:` on events and fields: every output says so, and decoding does not change.

spec/README.md ("Deprecated events and fields") says what each output shows; these tests render a
tiny spec twice, with and without the deprecations, and check each output against that.
"""

from __future__ import annotations

import json
import re
import warnings
from pathlib import Path
from types import ModuleType
from typing import Any

import jsonschema
import pytest

from conftest import import_path
from generator import model, render, spec
from generator.targets import docs_cli, docs_python, json_schema, typescript
from generator.targets import msgspec as msgspec_target
from generator.targets import pydantic as pydantic_target
from generator.targets import python as python_target

REASON = "Read `c` instead; */ <b>no</b> markup."
SPEC = """\
title: Tiny
page: tiny/index.md
module: tiny_{suffix}
entry: tiny_event
types:
  thing:
    description: A thing.
{thing_deprecated}    fields:
      type: {{literal: thing}}
      a: {{type: string{a_deprecated}}}
      b: {{type: integer, description: The b., optional: true{b_deprecated}}}
      c: {{type: integer, optional: true}}
  tiny_event:
    discriminator: type
    union: [thing]
"""
PAYLOADS = [{"type": "thing", "a": "x"}, {"type": "thing", "a": "x", "b": 2, "c": 3, "extra": [1]}]
BAD = [{"type": "thing"}, {"type": "thing", "a": "x", "b": "2"}]


def tiny(deprecated: bool) -> model.Spec:
    text = SPEC.format(
        suffix="dep" if deprecated else "plain",
        thing_deprecated="    deprecated: true\n" if deprecated else "",
        a_deprecated=", deprecated: true" if deprecated else "",
        b_deprecated=", deprecated: " + json.dumps(REASON) if deprecated else "",
    )
    return spec.parse(text, "tiny.yaml", "tiny.yaml")


def fields(loaded: model.Spec) -> dict[str, model.Field]:
    thing = loaded.definition(model.Name("thing"))
    assert isinstance(thing, model.Object)
    return {f.key: f for f in thing.fields}


def module(loaded: model.Spec, target: Any, tmp_path: Path) -> ModuleType:
    ((rel, text),) = render.render(loaded, targets=(target.TARGET,)).items()
    path = tmp_path / Path(rel).name
    path.write_text(text, encoding="utf-8")
    return import_path(path, path.stem)


def test_the_loader_reads_true_a_reason_and_false() -> None:
    loaded = tiny(True)
    thing = loaded.definition(model.Name("thing"))
    assert isinstance(thing, model.Object) and thing.deprecated == ""
    got = {k: f.deprecated for k, f in fields(loaded).items()}
    assert got == {"type": None, "a": "", "b": REASON, "c": None}
    assert all(f.deprecated is None for f in fields(tiny(False)).values())
    off = SPEC.format(suffix="x", thing_deprecated="    deprecated: false\n", a_deprecated="", b_deprecated="")
    assert spec.parse(off, "t.yaml", "t.yaml").definition(model.Name("thing")) == tiny(False).definition(
        model.Name("thing")
    )


@pytest.mark.parametrize(
    "edit, message",
    [
        (("a: {type: string}", "a: {type: string, deprecated: 2027}"), "10:37: deprecated must be true, false or a message"),
        (("a: {type: string}", 'a: {type: string, deprecated: ""}'), "10:37: deprecated must be true, false or a message"),
        (("a: {type: string}", "a: {type: string, deprecatd: true}"), "10:25: unknown key 'deprecatd' in field 'a'; did you mean 'deprecated'?"),
        (("type: {literal: thing}", "type: {literal: thing, deprecated: true}"), "9:30: field 'type' is the discriminator of a union, which cannot be deprecated"),
        (("a: {type: string}", "a: {items: {type: string, deprecated: true}}"), "10:33: unknown key 'deprecated' in items"),
        (("    fields:", "    deprecated: [x]\n    fields:"), "8:17: deprecated must be true, false or a message"),
    ],
)
def test_misuse_is_a_located_error(edit: tuple[str, str], message: str) -> None:
    text = SPEC.format(suffix="x", thing_deprecated="", a_deprecated="", b_deprecated="").replace(*edit)
    with pytest.raises(spec.SpecError) as info:
        spec.parse(text, "tiny.yaml", "tiny.yaml")
    assert f"tiny.yaml:{message}" in str(info.value)


def bullet_paragraphs(page: str, label: str) -> list[str]:
    """The paragraphs under the (first) bullet whose label is `label`, up to its first child bullet."""
    lines = page.split("\n")
    start = next(i for i, line in enumerate(lines) if line.lstrip() == f"- `{label}`")
    indent = len(lines[start]) - len(lines[start].lstrip()) + 2
    out: list[str] = []
    for line in lines[start + 1 :]:
        if line and (len(line) - len(line.lstrip()) < indent or line.lstrip().startswith("- ")):
            break
        if line:
            out.append(line.strip())
    return out


@pytest.mark.parametrize("flavour", ["cli", "python"])
def test_both_docs_flavours_put_the_note_first(flavour: str) -> None:
    target = docs_cli if flavour == "cli" else docs_python
    page = render.render(tiny(True), targets=(target.TARGET,))[target.path(tiny(True))]
    plain = render.render(tiny(False), targets=(target.TARGET,))[target.path(tiny(False))]
    labels = {
        "cli": ("thing: object { type, a, b, c }", "a: string", "b: optional number", "c: optional number"),
        "python": ("class Thing: …", "a: str", "b: Optional[int]", "c: Optional[int]"),
    }[flavour]
    thing, a, b, c = labels
    assert bullet_paragraphs(page, thing)[:2] == ["Deprecated.", "A thing."]
    assert bullet_paragraphs(page, a) == ["Deprecated."]
    # The reason is a description: Markdown, its HTML escaped.
    assert bullet_paragraphs(page, b) == ["Deprecated: Read `c` instead; */ &lt;b>no&lt;/b> markup.", "The b."]
    assert bullet_paragraphs(page, c) == []
    assert "Deprecated" not in plain


@pytest.mark.parametrize("target", [python_target, msgspec_target])
def test_python_docstrings_end_with_the_note_and_decoding_is_unchanged(target: Any, tmp_path: Path) -> None:
    dep, plain = module(tiny(True), target, tmp_path), module(tiny(False), target, tmp_path)
    assert dep.Thing.__doc__.strip().endswith("A thing.\n\n    Deprecated.")
    assert "Deprecated" not in plain.Thing.__doc__
    source = Path(dep.__file__).read_text(encoding="utf-8")
    assert re.search(r'"""Deprecated\."""', source)
    assert '"""The b.\n\nDeprecated: Read `c` instead; */ <b>no</b> markup."""' in source
    for p in PAYLOADS:
        assert dep.parse_event(json.dumps(p)).to_dict() == plain.parse_event(json.dumps(p)).to_dict()
    for p in BAD:
        with pytest.raises(dep.WebhookDecodeError) as got:
            dep.parse_event(json.dumps(p))
        with pytest.raises(plain.WebhookDecodeError) as want:
            plain.parse_event(json.dumps(p))
        assert str(got.value) == str(want.value)


def test_typescript_ends_each_comment_with_the_deprecated_tag() -> None:
    ((_, ts),) = render.render(tiny(True), targets=(typescript.TARGET,)).items()
    assert "/**\n * A thing.\n *\n * @deprecated\n */\nexport interface Thing {" in ts
    assert "  /**\n   * @deprecated\n   */\n  readonly a: string;" in ts
    # `*/` in the reason cannot end the comment early.
    assert "   * The b.\n   *\n   * @deprecated Read `c` instead; *\\/ <b>no</b> markup.\n   */\n  readonly b?: number;" in ts
    ((_, plain),) = render.render(tiny(False), targets=(typescript.TARGET,)).items()
    assert "@deprecated" not in plain


def test_json_schema_marks_deprecated_and_validates_the_same() -> None:
    dep, plain = json_schema.document(tiny(True)), json_schema.document(tiny(False))
    thing = dep["$defs"]["Thing"]
    assert thing["deprecated"] is True and thing["description"] == "A thing.\n\nDeprecated."
    props = thing["properties"]
    assert props["a"]["deprecated"] is True and props["b"]["deprecated"] is True
    assert props["b"]["description"] == f"The b.\n\nDeprecated: {REASON}"
    assert "deprecated" not in props["c"] and "deprecated" not in props["type"]
    assert "deprecated" not in json.dumps(plain)
    for document in (dep, plain):
        jsonschema.Draft202012Validator.check_schema(document)
    for p in PAYLOADS + BAD:
        assert jsonschema.Draft202012Validator(dep).is_valid(p) == jsonschema.Draft202012Validator(plain).is_valid(p)


def test_pydantic_fields_are_deprecated_and_decode_the_same(tmp_path: Path) -> None:
    dep, plain = module(tiny(True), pydantic_target, tmp_path), module(tiny(False), pydantic_target, tmp_path)
    assert dep.Thing.model_fields["a"].deprecated and dep.Thing.model_fields["b"].deprecated
    assert not dep.Thing.model_fields["c"].deprecated
    assert "Deprecated." in (dep.Thing.__doc__ or "")
    for p in PAYLOADS:
        dumped = [m.TinyEvent.model_validate_json(json.dumps(p)).model_dump(mode="json", exclude_unset=True) for m in (dep, plain)]
        assert dumped[0] == dumped[1]
    thing = dep.TinyEvent.model_validate_json(json.dumps(PAYLOADS[1])).root
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert thing.b == 2
    assert any(issubclass(w.category, DeprecationWarning) for w in caught)
