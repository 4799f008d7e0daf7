"""A corpus of payloads built from the spec model: valid events of every type, and invalid ones of
every kind (wrong type, missing key, bad literal, value outside a closed enum, null where not
nullable), at every depth. It grows with the spec: nothing here names an event."""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from typing import Any, Iterator, assert_never

from examples import FORMAT_EXAMPLES, example, other_key
from generator import diff, model


@dataclass(frozen=True)
class Case:
    name: str  # what was done, and where: `missing key $.data.id`
    payload: Any
    valid: bool
    kind: str = "valid"  # the kind of mutation, for expected differences between targets
    optional_field: bool = False  # the mutated key may be absent (pydantic reads null there as absent)


def bad_values(t: model.Type, spec: model.Spec) -> Iterator[tuple[str, Any]]:
    """Values that are not of type `t` (null is left to `null_cases`)."""
    match t:
        case model.String(format=str() as name):
            yield "wrong type", 123
            for kind, value in BAD_FORMATS[name]:
                yield kind, value
        case model.String():
            yield "wrong type", 123
            yield "wrong type", True
        case model.Integer():
            yield "wrong type", "1"
            yield "wrong type", 1.5
            yield "bool for int", True
        case model.Float():
            yield "wrong type", "1.5"
            yield "bool for int", False
        case model.Boolean():
            yield "int for bool", 1
            yield "wrong type", "true"
        case model.Literal(value=bool() as value):
            yield "bad literal", not value
            yield "int for bool literal", int(value)
        case model.Literal(value=str() as value):
            yield "bad literal", value + "-other"
        case model.Literal(value=value):
            yield "bad literal", value + 1
            yield "wrong type", str(value)
        case model.Enum(values=values) if t.integers:
            yield "outside the enum", max(values) + 1
            yield "wrong type", str(values[0])
            if 1 in values:
                yield "true for 1", True  # pydantic's Literal[1] takes it (True == 1 in Python)
            else:
                yield "bool for int", True
            # 1.0 for 1 is left out: JavaScript reads both as 1 (README, "literal: 5")
        case model.Enum(values=values, open=is_open):
            if not is_open:
                yield "outside the enum", "-".join(values) + "-other"
            yield "wrong type", 7
        case model.Array():
            yield "wrong type", {"a": 1}
            yield "wrong type", "x"
        case model.Map():
            yield "wrong type", [1]
        case model.Json():
            # any JSON value is one; json.dumps writes these as NaN and Infinity, which no JSON holds
            yield "not JSON", float("nan")
            yield "not JSON", float("-inf")
        case model.Nullable(inner=inner) | model.Named(type=inner):
            yield from bad_values(inner, spec)
        case model.OneOf():
            # values of every JSON kind that no member decodes, each its own case
            side = diff.Side(spec)
            for value in ("x", 7, 1.5, True, [1], {"zz_unknown": 1}):
                if not side.accepts(t, value):
                    yield "no member matches", value
        case model.Object():
            yield "wrong type", []
            yield "wrong type", "x"
        case model.Ref(name=name):
            yield from bad_values(resolve(spec, name), spec)
        case _:
            assert_never(t)


# Strings not of each format (spec/README.md, "String formats"), by kind: "bad format" where every
# decoder and validator rejects it; another kind where a library is laxer (README's table).
BAD_FORMATS: dict[str, list[tuple[str, str]]] = {
    "date-time": [
        ("bad format", "2023-02-29T00:00:00Z"),  # not a leap year
        ("bad format", "2023-11-14T22:13:20"),  # no offset
        ("bad format", "2023-11-14T24:00:00Z"),
        ("bad format", "2023-11-14"),  # a date alone
        ("bad format", "November 14, 2023"),
        ("date-time with a space", "2023-11-14 22:13:20Z"),  # ajv-formats takes a space for the T
    ],
    "date": [
        ("bad format", "2023-02-29"),
        ("bad format", "2023-13-01"),
        ("bad format", "2023-11-14T00:00:00Z"),
        ("bad format", "23-11-14"),
    ],
    "uri": [
        ("bad format", "example.com/path"),  # no scheme
        ("bad format", "/relative/path"),
        ("bad format", "https://exa mple.com/"),
        ("bad format", "https://example.com/%zz"),
        ("bad format", "https://example.com/\u00e4"),  # not ASCII (an IRI, not a URI)
    ],
    "email": [
        ("bad format", "no-at-sign.example.com"),
        ("email jsonschema takes", "someone@localhost"),  # one label; jsonschema checks only for '@'
        ("email jsonschema takes", "a b@example.com"),
        ("email jsonschema takes", "someone@@example.com"),
    ],
    "uuid": [
        ("bad format", "123e4567e89b12d3a456426614174000"),  # no hyphens
        ("bad format", "123e4567-e89b-12d3-a456-42661417400g"),
        ("bad format", "{123e4567-e89b-12d3-a456-426614174000}"),
        ("uuid with urn:uuid:", "urn:uuid:123e4567-e89b-12d3-a456-426614174000"),  # ajv-formats takes the prefix
    ],
}


# Valid strings, by kind, that a library rejects (README's table).
ODD_FORMATS: dict[str, list[tuple[str, str]]] = {
    "date-time": [("leap second", "1998-12-31T23:59:60Z")],  # jsonschema's rfc3339-validator refuses :60
}
VALID_KINDS = frozenset({"valid format", "leap second"})


def good_values(t: model.Type) -> Iterator[tuple[str, str]]:
    """Valid strings of a format, by kind (edge cases: leap days and seconds, lower case, offsets)."""
    match t:
        case model.String(format=str() as name):
            yield from (("valid format", value) for value in FORMAT_EXAMPLES[name])
            yield from ODD_FORMATS.get(name, [])
        case model.Nullable(inner=inner):
            yield from good_values(inner)
        case _:
            pass


def resolve(spec: model.Spec, name: model.Name) -> model.Object:
    d = spec.definition(name)
    if isinstance(d, model.Union_):
        return d.members[0].object
    return d


def mutations(t: model.Type | model.Union_, value: Any, spec: model.Spec, path: str) -> Iterator[tuple[str, str, Any, bool]]:
    """(kind, where, the whole value mutated, the key may be absent) for every mutation inside `value`."""
    match t:
        case model.Nullable(inner=inner):
            if value is not None:
                yield from mutations(inner, value, spec, path)
        case model.Ref(name=name):
            yield from mutations(spec.definition(name), value, spec, path)
        case model.OneOf(members=members):
            # inside the member that decodes the value (the first that does): a mutation no member
            # decodes is an error at the one_of's own path (each member's reason in the message)
            side = diff.Side(spec)
            member = next((m for m in members if side.accepts(m, value)), None)
            if member is not None:
                for kind, _, bad, opt in mutations(member, value, spec, path):
                    if not side.accepts(t, bad):
                        yield "no member matches", path, bad, opt
        case model.Union_():
            side = diff.Side(spec)
            tag = value.get(t.discriminator) if isinstance(value, dict) else None
            group = [m.object for m in t.members if m.tag == tag]
            # the first variant that takes the value is the one it decodes as (one member: that one)
            member = next((m for m in group if side.accepts(m, value)), group[0] if group else None)
            if member is not None:
                yield from variant_mutations(t, group, mutations(member, value, spec, path), spec, path)
        case model.Array(item=item):
            if isinstance(value, list) and value:
                for kind, bad_item in format_cases(item):  # a string's format, inside an array too
                    yield kind, path + "[0]", [bad_item] + value[1:], False
                for kind, where, bad, opt in mutations(item, value[0], spec, path + "[0]"):
                    yield kind, where, [bad] + value[1:], opt
        case model.Map(value=inner):
            if isinstance(value, dict) and value:
                key = next(iter(value))
                for kind, bad_value in format_cases(inner):
                    yield kind, f"{path}.{key}", {**value, key: bad_value}, False
                for kind, where, bad, opt in mutations(inner, value[key], spec, f"{path}.{key}"):
                    yield kind, where, {**value, key: bad}, opt
        case model.Object():
            if isinstance(value, dict):
                yield from field_mutations(t, value, spec, path)
        case model.String() | model.Integer() | model.Float() | model.Boolean() | model.Json() | model.Literal() | model.Enum() | model.Named():
            pass  # a value without parts (or, for any JSON value, none that can be wrong): bad_values replaces it whole
        case _:
            assert_never(t)


def variant_mutations(
    union: model.Union_, group: list[model.Object], found: Iterator[tuple[str, str, Any, bool]], spec: model.Spec, path: str
) -> Iterator[tuple[str, str, Any, bool]]:
    """Mutations inside one of a tag's variants: one that another variant takes is left out (it is
    valid, as that variant); one that none takes is an error at the union's own path, naming why
    each variant failed, as a one_of's is. A mutation of the tag itself stays what it is."""
    if len(group) < 2:
        yield from found
        return
    side = diff.Side(spec)
    tag = group[0].discriminator_value(union.discriminator)
    for kind, where, bad, opt in found:
        if base_kind(kind) in VALID_KINDS or not isinstance(bad, dict) or bad.get(union.discriminator) != tag:
            yield kind, where, bad, opt
        elif not side.accepts(union, bad):
            yield "no member matches", path, bad, opt


def format_cases(t: model.Type) -> Iterator[tuple[str, Any]]:
    """For a string of a format (or a nullable one): its valid edge cases and its bad strings."""
    inner = t.inner if isinstance(t, model.Nullable) else t
    if isinstance(inner, model.String) and inner.format is not None:
        yield from good_values(inner)
        yield from BAD_FORMATS[inner.format]


def field_mutations(t: model.Object, value: dict[str, Any], spec: model.Spec, path: str) -> Iterator[tuple[str, str, Any, bool]]:
    """Each field of an object's value removed, nulled, replaced by a bad value, and mutated inside."""
    for f in t.fields:
        where = f"{path}.{f.key}"
        if f.key not in value:
            continue
        if not f.optional:
            yield "missing key", where, {k: v for k, v in value.items() if k != f.key}, False
        if not isinstance(f.type, (model.Nullable, model.Json)):  # null is a JSON value
            yield "null where not nullable", where, {**value, f.key: None}, f.optional
        for kind, bad in bad_values(f.type, spec):
            yield kind, where, {**value, f.key: bad}, f.optional
        for kind, good in good_values(f.type):
            yield kind, where, {**value, f.key: good}, f.optional
        for kind, inner_where, bad, opt in mutations(f.type, value[f.key], spec, where):
            yield kind, inner_where, {**value, f.key: bad}, opt
    if t.other is not None:
        # an open object: a key it does not declare, holding a bad value of its other_values: type, or a
        # good one mutated inside; each kind ends in OTHER (msgspec drops these keys unchecked)
        key = other_key(t)
        where = f"{path}.{key}"
        if not isinstance(t.other, (model.Nullable, model.Json)):
            yield "null where not nullable" + OTHER, where, {**value, key: None}, False
        for kind, bad in bad_values(t.other, spec):
            yield kind + OTHER, where, {**value, key: bad}, False
        for kind, good in good_values(t.other):
            yield kind + OTHER, where, {**value, key: good}, False
        good_value = value[key] if key in value else example(t.other, spec, 0)
        for kind, inner_where, bad, opt in mutations(t.other, copy.deepcopy(good_value), spec, where):
            yield kind + OTHER, inner_where, {**value, key: bad}, opt


OTHER = " in an other value"  # the suffix of a mutation's kind under an open object's undeclared key


def base_kind(kind: str) -> str:
    """The kind of a mutation, wherever it is (under an open object's undeclared key too)."""
    return kind.removesuffix(OTHER)


def corpus(spec: model.Spec, variants: int = 4) -> list[Case]:
    """Valid and invalid payloads of every member of the spec's entry union."""
    assert spec.entry is not None
    cases: list[Case] = []
    seen: set[str] = set()

    def add(case: Case) -> None:
        text = json.dumps(case.payload, sort_keys=True)
        if text not in seen:
            seen.add(text)
            cases.append(case)

    for member in spec.entry.members:
        label = member.tag
        for variant in range(variants):
            payload = example(member.object, spec, variant)
            add(Case(f"{label} valid #{variant}", payload, True))
            group = [m.object for m in spec.entry.members if m.tag == member.tag]
            found = mutations(member.object, copy.deepcopy(payload), spec, "$")
            for kind, where, bad, optional in variant_mutations(spec.entry, group, found, spec, "$"):
                add(Case(f"{label} {kind} at {where}", bad, base_kind(kind) in VALID_KINDS, kind, optional))
        # a key added later: any JSON value, or (an open object) one of its other_values: type
        added = [1] if member.object.other is None else example(member.object.other, spec, 1)
        add(Case(f"{label} with a key the spec does not define", {**example(member.object, spec, 0), "zz_added_later": added}, True, "extra key"))
    add(Case("not an object", [1, 2], False, "wrong type"))
    add(Case("no discriminator", {}, False, "missing key"))
    return cases
