"""Behaviour pinned on particular OpenAI events (names, docstrings, exact error paths in
realtime.call.incoming), on the module rendered from the frozen tests/reference/openai_webhooks.yaml.

These expectations are about that fixture, not about whatever the live spec holds: adding or editing
events in spec/openai_webhooks.yaml does not change them. The live module is covered, event by event,
by the spec-driven tests (tests/test_python_properties.py and others).
"""

from __future__ import annotations

import json
from types import MappingProxyType
from typing import Any

import pytest

from conftest import reference_module
from examples import format_path

ref = reference_module()


def realtime_event() -> dict[str, Any]:
    return {
        "id": "evt_1",
        "created_at": 1719168000,
        "data": {"call_id": "call_1", "sip_headers": [{"name": "From", "value": "a"}, {"name": "To", "value": "b"}]},
        "type": "realtime.call.incoming",
        "object": "event",
    }



def test_names_follow_the_docs() -> None:
    for name in (
        "BatchCancelledWebhookEvent",
        "FineTuningJobSucceededWebhookEvent",
        "RealtimeCallIncomingWebhookEventData",
        "RealtimeCallIncomingWebhookEventDataSipHeader",
        "UnwrapWebhookEvent",
    ):
        assert hasattr(ref, name)
    event = ref.parse_event(realtime_event())
    assert isinstance(event.data.sip_headers, tuple)
    assert event.data.sip_headers[1] == ref.RealtimeCallIncomingWebhookEventDataSipHeader(name="To", value="b")
    assert ref.BatchCancelledWebhookEvent.__doc__ == "Sent when a batch API request has been cancelled."


def test_optional_fields_default_to_none_and_stay_absent() -> None:
    data = realtime_event()
    del data["object"]
    event = ref.parse_event(data)
    assert event.object is None
    assert "object" not in event.to_dict()
    assert event.to_dict() == data


def test_unknown_event_type_is_kept_whole_unless_strict() -> None:
    data = {"type": "batch.teleported", "id": "evt_9", "anything": [1, {"x": None}]}
    event = ref.parse_event(json.dumps(data))
    assert isinstance(event, ref.UnknownWebhookEvent)
    assert event.type == "batch.teleported"
    assert event.raw == data
    assert event.to_dict() == data
    with pytest.raises(ref.WebhookDecodeError) as e:
        ref.parse_event(json.dumps(data), strict=True)
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
        with pytest.raises(ref.WebhookDecodeError) as e:
            ref.parse_event(payload)
        assert isinstance(e.value, ValueError)
        assert e.value.path == where
        assert words in e.value.message
        assert str(e.value) == f"{where}: {e.value.message}"



def test_huge_integers_in_a_mapping_raise_the_documented_error() -> None:
    data = realtime_event()
    data["id"] = 10**5000
    with pytest.raises(ref.WebhookDecodeError) as e:
        ref.parse_event(data)
    assert (e.value.path, e.value.message) == ("$.id", "expected a string, got an integer with too many digits")
    data = realtime_event()
    data["type"] = 10**5000
    with pytest.raises(ref.WebhookDecodeError):
        ref.parse_event(data)


def test_a_number_json_cannot_carry_is_rejected() -> None:
    payload = json.dumps({**realtime_event(), "x": 1.0}).replace("1.0", "1e400").encode()
    with pytest.raises(ref.WebhookDecodeError) as e:
        ref.parse_event(payload)
    assert e.value.path == "$" and "out of range" in e.value.message



def test_a_str_subclass_is_named_in_the_message() -> None:
    class Tag(str):
        pass

    data = realtime_event()
    data["id"] = Tag("evt_1")
    with pytest.raises(ref.WebhookDecodeError) as e:
        ref.parse_event(data)
    assert e.value.message == 'expected a string, got a Tag (not exactly str) ("evt_1")'


def deep_copy(d: Any) -> Any:
    return json.loads(json.dumps(d))


def set_at(d: Any, steps: tuple[str | int, ...], value: Any) -> None:
    target = d
    for s in steps[:-1]:
        target = target[s]
    target[steps[-1]] = value


def decode_all_forms(payload: Any) -> list[Any]:
    text = json.dumps(payload)
    out = []
    for form in (payload, text, text.encode(), bytearray(text.encode()), memoryview(text.encode())):
        try:
            out.append(ref.parse_event(form))
        except ref.WebhookDecodeError as e:
            out.append(e)
    return out


VALID_SIP = {
    "id": "evt_1",
    "created_at": 1700000000,
    "type": "realtime.call.incoming",
    "data": {"call_id": "call_1", "sip_headers": [{"name": "From", "value": "a"}, {"name": "To", "value": "b"}]},
}


@pytest.mark.parametrize(
    ("steps", "value"),
    [
        (("created_at",), 1.0),
        (("created_at",), True),
        (("created_at",), False),
        (("created_at",), "1700000000"),
        (("created_at",), None),
        (("id",), 1),
        (("id",), True),
        (("object",), "Event"),
        (("object",), None),
        (("data",), []),
        (("data",), "x"),
        (("data", "call_id"), 0.5),
        (("data", "sip_headers"), {}),
        (("data", "sip_headers"), None),
        (("data", "sip_headers", 1), "From: a"),
        (("data", "sip_headers", 0, "name"), ["From"]),
        (("data", "sip_headers", 1, "value"), 7),
        (("type",), 1),
        (("type",), None),
    ],
)
def test_exact_path_of_a_wrong_type(steps: tuple[str | int, ...], value: Any) -> None:
    mutated = deep_copy(VALID_SIP)
    set_at(mutated, steps, value)
    for result in decode_all_forms(mutated):
        assert isinstance(result, ref.WebhookDecodeError)
        assert result.path == format_path(steps)


def test_first_problem_wins_in_field_order() -> None:
    mutated = deep_copy(VALID_SIP)
    mutated["data"]["sip_headers"][0]["value"] = 1
    mutated["data"]["sip_headers"][1]["name"] = 2
    with pytest.raises(ref.WebhookDecodeError) as info:
        ref.parse_event(mutated)
    assert info.value.path == "$.data.sip_headers[0].value"


@pytest.mark.parametrize(
    ("payload", "path", "fragment"),
    [
        (b"\xff\xfe{}", "$", "not UTF-8"),
        (b'{"id": ', "$", "not valid JSON"),
        ('{"id":"e","created_at":NaN,"type":"batch.failed","data":{"id":"x"}}', "$", "not valid JSON"),
        ('{"id":"e","created_at":Infinity,"type":"batch.failed","data":{"id":"x"}}', "$", "not valid JSON"),
        ("[" * 100_000 + "]" * 100_000, "$", "not valid JSON"),
        ("[]", "$", "expected an object"),
        ("null", "$", "expected an object"),
        ('"batch.failed"', "$", "expected an object"),
        ("{}", "$.type", "required key is missing"),
    ],
)
def test_undecodable_payloads_fail_at_the_top(payload: Any, path: str, fragment: str) -> None:
    with pytest.raises(ref.WebhookDecodeError) as info:
        ref.parse_event(payload)
    assert info.value.path == path
    assert fragment in info.value.message


@pytest.mark.parametrize("as_mapping", [dict, MappingProxyType], ids=["dict", "mappingproxy"])
@pytest.mark.parametrize(
    ("steps", "path"),
    [((), "$"), (("data",), "$.data"), (("data", "sip_headers", 0), "$.data.sip_headers[0]")],
)
def test_non_string_keys_are_rejected_at_every_level(as_mapping: Any, steps: tuple[str | int, ...], path: str) -> None:
    """Unreachable from JSON text; parse_event(mapping) must still reject what JSON could not carry."""
    event: Any = deep_copy(VALID_SIP)
    target = event
    for s in steps:
        target = target[s]
    target[7] = "x"
    if steps:
        set_at(event, steps, as_mapping(target))
    else:
        event = as_mapping(event)
    with pytest.raises(ref.WebhookDecodeError) as info:
        ref.parse_event(event)
    assert info.value.path == path
