"""The generated Python module: strict decoding with exact paths, lossless round trips, unknown events."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest

from conftest import GENERATED, SPEC, import_path
from examples import example
from generator import model, spec

KITCHEN = Path(__file__).parent / "golden" / "kitchen_sink"
ow = import_path(GENERATED / "python" / "openai_webhooks.py", "openai_webhooks")
ks = import_path(KITCHEN / "expected" / "python" / "kitchen_sink.py", "kitchen_sink")
OPENAI = spec.load(SPEC)
KITCHEN_SPEC = spec.load(KITCHEN / "spec.yaml")


def realtime_event() -> dict[str, Any]:
    return {
        "id": "evt_1",
        "created_at": 1719168000,
        "data": {"call_id": "call_1", "sip_headers": [{"name": "From", "value": "a"}, {"name": "To", "value": "b"}]},
        "type": "realtime.call.incoming",
        "object": "event",
    }


# -- every class, every spec ------------------------------------------------------------------------

CLASSES = [(OPENAI, ow, obj) for obj in OPENAI.objects] + [(KITCHEN_SPEC, ks, obj) for obj in KITCHEN_SPEC.objects]


@pytest.mark.parametrize("variant", range(4))
@pytest.mark.parametrize("case", CLASSES, ids=[f"{m.__name__}.{o.name.pascal}" for _, m, o in CLASSES])
def test_every_class_round_trips(case: tuple[model.Spec, Any, model.Object], variant: int) -> None:
    loaded, module, obj = case
    data = example(obj, loaded, variant)
    data["unknown_key"] = {"kept": [1, 2.5, None, True]}
    instance = getattr(module, obj.name.pascal).from_dict(data)
    assert type(instance).__name__ == obj.name.pascal
    assert instance.to_dict() == data
    assert json.loads(json.dumps(instance.to_dict())) == data
    assert instance.extra_fields == {"unknown_key": {"kept": [1, 2.5, None, True]}}
    assert dataclasses.is_dataclass(instance)
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(instance, dataclasses.fields(instance)[0].name, None)


@pytest.mark.parametrize("member", OPENAI.entry.members, ids=lambda m: str(m.tag))  # type: ignore[union-attr]
def test_parse_event_dispatches_every_type(member: model.UnionMember) -> None:
    data = example(member.object, OPENAI, 0)
    for payload in (json.dumps(data).encode(), json.dumps(data), data, bytearray(json.dumps(data).encode())):
        event = ow.parse_event(payload)
        assert type(event).__name__ == member.object.name.pascal
        assert event.type == member.tag
        assert event.to_dict() == data


def test_dispatch_is_a_dict_with_every_type() -> None:
    assert set(ow._UNWRAP_WEBHOOK_EVENT_DECODERS) == {m.tag for m in OPENAI.entry.members}  # type: ignore[union-attr]


def test_names_follow_the_docs() -> None:
    for name in (
        "BatchCancelledWebhookEvent",
        "FineTuningJobSucceededWebhookEvent",
        "RealtimeCallIncomingWebhookEventData",
        "RealtimeCallIncomingWebhookEventDataSipHeader",
        "UnwrapWebhookEvent",
    ):
        assert hasattr(ow, name)
    event = ow.parse_event(realtime_event())
    assert isinstance(event.data.sip_headers, tuple)
    assert event.data.sip_headers[1] == ow.RealtimeCallIncomingWebhookEventDataSipHeader(name="To", value="b")
    assert ow.BatchCancelledWebhookEvent.__doc__ == "Sent when a batch API request has been cancelled."


def test_optional_fields_default_to_none_and_stay_absent() -> None:
    data = realtime_event()
    del data["object"]
    event = ow.parse_event(data)
    assert event.object is None
    assert "object" not in event.to_dict()
    assert event.to_dict() == data


def test_unknown_event_type_is_kept_whole_unless_strict() -> None:
    data = {"type": "batch.teleported", "id": "evt_9", "anything": [1, {"x": None}]}
    event = ow.parse_event(json.dumps(data))
    assert isinstance(event, ow.UnknownWebhookEvent)
    assert event.type == "batch.teleported"
    assert event.raw == data
    assert event.to_dict() == data
    with pytest.raises(ow.WebhookDecodeError) as e:
        ow.parse_event(json.dumps(data), strict=True)
    assert e.value.path == "$.type"
    assert '"batch.cancelled"' in e.value.message


def mutate(data: dict[str, Any], path: list[Any], value: Any) -> dict[str, Any]:
    data = json.loads(json.dumps(data))
    target = data
    for step in path[:-1]:
        target = target[step]
    if value is DELETE:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return data


DELETE = object()
STRICTNESS = [
    # (path into the realtime event, new value, expected error path, words in the message)
    (["created_at"], True, "$.created_at", "expected an integer, got a boolean (true)"),
    (["created_at"], 1.0, "$.created_at", "expected an integer, got a number (1.0)"),
    (["created_at"], "1719168000", "$.created_at", 'expected an integer, got a string ("1719168000")'),
    (["created_at"], None, "$.created_at", "expected an integer, got null"),
    (["id"], DELETE, "$.id", "required key is missing"),
    (["id"], 7, "$.id", "expected a string, got an integer (7)"),
    (["data"], [], "$.data", "expected an object, got an array"),
    (["data", "call_id"], DELETE, "$.data.call_id", "required key is missing"),
    (["data", "sip_headers"], {}, "$.data.sip_headers", "expected an array, got an object"),
    (["data", "sip_headers", 0], "From: a", "$.data.sip_headers[0]", "expected an object"),
    (["data", "sip_headers", 1, "value"], 3, "$.data.sip_headers[1].value", "expected a string, got an integer (3)"),
    (["data", "sip_headers", 0, "name"], DELETE, "$.data.sip_headers[0].name", "required key is missing"),
    (["object"], "events", "$.object", 'expected "event", got a string ("events")'),
    (["object"], None, "$.object", 'expected "event", got null'),
    (["type"], 5, "$.type", "expected a string, got an integer (5)"),
    (["type"], DELETE, "$.type", "required key is missing"),
]


@pytest.mark.parametrize("path,value,where,words", STRICTNESS, ids=[s[2] + ":" + s[3][:20] for s in STRICTNESS])
def test_strictness_with_exact_paths(path: list[Any], value: Any, where: str, words: str) -> None:
    bad = mutate(realtime_event(), path, value)
    for payload in (bad, json.dumps(bad).encode()):
        with pytest.raises(ow.WebhookDecodeError) as e:
            ow.parse_event(payload)
        assert isinstance(e.value, ValueError)
        assert e.value.path == where
        assert words in e.value.message
        assert str(e.value) == f"{where}: {e.value.message}"


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
        ("payment", {"kind": "card"}, "$.payment.last4", "required key is missing"),
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


HOSTILE = [
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


@pytest.mark.parametrize("payload", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_input_raises_only_the_documented_error(payload: bytes) -> None:
    with pytest.raises(ow.WebhookDecodeError) as e:
        ow.parse_event(payload)
    assert e.value.path.startswith("$")


def test_hostile_mappings_raise_only_the_documented_error() -> None:
    for payload in ({1: "x"}, {"type": "batch.cancelled", "data": {2: 3}}, ["not", "a", "mapping"], None, 3.5):
        with pytest.raises(ow.WebhookDecodeError):
            ow.parse_event(payload)  # type: ignore[arg-type]


def test_huge_integers_in_a_mapping_raise_the_documented_error() -> None:
    data = realtime_event()
    data["id"] = 10**5000
    with pytest.raises(ow.WebhookDecodeError) as e:
        ow.parse_event(data)
    assert (e.value.path, e.value.message) == ("$.id", "expected a string, got an integer with too many digits")
    data = realtime_event()
    data["type"] = 10**5000
    with pytest.raises(ow.WebhookDecodeError):
        ow.parse_event(data)


def test_numbers_that_json_cannot_carry_are_rejected() -> None:
    payload = json.dumps({**realtime_event(), "x": 1.0}).replace("1.0", "1e400").encode()
    with pytest.raises(ow.WebhookDecodeError) as e:
        ow.parse_event(payload)
    assert e.value.path == "$" and "out of range" in e.value.message
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


def test_a_str_subclass_is_named_in_the_message() -> None:
    class Tag(str):
        pass

    data = realtime_event()
    data["id"] = Tag("evt_1")
    with pytest.raises(ow.WebhookDecodeError) as e:
        ow.parse_event(data)
    assert e.value.message == 'expected a string, got a Tag (not exactly str) ("evt_1")'
