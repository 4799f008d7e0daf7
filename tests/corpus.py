"""A corpus of payloads built from the spec model: valid events of every type, and invalid ones of
every kind (wrong type, missing key, bad literal, value outside a closed enum, null where not
nullable), at every depth. It grows with the spec: nothing here names an event."""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from typing import Any, Iterator, assert_never

from examples import example
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
            member = next((m.object for m in t.members if isinstance(value, dict) and value.get(t.discriminator) == m.tag), None)
            if member is not None:
                yield from mutations(member, value, spec, path)
        case model.Array(item=item):
            if isinstance(value, list) and value:
                for kind, where, bad, opt in mutations(item, value[0], spec, path + "[0]"):
                    yield kind, where, [bad] + value[1:], opt
        case model.Map(value=inner):
            if isinstance(value, dict) and value:
                key = next(iter(value))
                for kind, where, bad, opt in mutations(inner, value[key], spec, f"{path}.{key}"):
                    yield kind, where, {**value, key: bad}, opt
        case model.Object():
            if isinstance(value, dict):
                yield from field_mutations(t, value, spec, path)
        case model.String() | model.Integer() | model.Float() | model.Boolean() | model.Json() | model.Literal() | model.Enum() | model.Named():
            pass  # a value without parts (or, for any JSON value, none that can be wrong): bad_values replaces it whole
        case _:
            assert_never(t)


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
        for kind, inner_where, bad, opt in mutations(f.type, value[f.key], spec, where):
            yield kind, inner_where, {**value, f.key: bad}, opt


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
            for kind, where, bad, optional in mutations(member.object, copy.deepcopy(payload), spec, "$"):
                add(Case(f"{label} {kind} at {where}", bad, False, kind, optional))
        add(Case(f"{label} with a key the spec does not define", {**example(member.object, spec, 0), "zz_added_later": [1]}, True, "extra key"))
    add(Case("not an object", [1, 2], False, "wrong type"))
    add(Case("no discriminator", {}, False, "missing key"))
    return cases
