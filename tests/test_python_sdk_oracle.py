"""Differential test: the generated module against the official `openai` Python SDK.

The SDK is the oracle for *valid* payloads: for every event of every type our `parse_event` must
pick the same class and produce the same values as `client.webhooks.unwrap` (which is
`construct_type(type_=UnwrapWebhookEvent, value=json.loads(body))` after the signature check; we
call `unwrap` itself with a correctly signed body, so this is exactly the SDK's decode path).

For *invalid* payloads the two differ on purpose: the SDK coerces or constructs whatever it gets,
we raise. The tests at the bottom pin down what the installed SDK actually does there.

The comparison covers the event types both the live spec and the installed SDK know, with payloads
built from the spec (tests/examples.py). Types only one side knows are listed in the run's "notes"
section, not failed: the spec may be ahead of the installed SDK, or behind it. The tests at the
bottom are about particular events, so they run on the module rendered from the frozen
tests/reference/openai_webhooks.yaml.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import hmac
import json
import math
import time
import types
import typing
from typing import Any, Dict, List, Literal, Union

import openai
import pydantic
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import GENERATED, SPEC, import_path, note, reference_module, scaled_examples
from examples import BOOKKEEPING_FIELDS, attr_of, events, random_extras, values
from generator import model, spec
from openai.types import webhooks as sdk_webhooks

wh = import_path(GENERATED / "python" / "openai_webhooks.py", "openai_webhooks")
LOADED = spec.load(SPEC)

# ---------------------------------------------------------------- the SDK side

SDK_UNION = sdk_webhooks.UnwrapWebhookEvent
_union = typing.get_args(SDK_UNION)[0] if typing.get_origin(SDK_UNION) is typing.Annotated else SDK_UNION
SDK_MEMBERS: tuple[type[pydantic.BaseModel], ...] = typing.get_args(_union)


def _literal_tag(cls: type[pydantic.BaseModel]) -> str:
    (tag,) = typing.get_args(cls.model_fields["type"].annotation)
    return tag


SDK_BY_TAG = {_literal_tag(c): c for c in SDK_MEMBERS}
MEMBERS = {m.tag: m for m in events(LOADED)}
OUR_TAGS = sorted(MEMBERS)
REQUIRED = {o.name.pascal: {attr_of(f): not f.optional for f in o.fields} for o in LOADED.objects}  # class -> attribute -> required
SHARED_TAGS = [t for t in OUR_TAGS if t in SDK_BY_TAG]  # what the comparison covers
SPEC_ONLY_TAGS = [t for t in OUR_TAGS if t not in SDK_BY_TAG]
SDK_ONLY_TAGS = sorted(set(SDK_BY_TAG) - set(OUR_TAGS))
if SPEC_ONLY_TAGS:
    note(f"SDK oracle: event types in the spec that openai {openai.__version__} does not know, not compared: {', '.join(SPEC_ONLY_TAGS)}")
if SDK_ONLY_TAGS:
    note(f"SDK oracle: event types openai {openai.__version__} knows that the spec does not: {', '.join(SDK_ONLY_TAGS)}")

# Values to send for fields the installed SDK has and our spec does not (spec drift, kept in
# `extra_fields` by us), by class and field. Such fields must be optional in the SDK, which is why
# our decoding of valid payloads still agrees; a drift field not listed here is only left out.
SDK_DRIFT_VALUES: dict[str, dict[str, st.SearchStrategy[Any]]] = {
    "RealtimeCallIncomingWebhookEventData": {
        "sip_media_security": st.sampled_from(["rtp", "srtp", None]) | st.text(max_size=6),
    },
}

_RAW_SECRET = b"0123456789abcdef0123456789abcdef"
SECRET = "whsec_" + base64.b64encode(_RAW_SECRET).decode()
CLIENT = openai.OpenAI(api_key="sk-test-not-used", webhook_secret=SECRET, base_url="http://127.0.0.1:9")


def sdk_unwrap(body: str) -> Any:
    """`client.webhooks.unwrap` on a correctly signed body: the SDK's own verify-then-decode path."""
    msg_id, ts = "msg_test", str(int(time.time()))
    digest = hmac.new(_RAW_SECRET, f"{msg_id}.{ts}.{body}".encode(), hashlib.sha256).digest()
    headers = {
        "webhook-id": msg_id,
        "webhook-timestamp": ts,
        "webhook-signature": "v1," + base64.b64encode(digest).decode(),
    }
    return CLIENT.webhooks.unwrap(body, headers)


def ours(body: str) -> Any:
    return wh.parse_event(body.encode())


# ---------------------------------------------------------------- strategies

def extras_with_drift(obj: model.Object) -> st.SearchStrategy[dict[str, Any]]:
    """Random unknown keys, plus (sometimes) a value for each SDK-only field of this class."""
    known = {f.key for f in obj.fields}
    drift = {k: v for k, v in SDK_DRIFT_VALUES.get(obj.name.pascal, {}).items() if k not in known}
    return st.tuples(random_extras(obj), st.fixed_dictionaries({}, optional=drift)).map(lambda p: {**p[0], **p[1]})


@st.composite
def valid_events(draw: st.DrawFn, event_type: str | None = None) -> dict[str, Any]:
    t = event_type if event_type is not None else draw(st.sampled_from(SHARED_TAGS))
    return draw(values(MEMBERS[t].object, LOADED, extras_with_drift))


# ---------------------------------------------------------------- recursive comparison


def assert_same(mine: Any, theirs: Any, where: str = "$") -> None:
    """Our decoded value equals the SDK's: dataclass vs model field by field, tuple vs list, scalars exactly."""
    if dataclasses.is_dataclass(mine):
        assert isinstance(theirs, pydantic.BaseModel), (where, theirs)
        our_fields = {f.name for f in dataclasses.fields(mine)} - BOOKKEEPING_FIELDS
        sdk_fields = set(type(theirs).model_fields)
        assert our_fields <= sdk_fields, where
        for name in sorted(our_fields):
            assert_same(getattr(mine, name), getattr(theirs, name), f"{where}.{name}")
        # What the SDK holds beyond our fields (its extras plus the drift fields that came in)
        # is exactly what we kept in extra_fields.
        beyond = dict(theirs.model_extra or {})
        for name in sdk_fields - our_fields:
            if name in theirs.model_fields_set:
                beyond[name] = getattr(theirs, name)
            else:
                assert getattr(theirs, name) is None, (where, name)
        assert dict(getattr(mine, "extra_fields")) == beyond, where
    elif isinstance(mine, dict):
        assert isinstance(theirs, dict), (where, theirs)
        assert list(mine) == list(theirs), where
        for key in mine:
            assert_same(mine[key], theirs[key], f"{where}[{key!r}]")
    elif isinstance(mine, tuple):
        assert isinstance(theirs, list), (where, theirs)
        assert len(mine) == len(theirs), where
        for i, (a, b) in enumerate(zip(mine, theirs)):
            assert_same(a, b, f"{where}[{i}]")
    else:
        assert type(mine) is type(theirs), (where, mine, theirs)
        assert mine == theirs, where


# ---------------------------------------------------------------- differential property


@pytest.mark.spec_driven
@pytest.mark.skipif(not SHARED_TAGS, reason="the spec and the SDK share no event type")
@settings(max_examples=scaled_examples(150), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(valid_events())
def test_valid_events_decode_like_the_sdk(d: dict[str, Any]) -> None:
    body = json.dumps(d)
    mine, theirs = ours(body), sdk_unwrap(body)
    assert type(mine).__name__ == type(theirs).__name__
    assert isinstance(theirs, SDK_BY_TAG[d["type"]])
    assert_same(mine, theirs)
    # And both re-serialise to the same JSON object, which is what came in.
    assert mine.to_dict() == theirs.model_dump(mode="json", exclude_unset=True) == d


@pytest.mark.spec_driven
@pytest.mark.parametrize("event_type", SHARED_TAGS)
@settings(max_examples=scaled_examples(5), deadline=None)
@given(data=st.data())
def test_each_type_decodes_like_the_sdk(event_type: str, data: st.DataObject) -> None:
    """Every shared type at least a few times, whatever the sampler in the property above does."""
    body = json.dumps(data.draw(valid_events(event_type)))
    mine, theirs = ours(body), sdk_unwrap(body)
    assert type(mine).__name__ == type(theirs).__name__ == SDK_BY_TAG[event_type].__name__
    assert_same(mine, theirs)


SIP = "realtime.call.incoming"


def test_sdk_decode_path_is_construct_type_on_the_union() -> None:
    """`unwrap` and `construct_type(type_=UnwrapWebhookEvent, ...)` agree, so the oracle is what we think."""
    from openai._models import construct_type

    body = json.dumps({"id": "evt_1", "created_at": 1, "type": SIP, "object": "event",
                       "data": {"call_id": "c", "sip_headers": [{"name": "a", "value": "b"}]}})
    via_unwrap = sdk_unwrap(body)
    via_construct: Any = construct_type(type_=SDK_UNION, value=json.loads(body))
    assert type(via_unwrap) is type(via_construct)
    assert via_unwrap.model_dump() == via_construct.model_dump()


# ---------------------------------------------------------------- structure


def _shape(annotation: Any) -> Any:
    """A type annotation reduced to JSON shape, so SDK and our spellings compare."""
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if annotation in (str, int, float, bool, type(None)):
        return annotation.__name__
    if origin is Literal:
        return ("literal", frozenset(args))
    if origin in (Union, types.UnionType):
        return ("union", frozenset(_shape(a) for a in args))
    if origin in (list, List) or (origin is tuple and len(args) == 2 and args[1] is Ellipsis):
        return ("array", _shape(args[0]))
    if origin in (dict, Dict):
        return ("map", _shape(args[1]))
    if isinstance(annotation, type) and (dataclasses.is_dataclass(annotation) or issubclass(annotation, pydantic.BaseModel)):
        return "object"
    raise AssertionError(f"unexpected annotation {annotation!r}")


def _nested(annotation: Any) -> Any:
    """The model/dataclass inside an annotation (itself, or a list/tuple's item), or None."""
    if typing.get_origin(annotation) in (list, List, tuple):
        annotation = typing.get_args(annotation)[0]
    elif typing.get_origin(annotation) in (dict, Dict):
        annotation = typing.get_args(annotation)[1]
    return annotation if isinstance(annotation, type) and annotation not in (str, int, float, bool) else None


def _compare_classes(mine: type, theirs: type[pydantic.BaseModel], top: str, seen: list[str]) -> None:
    seen.append(mine.__name__)
    hints = typing.get_type_hints(mine)
    our_fields = {f.name for f in dataclasses.fields(mine)} - BOOKKEEPING_FIELDS
    sdk_fields = set(theirs.model_fields)
    assert our_fields - sdk_fields == set(), mine.__name__
    drift = sdk_fields - our_fields
    for name in sorted(drift):
        assert not theirs.model_fields[name].is_required(), (mine.__name__, name)
        note(f"SDK oracle: {mine.__name__}.{name} is in the SDK, not in the spec (kept in extra_fields)")
    for name in sorted(our_fields):
        sdk_ann = theirs.model_fields[name].annotation
        assert _shape(hints[name]) == _shape(sdk_ann), (mine.__name__, name)
        # Required in the spec (our classes default constants such as `type` for convenience, but
        # the payload must carry them).
        assert theirs.model_fields[name].is_required() == REQUIRED[mine.__name__][name], (mine.__name__, name)
        inner_sdk, inner_ours = _nested(sdk_ann), _nested(hints[name])
        if inner_sdk is not None:
            # Our nested classes are named <Event> + the SDK's nested name: Data, DataSipHeader.
            assert inner_ours.__name__ == top + inner_sdk.__name__
            # ... and reachable by the SDK's name too, as a class attribute of the event.
            assert getattr(getattr(wh, top), inner_sdk.__name__) is inner_ours
            _compare_classes(inner_ours, inner_sdk, top, seen)


@pytest.mark.spec_driven
def test_every_shared_sdk_member_has_a_same_named_class_with_the_same_fields() -> None:
    decoders = getattr(wh, f"_{LOADED.entry.name.constant}_DECODERS")  # type: ignore[union-attr]
    assert set(decoders) == set(OUR_TAGS)
    seen: list[str] = []
    for tag in SHARED_TAGS:
        sdk_cls = SDK_BY_TAG[tag]
        ours_obj = MEMBERS[tag].object
        assert ours_obj.name.pascal == sdk_cls.__name__, tag
        mine: type = getattr(wh, sdk_cls.__name__)
        assert isinstance(mine, type) and dataclasses.is_dataclass(mine)
        assert decoders[tag].__name__ == f"_decode_{sdk_cls.__name__}"
        assert next(f for f in dataclasses.fields(mine) if f.name == "type").default == tag
        _compare_classes(mine, sdk_cls, sdk_cls.__name__, seen)
        # Every nested class the spec defines under a shared event was compared with the SDK's.
        assert {o.name.pascal for o in ours_obj.nested} <= set(seen), tag
    # Our union alias lists exactly the spec's members.
    assert {c.__name__ for c in typing.get_args(wh.UnwrapWebhookEvent)} == {m.object.name.pascal for m in events(LOADED)}


@pytest.mark.spec_driven
def test_sdk_only_event_types_are_unknown_to_us() -> None:
    """Types the installed SDK knows and the spec does not: we keep them whole, or reject them when strict."""
    for tag in SDK_ONLY_TAGS:
        payload = {"id": "evt_1", "created_at": 1, "type": tag, "data": {"id": "x"}}
        body = json.dumps(payload)
        assert type(sdk_unwrap(body)) is SDK_BY_TAG[tag]
        mine = ours(body)
        assert type(mine) is wh.UnknownWebhookEvent
        assert mine.type == tag and mine.to_dict() == payload
        with pytest.raises(wh.WebhookDecodeError) as info:
            wh.parse_event(body, strict=True)
        assert info.value.path == "$.type"


# ---------------------------------------------------------------- where we are stricter (observed SDK behaviour)
# On particular events, so on the module rendered from the frozen reference spec.

ref = reference_module()
REF_TAGS = set(getattr(ref, "_UNWRAP_WEBHOOK_EVENT_DECODERS"))

BASE = {"id": "evt_1", "created_at": 1700000000, "type": "batch.cancelled", "data": {"id": "batch_1"}}
SIP_BASE = {"id": "evt_2", "created_at": 1700000000, "type": SIP,
            "data": {"call_id": "call_1", "sip_headers": [{"name": "From", "value": "a"}]}}


def _ours_error(body: str) -> Any:
    with pytest.raises(ref.WebhookDecodeError) as info:
        ref.parse_event(body.encode())
    return info.value


def test_numeric_string_created_at_sdk_coerces_we_reject() -> None:
    body = json.dumps({**BASE, "created_at": "1700000000"})
    theirs = sdk_unwrap(body)
    assert type(theirs).__name__ == "BatchCancelledWebhookEvent"
    assert theirs.created_at == 1700000000 and type(theirs.created_at) is int  # pydantic lax str -> int
    assert _ours_error(body).path == "$.created_at"


def test_non_numeric_string_created_at_sdk_keeps_the_string_we_reject() -> None:
    body = json.dumps({**BASE, "created_at": "yesterday"})
    theirs = sdk_unwrap(body)
    assert type(theirs).__name__ == "BatchCancelledWebhookEvent"
    assert theirs.created_at == "yesterday"  # validation failed, so the SDK constructs without checking
    err = _ours_error(body)
    assert err.path == "$.created_at"
    assert "expected an integer" in err.message


@pytest.mark.parametrize(("value", "sdk_gets"), [(True, 1), (1.0, 1), (1.5, 1.5)])
def test_bool_and_float_created_at_sdk_accepts_we_reject(value: Any, sdk_gets: Any) -> None:
    body = json.dumps({**BASE, "created_at": value})
    theirs = sdk_unwrap(body)
    assert theirs.created_at == sdk_gets and type(theirs.created_at) is type(sdk_gets)
    assert _ours_error(body).path == "$.created_at"


def test_nan_created_at_sdk_accepts_we_reject_as_invalid_json() -> None:
    body = '{"id": "e", "created_at": NaN, "type": "batch.cancelled", "data": {"id": "b"}}'
    theirs = sdk_unwrap(body)
    assert isinstance(theirs.created_at, float) and math.isnan(theirs.created_at)
    err = _ours_error(body)
    assert err.path == "$" and "not valid JSON" in err.message


def test_unknown_type_sdk_returns_its_first_union_member_we_return_unknown() -> None:
    payload = {**BASE, "type": "brand.new.event"}
    body = json.dumps(payload)
    theirs: Any = sdk_unwrap(body)
    assert type(theirs) is SDK_MEMBERS[0]  # no discriminator match: first variant that constructs
    assert _literal_tag(type(theirs)) not in REF_TAGS  # an event type the reference spec does not have at all
    assert getattr(theirs, "type") == "brand.new.event"
    mine = ref.parse_event(body.encode())
    assert type(mine) is ref.UnknownWebhookEvent
    assert mine.type == "brand.new.event" and mine.to_dict() == payload


def test_missing_required_key_sdk_fills_none_we_reject() -> None:
    body = json.dumps({k: v for k, v in BASE.items() if k != "id"})
    theirs = sdk_unwrap(body)
    assert type(theirs).__name__ == "BatchCancelledWebhookEvent"
    assert theirs.id is None and "id" not in theirs.model_fields_set
    err = _ours_error(body)
    assert (err.path, err.message) == ("$.id", "required key is missing")


def test_wrong_object_constant_sdk_keeps_it_we_reject() -> None:
    body = json.dumps({**BASE, "object": "list"})
    assert sdk_unwrap(body).object == "list"
    assert _ours_error(body).path == "$.object"


def test_wrong_nested_types_sdk_keeps_them_we_reject_with_the_path() -> None:
    body = json.dumps({**BASE, "data": {"id": 5}})
    assert sdk_unwrap(body).data.id == 5
    assert _ours_error(body).path == "$.data.id"

    bad_header = json.loads(json.dumps(SIP_BASE))
    bad_header["data"]["sip_headers"][0]["value"] = 3
    body = json.dumps(bad_header)
    theirs = sdk_unwrap(body)
    assert type(theirs).__name__ == "RealtimeCallIncomingWebhookEvent"
    assert theirs.data.sip_headers[0].value == 3
    assert _ours_error(body).path == "$.data.sip_headers[0].value"


def test_non_object_payload_sdk_returns_it_as_is_we_reject() -> None:
    assert sdk_unwrap("[1, 2]") == [1, 2]
    assert sdk_unwrap('"batch.cancelled"') == "batch.cancelled"
    for body in ("[1, 2]", '"batch.cancelled"'):
        err = _ours_error(body)
        assert err.path == "$" and "expected an object" in err.message
