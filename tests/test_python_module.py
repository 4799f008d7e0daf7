"""The generated Python module: strict decoding with exact paths, lossless round trips, unknown events.

Cases on the live module come from the loaded spec (marked `spec_driven`); expectations about
particular constructs use the frozen kitchen-sink fixture, and those about particular OpenAI events
are in test_reference_events.py.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest

from conftest import GENERATED, KITCHEN, SPEC, import_path
from examples import events, example
from generator import model, spec
from generator.targets import base, python

ow = import_path(GENERATED / "python" / "openai_webhooks.py", "openai_webhooks")
ks = import_path(KITCHEN / "expected" / "python" / "kitchen_sink.py", "kitchen_sink")
OPENAI = spec.load(SPEC)
KITCHEN_SPEC = spec.load(KITCHEN / "spec.yaml")
MEMBERS = events(OPENAI)
DECODERS = getattr(ow, f"_{OPENAI.entry.name.constant}_DECODERS")  # type: ignore[union-attr]
TAG = MEMBERS[0].tag  # any event type the spec defines


# -- every class, every spec ------------------------------------------------------------------------

CLASSES = [
    pytest.param((OPENAI, ow, obj), id=f"openai_webhooks.{obj.name.pascal}", marks=pytest.mark.spec_driven)
    for obj in OPENAI.objects
] + [pytest.param((KITCHEN_SPEC, ks, obj), id=f"kitchen_sink.{obj.name.pascal}") for obj in KITCHEN_SPEC.objects]


@pytest.mark.parametrize("variant", range(4))
@pytest.mark.parametrize("case", CLASSES)
def test_every_class_round_trips(case: tuple[model.Spec, Any, model.Object], variant: int) -> None:
    loaded, module, obj = case
    data = example(obj, loaded, variant)
    # a key the spec does not define: any JSON value, or (an open object) one of its other_values: type
    unknown = {"kept": [1, 2.5, None, True]} if obj.other is None else example(obj.other, loaded, variant + 1)
    data["unknown_key"] = unknown
    instance = getattr(module, obj.name.pascal).from_dict(data)
    assert type(instance).__name__ == obj.name.pascal
    assert instance.to_dict() == data
    assert json.loads(json.dumps(instance.to_dict())) == data
    if obj.other is None:
        assert instance.extra_fields == {"unknown_key": unknown}
    else:  # decoded as the type says (a nested object is its class), and given back by to_dict()
        known = {f.key for f in obj.fields}
        assert set(instance.extra_fields) == {k for k in data if k not in known}
    assert dataclasses.is_dataclass(instance)
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(instance, dataclasses.fields(instance)[0].name, None)


@pytest.mark.spec_driven
@pytest.mark.parametrize("member", MEMBERS, ids=lambda m: str(m.tag))
def test_parse_event_dispatches_every_type(member: model.UnionMember) -> None:
    data = example(member.object, OPENAI, 0)
    for payload in (json.dumps(data).encode(), json.dumps(data), data, bytearray(json.dumps(data).encode())):
        event = ow.parse_event(payload)
        assert type(event).__name__ == member.object.name.pascal
        assert getattr(event, python.attr(OPENAI.entry.discriminator)) == member.tag  # type: ignore[union-attr]
        assert event.to_dict() == data


@pytest.mark.spec_driven
def test_dispatch_is_a_dict_with_every_type() -> None:
    assert MEMBERS, "the spec's entry union has no members"
    assert set(DECODERS) == {m.tag for m in MEMBERS}


def test_integer_is_fine_where_the_spec_says_float() -> None:
    data = {"kind": "cash", "change_given": 3}
    assert ks.CashPayment.from_dict(data).change_given == 3
    data["change_given"] = 2.5
    assert ks.CashPayment.from_dict(data).to_dict() == data
    with pytest.raises(ks.WebhookDecodeError) as e:
        ks.CashPayment.from_dict({"kind": "cash", "change_given": False})
    assert e.value.path == "$.change_given"


def test_enums_literals_and_nested_unions_are_checked() -> None:
    good = example(KITCHEN_SPEC.entry.members[0].object, KITCHEN_SPEC, 0)  # type: ignore[union-attr]
    good["payment"] = {"kind": "card", "last4": "4242"}
    event = ks.parse_event(good)
    assert isinstance(event.payment, ks.CardPayment)
    cases = [
        ("status", "lost", "$.status", 'expected one of "pending", "paid", "shipped", "delivered", "returned"'),
        ("status", ["paid"], "$.status", "expected one of"),
        ("channel", "carrier-pigeon", None, None),  # open enum: any string
        ("channel", 1, "$.channel", "expected a string"),
        ("version", True, "$.version", "expected 2, got a boolean (true)"),
        ("version", 3, "$.version", "expected 2, got an integer (3)"),
        ("live", 1, "$.live", "expected true, got an integer (1)"),
        ("payment", {"kind": "cheque"}, "$.payment.kind", 'expected one of "card", "cash"'),
        # card: two variants, tried in order; none decoding is an error at the union, naming both
        ("payment", {"kind": "card"}, "$.payment", "CardPayment: $.payment.last4: required key is missing; CardPaymentLegacy"),
        ("payment", {"kind": "card", "card_number_suffix": "4242"}, None, None),  # the legacy variant
        ("matrix", [[1], [2, "x"]], "$.matrix[1][1]", "expected an integer"),
        ("attributes", {"a b": 1}, '$.attributes["a b"]', "expected a string"),
        ("warehouses", {"w1": {"count": 1, "restock_at": "soon"}}, "$.warehouses.w1.restock_at", "expected an integer"),
        ("lines", [{"sku": "x", "tags": ["a", None]}], "$.lines[0].tags[1]", "expected a string, got null"),
        ("coupon", None, None, None),  # nullable
        ("note", None, "$.note", "expected a string, got null"),  # optional but not nullable
    ]
    for key, value, where, words in cases:
        bad = dict(good, **{key: value})
        if where is None:
            assert ks.parse_event(bad).to_dict() == bad
            continue
        with pytest.raises(ks.WebhookDecodeError) as e:
            ks.parse_event(bad)
        assert (e.value.path, words in e.value.message) == (where, True), (key, e.value)


def test_explicit_null_and_absence_both_survive_the_round_trip() -> None:
    good = example(KITCHEN_SPEC.entry.members[0].object, KITCHEN_SPEC, 0)  # type: ignore[union-attr]
    with_null = dict(good, tracking=None)
    without = {k: v for k, v in good.items() if k != "tracking"}
    assert ks.parse_event(with_null).to_dict() == with_null
    assert ks.parse_event(without).to_dict() == without
    assert ks.parse_event(with_null).tracking is None and ks.parse_event(without).tracking is None


def test_keyword_keys_become_trailing_underscore_attributes() -> None:
    good = example(KITCHEN_SPEC.entry.members[0].object, KITCHEN_SPEC, 0)  # type: ignore[union-attr]
    good["from"] = "web"
    event = ks.parse_event(good)
    assert event.from_ == "web"
    assert event.to_dict()["from"] == "web"


# Payloads that name an event type name one the spec defines (TAG).
_HOSTILE = [
    b"",
    b"\xff\xfe{}",
    b'{"type": "batch.cancelled", "id": "\xc3\x28"}',
    b"not json",
    b'{"type": "batch.cancelled"',
    b"[]",
    b"null",
    b"42",
    b'"batch.cancelled"',
    b"[" * 200_000 + b"]" * 200_000,
    b'{"a":' * 100_000 + b"1" + b"}" * 100_000,
    b'{"type": NaN}',
    b'{"type": "batch.cancelled", "created_at": Infinity}',
    b'{"type": "batch.cancelled", "created_at": 1' + b"0" * 5000 + b"}",
    b'{"type": {"nested": true}}',
    b'{"type": ["batch.cancelled"]}',
    '{"type": "\ud800"}'.encode("utf-8", "surrogatepass"),
]
HOSTILE = [p.replace(b"batch.cancelled", TAG.encode()) for p in _HOSTILE]


@pytest.mark.spec_driven
@pytest.mark.parametrize("payload", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_input_raises_only_the_documented_error(payload: bytes) -> None:
    with pytest.raises(ow.WebhookDecodeError) as e:
        ow.parse_event(payload)
    assert e.value.path.startswith("$")


@pytest.mark.spec_driven
def test_hostile_mappings_raise_only_the_documented_error() -> None:
    for payload in ({1: "x"}, {"type": TAG, "data": {2: 3}}, ["not", "a", "mapping"], None, 3.5):
        with pytest.raises(ow.WebhookDecodeError):
            ow.parse_event(payload)  # type: ignore[arg-type]


def test_infinite_and_nan_floats_in_a_mapping_are_rejected() -> None:
    for value in (float("inf"), float("-inf"), float("nan")):
        with pytest.raises(ks.WebhookDecodeError) as e:
            ks.CashPayment.from_dict({"kind": "cash", "change_given": value})
        assert (e.value.path, e.value.message.split(",")[0]) == ("$.change_given", "expected a finite number")


def test_keys_that_are_not_strings_are_rejected_everywhere() -> None:
    good = example(KITCHEN_SPEC.entry.members[0].object, KITCHEN_SPEC, 0)  # type: ignore[union-attr]
    for value in ({1: "x"}, {1: 2}):
        with pytest.raises(ks.WebhookDecodeError) as e:
            ks.parse_event({**good, "attributes": value})
        assert e.value.path == '$.attributes["1"]'
    with pytest.raises(ow.WebhookDecodeError) as e:
        ow.parse_event({"type": "brand.new", 1: 2})  # type: ignore[dict-item]
    assert e.value.path == "$"


@pytest.mark.spec_driven
@pytest.mark.parametrize("member", MEMBERS, ids=[m.tag for m in MEMBERS])
def test_unknown_keys_that_are_not_strings_are_rejected_in_a_mapping_not_in_json(member: model.UnionMember) -> None:
    # JSON's keys are strings: only a mapping passed in has its unknown keys' types checked, and
    # the check ends with its decode, whether that succeeds or raises.
    data = example(member.object, OPENAI, 0)
    cls = type(ow.parse_event(data))
    for key in (1, b"k", None):
        bad = {**data, key: "a key that is not a string"}
        with pytest.raises(ow.WebhookDecodeError) as e:
            ow.parse_event(bad)
        # (a tag's variants each fail for it: the message names why each did)
        assert e.value.path == "$" and "expected an object, got a key that is not a string" in e.value.message
        with pytest.raises(ow.WebhookDecodeError):
            cls.from_dict(bad)
    assert not ow._KEY_CHECKS
    extra = ow.parse_event(json.dumps({**data, "later_key": {"1": 2}}))
    assert extra.extra_fields == {"later_key": {"1": 2}}




# -- provenance -------------------------------------------------------------------------------------


@pytest.mark.spec_driven
def test_the_module_names_its_generator_and_spec() -> None:
    import hashlib

    from generator import __version__

    module = import_path(GENERATED / "python" / f"{OPENAI.module}.py", OPENAI.module)
    assert module.__spec_sha256__ == hashlib.sha256(SPEC.read_bytes()).hexdigest()
    assert module.__generator_version__ == __version__
    first = (GENERATED / "python" / f"{OPENAI.module}.py").read_text().splitlines()[0]
    assert f"webhookgen {__version__}" in first and module.__spec_sha256__[:16] in first and "DO NOT EDIT" in first


@pytest.mark.spec_driven
def test_all_lists_every_public_name_and_only_those() -> None:
    module = import_path(GENERATED / "python" / f"{OPENAI.module}.py", OPENAI.module)
    assert all(hasattr(module, name) for name in module.__all__)
    assert {o.name.pascal for o in OPENAI.objects} | {u.name.pascal for u in OPENAI.unions} <= set(module.__all__)
    assert {"parse_event", "unwrap", "verify_signature", "UnknownWebhookEvent", "WebhookDecodeError", "InvalidWebhookSignatureError"} <= set(module.__all__)
    assert not [n for n in module.__all__ if n.startswith("_")]


@pytest.mark.spec_driven
def test_an_unknown_event_exposes_the_envelope_when_present() -> None:
    """UnknownWebhookEvent exposes each field every member shares (the envelope: `id` and
    `created_at` for the vendor's spec today), None where the value is not of its type, and keeps
    the payload as it came either way."""
    module = import_path(GENERATED / "python" / f"{OPENAI.module}.py", OPENAI.module)
    assert OPENAI.entry is not None
    disc = OPENAI.entry.discriminator
    good_by_kind = {"string": "evt_1", "integer": 1750000000, "number": 1.5, "boolean": True}
    wrong_by_kind = {"string": 5, "integer": "soon", "number": "x", "boolean": 0}
    fields = [(f, base.envelope_kind(f.type)) for f in base.envelope(OPENAI.entry)]
    checked = [(f, kind) for f, kind in fields if kind is not None]
    good = {f.key: good_by_kind[kind] for f, kind in checked}
    event = module.parse_event(json.dumps({disc: "added.later", **good}))
    assert isinstance(event, module.UnknownWebhookEvent)
    assert {f.key: getattr(event, python.attr(f.ident)) for f, _ in checked} == good
    wrong = {f.key: wrong_by_kind[kind] for f, kind in checked}
    bare = module.parse_event(json.dumps({disc: "added.later", **wrong}))
    assert all(getattr(bare, python.attr(f.ident)) is None for f, _ in checked)
    assert bare.to_dict() == {disc: "added.later", **wrong}
