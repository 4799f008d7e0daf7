"""Example JSON values, hypothesis strategies and value walks built from the spec model.

Tests about "every event" take their cases from a loaded spec through this module, so they follow
the spec as it changes. It is also the only test module that looks at the model's type classes
(isinstance on `generator.model`): when the model changes, this is the one file to adapt.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

from generator import diff, formats, model, naming, spec
from generator.targets import python

JsonPath = tuple[str | int, ...]

# Dataclass fields of a generated class that are not JSON keys: what `to_dict()` needs besides them.
BOOKKEEPING_FIELDS = frozenset({"extra_fields", "explicit_nulls"})

# -- the model's classes, in one place -----------------------------------------------------------


def scalar_name(t: object) -> str | None:
    """`string`, `integer`, `float` or `boolean` for a scalar type, else None."""
    names = {model.String: "string", model.Integer: "integer", model.Float: "float", model.Boolean: "boolean"}
    return names.get(type(t))


def resolve(t: model.Type | model.Definition, spec: model.Spec) -> model.Type | model.Definition:
    """A reference's target, a named scalar's or enum's type; any other type as it is."""
    if isinstance(t, model.Named):
        return t.type
    return spec.definition(t.name) if isinstance(t, model.Ref) else t


def events(spec: model.Spec) -> list[model.UnionMember]:
    """The members of the entry union (what parse_event dispatches to), in spec order."""
    return list(spec.entry.members) if spec.entry is not None else []


def constructs(spec: model.Spec) -> set[str]:
    """The names of every construct the spec uses (as spec/README.md's table names them)."""
    seen: set[str] = set()

    def walk(t: model.Type | model.Definition) -> None:
        if scalar_name(t) is not None:
            seen.add(str(scalar_name(t)))
        elif isinstance(t, model.Json):
            seen.add("json")
        elif isinstance(t, model.Literal):
            seen.add("literal:" + type(t.value).__name__)
        elif isinstance(t, model.Enum):
            seen.add("open enum" if t.open else "integer enum" if t.integers else "enum")
        elif isinstance(t, model.Array):
            seen.add("array")
            walk(t.item)
        elif isinstance(t, model.Map):
            seen.add("object type" if isinstance(t.value, model.Json) else "map")
            walk(t.value)
        elif isinstance(t, model.Nullable):
            seen.add("nullable")
            walk(t.inner)
        elif isinstance(t, model.OneOf):
            seen.add("union without a discriminator (one_of, or variants under one tag)")
            for m in t.members:
                walk(m)
        elif isinstance(t, model.Ref):
            seen.add("ref")
        elif isinstance(t, model.Named):
            seen.add("named")
            walk(t.type)
        elif isinstance(t, model.Union_):
            seen.add("union")
        elif isinstance(t, model.Object):
            seen.add("object")
            if t.extends:
                seen.add("extends")
            for f in t.fields:
                seen.add("optional" if f.optional else "required")
                walk(f.type)
            if t.other is not None:
                seen.add("open object")
                walk(t.other)
        else:
            raise AssertionError(f"unknown model type {t!r}")

    for d in spec.definitions:
        walk(d)
    return seen


# The constructs the spec language gained for vendors beyond the first (issue 19's list), by name.
VENDOR_CONSTRUCTS = (
    "any JSON value",
    "object with no declared fields or open object",
    "named enum or scalar",
    "composition",
    "string format",
    "numeric or boolean enum or literal",
    "item or value description",
    "union without a discriminator (one_of, or variants under one tag)",
    "deprecated",
)


def vendor_constructs(spec: model.Spec) -> set[str]:
    """Which of VENDOR_CONSTRUCTS the spec uses, read from the loaded model (every definition, every
    field, every nested type)."""
    seen: set[str] = set()
    objects_seen: set[int] = set()

    def walk(t: model.Type | model.Definition) -> None:
        if isinstance(t, model.String):
            if t.format is not None:
                seen.add("string format")
        elif isinstance(t, model.Union_):
            if t.has_variants:
                seen.add("union without a discriminator (one_of, or variants under one tag)")
        elif isinstance(t, (model.Integer, model.Float, model.Boolean, model.Ref)):
            pass
        elif isinstance(t, model.Json):
            seen.add("any JSON value")
        elif isinstance(t, model.Literal):
            if not isinstance(t.value, str):
                seen.add("numeric or boolean enum or literal")
        elif isinstance(t, model.Enum):
            if t.integers:
                seen.add("numeric or boolean enum or literal")
        elif isinstance(t, model.Array):
            if t.item_description is not None:
                seen.add("item or value description")
            walk(t.item)
        elif isinstance(t, model.Map):
            if isinstance(t.value, model.Json):
                seen.add("object with no declared fields or open object")
            if t.value_description is not None:
                seen.add("item or value description")
            walk(t.value)
        elif isinstance(t, model.Nullable):
            walk(t.inner)
        elif isinstance(t, model.OneOf):
            seen.add("union without a discriminator (one_of, or variants under one tag)")
            for m in t.members:
                walk(m)
        elif isinstance(t, model.Named):
            seen.add("named enum or scalar")
            walk(t.type)
        elif isinstance(t, model.Object):
            if id(t) in objects_seen:
                return
            objects_seen.add(id(t))
            if t.extends:
                seen.add("composition")
            if t.other is not None:
                seen.add("object with no declared fields or open object")
                walk(t.other)
            if t.deprecated is not None:
                seen.add("deprecated")
            for f in t.fields:
                if f.deprecated is not None:
                    seen.add("deprecated")
                walk(f.type)
        else:
            raise AssertionError(f"unknown model type {t!r}")

    for d in spec.definitions:
        walk(d)
    if spec.aliases:
        seen.add("named enum or scalar")
    assert seen <= set(VENDOR_CONSTRUCTS)
    return seen


# -- one example value -------------------------------------------------------------------------


# Values of a `type: json` field, by variant: every kind of JSON value, nested.
JSON_EXAMPLES: list[Any] = [
    {"previous": {"status": "pending", "tags": ["a", "b"], "count": 2, "ratio": 0.5, "gone": None, "ok": True}},
    [1, "two", 3.5, False, None, [], {}],
    "text",
    None,
    42,
    {"deep": [[{"x": [{"y": [1]}]}]]},
]


# Valid strings of each format (spec/README.md, "String formats"), edge cases included: every decoder
# must accept each of them and give it back unchanged.
FORMAT_EXAMPLES: dict[str, list[str]] = {
    "date-time": [
        "2023-11-14T22:13:20Z",
        "2024-02-29T23:59:59.123456+05:30",  # a leap day, a fraction, an offset
        "2000-02-29t00:00:00z",  # lower-case t and z; 2000 is a leap year
        "2023-06-30T12:00:00-00:00",
    ],
    "date": ["2023-11-14", "2024-02-29", "2000-02-29", "1999-12-31"],
    "uri": ["https://example.com/a/b?c=d&e=%20f#g", "urn:isbn:0451450523", "mailto:someone@example.com", "ftp://[::1]:21/x"],
    "email": ["someone@example.com", "first.last+tag@mail.example.co.uk", "a!#$%&'*+/=?^_`{|}~-@x-y.io"],
    "uuid": ["123e4567-e89b-12d3-a456-426614174000", "00000000-0000-0000-0000-000000000000", "ABCDEF01-2345-6789-ABCD-EF0123456789"],
}


def example(t: model.Type | model.Definition, spec: model.Spec, variant: int = 0) -> Any:
    """A valid JSON value of type `t`; `variant` varies the choices (absent optionals, nulls, lengths)."""
    if isinstance(t, model.String) and t.format is not None:
        return FORMAT_EXAMPLES[t.format][variant % len(FORMAT_EXAMPLES[t.format])]
    scalar = scalar_name(t)
    if scalar is not None:
        return {"string": f"s{variant}", "integer": 1700000000 + variant, "float": 1.5 + variant, "boolean": variant % 2 == 0}[scalar]
    if isinstance(t, model.Json):
        return json.loads(json.dumps(JSON_EXAMPLES[variant % len(JSON_EXAMPLES)]))  # a copy
    if isinstance(t, model.Literal):
        return t.value
    if isinstance(t, model.Enum):
        return t.values[variant % len(t.values)] if not (t.open and variant % 3 == 2) else "something-new"
    if isinstance(t, model.Array):
        return [example(t.item, spec, variant + i) for i in range(variant % 3)]
    if isinstance(t, model.Map):
        return {f"k{i}": example(t.value, spec, variant + i) for i in range(variant % 3)}
    if isinstance(t, model.Nullable):
        return None if variant % 2 else example(t.inner, spec, variant)
    if isinstance(t, model.OneOf):
        return example(t.members[variant % len(t.members)], spec, variant)
    if isinstance(t, (model.Ref, model.Named)):
        return example(resolve(t, spec), spec, variant)
    if isinstance(t, model.Union_):
        return example(t.members[variant % len(t.members)].object, spec, variant)
    assert isinstance(t, model.Object), t
    out = {}
    for i, f in enumerate(t.fields):
        if f.optional and (variant + i) % 2:
            continue
        out[f.key] = example(f.type, spec, variant + i)
    if t.other is not None and variant % 2 == 0:  # an open object: one of its other keys, of its type
        out[other_key(t)] = example(t.other, spec, variant)
    return out


def other_key(obj: model.Object) -> str:
    """A key an open object does not declare, for its other values."""
    known = {f.key for f in obj.fields}
    return next(k for k in ("zz_other", "zz_other_2", "zz_other_3") if k not in known)


# -- hypothesis strategies ---------------------------------------------------------------------

json_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=12)
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)),
    max_leaves=12,
)

# What a `type: json` field holds: numbers every target keeps exactly (JavaScript's are doubles).
exact_json_values = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-(2**53) + 1, 2**53 - 1),
        st.floats(allow_nan=False, allow_infinity=False),
        st.text(max_size=12),
    ),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)),
    max_leaves=12,
)

# Extra keys for an object: given the object's model, a strategy of {key: value} without its known keys.
Extras = Callable[[model.Object], st.SearchStrategy[dict[str, Any]]]


def random_extras(obj: model.Object) -> st.SearchStrategy[dict[str, Any]]:
    known = {f.key for f in obj.fields}
    return st.dictionaries(st.text(max_size=10).filter(lambda k: k not in known), json_values, max_size=3)


def values(t: model.Type | model.Definition, spec: model.Spec, extras: Extras | None = None) -> st.SearchStrategy[Any]:
    """Any valid JSON value of type `t`, with `extras(obj)` merged into every object (none by default);
    an object's keys come in random order."""
    if isinstance(t, model.String) and t.format is not None:
        return st.sampled_from(FORMAT_EXAMPLES[t.format])
    scalar = scalar_name(t)
    if scalar == "string":
        return st.text(max_size=20)
    if scalar == "integer":
        return st.integers()
    if scalar == "float":
        return st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    if scalar == "boolean":
        return st.booleans()
    if isinstance(t, model.Json):
        return exact_json_values
    if isinstance(t, model.Literal):
        return st.just(t.value)
    if isinstance(t, model.Enum):
        closed = st.sampled_from(t.values)
        return closed | st.text(max_size=8) if t.open else closed
    if isinstance(t, model.Array):
        return st.lists(values(t.item, spec, extras), max_size=3)
    if isinstance(t, model.Map):
        return st.dictionaries(st.text(max_size=6), values(t.value, spec, extras), max_size=3)
    if isinstance(t, model.Nullable):
        return st.none() | values(t.inner, spec, extras)
    if isinstance(t, model.OneOf):
        return st.one_of([values(m, spec, extras) for m in t.members])
    if isinstance(t, model.Named):
        return values(t.type, spec, extras)
    if isinstance(t, model.Ref):
        return st.deferred(lambda: values(resolve(t, spec), spec, extras))
    if isinstance(t, model.Union_):
        return st.one_of([values(m.object, spec, extras) for m in t.members])
    assert isinstance(t, model.Object), t
    return _object_values(t, spec, extras)


def _object_values(obj: model.Object, spec: model.Spec, extras: Extras | None) -> st.SearchStrategy[dict[str, Any]]:
    required = {f.key: values(f.type, spec, extras) for f in obj.fields if not f.optional}
    optional = {f.key: values(f.type, spec, extras) for f in obj.fields if f.optional}
    known = st.fixed_dictionaries(required, optional=optional)
    more = extras(obj) if extras is not None else st.just({})
    if obj.other is not None and extras is not None:  # an open object's other keys hold its other_values: type
        known_keys = {f.key for f in obj.fields}
        more = st.dictionaries(
            st.text(max_size=10).filter(lambda k: k not in known_keys), values(obj.other, spec, extras), max_size=2
        )
    merged = st.tuples(more, known).map(lambda pair: {**pair[0], **pair[1]})
    return merged.flatmap(lambda d: st.permutations(list(d.items())).map(dict))


# -- walking a valid value ---------------------------------------------------------------------


def format_path(path: JsonPath) -> str:
    """A JSON path as WebhookDecodeError spells it: `$.data.sip_headers[0].name`, `$.attributes["a b"]`."""
    out = "$"
    for step in path:
        if isinstance(step, int):
            out += f"[{step}]"
        elif step.isidentifier():
            out += "." + step
        else:
            out += "[" + json.dumps(step) + "]"
    return out


def navigate(decoded: Any, path: JsonPath) -> Any:
    """Follow a JSON path through a decoded value: attributes of dataclasses, items of tuples and dicts."""
    for step in path:
        if isinstance(step, int) or isinstance(decoded, dict):
            decoded = decoded[step]
        else:
            decoded = getattr(decoded, attr_of_key(step))
    return decoded


_IDENTS: dict[str, str] = {}  # JSON key -> the field's spec name, for every field `positions` walked


def attr_of(f: model.Field) -> str:
    """The attribute the generated Python class gives field `f`."""
    return python.attr(f.ident)


def attr_of_key(key: str) -> str:
    return python.attr(_IDENTS.get(key, key))


@dataclass(frozen=True)
class Position:
    """One value the spec defines inside a valid JSON value."""

    path: JsonPath
    accepts: Callable[[Any], bool]  # whether a value here would not be an error *at this path*
    deletable: bool  # a required key: deleting it is "required key is missing" at this path


def _is_number(x: Any) -> bool:
    return type(x) is int or (type(x) is float and math.isfinite(x))


def _accepts(t: model.Type | model.Definition, spec: model.Spec) -> Callable[[Any], bool]:
    """Shallow acceptance: the value has the right JSON kind (what is below it is checked below it)."""
    if isinstance(t, model.String) and t.format is not None:
        form = re.compile(formats.of(t.format).pattern)
        return lambda x: type(x) is str and form.fullmatch(x) is not None
    scalar = scalar_name(t)
    if scalar is not None:
        return {
            "string": lambda x: type(x) is str,
            "integer": lambda x: type(x) is int,
            "float": _is_number,
            "boolean": lambda x: type(x) is bool,
        }[scalar]
    if isinstance(t, model.Json):  # any JSON value (NaN and infinities are not JSON)
        return lambda x: not (type(x) is float and not math.isfinite(x))
    if isinstance(t, model.Literal):
        value = t.value
        return lambda x: type(x) is type(value) and x == value
    if isinstance(t, model.Enum):
        allowed, open_ = set(t.values), t.open
        kind = type(t.values[0])
        return lambda x: type(x) is kind and (open_ or x in allowed)
    if isinstance(t, model.Array):
        return lambda x: type(x) is list
    if isinstance(t, model.Nullable):
        inner = _accepts(t.inner, spec)
        return lambda x: x is None or inner(x)
    if isinstance(t, model.OneOf):
        # what fails inside a one_of's value is reported at the one_of (no member decodes it): deep
        side, one_of = diff.Side(spec), t
        return lambda x: side.accepts(one_of, x)
    if isinstance(t, (model.Ref, model.Named)):
        return _accepts(resolve(t, spec), spec)
    assert isinstance(t, (model.Map, model.Object, model.Union_)), t
    return lambda x: type(x) is dict


def positions(value: Any, t: model.Type | model.Definition, spec: model.Spec, entry: bool = True) -> list[Position]:
    """Every spec-defined value inside `value` (a valid value of type `t`), the root excluded.

    With `entry`, `t` is decoded by parse_event: its discriminator accepts any string (an unknown
    tag is not an error there). A nested union's discriminator accepts any of that union's tags.
    """
    out: list[Position] = []

    def walk(v: Any, t: model.Type | model.Definition, path: JsonPath, tags: dict[str, set[str]]) -> None:
        t = resolve(t, spec)
        if isinstance(t, model.Nullable):
            if v is not None:
                walk(v, t.inner, path, {})
        elif isinstance(t, model.Array):
            for i, item in enumerate(v):
                out.append(Position(path + (i,), _accepts(t.item, spec), False))
                walk(item, t.item, path + (i,), {})
        elif isinstance(t, model.Map):
            for k, item in v.items():
                out.append(Position(path + (k,), _accepts(t.value, spec), False))
                walk(item, t.value, path + (k,), {})
        elif isinstance(t, model.Union_):
            member = next(m for m in t.members if m.tag == v[t.discriminator])
            walk(v, member.object, path, {t.discriminator: {m.tag for m in t.members}})
        elif isinstance(t, model.Object):
            for f in t.fields:
                _IDENTS[f.key] = f.ident
                if f.key not in v:
                    continue
                if f.key in tags:
                    allowed = tags[f.key]
                    accepts: Callable[[Any], bool] = lambda x, allowed=allowed: type(x) is str and x in allowed  # noqa: E731
                else:
                    accepts = _accepts(f.type, spec)
                out.append(Position(path + (f.key,), accepts, not f.optional))
                walk(v[f.key], f.type, path + (f.key,), {})

    t = resolve(t, spec)
    if entry and isinstance(t, model.Union_):
        member = next(m for m in t.members if m.tag == value[t.discriminator])
        walk(value, member.object, (), {t.discriminator: _ANY_STRING})
    else:
        walk(value, t, (), {})
    return out


class _AnyString(set):  # type: ignore[type-arg]
    def __contains__(self, item: object) -> bool:
        return isinstance(item, str)


_ANY_STRING = _AnyString()


def objects_in(value: Any, t: model.Type | model.Definition, spec: model.Spec) -> Iterator[tuple[JsonPath, model.Object, dict[str, Any]]]:
    """(path, object model, JSON object) for every object inside a valid value, the root included."""

    def walk(v: Any, t: model.Type | model.Definition, path: JsonPath) -> Iterator[tuple[JsonPath, model.Object, dict[str, Any]]]:
        t = resolve(t, spec)
        if isinstance(t, model.Nullable):
            if v is not None:
                yield from walk(v, t.inner, path)
        elif isinstance(t, model.Array):
            for i, item in enumerate(v):
                yield from walk(item, t.item, path + (i,))
        elif isinstance(t, model.Map):
            for k, item in v.items():
                yield from walk(item, t.value, path + (k,))
        elif isinstance(t, model.Union_):
            yield from walk(v, next(m for m in t.members if m.tag == v[t.discriminator]).object, path)
        elif isinstance(t, model.Object):
            yield path, t, v
            for f in t.fields:
                if f.key in v:
                    yield from walk(v[f.key], f.type, path + (f.key,))
            if t.other is not None:  # an open object's other keys hold values of its other_values: type
                known = {f.key for f in t.fields}
                for k, item in v.items():
                    if k not in known:
                        yield from walk(item, t.other, path + (k,))

    yield from walk(value, t, ())


def field_summary(f: model.Field) -> dict[str, Any]:
    """What a field loaded as, in JSON terms: its description, its kind (the model's class), deprecation (None, "" or the message),
    its items' or values' description, and its literal value or enum values."""
    out: dict[str, Any] = {"description": f.description, "deprecated": f.deprecated}
    t = f.type.inner if isinstance(f.type, model.Nullable) else f.type
    out["kind"] = type(t).__name__
    if isinstance(t, model.Named):  # a named scalar or enum: its name, then what it names
        out["named"] = t.name.snake
        t = t.type
    if isinstance(t, model.Array):
        out["item_description"] = t.item_description
    elif isinstance(t, model.Map):
        out["value_description"] = t.value_description
    if isinstance(t, model.String):
        out["format"] = t.format
    if isinstance(t, model.Literal):
        out["literal"] = t.value
    elif isinstance(t, model.Enum):
        out["enum"] = list(t.values)
    elif isinstance(t, model.OneOf):
        out["members"] = [spec.member_text(m) for m in t.members]
    elif isinstance(t, model.Object):  # an open object: its other keys' type, and their description
        out["other_values"] = spec.member_text(t.other) if t.other is not None else None
        out["other_description"] = t.other_description
    return out
