"""Property tests for the generated stdlib-only module generated/python/openai_webhooks.py.

(a) Every valid event of every type, with random unknown keys at every object level, round-trips:
    `parse_event(json.dumps(d)).to_dict() == d`, whatever the input form (mapping, str, bytes).
(b) Anything else either decodes or raises WebhookDecodeError -- never another exception -- and a
    single targeted mutation of a valid event is reported at exactly the mutated path.

The shapes below are written out by hand from the spec (not read back from the module under test),
so a generator change that alters a shape makes these tests fail.
"""

from __future__ import annotations

import dataclasses
import json
import math
from types import MappingProxyType
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from conftest import GENERATED, import_path

wh = import_path(GENERATED / "python" / "openai_webhooks.py", "openai_webhooks")
WebhookDecodeError = wh.WebhookDecodeError

SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# type tag -> class name, from the spec; 14 events carry {"id"} in data, one carries a SIP call.
EVENT_CLASSES: dict[str, str] = {
    "batch.cancelled": "BatchCancelledWebhookEvent",
    "batch.completed": "BatchCompletedWebhookEvent",
    "batch.expired": "BatchExpiredWebhookEvent",
    "batch.failed": "BatchFailedWebhookEvent",
    "eval.run.canceled": "EvalRunCanceledWebhookEvent",
    "eval.run.failed": "EvalRunFailedWebhookEvent",
    "eval.run.succeeded": "EvalRunSucceededWebhookEvent",
    "fine_tuning.job.cancelled": "FineTuningJobCancelledWebhookEvent",
    "fine_tuning.job.failed": "FineTuningJobFailedWebhookEvent",
    "fine_tuning.job.succeeded": "FineTuningJobSucceededWebhookEvent",
    "realtime.call.incoming": "RealtimeCallIncomingWebhookEvent",
    "response.cancelled": "ResponseCancelledWebhookEvent",
    "response.completed": "ResponseCompletedWebhookEvent",
    "response.failed": "ResponseFailedWebhookEvent",
    "response.incomplete": "ResponseIncompleteWebhookEvent",
}
EVENT_TYPES = sorted(EVENT_CLASSES)
SIP = "realtime.call.incoming"
TOP_KEYS = frozenset({"id", "created_at", "data", "type", "object"})
DATA_KEYS = {t: frozenset({"call_id", "sip_headers"} if t == SIP else {"id"}) for t in EVENT_TYPES}
HEADER_KEYS = frozenset({"name", "value"})

# ---------------------------------------------------------------- strategies

json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=12),
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.text(max_size=8), inner, max_size=4),
    ),
    max_leaves=12,
)


def extras_for(known: frozenset[str], with_extras: bool) -> st.SearchStrategy[dict[str, Any]]:
    if not with_extras:
        return st.just({})
    return st.dictionaries(st.text(max_size=10).filter(lambda k: k not in known), json_values, max_size=3)


@st.composite
def valid_events(draw: st.DrawFn, *, with_extras: bool = True, event_type: str | None = None) -> dict[str, Any]:
    t = event_type if event_type is not None else draw(st.sampled_from(EVENT_TYPES))
    if t == SIP:
        headers = draw(
            st.lists(
                st.fixed_dictionaries({"name": st.text(max_size=20), "value": st.text(max_size=40)}).flatmap(
                    lambda h: extras_for(HEADER_KEYS, with_extras).map(lambda x: {**x, **h})
                ),
                max_size=4,
            )
        )
        data: dict[str, Any] = {"call_id": draw(st.text(max_size=30)), "sip_headers": headers}
    else:
        data = {"id": draw(st.text(max_size=30))}
    data = {**draw(extras_for(DATA_KEYS[t], with_extras)), **data}
    event: dict[str, Any] = {
        "id": draw(st.text(max_size=30)),
        "created_at": draw(st.integers()),
        "data": data,
        "type": t,
    }
    if draw(st.booleans()):
        event["object"] = "event"
    event = {**draw(extras_for(TOP_KEYS, with_extras)), **event}
    # Shuffle key order too: decoding must not depend on it.
    items = draw(st.permutations(list(event.items())))
    return dict(items)


def fmt_path(steps: list[str | int]) -> str:
    return "$" + "".join(f"[{s}]" if isinstance(s, int) else f".{s}" for s in steps)


def get_at(d: Any, steps: list[str | int]) -> Any:
    for s in steps:
        d = d[s]
    return d


def set_at(d: Any, steps: list[str | int], value: Any) -> None:
    get_at(d, steps[:-1])[steps[-1]] = value


def deep_copy(d: Any) -> Any:
    return json.loads(json.dumps(d))


# JSON values of every kind except one, for "wrong type" replacements.
not_a_string = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False, allow_infinity=False),
    st.lists(json_values, max_size=2), st.dictionaries(st.text(max_size=4), json_values, max_size=2),
)
# A float is not an integer even when integral (1.0), and a boolean is never a number.
not_an_integer = st.one_of(
    st.none(), st.booleans(), st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=6),
    st.lists(json_values, max_size=2), st.dictionaries(st.text(max_size=4), json_values, max_size=2),
)
not_an_object = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=6), st.lists(json_values, max_size=2),
)
not_an_array = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=6), st.dictionaries(st.text(max_size=4), json_values, max_size=2),
)
not_event = json_values.filter(lambda v: v != "event")


def positions(d: dict[str, Any]) -> list[tuple[list[str | int], str, bool]]:
    """(path, kind, required) of every spec-defined value in a valid event."""
    out: list[tuple[list[str | int], str, bool]] = [
        (["id"], "string", True),
        (["created_at"], "integer", True),
        (["data"], "object", True),
        (["type"], "tag", True),
    ]
    if "object" in d:
        out.append((["object"], "event", False))
    if d["type"] == SIP:
        out += [(["data", "call_id"], "string", True), (["data", "sip_headers"], "array", True)]
        for i, _ in enumerate(d["data"]["sip_headers"]):
            out += [
                (["data", "sip_headers", i], "object", False),  # an array item: replaceable, not deletable
                (["data", "sip_headers", i, "name"], "string", True),
                (["data", "sip_headers", i, "value"], "string", True),
            ]
    else:
        out.append((["data", "id"], "string", True))
    return out


WRONG = {"string": not_a_string, "integer": not_an_integer, "object": not_an_object, "array": not_an_array,
         "event": not_event, "tag": not_a_string}


def decode_all_forms(payload: Any, **kw: Any) -> list[Any]:
    """parse_event on the mapping, the JSON text and the UTF-8 bytes; each result or error."""
    text = json.dumps(payload)
    out = []
    for form in (payload, text, text.encode(), bytearray(text.encode()), memoryview(text.encode())):
        try:
            out.append(wh.parse_event(form, **kw))
        except WebhookDecodeError as e:
            out.append(e)
    return out


# ---------------------------------------------------------------- (a) round trips


def test_spec_types_are_exactly_the_module_decoders() -> None:
    assert set(wh._UNWRAP_WEBHOOK_EVENT_DECODERS) == set(EVENT_CLASSES)
    for t, name in EVENT_CLASSES.items():
        cls = getattr(wh, name)
        assert cls.__name__ == name
        assert {f.name for f in dataclasses.fields(cls)} == TOP_KEYS | {"extra_fields"}


@pytest.mark.parametrize("event_type", EVENT_TYPES)
@settings(max_examples=8, deadline=None)
@given(data=st.data())
def test_every_type_round_trips(event_type: str, data: st.DataObject) -> None:
    """Each of the 15 types on its own, so none can be starved by sampling."""
    d = data.draw(valid_events(event_type=event_type))
    ev = wh.parse_event(json.dumps(d))
    assert type(ev).__name__ == EVENT_CLASSES[event_type]
    assert ev.type == event_type
    assert ev.to_dict() == d


@SETTINGS
@given(valid_events())
def test_valid_events_round_trip_in_every_input_form(d: dict[str, Any]) -> None:
    original = deep_copy(d)
    results = decode_all_forms(d)
    first = results[0]
    assert not isinstance(first, Exception), first
    assert type(first).__name__ == EVENT_CLASSES[d["type"]]
    for other in results[1:]:
        assert other == first
        assert type(other) is type(first)
    assert first.to_dict() == d
    assert json.loads(json.dumps(first.to_dict())) == original
    # The class's own from_dict agrees with the dispatcher.
    assert type(first).from_dict(d) == first
    # Field values are what came in.
    assert first.id == d["id"] and first.created_at == d["created_at"]
    assert first.object == d.get("object")
    # parse_event does not mutate a mapping it is given.
    assert d == original


@SETTINGS
@given(valid_events())
def test_unknown_keys_land_in_extra_fields_at_every_level(d: dict[str, Any]) -> None:
    ev = wh.parse_event(json.dumps(d).encode())
    assert dict(ev.extra_fields) == {k: v for k, v in d.items() if k not in TOP_KEYS}
    data = d["data"]
    assert dict(ev.data.extra_fields) == {k: v for k, v in data.items() if k not in DATA_KEYS[d["type"]]}
    if d["type"] == SIP:
        assert isinstance(ev.data.sip_headers, tuple)
        assert len(ev.data.sip_headers) == len(data["sip_headers"])
        for h, raw in zip(ev.data.sip_headers, data["sip_headers"]):
            assert (h.name, h.value) == (raw["name"], raw["value"])
            assert dict(h.extra_fields) == {k: v for k, v in raw.items() if k not in HEADER_KEYS}
    else:
        assert ev.data.id == data["id"]


@SETTINGS
@given(valid_events(with_extras=False))
def test_events_without_extras_are_hashable_and_equal_across_forms(d: dict[str, Any]) -> None:
    a = wh.parse_event(d)
    b = wh.parse_event(json.dumps(d).encode())
    assert a == b and hash(a) == hash(b)
    assert a.to_dict() == d
    assert "object" in a.to_dict() if "object" in d else "object" not in a.to_dict()


# ---------------------------------------------------------------- (b) only WebhookDecodeError


def assert_decode_error_or_success(payload: Any, **kw: Any) -> Any:
    try:
        return wh.parse_event(payload, **kw)
    except WebhookDecodeError as e:
        assert ValueError in type(e).__mro__
        assert e.path.startswith("$"), e.path
        assert isinstance(e.message, str) and e.message
        assert str(e) == f"{e.path}: {e.message}"
        return e
    # Any other exception propagates and fails the test.


@SETTINGS
@given(valid_events(), st.data())
def test_wrong_type_at_a_known_path_is_reported_at_that_path(d: dict[str, Any], data: st.DataObject) -> None:
    path, kind, _ = data.draw(st.sampled_from(positions(d)))
    bad = data.draw(WRONG[kind])
    mutated = deep_copy(d)
    set_at(mutated, path, bad)
    for strict in (False, True):
        for result in decode_all_forms(mutated, strict=strict):
            assert isinstance(result, WebhookDecodeError), (path, bad, result)
            assert result.path == fmt_path(path), (bad, result)


@SETTINGS
@given(valid_events(), st.data())
def test_missing_required_key_is_reported_at_that_key(d: dict[str, Any], data: st.DataObject) -> None:
    path, _, _ = data.draw(st.sampled_from([p for p in positions(d) if p[2]]))
    mutated = deep_copy(d)
    del get_at(mutated, path[:-1])[path[-1]]
    for result in decode_all_forms(mutated):
        assert isinstance(result, WebhookDecodeError), (path, result)
        assert result.path == fmt_path(path)
        assert result.message == "required key is missing"


@SETTINGS
@given(valid_events(), st.text(max_size=30))
def test_unknown_type_is_kept_whole_or_rejected_when_strict(d: dict[str, Any], tag: str) -> None:
    assume(tag not in EVENT_CLASSES)
    mutated = {**d, "type": tag}
    for ev in decode_all_forms(mutated):
        assert type(ev) is wh.UnknownWebhookEvent
        assert ev.type == tag
        assert dict(ev.raw) == mutated
        assert ev.to_dict() == mutated
    for err in decode_all_forms(mutated, strict=True):
        assert isinstance(err, WebhookDecodeError)
        assert err.path == "$.type"
        assert json.dumps(tag) in err.message


@SETTINGS
@given(valid_events(), st.data())
def test_arbitrary_json_at_a_known_path_decodes_or_fails_at_or_below_it(
    d: dict[str, Any], data: st.DataObject
) -> None:
    path, kind, _ = data.draw(st.sampled_from([p for p in positions(d) if p[1] != "tag"]))
    mutated = deep_copy(d)
    set_at(mutated, path, data.draw(json_values))
    for result in decode_all_forms(mutated):
        if isinstance(result, WebhookDecodeError):
            prefix = fmt_path(path)
            assert result.path == prefix or result.path.startswith((prefix + ".", prefix + "[")), (prefix, result)
        else:
            # Whatever went in decoded, so it was valid there, and it comes back out unchanged.
            assert result.to_dict() == mutated


@SETTINGS
@given(st.binary(max_size=200))
def test_arbitrary_bytes_raise_only_decode_errors(raw: bytes) -> None:
    for strict in (False, True):
        assert_decode_error_or_success(raw, strict=strict)
        assert_decode_error_or_success(bytearray(raw), strict=strict)


@SETTINGS
@given(json_values)
def test_arbitrary_json_raises_only_decode_errors(value: Any) -> None:
    text = json.dumps(value)
    for payload in (value, text, text.encode()):
        for strict in (False, True):
            result = assert_decode_error_or_success(payload, strict=strict)
            if not isinstance(value, dict):
                assert isinstance(result, WebhookDecodeError)
                assert result.path == "$"
            elif not isinstance(result, WebhookDecodeError):
                assert result.to_dict() == value


@SETTINGS
@given(st.dictionaries(st.sampled_from(sorted(TOP_KEYS)) | st.text(max_size=5), json_values, max_size=6))
def test_arbitrary_objects_with_spec_keys_raise_only_decode_errors(value: dict[str, Any]) -> None:
    if "type" not in value and value:  # mostly aim at a real decoder rather than the unknown-type branch
        value = {**value, "type": EVENT_TYPES[len(value) % len(EVENT_TYPES)]}
    for strict in (False, True):
        result = assert_decode_error_or_success(json.dumps(value), strict=strict)
        if not isinstance(result, WebhookDecodeError):
            assert result.to_dict() == value


# ---------------------------------------------------------------- deterministic cases

VALID_SIP = {
    "id": "evt_1",
    "created_at": 1700000000,
    "type": SIP,
    "data": {"call_id": "call_1", "sip_headers": [{"name": "From", "value": "a"}, {"name": "To", "value": "b"}]},
}


@pytest.mark.parametrize(
    ("steps", "value"),
    [
        (["created_at"], 1.0),
        (["created_at"], True),
        (["created_at"], False),
        (["created_at"], "1700000000"),
        (["created_at"], None),
        (["id"], 1),
        (["id"], True),
        (["object"], "Event"),
        (["object"], None),
        (["data"], []),
        (["data"], "x"),
        (["data", "call_id"], 0.5),
        (["data", "sip_headers"], {}),
        (["data", "sip_headers"], None),
        (["data", "sip_headers", 1], "From: a"),
        (["data", "sip_headers", 0, "name"], ["From"]),
        (["data", "sip_headers", 1, "value"], 7),
        (["type"], 1),
        (["type"], None),
    ],
)
def test_exact_path_of_a_wrong_type(steps: list[str | int], value: Any) -> None:
    mutated = deep_copy(VALID_SIP)
    set_at(mutated, steps, value)
    for result in decode_all_forms(mutated):
        assert isinstance(result, WebhookDecodeError)
        assert result.path == fmt_path(steps)


def test_first_problem_wins_in_field_order() -> None:
    mutated = deep_copy(VALID_SIP)
    mutated["data"]["sip_headers"][0]["value"] = 1
    mutated["data"]["sip_headers"][1]["name"] = 2
    with pytest.raises(WebhookDecodeError) as info:
        wh.parse_event(mutated)
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
    with pytest.raises(WebhookDecodeError) as info:
        wh.parse_event(payload)
    assert info.value.path == path
    assert fragment in info.value.message


@pytest.mark.parametrize("as_mapping", [dict, MappingProxyType], ids=["dict", "mappingproxy"])
@pytest.mark.parametrize(
    ("steps", "path"),
    [([], "$"), (["data"], "$.data"), (["data", "sip_headers", 0], "$.data.sip_headers[0]")],
)
def test_non_string_keys_are_rejected_at_every_level(as_mapping: Any, steps: list[str | int], path: str) -> None:
    """Unreachable from JSON text; parse_event(mapping) must still reject what JSON could not carry."""
    event = deep_copy(VALID_SIP)
    target = get_at(event, steps)
    target[7] = "x"
    if steps:
        set_at(event, steps, as_mapping(target))
    else:
        event = as_mapping(event)
    with pytest.raises(WebhookDecodeError) as info:
        wh.parse_event(event)
    assert info.value.path == path


def test_mutation_strategies_really_are_the_wrong_type() -> None:
    """Guard the guards: the 'wrong' values never include a value the field would accept."""
    for strat, ok in [
        (not_a_string, lambda v: isinstance(v, str)),
        (not_an_integer, lambda v: type(v) is int),
        (not_an_object, lambda v: isinstance(v, dict)),
        (not_an_array, lambda v: isinstance(v, list)),
    ]:
        @settings(max_examples=50, deadline=None)
        @given(strat)
        def check(v: Any) -> None:
            assert not ok(v)
            assert not (isinstance(v, float) and math.isnan(v))

        check()
