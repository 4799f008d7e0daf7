"""Property tests for the generated stdlib-only module generated/python/openai_webhooks.py.

(a) Every valid event of every type in the spec, with random unknown keys at every object level,
    round-trips: `parse_event(json.dumps(d)).to_dict() == d`, whatever the input form.
(b) Anything else either decodes or raises WebhookDecodeError -- never another exception -- and a
    single targeted mutation of a valid event is reported at exactly the mutated path.

Payloads are built from the spec (tests/examples.py walks the loaded model), never read back from
the module under test, so a generator change that alters a shape makes these tests fail; and an
event added to the spec is covered without touching this file.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from conftest import GENERATED, SPEC, import_path, scaled_examples
from examples import BOOKKEEPING_FIELDS, attr_of, events, example, format_path, json_values, navigate, objects_in, positions, random_extras, values
from generator import spec

wh = import_path(GENERATED / "python" / "openai_webhooks.py", "openai_webhooks")
WebhookDecodeError = wh.WebhookDecodeError
LOADED = spec.load(SPEC)
MEMBERS = {m.tag: m for m in events(LOADED)}
EVENT_TYPES = sorted(MEMBERS)
DECODERS = getattr(wh, f"_{LOADED.entry.name.constant}_DECODERS")  # type: ignore[union-attr]

SETTINGS = settings(max_examples=scaled_examples(100), deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])

# ---------------------------------------------------------------- strategies


@st.composite
def valid_events(draw: st.DrawFn, *, with_extras: bool = True, event_type: str | None = None) -> dict[str, Any]:
    t = event_type if event_type is not None else draw(st.sampled_from(EVENT_TYPES))
    return draw(values(MEMBERS[t].object, LOADED, random_extras if with_extras else None))


def event_positions(d: dict[str, Any]) -> list[Any]:
    return positions(d, LOADED.entry, LOADED)  # type: ignore[arg-type]


def set_at(d: Any, steps: tuple[str | int, ...], value: Any) -> None:
    target = d
    for s in steps[:-1]:
        target = target[s]
    target[steps[-1]] = value


def deep_copy(d: Any) -> Any:
    return json.loads(json.dumps(d))


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


pytestmark = pytest.mark.spec_driven

# ---------------------------------------------------------------- (a) round trips


def test_spec_types_are_exactly_the_module_decoders() -> None:
    assert EVENT_TYPES, "the spec's entry union has no members"
    assert set(DECODERS) == set(EVENT_TYPES)
    for member in events(LOADED):
        cls = getattr(wh, member.object.name.pascal)
        variants = [m for m in events(LOADED) if m.tag == member.tag]
        if len(variants) == 1:
            assert DECODERS[member.tag].__name__ == f"_decode_{cls.__name__}"
        else:  # the tag's variants, tried in order: its example decodes as it (or as a variant before it)
            upto = tuple(getattr(wh, m.object.name.pascal) for m in variants[: variants.index(member) + 1])
            assert isinstance(DECODERS[member.tag](example(member.object, LOADED, 0)), upto)
        assert {f.name for f in dataclasses.fields(cls)} - BOOKKEEPING_FIELDS == {attr_of(f) for f in member.object.fields}


@pytest.mark.parametrize("event_type", EVENT_TYPES)
@settings(max_examples=scaled_examples(8), deadline=None)
@given(data=st.data())
def test_every_type_round_trips(event_type: str, data: st.DataObject) -> None:
    """Each type on its own, so none can be starved by sampling."""
    d = data.draw(valid_events(event_type=event_type))
    ev = wh.parse_event(json.dumps(d))
    assert type(ev).__name__ == MEMBERS[event_type].object.name.pascal
    assert ev.to_dict() == d


@SETTINGS
@given(valid_events())
def test_valid_events_round_trip_in_every_input_form(d: dict[str, Any]) -> None:
    original = deep_copy(d)
    results = decode_all_forms(d)
    first = results[0]
    assert not isinstance(first, Exception), first
    member = MEMBERS[d[LOADED.entry.discriminator]]  # type: ignore[union-attr]
    assert type(first).__name__ == member.object.name.pascal
    for other in results[1:]:
        assert other == first
        assert type(other) is type(first)
    assert first.to_dict() == d
    assert json.loads(json.dumps(first.to_dict())) == original
    # The class's own from_dict agrees with the dispatcher.
    assert type(first).from_dict(d) == first
    # Scalar field values are what came in; absent optional fields are None.
    for f in member.object.fields:
        got = getattr(first, attr_of(f))
        if f.key not in d:
            assert got is None
        elif d[f.key] is None or isinstance(d[f.key], (str, int, float, bool)):
            assert got == d[f.key] and type(got) is type(d[f.key])
    # parse_event does not mutate a mapping it is given.
    assert d == original


@SETTINGS
@given(valid_events())
def test_unknown_keys_land_in_extra_fields_at_every_level(d: dict[str, Any]) -> None:
    ev = wh.parse_event(json.dumps(d).encode())
    member = MEMBERS[d[LOADED.entry.discriminator]]  # type: ignore[union-attr]
    for path, obj, raw in objects_in(d, member.object, LOADED):
        decoded = navigate(ev, path)
        assert type(decoded).__name__ == obj.name.pascal, format_path(path)
        known = {f.key for f in obj.fields}
        assert dict(decoded.extra_fields) == {k: v for k, v in raw.items() if k not in known}, format_path(path)


@SETTINGS
@given(valid_events(with_extras=False))
def test_events_without_extras_are_equal_across_forms(d: dict[str, Any]) -> None:
    a = wh.parse_event(d)
    b = wh.parse_event(json.dumps(d).encode())
    assert a == b
    assert a.to_dict() == d
    # Hashable unless a map (a dict) is inside.
    if not any(isinstance(navigate(a, p), dict) for p in (pos.path for pos in event_positions(d))):
        assert hash(a) == hash(b)


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
    position = data.draw(st.sampled_from(event_positions(d)))
    bad = data.draw(json_values.filter(lambda v: not position.accepts(v)))
    mutated = deep_copy(d)
    set_at(mutated, position.path, bad)
    for strict in (False, True):
        for result in decode_all_forms(mutated, strict=strict):
            assert isinstance(result, WebhookDecodeError), (position.path, bad, result)
            if not reported_by_variants(d, result, format_path(position.path)):
                assert result.path == format_path(position.path), (bad, result)


def reported_by_variants(d: dict[str, Any], result: WebhookDecodeError, inside: str) -> bool:
    """An event whose tag has variants, none of which decodes it: the error is at the event and
    names, for each variant, the path (and reason) where it failed, `inside` among them."""
    key = LOADED.entry.discriminator  # type: ignore[union-attr]
    if sum(m.tag == d[key] for m in events(LOADED)) < 2 or result.path != "$":
        return False
    assert "but each failed" in result.message and inside in result.message, (inside, result)
    return True


@SETTINGS
@given(valid_events(), st.data())
def test_missing_required_key_is_reported_at_that_key(d: dict[str, Any], data: st.DataObject) -> None:
    position = data.draw(st.sampled_from([p for p in event_positions(d) if p.deletable]))
    mutated = deep_copy(d)
    target = mutated
    for s in position.path[:-1]:
        target = target[s]
    del target[position.path[-1]]
    for result in decode_all_forms(mutated):
        assert isinstance(result, WebhookDecodeError), (position.path, result)
        if reported_by_variants(d, result, format_path(position.path) + ": required key is missing"):
            continue
        assert result.path == format_path(position.path)
        assert result.message == "required key is missing"


@SETTINGS
@given(valid_events(), st.text(max_size=30))
def test_unknown_type_is_kept_whole_or_rejected_when_strict(d: dict[str, Any], tag: str) -> None:
    assume(tag not in MEMBERS)
    key = LOADED.entry.discriminator  # type: ignore[union-attr]
    mutated = {**d, key: tag}
    for ev in decode_all_forms(mutated):
        assert type(ev) is wh.UnknownWebhookEvent
        assert ev.type == tag
        assert dict(ev.raw) == mutated
        assert ev.to_dict() == mutated
    for err in decode_all_forms(mutated, strict=True):
        assert isinstance(err, WebhookDecodeError)
        assert err.path == format_path((key,))
        assert json.dumps(tag) in err.message


@SETTINGS
@given(valid_events(), st.data())
def test_arbitrary_json_at_a_known_path_decodes_or_fails_at_or_below_it(d: dict[str, Any], data: st.DataObject) -> None:
    key = LOADED.entry.discriminator  # type: ignore[union-attr]
    candidates = [p for p in event_positions(d) if p.path != (key,)]
    assume(candidates)  # an event with nothing but its discriminator has no other position
    position = data.draw(st.sampled_from(candidates))
    mutated = deep_copy(d)
    set_at(mutated, position.path, data.draw(json_values))
    for result in decode_all_forms(mutated):
        if isinstance(result, WebhookDecodeError):
            prefix = format_path(position.path)
            if sum(m.tag == d[key] for m in events(LOADED)) > 1 and result.path == "$":
                # a tag's variants, none of which decodes it: the error is at the event, naming the path
                # inside each variant where it failed (spec/README.md, "Variants of one event")
                assert "but each failed" in result.message and prefix in result.message, (prefix, result)
                continue
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


TOP_KEYS = sorted({f.key for m in MEMBERS.values() for f in m.object.fields})


@SETTINGS
@given(st.dictionaries(st.sampled_from(TOP_KEYS) | st.text(max_size=5), json_values, max_size=6))
def test_arbitrary_objects_with_spec_keys_raise_only_decode_errors(value: dict[str, Any]) -> None:
    key = LOADED.entry.discriminator  # type: ignore[union-attr]
    if key not in value and value:  # mostly aim at a real decoder rather than the unknown-type branch
        value = {**value, key: EVENT_TYPES[len(value) % len(EVENT_TYPES)]}
    for strict in (False, True):
        result = assert_decode_error_or_success(json.dumps(value), strict=strict)
        if not isinstance(result, WebhookDecodeError):
            assert result.to_dict() == value


def test_wrong_value_filters_exclude_what_a_field_accepts() -> None:
    """Guard the guards: a position's `accepts` takes the value that is there in a valid event."""
    for variant in range(3):
        for member in MEMBERS.values():
            d = example(member.object, LOADED, variant)
            for position in event_positions(d):
                here: Any = d
                for s in position.path:
                    here = here[s]
                assert position.accepts(here), (member.tag, format_path(position.path), here)
