"""String formats (`format:` on a string, spec/README.md "String formats"): the loader's errors, what
each decoder gives back, and the docs pages' summary read back by `import page`.

The agreement of the decoders on each format's good and bad strings is tested with the rest of the
corpus (tests/corpus.py: test_targets_agree.py, test_typescript_agreement.py, the ajv test); the
diff's rules in test_diff.py; the OpenAPI importer's in test_import_openapi.py.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from conftest import GENERATED, KITCHEN, SPEC, import_path
from corpus import BAD_FORMATS
from examples import FORMAT_EXAMPLES, example
from fuzz_import_page import load, pages, round_trip
from generator import formats, model, spec
from generator.problems import SpecError
from generator.targets import base

HEAD = """title: T
page: t/index.md
module: t
entry: e
types:
  a_event:
    fields:
      type: {literal: a}
"""
TAIL = """  e:
    union: [a_event]
    discriminator: type
"""


def problems(fields: str) -> list[str]:
    with pytest.raises(SpecError) as e:
        spec.parse(HEAD + fields + TAIL, "t.yaml", "t.yaml")
    return [f"{p.line}:{p.column}: {p.message}" for p in e.value.problems]


@pytest.mark.parametrize(
    "fields,expected",
    [
        ("      at: {type: string, format: date_time}\n", "9:34: unknown format 'date_time'; did you mean 'date-time'?"),
        ("      at: {type: string, format: URI}\n", "9:34: unknown format 'URI'"),
        ("      at: {type: string, format: unixtime}\n", "a vendor's own format, which no decoder checks, is written `vendor_format: <name>`"),
        ("      n: {type: integer, format: uuid}\n", "9:26: 'format' only applies to a string (type: string)"),
        ("      n: {enum: [a, b], format: uuid}\n", "9:25: 'format' only applies to a string (type: string)"),
        ("      n: {items: {type: boolean, format: date}}\n", "9:34: 'format' only applies to a string (type: string)"),
        ("      n: {literal: x, vendor_format: unixtime}\n", "9:23: 'vendor_format' only applies to a string, an integer or a float"),
        ("      n: {type: integer, vendor_format: 'two words'}\n", "9:41: vendor_format must be a format's name"),
        ("      n: {type: string, format: [date]}\n", "9:33: format must be a string"),
    ],
)
def test_a_misused_format_is_a_located_error(fields: str, expected: str) -> None:
    found = problems(fields)
    assert any(expected in p for p in found), found


def test_each_format_loads_on_a_string_at_any_depth_and_vendor_formats_are_annotations() -> None:
    fields = "".join(
        f"      f{i}: {{type: string, format: {name}}}\n"
        f"      n{i}: {{items: {{values: {{type: string, format: {name}, nullable: true}}}}, optional: true}}\n"
        for i, name in enumerate(formats.FORMATS)
    )
    fields += "      ts: {type: integer, vendor_format: unixtime}\n      ms: {type: float, vendor_format: ms.epoch}\n"
    loaded = spec.parse(HEAD + fields + TAIL, "t.yaml", "t.yaml")
    event = loaded.objects[0]
    types = {f.key: f.type for f in event.fields}
    for i, name in enumerate(formats.FORMATS):
        assert types[f"f{i}"] == model.String(name)
        assert types[f"n{i}"] == model.Array(model.Map(model.Nullable(model.String(name))))
    assert types["ts"] == model.Integer() and types["ms"] == model.Float()  # recorded in the spec only


# -- what the decoders give back -----------------------------------------------------------------------

ks = import_path(KITCHEN / "expected" / "python" / "kitchen_sink.py", "kitchen_sink")
ks_msgspec = import_path(KITCHEN / "expected" / "msgspec" / "kitchen_sink_msgspec.py", "kitchen_sink_msgspec")
ks_pydantic = import_path(KITCHEN / "expected" / "pydantic" / "kitchen_sink_pydantic.py", "kitchen_sink_pydantic")
KITCHEN_SPEC = spec.load(KITCHEN / "spec.yaml")


def placed(**changes: Any) -> dict[str, Any]:
    """A valid order.placed event of the kitchen sink, with `changes`."""
    assert KITCHEN_SPEC.entry is not None
    member = next(m.object for m in KITCHEN_SPEC.entry.members if m.tag == "order.placed")
    formatted = [f for f in member.fields if isinstance(f.type, model.String) and f.type.format == "date-time"]
    assert formatted, "the kitchen sink has a date-time field on order.placed"
    return {**example(member, KITCHEN_SPEC, 0), **changes}


@pytest.mark.parametrize("value", FORMAT_EXAMPLES["date-time"])
def test_every_python_module_keeps_the_string_exactly(value: str) -> None:
    payload = placed(placed_at=value)
    text = json.dumps(payload)
    event = ks.parse_event(text, strict=True)
    assert event.placed_at == value and type(event.placed_at) is str  # the string, not a datetime
    assert event.to_dict() == payload
    assert ks_msgspec.parse_event(text, strict=True).to_dict()["placed_at"] == value
    decoded = ks_pydantic.SinkEvent.model_validate_json(text)
    assert type(decoded.root.placed_at) is str  # a property's own string stays a str in pydantic too
    assert decoded.model_dump(mode="json", by_alias=True, exclude_unset=True)["placed_at"] == value


@pytest.mark.parametrize("kind,value", BAD_FORMATS["date-time"][:5])
def test_errors_name_the_format_at_its_path(kind: str, value: str) -> None:
    text = json.dumps(placed(placed_at=value))
    with pytest.raises(ks.WebhookDecodeError) as ours:
        ks.parse_event(text)
    assert ours.value.path == "$.placed_at"
    assert ours.value.message == f"expected an RFC 3339 date-time, got a string ({json.dumps(value)})"
    with pytest.raises(ks_msgspec.WebhookDecodeError) as fast:
        ks_msgspec.parse_event(text)
    assert (fast.value.path, fast.value.message) == ("$.placed_at", "expected an RFC 3339 date-time")


def test_a_format_inside_an_array_is_reported_at_the_item() -> None:
    text = json.dumps(placed(contacts=["someone@example.com", "nobody"]))
    with pytest.raises(ks.WebhookDecodeError) as e:
        ks.parse_event(text)
    assert (e.value.path, e.value.message) == ("$.contacts[1]", 'expected an email address, got a string ("nobody")')


@pytest.mark.parametrize("spec_path,out", [(SPEC, GENERATED), (KITCHEN / "spec.yaml", KITCHEN / "expected")])
def test_only_the_formats_a_spec_uses_are_in_its_modules(spec_path: Path, out: Path) -> None:
    loaded = spec.load(spec_path)
    used = {f.name for f in base.string_formats(loaded)}
    text = (out / "python" / f"{loaded.module}.py").read_text(encoding="utf-8")
    ts = (out / "typescript" / f"{loaded.module}.ts").read_text(encoding="utf-8")
    for f in formats.FORMATS.values():
        assert (f"def _{f.ident}(" in text) is (f.name in used), f.name
        assert (f"const FORMAT_{f.ident.upper()} =" in ts) is (f.name in used), f.name
    assert ("def _formatted(" in text) is bool(used)
    if spec_path != SPEC:
        assert used == set(formats.FORMATS)  # the kitchen sink uses each


# -- the docs pages --------------------------------------------------------------------------------------


def test_the_cli_page_shows_the_format_and_import_page_reads_it_back() -> None:
    fields = (
        "      at: {type: string, format: date-time, description: When.}\n"
        "      day: {type: string, format: date, optional: true, nullable: true}\n"
        "      mails: {items: {type: string, format: email}}\n"
        "      links: {values: {type: string, format: uri, nullable: true}}\n"
        "      inner: {fields: {id: {type: string, format: uuid}}}\n"
        "      ts: {type: integer, vendor_format: unixtime}\n"
    )
    loaded = load(HEAD + fields + TAIL)
    cli, _ = pages(loaded)
    for line in (
        "`at: string (date-time)`",
        "`day: optional string (date) or null`",
        "`mails: array of string (email)`",
        "`links: map[string (uri) or null]`",
        "`id: string (uuid)`",
        "`ts: number`",
    ):
        assert line in cli, cli
    assert round_trip(loaded) == []


def test_the_diffs_samples_are_each_of_their_format_and_of_no_other() -> None:
    from generator import diff

    for name, samples in diff.FORMAT_SAMPLES.items():
        for sample in samples:
            assert [n for n, r in diff.FORMAT_RE.items() if r.fullmatch(sample)] == [name], sample
