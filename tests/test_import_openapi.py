"""`import openapi`: the vendor's OpenAPI document (tests/fixtures/openai/, MIT) back to a spec.

The imported spec loads and generates; the events it shares with the shipped spec accept and reject
what the shipped spec's do, on the agreement corpus of both; its other events decode what their
corpus says; every vendor example decodes to its event's class (the ones that are not JSON are
reported as warnings, and decode once their trailing comma is gone); everything the spec language
cannot express is reported at its JSON pointer, all at once, exit 2, nothing written; and the output
is deterministic. Nothing here names an event: the cases come from the fixture and the loaded specs.
"""

from __future__ import annotations

import dataclasses
import json
import random
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any, Iterator

import pytest
import yaml

from conftest import ROOT, SPEC, import_path
from corpus import Case, corpus
from generator import cli, model, naming, render, spec
from generator.importers import openapi
from generator.targets import docs_cli
from generator.targets import python as python_target

FIXTURE = ROOT / "tests" / "fixtures" / "openai" / "openapi-webhooks.yaml"
DOC = yaml.safe_load(FIXTURE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def imported() -> openapi.Result:
    return openapi.import_file(FIXTURE, "openapi-webhooks.yaml")


def load(text: str) -> model.Spec:
    return spec.parse(text, "imported.yaml", "imported.yaml", checks=render.checks())


def stdlib(loaded: model.Spec, folder: Path, name: str) -> ModuleType:
    """The spec's stdlib module, rendered in-process and imported as `name`."""
    ((rel, text),) = render.render(loaded, targets=(python_target.TARGET,)).items()
    path = folder / Path(rel).name
    path.write_text(text, encoding="utf-8")
    return import_path(path, name)


@dataclasses.dataclass(frozen=True)
class Both:
    shipped: model.Spec
    imported: model.Spec
    old: ModuleType  # from the shipped spec
    new: ModuleType  # from the imported one


@pytest.fixture(scope="module")
def both(imported: openapi.Result, tmp_path_factory: pytest.TempPathFactory) -> Both:
    shipped = spec.load(SPEC)
    loaded = load(imported.text)
    return Both(
        shipped,
        loaded,
        stdlib(shipped, tmp_path_factory.mktemp("shipped"), "import_openapi_shipped"),
        stdlib(loaded, tmp_path_factory.mktemp("imported"), "import_openapi_imported"),
    )


def tags(loaded: model.Spec) -> set[str]:
    assert loaded.entry is not None
    return {m.tag for m in loaded.entry.members}


def only(loaded: model.Spec, keep: set[str]) -> model.Spec:
    """The spec with its entry union cut to the members whose tag is in `keep` (for the corpus)."""
    assert loaded.entry is not None
    members = tuple(m for m in loaded.entry.members if m.tag in keep)
    return dataclasses.replace(loaded, entry=dataclasses.replace(loaded.entry, members=members))


def verdict(module: ModuleType, payload: Any, strict: bool = True) -> tuple[str, Any]:
    """What a module makes of a payload: the class kind and JSON, or where it rejects it."""
    try:
        event = module.parse_event(json.dumps(payload), strict=strict)
    except module.WebhookDecodeError as e:
        return "rejected", e.path
    kind = "unknown" if isinstance(event, module.UnknownWebhookEvent) else "known"
    return kind, event.to_dict()


def webhook_schemas() -> Iterator[tuple[str, dict[str, Any]]]:
    """(schema name, schema) of every webhook's payload in the fixture."""
    for item in DOC["webhooks"].values():
        for operation in item.values():
            ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
            name = ref.rsplit("/", 1)[1]
            yield name, DOC["components"]["schemas"][name]


# -- the fixture -----------------------------------------------------------------------------------------


def test_fixture_imports_as_a_spec_with_every_webhook(imported: openapi.Result) -> None:
    loaded = load(imported.text)
    assert loaded.entry is not None
    names = [name for name, _ in webhook_schemas()]
    # Every webhook is a member, in the document's order, named as the vendor names its schema.
    assert [m.object.name.pascal for m in loaded.entry.members] == names
    assert [m.tag for m in loaded.entry.members] == [s["properties"]["type"]["enum"][0] for _, s in webhook_schemas()]
    for (_, schema), member in zip(webhook_schemas(), loaded.entry.members):
        fields = {f.key: f for f in member.object.fields}
        assert list(fields) == list(schema["properties"])
        assert {k for k, f in fields.items() if not f.optional} == set(schema["required"])
        assert member.object.description == schema["description"].strip()


@pytest.mark.spec_driven
def test_shared_events_accept_and_reject_what_the_shipped_spec_does(both: Both) -> None:
    shared = tags(both.shipped) & tags(both.imported)
    assert shared, "the shipped spec and the vendor's document share no event"
    cases = corpus(only(both.shipped, shared)) + corpus(only(both.imported, shared))
    differ = [
        f"{case.name}: shipped {verdict(both.old, case.payload)}, imported {verdict(both.new, case.payload)}"
        for case in cases
        if verdict(both.old, case.payload) != verdict(both.new, case.payload)
    ]
    assert not differ, "\n".join(differ[:20])
    assert sum(not c.valid for c in cases) > len(shared) * 10  # mutations at every depth, not just a few


@pytest.mark.spec_driven
def test_events_only_the_vendor_document_has_decode_their_corpus(both: Both) -> None:
    extra = tags(both.imported) - tags(both.shipped)
    cases: list[Case] = corpus(only(both.imported, extra)) if extra else []
    for case in cases:
        kind, value = verdict(both.new, case.payload)
        if case.valid:
            assert (kind, value) == ("known", case.payload), case.name
        else:
            assert kind == "rejected", case.name
        if case.valid:
            # The shipped spec does not know it: its receiver rejects it when strict, else keeps it whole.
            assert verdict(both.old, case.payload, strict=False) == ("unknown", case.payload), case.name


def test_vendor_examples_decode_and_the_ones_that_are_not_json_are_reported(
    imported: openapi.Result, both: Both
) -> None:
    published = {
        f"/components/schemas/{name}/x-oaiMeta/example": schema["x-oaiMeta"]["example"]
        for name, schema in webhook_schemas()
    }
    assert {e.pointer for e in imported.examples} == set(published)
    not_json = set()
    for where, text in published.items():
        try:
            json.loads(text)
        except json.JSONDecodeError:
            not_json.add(where)
    warned = {i.pointer for i in imported.issues if i.level == "warning"}
    assert warned == not_json  # reported, each at its pointer, and nothing else is
    for example in imported.examples:
        payload = example.value
        if not example.is_json:
            assert example.text is not None and "trailing comma" in next(
                i.message for i in imported.issues if i.pointer == example.pointer
            )
            payload = json.loads(re.sub(r",(\s*[}\]])", r"\1", example.text))
        event = both.new.parse_event(json.dumps(payload), strict=True)
        assert type(event).__name__ == naming.pascal(example.type_name), example.pointer
        assert event.to_dict() == payload


def test_what_the_spec_cannot_keep_is_noted_not_hidden(imported: openapi.Result) -> None:
    """Every `format` the spec does not keep (beyond number sizes) and example in the fixture has a
    note; its descriptions of array items are kept, as the items' descriptions."""

    def dropped(node: Any, where: str) -> Iterator[str]:
        if isinstance(node, dict):
            for key, value in node.items():
                at = f"{where}/{key}"
                if key == "format" and value not in openapi.SIZE_FORMATS and not openapi.kept_format(node):
                    yield at
                if key == "x-oaiMeta":
                    continue
                yield from dropped(value, at)

    def item_descriptions(node: Any) -> Iterator[str]:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "items" and isinstance(value, dict) and isinstance(value.get("description"), str):
                    yield value["description"].strip()
                if key != "x-oaiMeta":
                    yield from item_descriptions(value)

    expected = set(dropped(DOC["components"]["schemas"], "/components/schemas"))
    expected |= {e.pointer for e in imported.examples if e.is_json}
    assert {i.pointer for i in imported.issues if i.level == "note"} == expected
    loaded = load(imported.text)
    kept = {
        f.type.item_description
        for obj in loaded.objects
        for f in obj.fields
        if isinstance(f.type, model.Array) and f.type.item_description is not None
    }
    wanted = set(item_descriptions(DOC["components"]["schemas"]))
    assert wanted and kept == wanted


# -- the command -----------------------------------------------------------------------------------------


def test_stdout_without_out_and_a_file_with_it(
    imported: openapi.Result, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["import", "openapi", str(FIXTURE)]) == 0
    captured = capsys.readouterr()
    assert captured.out == imported.text
    assert captured.err.count("warning: ") == sum(i.level == "warning" for i in imported.issues)
    out = tmp_path / "vendor.yaml"
    assert cli.main(["import", "openapi", str(FIXTURE), "--out", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == imported.text


def test_deterministic_and_the_same_from_json(imported: openapi.Result, tmp_path: Path) -> None:
    again = openapi.import_file(FIXTURE, "openapi-webhooks.yaml")
    assert again.text.encode() == imported.text.encode()
    as_json = tmp_path / "openapi-webhooks.json"
    as_json.write_text(json.dumps(DOC, indent=1), encoding="utf-8")
    assert openapi.import_file(as_json, "openapi-webhooks.json").text == imported.text


def test_round_trip_import_then_generate(imported: openapi.Result, tmp_path: Path) -> None:
    spec_path = tmp_path / "vendor.yaml"
    assert cli.main(["import", "openapi", str(FIXTURE), "--out", str(spec_path)]) == 0
    out = tmp_path / "out"
    assert cli.main(["generate", "--spec", str(spec_path), "--out", str(out)]) == 0
    loaded = spec.load(spec_path)
    assert (out / "python" / f"{loaded.module}.py").is_file()
    assert cli.main(["check", "--spec", str(spec_path), "--out", str(out)]) == 0


def test_python_m_generator_and_help_with_an_example(tmp_path: Path) -> None:
    ran = subprocess.run(
        [sys.executable, "-m", "generator", "import", "openapi", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert ran.returncode == 0, ran.stderr
    assert "example:" in ran.stdout and "import openapi" in ran.stdout


# -- what cannot be expressed yet ------------------------------------------------------------------------

# A property schema the spec language cannot express yet -> where the error is, below the property.
UNSUPPORTED: dict[str, tuple[Any, str]] = {
    "not_a_schema": (False, ""),
    "float_enum": ({"type": "number", "enum": [0.5, 1.5]}, "/enum"),
    "mixed_enum": ({"enum": ["a", 1]}, "/enum"),
    "untagged": ({"oneOf": [{"type": "string"}, {"type": "number", "enum": [0.5]}]}, "/oneOf/1/enum/0"),
    "bounded": ({"type": "string", "maxLength": 3}, "/maxLength"),
    "any_items": ({"type": "array"}, ""),
    "float_const": ({"const": 1.5}, "/const"),
    "elsewhere": ({"$ref": "other.yaml#/Thing"}, "/$ref"),
    "missing": ({"$ref": "#/components/schemas/Nowhere"}, "/$ref"),
    "only_null": ({"type": "null"}, "/type"),
    "required_without_schema": ({"type": "object", "properties": {"a": {"type": "string"}}, "required": ["b"]}, "/required/0"),
}


@pytest.mark.parametrize(
    "schema,kind",
    [
        ({}, model.Json),
        (True, model.Json),
        ({"description": "anything"}, model.Json),
        ({"nullable": True}, model.Json),
        ({"type": ["null"], "description": "x"}, None),
        ({"type": "object"}, model.Map),
        ({"type": "object", "additionalProperties": True}, model.Map),
    ],
)
def test_a_schema_that_accepts_any_value_is_a_json_field(schema: Any, kind: type | None) -> None:
    """Any value is `type: json`; any object (no declared properties) `type: object`, a map of json."""
    doc = json.loads(json.dumps(DOC))
    name, _ = next(webhook_schemas())
    doc["components"]["schemas"][name]["properties"]["anything"] = schema
    doc["components"]["schemas"][name].setdefault("required", []).append("anything")
    try:
        result = openapi.import_document(doc, "doc.yaml")
    except openapi.ImportFailed as e:
        assert kind is None, e.lines  # a value that can only be null
        return
    loaded = load(result.text)
    (field,) = [f for obj in loaded.objects for f in obj.fields if f.key == "anything"]
    assert kind is not None and isinstance(field.type, kind) and not field.optional
    assert isinstance(field.type, model.Json) or field.type == model.Map(model.Json())


@pytest.mark.parametrize("key", ["additionalProperties", "unevaluatedProperties"])
def test_properties_beside_an_additional_properties_schema_is_an_open_object(key: str) -> None:
    """`properties` and an `additionalProperties` schema: `other_values:` beside `fields:`, its
    description on `other_values:`; the payloads it describes decode."""
    doc = json.loads(json.dumps(DOC))
    name, _ = next(webhook_schemas())
    extra = {"type": "object", "description": "One note.", "properties": {"text": {"type": "string"}}, "required": ["text"]}
    doc["components"]["schemas"][name]["properties"]["meta"] = {
        "type": "object",
        "properties": {"a": {"type": "string"}},
        "required": ["a"],
        key: {"type": "integer", "description": "A count."},
    }
    doc["components"]["schemas"][name]["properties"]["notes"] = {"type": "object", "properties": {"n": {"type": "integer"}}, key: extra}
    result = openapi.import_document(doc, "doc.yaml")
    loaded = load(result.text)
    (meta,) = [f for obj in loaded.objects for f in obj.fields if f.key == "meta"]
    assert isinstance(meta.type, model.Object) and meta.type.other == model.Integer() and meta.type.other_description == "A count."
    (notes,) = [f for obj in loaded.objects for f in obj.fields if f.key == "notes"]
    assert isinstance(notes.type, model.Object) and isinstance(notes.type.other, model.Object)
    assert [f.key for f in notes.type.other.fields] == ["text"] and notes.type.other.name.snake.endswith("_other_value")


@pytest.mark.parametrize(
    "schema,members,nullable",
    [
        ({"anyOf": [{"type": "string"}, {"type": "integer"}]}, ["string", "integer"], False),
        ({"type": ["string", "integer", "null"]}, ["string", "integer"], True),
        (
            {"oneOf": [{"type": "object", "properties": {"a": {"type": "string"}}, "required": ["a"]}, {"type": "null"}, {"type": "boolean"}]},
            ["object", "boolean"],
            True,
        ),
    ],
)
def test_a_union_without_a_discriminator_is_a_one_of(schema: Any, members: list[str], nullable: bool) -> None:
    """oneOf/anyOf whose members are not tagged objects, and a list of types: one_of, members in order,
    a null member as `nullable: true`."""
    doc = json.loads(json.dumps(DOC))
    name, _ = next(webhook_schemas())
    doc["components"]["schemas"][name]["properties"]["either"] = schema
    result = openapi.import_document(doc, "doc.yaml")
    loaded = load(result.text)
    (field,) = [f for obj in loaded.objects for f in obj.fields if f.key == "either"]
    t = field.type.inner if isinstance(field.type, model.Nullable) else field.type
    assert isinstance(field.type, model.Nullable) == nullable
    assert isinstance(t, model.OneOf)
    assert ["object" if isinstance(m, model.Object) else spec.member_text(m) for m in t.members] == members


def test_a_one_of_member_never_chosen_is_reported_at_the_property() -> None:
    doc = json.loads(json.dumps(DOC))
    name, _ = next(webhook_schemas())
    doc["components"]["schemas"][name]["properties"]["either"] = {"anyOf": [{"type": "number"}, {"type": "integer"}]}
    with pytest.raises(openapi.ImportFailed) as e:
        openapi.import_document(doc, "doc.yaml")
    assert any(f"/components/schemas/{name}/properties/either" in line and "never chosen" in line for line in e.value.lines), e.value.lines


def hostile_document() -> dict[str, Any]:
    event = {
        "type": "object",
        "required": ["type"],
        "properties": {"type": {"type": "string", "const": "thing.happened"}}
        | {name: schema for name, (schema, _) in UNSUPPORTED.items()},
    }
    return {
        "openapi": "3.1.0",
        "info": {"title": "Hostile", "version": "1"},
        "webhooks": {
            "thing": {"post": {"requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}}}},
            "bodiless": {"post": {"description": "no body"}},
        },
        "components": {"schemas": {"Thing": event}},
    }


def test_every_unsupported_construct_is_reported_at_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "hostile.json"
    source.write_text(json.dumps(hostile_document()), encoding="utf-8")
    out = tmp_path / "spec.yaml"
    assert cli.main(["import", "openapi", str(source), "--out", str(out)]) == 2
    assert not out.exists() and list(tmp_path.iterdir()) == [source]
    err = capsys.readouterr().err.splitlines()
    shown = cli.shown(source)
    expected = {f"/components/schemas/Thing/properties/{name}{below}" for name, (_, below) in UNSUPPORTED.items()}
    expected.add("/webhooks/bodiless/post/requestBody")
    reported = {line.split(": ")[1] for line in err}
    assert all(line.startswith(f"{shown}: /") for line in err), err
    assert reported == expected, "\n".join(err)


def test_unsupported_events_are_reported_and_the_others_are_not(tmp_path: Path) -> None:
    """An event the spec cannot express yet fails the import; the errors name only its schema."""
    doc = json.loads(json.dumps(DOC))
    name, schema = next(webhook_schemas())
    doc["components"]["schemas"][name]["properties"]["extra"] = {"type": "array"}  # items not declared
    with pytest.raises(openapi.ImportFailed) as e:
        openapi.import_document(doc, "doc.yaml")
    errors = [line for line in e.value.lines if ": warning: " not in line]
    assert errors == [f"doc.yaml: /components/schemas/{name}/properties/extra: " + errors[0].split(": ", 2)[2]]
    assert len([line for line in e.value.lines if ": warning: " in line]) == sum(
        1 for _, s in webhook_schemas() if not is_json(s["x-oaiMeta"]["example"])
    )


def is_json(text: str) -> bool:
    try:
        json.loads(text)
    except json.JSONDecodeError:
        return False
    return True


# -- hostile text ----------------------------------------------------------------------------------------

HOSTILE = [
    "Status: one of the values below.",
    "Use the #2 endpoint instead.",
    "`batch.cancelled`, always.",
    "[beta] Subject to change.",
    "{not: a mapping}",
    "- not a list",
    "yes",
    "null",
    "~",
    "1.10",
    "0x1f",
    "2024-01-01",
    "&anchor *alias !tag %directive @at |pipe >fold",
    "quotes ' and \" and \\ backslash",
    "first line\n  indented second line\n\nafter a blank line",
    "  leading spaces\nand a line",
    "tab\there",
    "control \x01 and \x7f and \x85 and \u2028 and \ufeff",
    "---\n...",
    "emoji \U0001f600 and accents é",
    "trailing spaces   \nnext",
    "# a comment?",
    "a, b, c",
]


def hostile_text_document(texts: list[str]) -> dict[str, Any]:
    properties: dict[str, Any] = {"type": {"type": "string", "enum": ["said"], "description": texts[0]}}
    for i, text in enumerate(texts):
        properties[f"f{i}"] = {"type": "string", "description": text}
        properties[f"e{i}"] = {"type": "string", "enum": [text, text + "!"]}
    return {
        "openapi": "3.1.0",
        "info": {"title": "Words", "version": "1"},
        "webhooks": {
            "said": {"post": {"requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Said"}}}}}}
        },
        "components": {"schemas": {"Said": {"type": "object", "required": ["type"], "properties": properties, "description": texts[-1]}}},
    }


def random_texts(seed: int, n: int) -> list[str]:
    rng = random.Random(seed)
    alphabet = " \t\n:#-[]{},&*!|>'\"%@`?\\~é\x00\x1b\x7f\x85\u2028\ufeff\U0001f600abcXYZ019"
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 30))) for _ in range(n)]


@pytest.mark.parametrize("texts", [HOSTILE, random_texts(20, 200)], ids=["hostile", "random"])
def test_hostile_text_reads_back_exactly(texts: list[str]) -> None:
    texts = [t for t in texts if t.strip()]
    result = openapi.import_document(hostile_text_document(texts), "words.json")
    loaded = load(result.text)
    (obj,) = loaded.objects
    fields = {f.key: f for f in obj.fields}
    assert obj.description == texts[-1].strip()
    for i, text in enumerate(texts):
        assert fields[f"f{i}"].description == text.strip(), repr(text)
        assert fields[f"e{i}"].type == model.Enum((text, text + "!"), False), repr(text)
    assert yaml.safe_load(result.text)["types"]  # plain YAML: no tags, anchors or aliases


# -- every shape the spec language holds today -----------------------------------------------------------

CONSTRUCTS = ROOT / "tests" / "fixtures" / "openapi-constructs.yaml"


def test_each_json_schema_shape_becomes_its_spec_construct() -> None:
    result = openapi.import_file(CONSTRUCTS, "constructs.yaml")
    loaded = load(result.text)
    assert loaded.entry is not None and loaded.entry.discriminator == "event"  # found from the constants
    assert [m.object.name.snake for m in loaded.entry.members] == ["order_paid", "order_shipped"]
    order = loaded.definition(model.Name("order"))
    assert isinstance(order, model.Object)
    fields = {f.key: f for f in order.fields}
    assert fields["id"] == model.Field("id", model.String(), "The ID.", False, name="id")  # from allOf's first part
    assert fields["total"].type == model.Nullable(model.Float()) and fields["total"].optional  # nullable: true
    assert fields["note"].type == model.Nullable(model.String())  # type: [string, "null"]
    status = model.Named(model.Name("status"), model.Enum(("pending", "paid")))
    assert fields["status"].type == model.Nullable(status)  # a named enum, null in it: nullable at every use
    assert [a.name.snake for a in loaded.aliases] == ["status"]
    assert order.extends == (model.Name("base"),)  # allOf of a $ref to a named object and an object of its own
    assert fields["channel"].type == model.Enum(("web", "app"), open=True)  # anyOf [enum, string]
    assert fields["stock"].type == model.Map(model.Integer())  # additionalProperties
    assert fields["priority"].type == model.Enum((1, 2, 3))  # an integer enum
    assert fields["contentType"].name == "content_type"  # a key that is not snake_case keeps its JSON spelling
    # formats: one every decoder checks is kept; any other on a string or number is recorded, unchecked
    assert fields["placed_at"].type == model.String("date-time")
    assert fields["receipt"].type == model.Nullable(model.String("uuid"))
    assert fields["emails"].type == model.Array(model.String("email"))
    assert fields["paid_at"].type == model.Integer() and fields["secret"].type == model.String()
    assert "paid_at: {type: integer, vendor_format: unixtime, optional: true}" in result.text
    assert "secret: {type: string, vendor_format: password, optional: true}" in result.text
    assert "grams: {type: integer, optional: true}" in result.text  # a number's size is no format of the value
    assert fields["payment"].type == model.Ref(model.Name("payment"))
    assert fields["category"].type == model.Ref(model.Name("category"))  # `allOf: [$ref]` beside a description
    assert fields["category"].description == "Where it is filed."
    category = loaded.definition(model.Name("category"))  # a tree: it refers to itself by name
    assert isinstance(category, model.Object)
    assert {f.key: f.type for f in category.fields}["children"] == model.Array(model.Ref(model.Name("category")))
    assert fields["previous"].type == model.Nullable(model.Ref(model.Name("maybe_base")))  # a type that allows null
    lines = fields["lines"].type
    assert isinstance(lines, model.Array) and isinstance(lines.item, model.Object)
    payment = loaded.definition(model.Name("payment"))
    assert isinstance(payment, model.Union_) and payment.discriminator == "kind"
    assert [m.tag for m in payment.members] == ["card", "cash"]
    paid = loaded.definition(model.Name("order_paid"))
    assert isinstance(paid, model.Object)
    assert {f.key: f.type for f in paid.fields}["maybe"] == model.Nullable(model.Ref(model.Name("base")))
    shipped = loaded.definition(model.Name("order_shipped"))  # an inline payload: named after its webhook
    assert isinstance(shipped, model.Object) and shipped.description == "Sent when shipped."
    notes = {i.pointer for i in result.issues if i.level == "note"}
    assert notes == set()


def test_an_imported_spec_decodes_its_own_corpus(tmp_path: Path) -> None:
    loaded = load(openapi.import_file(CONSTRUCTS, "constructs.yaml").text)
    module = stdlib(loaded, tmp_path, "import_openapi_constructs")
    cases = corpus(loaded)
    assert len(cases) > 50
    for case in cases:
        kind, value = verdict(module, case.payload)
        assert (kind, value) == (("known", case.payload) if case.valid else ("rejected", value)), case.name


@pytest.mark.parametrize(
    "payload,message",
    [
        ({"type": "string"}, "is not an object type"),
        ({"oneOf": [{"$ref": "#/components/schemas/A"}, {"$ref": "#/components/schemas/B"}]}, "is not an object type"),
        (
            {"type": "object", "required": ["type"], "properties": {"type": {"const": "p"}, "x": {"$ref": "#/components/schemas/C"}}},
            "refers to itself",
        ),
    ],
    ids=["scalar", "union", "cycle"],
)
def test_a_payload_that_is_not_an_object_or_a_ref_cycle_is_an_error(payload: Any, message: str) -> None:
    obj = {"type": "object", "required": ["type"], "properties": {"type": {"const": "a"}}}
    doc = {
        "openapi": "3.1.0",
        "webhooks": {"w": {"post": {"requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/P"}}}}}}},
        "components": {
            "schemas": {
                "P": payload,
                "A": obj,
                "B": {**obj, "properties": {"type": {"const": "b"}}},
                "C": {"$ref": "#/components/schemas/D"},
                "D": {"$ref": "#/components/schemas/C"},
            }
        },
    }
    with pytest.raises(openapi.ImportFailed) as e:
        openapi.import_document(doc, "doc.json")
    assert len(e.value.lines) == 1 and message in e.value.lines[0], e.value.lines
    assert e.value.lines[0].startswith("doc.json: /")


def vendor_payloads(imported: openapi.Result) -> list[tuple[str, str, Any]]:
    """(pointer, type name, payload) of every vendor example; one that is not JSON without its trailing comma."""
    out = []
    for e in imported.examples:
        payload = e.value if e.is_json else json.loads(re.sub(r",(\s*[}\]])", r"\1", e.text or ""))
        out.append((e.pointer, e.type_name, payload))
    return out


@pytest.mark.parametrize("target", ["msgspec", "pydantic", "json_schema"])
def test_vendor_examples_decode_in_every_python_target(imported: openapi.Result, target: str, tmp_path: Path) -> None:
    import jsonschema

    from generator.targets import json_schema
    from generator.targets import msgspec as msgspec_target
    from generator.targets import pydantic as pydantic_target

    loaded = load(imported.text)
    chosen = {"msgspec": msgspec_target, "pydantic": pydantic_target, "json_schema": json_schema}[target]
    ((rel, text),) = render.render(loaded, targets=(chosen.TARGET,)).items()
    payloads = vendor_payloads(imported)
    assert payloads
    if target == "json_schema":
        validator = jsonschema.Draft202012Validator(json.loads(text))
        for where, _, payload in payloads:
            assert validator.is_valid(payload), where
        return
    path = tmp_path / Path(rel).name
    path.write_text(text, encoding="utf-8")
    module = import_path(path, f"import_openapi_{target}")
    for where, type_name, payload in payloads:
        if target == "msgspec":
            event = module.parse_event(json.dumps(payload), strict=True)
            assert type(event).__name__ == naming.pascal(type_name), where
            assert event.to_dict() == payload, where
        else:
            assert loaded.entry is not None
            union = getattr(module, loaded.entry.name.pascal)
            decoded = union.model_validate_json(json.dumps(payload))
            assert decoded.model_dump(mode="json", by_alias=True, exclude_unset=True) == payload, where
            assert type(getattr(decoded, "root", decoded)).__name__ == naming.pascal(type_name), where


def test_hostile_keys_and_constants(tmp_path: Path) -> None:
    """Keys that are keywords or not snake_case keep their JSON spelling; constants YAML would misread
    stay strings; a key no spec can hold is reported at its pointer (the loader's error, mapped back)."""
    keys = ["from", "class", "yes", "Content-Type", "x.y", "émoji", "null"]
    constants = ["yes", "1.10", "2024-01-01", "0x1f", "~", "on", "a: b", "#x", "[1]"]
    properties: dict[str, Any] = {"type": {"const": "t"}}
    properties |= {key: {"type": "string"} for key in keys}
    properties |= {f"c{i}": {"const": c} for i, c in enumerate(constants)}
    doc = {
        "openapi": "3.1.0",
        "webhooks": {"t": {"post": {"requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/T"}}}}}}},
        "components": {"schemas": {"T": {"type": "object", "required": ["type"], "properties": properties}}},
    }
    loaded = load(openapi.import_document(doc, "doc.json").text)
    (obj,) = loaded.objects
    fields = {f.key: f for f in obj.fields}
    assert set(keys) <= set(fields)
    for i, c in enumerate(constants):
        assert fields[f"c{i}"].type == model.Literal(c), c
    properties['say"hi'] = {"type": "string"}
    with pytest.raises(openapi.ImportFailed) as e:
        openapi.import_document(doc, "doc.json")
    assert [line.split(": ")[1] for line in e.value.lines] == ['/components/schemas/T/properties/say"hi']


# -- random documents: never a traceback -----------------------------------------------------------------

NAMES = ["A", "b_c", "Dd", "e-f", "G.h", "yes", "from", "ÿ", "", "x/y", "~0"]


def random_schema(rng: random.Random, depth: int) -> Any:
    """A schema from a grammar of what the importer reads, what it refuses, and what is malformed."""
    leaves: list[Any] = [
        {"type": "string", "format": rng.choice(["date-time", "unixtime", "int64"])},
        {"type": "integer"},
        {"type": "number", "nullable": True},
        {"type": ["boolean", "null"]},
        {"const": rng.choice(["x", 1, True, 1.5, None, [1]])},
        {"enum": rng.choice([["a"], ["a", "b", None], [1, 2], [], "a"])},
        {"$ref": f"#/components/schemas/{rng.choice(NAMES)}"},
        {"$ref": rng.choice(["#/nowhere", "ext.yaml#/A", "#/components/schemas", "#"])},
        {},
        True,
        None,
        {"type": "string", "maxLength": 2},
        {"type": rng.choice(["null", "file", 3])},
        {"const": rng.choice([-7, False, 10**18])},
        {"enum": rng.choice([[True, False], [-1, 0, 1], [1, "a"]])},
        {"type": "object", "description": "any object"},
    ]
    if depth > 3 or rng.random() < 0.4:
        return annotated(rng, rng.choice(leaves))
    return annotated(rng, composite_schema(rng, depth))


def annotated(rng: random.Random, schema: Any) -> Any:
    """Now and then `deprecated` (true, false or malformed) and a description beside the schema."""
    if not isinstance(schema, dict) or rng.random() < 0.7:
        return schema
    return {**schema, "deprecated": rng.choice([True, True, False, "yes"]), "description": rng.choice(["d", " ", 3])}


def composite_schema(rng: random.Random, depth: int) -> Any:
    props = {rng.choice(NAMES + ["type", "id"]): random_schema(rng, depth + 1) for _ in range(rng.randint(0, 3))}
    composite: list[Any] = [
        {"type": "object", "properties": props, "required": rng.sample(list(props) + ["zz"], k=min(1, len(props)))},
        {"type": "object", "additionalProperties": random_schema(rng, depth + 1)},
        {"type": "array", "items": random_schema(rng, depth + 1)},
        {"type": "array"},
        {rng.choice(["oneOf", "anyOf", "allOf"]): [random_schema(rng, depth + 1) for _ in range(rng.randint(0, 3))]},
        {"allOf": [{"$ref": f"#/components/schemas/{rng.choice(NAMES)}"}], "description": "d"},
        {"properties": "nope"},
    ]
    return rng.choice(composite)


def random_document(rng: random.Random) -> Any:
    schemas = {name: random_schema(rng, 0) for name in rng.sample(NAMES, k=rng.randint(0, len(NAMES)))}
    events = rng.sample(NAMES[:4], k=2)
    for name in events:  # events that import
        schemas[name] = {"type": "object", "required": ["type"], "properties": {"type": {"const": name}, "v": random_schema(rng, 2)}}
    if rng.random() < 0.3:  # only events that import, with fields of every supported kind
        good = [{"type": "string", "format": "uuid"}, {"type": ["integer", "null"]}, {"enum": ["a", "b"]}, {"type": "array", "items": {"type": "number"}}]
        for name in events:
            schemas[name]["properties"]["v"] = rng.choice(good)
        refs = {"$ref": f"#/components/schemas/{rng.choice(events)}"}
        return {"openapi": "3.1.0", "webhooks": {"w": {"post": {"requestBody": {"content": {"application/json": {"schema": refs}}}}}}, "components": {"schemas": schemas}}
    webhooks = {
        f"w{i}": rng.choice(
            [
                {"post": {"requestBody": {"content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{rng.choice(NAMES)}"}}}}}},
                {"post": {"requestBody": {"content": {"application/json": {"schema": random_schema(rng, 1)}}}}},
                {"post": {}},
                {"post": {"requestBody": {"$ref": "#/components/requestBodies/Nope"}}},
                "nope",
            ]
        )
        for i in range(rng.randint(0, 4))
    }
    return rng.choice(
        [
            {"openapi": "3.1.0", "webhooks": webhooks, "components": {"schemas": schemas}},
            {"openapi": "2.0", "webhooks": webhooks},
            [1],
        ]
    )


def test_random_documents_import_or_fail_with_located_lines() -> None:
    rng = random.Random(19)
    located = re.compile(r"doc\.json: (/\S*)?: ")
    imported = failed = 0
    for _ in range(400):
        doc = random_document(rng)
        try:
            result = openapi.import_document(doc, "doc.json")
        except openapi.ImportFailed as e:
            failed += 1
            assert e.lines and all(located.match(line) for line in e.lines), e.lines
            continue
        imported += 1
        load(result.text)
        assert openapi.import_document(doc, "doc.json").text == result.text
    assert imported > 10 and failed > 100, (imported, failed)


# -- deprecation, element descriptions, integer and boolean constants, any JSON --------------------------


def small_document(schemas: dict[str, Any], **operations: dict[str, Any]) -> dict[str, Any]:
    """A document with one webhook per entry of `operations` (its operation's keys beside the body,
    whose schema is the `$ref` or inline schema under "schema")."""
    webhooks = {}
    for name, op in operations.items():
        body = {"requestBody": {"content": {"application/json": {"schema": op["schema"]}}}}
        webhooks[name] = {"post": {**{k: v for k, v in op.items() if k != "schema"}, **body}}
    return {"openapi": "3.1.0", "info": {"title": "Small", "version": "1"}, "webhooks": webhooks, "components": {"schemas": schemas}}


def event_schema(tag: str, **properties: Any) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["type", *properties],
        "properties": {"type": {"type": "string", "const": tag}, **properties},
    }


def fields_of(loaded: model.Spec, name: str) -> dict[str, model.Field]:
    obj = loaded.definition(model.Name(name))
    assert isinstance(obj, model.Object)
    return {f.key: f for f in obj.fields}


def test_deprecated_operations_schemas_and_properties_are_kept() -> None:
    schemas = {
        "Placed": {
            **event_schema(
                "placed",
                old={"type": "string", "deprecated": True, "description": "Use new."},
                address={"$ref": "#/components/schemas/Address", "deprecated": True},
                fresh={"type": "string", "deprecated": False},
                tags={"type": "array", "items": {"type": "string", "deprecated": True}},
            ),
            "deprecated": True,
        },
        "Address": {"type": "object", "properties": {"city": {"type": "string"}}, "deprecated": True},
        "Cancelled": event_schema("cancelled"),
        "Shipped": event_schema("shipped"),
    }
    schemas["Cancelled"]["properties"]["type"]["deprecated"] = True  # the discriminator: cannot be
    doc = small_document(
        schemas,
        placed={"schema": {"$ref": "#/components/schemas/Placed"}},
        cancelled={"schema": {"$ref": "#/components/schemas/Cancelled"}, "deprecated": True},
        refunded={"schema": event_schema("refunded", amount={"type": "number"}), "deprecated": True},
        # one payload, two webhooks, one of them deprecated: the type is not
        shipped={"schema": {"$ref": "#/components/schemas/Shipped"}, "deprecated": True},
        sent={"schema": {"$ref": "#/components/schemas/Shipped"}},
    )
    result = openapi.import_document(doc, "doc.json")
    loaded = load(result.text)
    objects = {d.name.snake: d for d in loaded.definitions if isinstance(d, model.Object)}
    assert {n: o.deprecated for n, o in objects.items()} == {
        "placed": "",  # on the schema
        "address": "",
        "cancelled": "",  # on the operation, the payload a $ref
        "refunded": "",  # on the operation, the payload inline
        "shipped": None,
    }
    placed = fields_of(loaded, "placed")
    assert placed["old"].deprecated == "" and placed["old"].description == "Use new."
    assert placed["address"].deprecated == ""  # beside a $ref
    assert placed["fresh"].deprecated is None and placed["tags"].deprecated is None
    assert fields_of(loaded, "cancelled")["type"].deprecated is None
    notes = {i.pointer: i.message for i in result.issues if i.level == "note"}
    assert "discriminator" in notes["/components/schemas/Cancelled/properties/type/deprecated"]
    assert "`deprecated` not kept" in notes["/components/schemas/Placed/properties/tags/items/deprecated"]
    assert not [p for p in notes if p.endswith("/deprecated") and "Cancelled" not in p and "items" not in p]
    # every output says so: the docs page's note, decoding unchanged
    page = render.render(loaded, targets=(docs_cli.TARGET,))[docs_cli.path(loaded)]
    assert page.count("Deprecated.") >= 5


def test_deprecated_that_is_not_a_boolean_is_an_error() -> None:
    doc = small_document({"E": event_schema("e", x={"type": "string", "deprecated": "soon"})}, e={"schema": {"$ref": "#/components/schemas/E"}})
    with pytest.raises(openapi.ImportFailed) as e:
        openapi.import_document(doc, "doc.json")
    assert e.value.lines == ["doc.json: /components/schemas/E/properties/x/deprecated: `deprecated` must be true or false"]


def test_descriptions_of_items_and_map_values_are_kept() -> None:
    schemas = {
        "E": event_schema(
            "e",
            tags={"type": "array", "description": "The tags.", "items": {"type": "string", "description": " One tag. "}},
            grid={"type": "array", "items": {"type": "array", "description": "A row.", "items": {"type": "integer", "description": "A cell."}}},
            stock={"type": "object", "additionalProperties": {"type": "integer", "description": "Units on hand."}},
            lines={"type": "array", "items": {"type": "object", "description": "One line.", "properties": {"sku": {"type": "string"}}}},
            homes={"type": "array", "items": {"$ref": "#/components/schemas/Address", "description": "A home."}},
            extra={"type": "object", "additionalProperties": {"description": "Anything."}},
        ),
        "Address": {"type": "object", "properties": {"city": {"type": "string"}}},
    }
    result = openapi.import_document(small_document(schemas, e={"schema": {"$ref": "#/components/schemas/E"}}), "doc.json")
    loaded = load(result.text)
    f = fields_of(loaded, "e")
    assert model.element_notes(f["tags"].type) == ("Each item: One tag.",) and f["tags"].description == "The tags."
    assert model.element_notes(f["grid"].type) == ("Each item: A row.", "Each item of each item: A cell.")
    assert model.element_notes(f["stock"].type) == ("Each value: Units on hand.",)
    lines = f["lines"].type
    assert isinstance(lines, model.Array) and isinstance(lines.item, model.Object)
    assert lines.item_description == "One line." and lines.item.description == "One line."  # the class's too
    assert model.element_notes(f["homes"].type) == ("Each item: A home.",)
    assert f["extra"].type == model.Map(model.Json()) and model.element_notes(f["extra"].type) == ("Each value: Anything.",)
    assert not [i for i in result.issues if "description" in i.pointer]  # nothing dropped


def test_integer_and_boolean_constants_and_enums() -> None:
    schemas = {
        "E": event_schema(
            "e",
            version={"type": "integer", "const": 2},
            below={"const": -5},
            live={"type": "boolean", "const": True},
            off={"enum": [False]},
            level={"type": "integer", "enum": [3, -1, 0]},
            maybe={"type": ["integer", "null"], "enum": [1, 2, None]},
            either={"enum": [True, False]},
        ),
    }
    loaded = load(openapi.import_document(small_document(schemas, e={"schema": {"$ref": "#/components/schemas/E"}}), "doc.json").text)
    types = {k: f.type for k, f in fields_of(loaded, "e").items()}
    assert types["version"] == model.Literal(2) and types["below"] == model.Literal(-5)
    assert types["live"] == model.Literal(True) and types["off"] == model.Literal(False)
    assert types["level"] == model.Enum((3, -1, 0))
    assert types["maybe"] == model.Nullable(model.Enum((1, 2)))
    assert types["either"] == model.Boolean()


def test_any_json_and_objects_with_no_declared_fields() -> None:
    schemas = {
        "E": event_schema(
            "e",
            anything={},
            described={"description": "Whatever came."},
            blob={"type": "object"},
            open_blob={"type": "object", "additionalProperties": True, "nullable": True},
            empty={"type": "object", "properties": {}},
        ),
        "Meta": {"type": "object", "description": "Vendor metadata."},
    }
    schemas["E"]["properties"]["meta"] = {"$ref": "#/components/schemas/Meta"}
    result = openapi.import_document(small_document(schemas, e={"schema": {"$ref": "#/components/schemas/E"}}), "doc.json")
    loaded = load(result.text)
    f = fields_of(loaded, "e")
    assert f["anything"].type == model.Json() and f["described"].type == model.Json()
    assert f["described"].description == "Whatever came."
    assert f["blob"].type == f["empty"].type == f["meta"].type == model.Map(model.Json())
    assert f["open_blob"].type == model.Nullable(model.Map(model.Json()))


def test_the_constructs_decode_as_the_document_says(tmp_path: Path) -> None:
    """The module generated from a document of every construct above accepts and rejects what the
    schemas do, on the imported spec's own corpus and on payloads written from the schemas."""
    schemas = {
        "E": {
            **event_schema(
                "e",
                version={"const": 2},
                live={"const": True},
                level={"enum": [3, -1]},
                meta={},
                bag={"type": "object"},
                tags={"type": "array", "items": {"type": "string", "description": "A tag."}, "deprecated": True},
            ),
            "deprecated": True,
        }
    }
    loaded = load(openapi.import_document(small_document(schemas, e={"schema": {"$ref": "#/components/schemas/E"}}), "doc.json").text)
    module = stdlib(loaded, tmp_path, "import_openapi_small_constructs")
    for case in corpus(loaded):
        kind, value = verdict(module, case.payload)
        assert (kind, value) == (("known", case.payload) if case.valid else ("rejected", value)), case.name
    good = {"type": "e", "version": 2, "live": True, "level": -1, "meta": [1, {"a": None}], "bag": {"x": [2]}, "tags": ["a"]}
    assert verdict(module, good) == ("known", good)
    for key, bad in [("version", 3), ("live", False), ("level", 0), ("bag", [1]), ("tags", [1]), ("version", True)]:
        assert verdict(module, {**good, key: bad})[0] == "rejected", key


def test_the_loaders_checks_come_in_the_same_report_as_the_importers() -> None:
    """A schema name a target reserves (the spec loader's check) and a construct the importer refuses,
    in two events: one run reports both."""
    module_names = {"Mapping", "UnknownWebhookEvent", "ValueError"}  # names the generated module uses
    body = {"post": {"requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/X"}}}}}}
    webhooks = {name: json.loads(json.dumps(body).replace("/X", f"/{name}")) for name in [*module_names, "ok"]}
    event = {"type": "object", "required": ["type"], "properties": {"type": {"const": "?"}}}
    schemas = {name: json.loads(json.dumps(event).replace("?", name)) for name in [*module_names, "ok"]}
    schemas["ok"]["properties"]["free"] = {"type": "array"}  # items not declared
    doc = {"openapi": "3.1.0", "webhooks": webhooks, "components": {"schemas": schemas}}
    with pytest.raises(openapi.ImportFailed) as e:
        openapi.import_document(doc, "doc.json")
    reported = {line.split(": ")[1] for line in e.value.lines}
    assert reported == {f"/components/schemas/{n}" for n in module_names} | {"/components/schemas/ok/properties/free"}


# -- named enums and scalars, and allOf as extends ----------------------------------------------------------


def composed_document(refunded_id: dict[str, Any] | None = None) -> dict[str, Any]:
    def hook(name: str) -> dict[str, Any]:
        return {"post": {"requestBody": {"content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}}}}}

    own: dict[str, Any] = {"type": {"const": "refunded"}, "amount": {"type": "number"}}
    if refunded_id is not None:
        own["id"] = refunded_id
    return {
        "openapi": "3.1.0",
        "info": {"title": "Shop", "version": "1"},
        "webhooks": {"paid": hook("Paid"), "refunded": hook("Refunded")},
        "components": {
            "schemas": {
                "Currency": {"type": "string", "enum": ["usd", "eur"], "description": "An ISO code."},
                "Note": {"type": ["string", "null"], "description": "A note."},
                "Base": {"type": "object", "properties": {"id": {"type": "string"}}, "required": ["id"]},
                "Money": {
                    "type": "object",
                    "properties": {"currency": {"$ref": "#/components/schemas/Currency"}},
                    "required": ["currency"],
                },
                "Paid": {
                    "allOf": [
                        {"$ref": "#/components/schemas/Base"},
                        {"$ref": "#/components/schemas/Money"},
                        {"type": "object", "properties": {"type": {"const": "paid"}, "note": {"$ref": "#/components/schemas/Note"}}, "required": ["type"]},
                    ]
                },
                "Refunded": {"allOf": [{"$ref": "#/components/schemas/Base"}, {"type": "object", "properties": own, "required": ["type"]}]},
            }
        },
    }


def test_named_enums_and_scalars_and_allof_of_refs_become_named_types_and_extends() -> None:
    result = openapi.import_document(composed_document(), "shop.json")
    loaded = load(result.text)
    aliases = {a.name.snake: a for a in loaded.aliases}
    assert aliases["currency"].type == model.Enum(("usd", "eur")) and aliases["currency"].description == "An ISO code."
    assert aliases["note"].type == model.String()  # null in the schema: nullable at each use instead
    paid = loaded.definition(model.Name("paid"))
    assert isinstance(paid, model.Object) and paid.extends == (model.Name("base"), model.Name("money"))
    fields = {f.key: f for f in paid.fields}
    assert list(fields) == ["id", "currency", "type", "note"]  # the bases' fields first, in order
    assert fields["currency"].type == model.Named(model.Name("currency"), model.Enum(("usd", "eur")))
    assert fields["note"].type == model.Nullable(model.Named(model.Name("note"), model.String())) and fields["note"].optional
    assert "extends: [base, money]" in result.text and "  currency:\n    description: An ISO code.\n    enum: [usd, eur]\n" in result.text
    assert not [i for i in result.issues if i.level == "note"]


def test_allof_that_redefines_an_inherited_property_is_flattened_with_a_note() -> None:
    same = openapi.import_document(composed_document({"type": "string"}), "shop.json")
    refunded = load(same.text).definition(model.Name("refunded"))
    assert isinstance(refunded, model.Object) and refunded.extends == ()
    assert [f.key for f in refunded.fields] == ["id", "type", "amount"]
    assert [i.pointer for i in same.issues if i.level == "note"] == ["/components/schemas/Refunded/allOf"]
    with pytest.raises(openapi.ImportFailed) as e:  # another type: the flattened allOf's error, at the property
        openapi.import_document(composed_document({"type": "integer"}), "shop.json")
    assert any("/components/schemas/Refunded/allOf/1/properties/id: property 'id' is also defined" in line for line in e.value.lines), e.value.lines


def test_webhooks_that_share_a_tag_become_variants_of_one_event() -> None:
    """Two payloads with one `const` at the discriminator (a vendor's current and legacy shape of an
    event) are one tag's variants, in the order the document lists them, next to each other."""
    schemas = {
        "UpdatedKyb": event_schema("updated", business={"type": "string"}),
        "Created": event_schema("created"),
        "UpdatedLegacy": event_schema("updated", legacy_id={"type": "string"}),
    }
    doc = small_document(
        schemas,
        updated_kyb={"schema": {"$ref": "#/components/schemas/UpdatedKyb"}},
        created={"schema": {"$ref": "#/components/schemas/Created"}},
        updated_legacy={"schema": {"$ref": "#/components/schemas/UpdatedLegacy"}},
    )
    result = openapi.import_document(doc, "doc.json")
    assert "- [updated_kyb, updated_legacy]" in result.text
    loaded = load(result.text)
    assert loaded.entry is not None
    assert [(g.tag, [m.object.name.snake for m in g.members]) for g in loaded.entry.groups] == [
        ("updated", ["updated_kyb", "updated_legacy"]),
        ("created", ["created"]),
    ]
