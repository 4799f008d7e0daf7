"""`webhookgen diff OLD NEW`: what regenerating from NEW changes for a receiver built from OLD.

Both specs are loaded into the model and compared event by event (the entry union's members,
matched by their tag), then field by field at any depth (nested objects, arrays, maps, unions),
each change with a JSON path. A change is **breaking** when some payload valid under NEW (one that
NEW's `parse_event` decodes to one of its event classes) is rejected by the decoder generated from
OLD, or decodes there to a different class; else it is **safe**. The rules follow what the
generated decoder does:

- an event type OLD does not know reaches it as `UnknownWebhookEvent`: an added event is safe;
- keys a decoder does not define are kept (`extra_fields`), whatever their value: an added field is
  safe, and a removed one is breaking (NEW no longer says what may come under that key, OLD still
  checks it; a removed required field: NEW's payloads may lack it). An open object (`other_values:`)
  checks those keys against its type, at `.*` as a map's values: typed in NEW only is safe, untyped
  in NEW breaks, and an added or removed field is breaking where the two types disagree;
- a key made optional, `null` newly allowed, a value newly allowed (an enum's, a wider type, an
  other literal, a new member of a nested union, which has no fallback) is breaking; the reverse
  narrows what NEW sends, and is safe;
- descriptions (of array items and map values too), deprecation and class names do not change what
  decodes: safe.

Every breaking change comes with a witness: a whole event payload that NEW accepts and OLD
rejects, built from the model and checked against both (`accepts` mirrors the generated decoder;
tests/test_diff.py checks it, and the classification, against the generated modules themselves).

Paths: `$` is the event payload, `.key` (or `["odd key"]`) a field, `[*]` any item of an array,
`.*` any value of a map (or of an open object's other keys), `<tag>` the member of a union with that tag.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal, assert_never

import yaml

from . import formats, model, spec

Format = Literal["text", "markdown", "json"]
FailOn = Literal["breaking", "any", "never"]
JSON_FORMAT = "webhookgen-diff/1"

# What each kind of change means, in the order a report lists them (also README's table).
KINDS: dict[str, str] = {
    "discriminator-changed": "the key the events (or a union) dispatch on changed",
    "event-added": "an event type OLD does not know",
    "event-removed": "an event type NEW no longer has",
    "member-added": "a new member of a nested union",
    "member-removed": "a member of a nested union removed",
    "field-added": "a field NEW defines and OLD does not",
    "field-removed": "a field OLD defines and NEW does not",
    "other-values-added": "an object's other keys now hold a declared type (`other_values:`)",
    "other-values-removed": "an object's other keys no longer have a declared type: any JSON value",
    "retyped": "a value of another kind (string, integer, object, ...)",
    "made-optional": "a required field may now be absent",
    "made-required": "an optional field is now always present",
    "made-nullable": "null is now allowed",
    "made-non-nullable": "null is no longer allowed",
    "enum-value-added": "a new value of a closed enum",
    "enum-value-removed": "a value of an enum removed",
    "enum-opened": "a closed enum now admits any string",
    "enum-closed": "an open enum now admits only its values",
    "literal-changed": "a literal's value changed",
    "one-of-changed": "a one_of's types added, removed or reordered (the first that decodes wins)",
    "variants-changed": "an event's variants (members with one tag) added, removed, reordered or changed",
    "format-added": "a string now has a format the decoders check",
    "format-removed": "a string's format is no longer checked",
    "format-changed": "a string's format is another one",
    "renamed": "a class or attribute name changed (code that names it must follow)",
    "description-changed": "a description changed",
    "deprecation-changed": "an event or field was deprecated, no longer is, or its reason changed",
}


# -- paths ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Key:
    key: str


@dataclass(frozen=True)
class Item:
    pass


@dataclass(frozen=True)
class Entry:
    """Any value of a map."""


@dataclass(frozen=True)
class Member:
    discriminator: str
    tag: str


Step = Key | Item | Entry | Member
Steps = tuple[Step, ...]


def shown_key(key: str) -> str:
    """A key as the generated decoder names it in a path: `.key`, or `["odd key"]`."""
    return "." + key if key.isidentifier() else "[" + json.dumps(key) + "]"


def shown_tag(tag: str) -> str:
    simple = tag and all(c.isalnum() or c in "._-" for c in tag) and tag.isascii()
    return f"<{tag}>" if simple else f"<{json.dumps(tag)}>"


def path_text(steps: Steps) -> str:
    out = "$"
    for s in steps:
        match s:
            case Key(key=key):
                out += shown_key(key)
            case Item():
                out += "[*]"
            case Entry():
                out += ".*"
            case Member(tag=tag):
                out += shown_tag(tag)
            case _:
                assert_never(s)
    return out


class _Absent:
    def __repr__(self) -> str:
        return "ABSENT"


ABSENT = _Absent()  # a witness that is a key left out


@dataclass(frozen=True)
class Change:
    kind: str  # a key of KINDS
    event: str | None  # the event's tag (None: every event)
    steps: Steps
    breaking: bool
    old: str | None = None  # what OLD says there (a type, a value, a description), as text
    new: str | None = None
    witness: Any = None  # for a breaking change: a whole event payload NEW accepts and OLD rejects
    leaf: Any = field(default=None, compare=False, repr=False)  # the witness's value at the path (ABSENT: no key)

    @property
    def path(self) -> str:
        return path_text(self.steps)

    @property
    def severity(self) -> str:
        return "breaking" if self.breaking else "safe"


# -- what a generated decoder accepts ------------------------------------------------------------

Node = model.Type | model.Union_


class Side:
    """One spec, with the model-level twin of its generated decoder."""

    def __init__(self, loaded: model.Spec):
        self.spec = loaded
        self.by_name = {d.name.snake: d for d in loaded.definitions}

    def resolve(self, t: Node) -> Node:
        while isinstance(t, (model.Ref, model.Named)):  # a named scalar or enum is the type it names
            t = t.type if isinstance(t, model.Named) else self.by_name[t.name.snake]
        return t

    def accepts(self, t: Node, v: Any) -> bool:
        """Whether the generated decoder accepts the JSON value `v` as a `t` (as json.loads gives it)."""
        match t:
            case model.String(format=str() as name):
                return type(v) is str and FORMAT_RE[name].fullmatch(v) is not None
            case model.String():
                return type(v) is str
            case model.Integer():
                return type(v) is int
            case model.Float():
                return (type(v) is float and math.isfinite(v)) or type(v) is int
            case model.Boolean():
                return v is True or v is False
            case model.Json():
                return is_json(v)
            case model.Literal(value=bool() as value):
                return v is value
            case model.Literal(value=str() as value):
                return type(v) is str and v == value
            case model.Literal(value=value):
                return type(v) is int and v == value
            case model.Enum(values=values, open=is_open):
                return type(v) is (int if t.integers else str) and (is_open or v in values)
            case model.Array(item=item):
                return type(v) is list and all(self.accepts(item, x) for x in v)
            case model.Map(value=inner):
                return type(v) is dict and all(type(k) is str and self.accepts(inner, x) for k, x in v.items())
            case model.Nullable(inner=inner):
                return v is None or self.accepts(inner, v)
            case model.OneOf(members=members):
                return any(self.accepts(m, v) for m in members)
            case model.Ref() | model.Named():
                return self.accepts(self.resolve(t), v)
            case model.Object(fields=fields, other=other):
                if type(v) is not dict or any(type(k) is not str for k in v):
                    return False
                for f in fields:
                    if f.key in v:
                        if not self.accepts(f.type, v[f.key]):
                            return False
                    elif not f.optional:
                        return False
                if other is not None:  # an open object checks every key it does not declare
                    known = {f.key for f in fields}
                    return all(self.accepts(other, x) for k, x in v.items() if k not in known)
                return True
            case model.Union_(discriminator=disc, members=members):
                if type(v) is not dict:
                    return False
                tag = v.get(disc)
                # a tag's variants are tried in order: any of them may take the value
                return type(tag) is str and any(m.tag == tag and self.accepts(m.object, v) for m in members)
            case _:
                assert_never(t)

    def chosen(self, t: model.OneOf, v: Any) -> int | None:
        """Which member of a one_of decodes `v` (the first that does), as its position."""
        return next((i for i, m in enumerate(t.members) if self.accepts(m, v)), None)

    def variant(self, union: model.Union_, v: Any) -> str | None:
        """The name of the member of `union` a value is decoded as (a tag's first variant that takes it)."""
        tag = v.get(union.discriminator) if type(v) is dict else None
        return next((m.object.name.snake for m in union.members if m.tag == tag and self.accepts(m.object, v)), None)

    def decode_event(self, v: Any) -> str | None:
        """What `parse_event` makes of `v`: the tag of the event class, `""` for UnknownWebhookEvent,
        None when it raises."""
        entry = self.spec.entry
        if entry is None or type(v) is not dict or any(type(k) is not str for k in v):
            return None
        tag = v.get(entry.discriminator)
        if type(tag) is not str:
            return None
        if all(m.tag != tag for m in entry.members):
            return ""
        return tag if self.accepts(entry, v) else None


# -- small values of a type ----------------------------------------------------------------------


def is_json(v: Any) -> bool:
    """Whether `v` (as json.loads gives it) is JSON the generated decoders take: no NaN or infinity."""
    todo = [v]
    while todo:
        x = todo.pop()
        if type(x) is float and not math.isfinite(x):
            return False
        if type(x) is list:
            todo.extend(x)
        elif type(x) is dict:
            if any(type(k) is not str for k in x):
                return False
            todo.extend(x.values())
    return True


class _NoValue(Exception):
    """The type has no finite value (a required field that refers back to its own type)."""


MAX_DEPTH = 3 * spec.MAX_DEPTH


def fresh(taken: set[str], base: str = "x") -> str:
    """A string not in `taken`."""
    candidate, i = base, 0
    while candidate in taken:
        i += 1
        candidate = f"{base}{i}"
    return candidate


def strings_of(t: Node) -> set[str]:
    """The strings `t` names (an enum's values, a string literal): what a fresh string must avoid."""
    match t:
        case model.Enum(values=values):
            return {v for v in values if isinstance(v, str)}
        case model.Literal(value=str() as value):
            return {value}
        case model.Nullable(inner=inner) | model.Named(type=inner):
            return strings_of(inner)
        case model.OneOf(members=members):
            return set().union(*map(strings_of, members))
        case (
            model.Literal()
            | model.String()
            | model.Integer()
            | model.Float()
            | model.Boolean()
            | model.Json()
            | model.Array()
            | model.Map()
            | model.Ref()
            | model.Object()
            | model.Union_()
        ):
            return set()
        case _:
            assert_never(t)


FORMAT_RE = {name: re.compile(f.pattern) for name, f in formats.FORMATS.items()}
# Strings of each format, for witnesses: two that are also of no other format (so one of them is
# outside any other format), and a third in case an enum holds both.
FORMAT_SAMPLES: dict[str, tuple[str, ...]] = {
    "date-time": ("2024-01-01T00:00:00Z", "2024-01-02T00:00:00Z", "2024-01-03T00:00:00Z"),
    "date": ("2024-01-01", "2024-01-02", "2024-01-03"),
    "uri": ("https://example.com/", "urn:example:1", "urn:example:2"),
    "email": ("a@example.com", "b@example.com", "c@example.com"),
    "uuid": (
        "00000000-0000-0000-0000-000000000000",
        "00000000-0000-0000-0000-000000000001",
        "00000000-0000-0000-0000-000000000002",
    ),
}


def scalar_candidates(t: Node, other: Node | None) -> list[Any]:
    """Values of the scalar `t` such that, if any value of `t` is rejected by a scalar type `other`,
    one of these is too (the first is the simplest value of `t`)."""
    avoid = strings_of(other) if other is not None else set()
    match t:
        case model.String(format=str() as name):
            samples = FORMAT_SAMPLES[name]
            return [samples[0], next((v for v in samples[1:] if v not in avoid), samples[1])]
        case model.String():
            # and a string of OLD's format, so that a value both accept is found where there is one
            shaped = FORMAT_SAMPLES[other.format][:1] if isinstance(other, model.String) and other.format else ()
            return ["x", fresh(avoid | {"x"}), *shaped]
        case model.Integer():
            return [0, 1]
        case model.Float():
            return [0, 0.5, 1]
        case model.Boolean():
            return [False, True]
        case model.Json():
            # null last: where OLD's type is nullable (compare() unwrapped it) null is no witness,
            # and every other type rejects one of the rest
            return [v for v in OUTSIDE if v is not None] + [None]
        case model.Literal(value=value):
            return [value]
        case model.Enum(values=values, open=is_open):
            return [*values, fresh(avoid | strings_of(t))] if is_open else list(values)
        case model.Named(type=inner):
            return scalar_candidates(inner, other)
        case (
            model.Array()
            | model.Map()
            | model.Nullable()
            | model.OneOf()
            | model.Ref()
            | model.Object()
            | model.Union_()
        ):  # pragma: no cover - callers pass scalars
            raise TypeError(t)
        case _:
            assert_never(t)


def is_scalar(t: Node) -> bool:
    match t:
        case (
            model.String()
            | model.Integer()
            | model.Float()
            | model.Boolean()
            | model.Json()
            | model.Literal()
            | model.Enum()
        ):
            return True
        case model.Named(type=inner):
            return is_scalar(inner)
        case (
            model.Array()
            | model.Map()
            | model.Nullable()
            | model.OneOf()
            | model.Ref()
            | model.Object()
            | model.Union_()
        ):
            return False
        case _:
            assert_never(t)


OUTSIDE: tuple[Any, ...] = (None, "x", 0, 0.5, False, [], {})  # one of these is outside any one type


def describe(t: Node) -> str:
    """A type as a report shows it."""
    match t:
        case model.String(format=str() as name):
            return f"string ({name})"
        case model.String():
            return "string"
        case model.Integer():
            return "integer"
        case model.Float():
            return "float"
        case model.Boolean():
            return "boolean"
        case model.Json():
            return "json"
        case model.Literal(value=value):
            return "literal " + json.dumps(value)
        case model.Enum(values=values, open=is_open):
            return ("open " if is_open else "") + "enum [" + ", ".join(json.dumps(v) for v in values) + "]"
        case model.Array(item=item):
            return "array of " + describe(item)
        case model.Map(value=inner):
            return "map of " + describe(inner)
        case model.Nullable(inner=inner):
            return describe(inner) + " or null"
        case model.OneOf(members=members):
            return "one_of [" + ", ".join(map(describe, members)) + "]"
        case model.Ref(name=name):
            return name.snake
        case model.Named(type=inner):
            return describe(inner)  # a change to a named type is a change at every field of it
        case model.Object():
            return "object"
        case model.Union_(name=name):
            return "union " + name.snake
        case _:
            assert_never(t)


def member_key(t: Node) -> str:
    """What a one_of's member is, to pair it with OLD's: a named type or nested object by its name,
    anything else by its kind."""
    return t.name.snake if isinstance(t, (model.Ref, model.Object, model.Union_)) else type(t).__name__


def same_literal(a: str | int | bool, b: str | int | bool) -> bool:
    return type(a) is type(b) and a == b


# -- the comparison ------------------------------------------------------------------------------


class Differ:
    def __init__(self, old: model.Spec, new: model.Spec):
        self.old = Side(old)
        self.new = Side(new)
        self.changes: list[Change] = []
        self.event: str | None = None
        self.active: set[tuple[str, str]] = set()  # named pairs being compared: a cycle stops there

    # -- values ------------------------------------------------------------------------------

    def sample(self, t: Node, depth: int = 0) -> Any:
        """The smallest value NEW's decoder accepts as `t`."""
        return self.common(t, None, depth)

    def common(self, n: Node, o: Node | None, depth: int = 0) -> Any:
        """A small value of NEW's `n`, one OLD's `o` accepts too where one is easily found."""
        if depth > MAX_DEPTH:
            raise _NoValue
        n = self.new.resolve(n)
        o = self.old.resolve(o) if o is not None else None
        if isinstance(n, model.Nullable):
            if o is None or self.old.accepts(o, None) or depth > spec.MAX_DEPTH:
                return None
            return self.common(n.inner, o, depth)
        if isinstance(o, model.Nullable):
            o = self.old.resolve(o.inner)
        match n:
            case (
                model.String()
                | model.Integer()
                | model.Float()
                | model.Boolean()
                | model.Json()
                | model.Literal()
                | model.Enum()
            ):
                values = scalar_candidates(n, o)
                return next((v for v in values if o is None or self.old.accepts(o, v)), values[0])
            case model.Array():
                return []
            case model.Map():
                return {}
            case model.OneOf(members=options):
                found: list[Any] = []
                for option in options:
                    try:
                        found.append(self.common(option, o, depth))
                    except _NoValue:
                        continue
                    if o is None or self.old.accepts(o, found[-1]):
                        return found[-1]
                if not found:
                    raise _NoValue
                return found[0]
            case model.Object():
                return self.common_object(n, self.old_object(n, o), depth)
            case model.Union_(members=members):
                for m in members:
                    om = self.old_object(m.object, o)
                    if om is not None:
                        return self.common_object(m.object, om, depth)
                for m in members:
                    try:
                        return self.common_object(m.object, None, depth)
                    except _NoValue:
                        pass
                raise _NoValue
            case model.Ref() | model.Named():  # resolved above
                raise TypeError(n)
            case _:
                assert_never(n)

    def old_object(self, n: model.Object, o: Node | None) -> model.Object | None:
        """OLD's object a value of `n` is decoded as, at a place where OLD has `o`."""
        if o is None:
            return None
        o = self.old.resolve(o)
        if isinstance(o, model.Nullable):
            o = self.old.resolve(o.inner)
        if isinstance(o, model.Object):
            return o
        if isinstance(o, model.Union_):
            tag = next(
                (
                    f.type.value
                    for f in n.fields
                    if f.key == o.discriminator
                    and not f.optional
                    and isinstance(f.type, model.Literal)
                    and isinstance(f.type.value, str)
                ),
                None,
            )
            return next((m.object for m in o.members if m.tag == tag), None)
        return None

    def common_object(self, n: model.Object, o: model.Object | None, depth: int) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in n.fields:
            of = next((g for g in o.fields if g.key == f.key), None) if o is not None else None
            if not f.optional or (of is not None and not of.optional):
                try:
                    out[f.key] = self.common(f.type, of.type if of is not None else None, depth + 1)
                except _NoValue:
                    if not f.optional:
                        raise
        return out

    def build(self, n: Node, o: Node | None, steps: Steps, leaf: Any, depth: int = 0) -> Any:
        """A value of `n` holding `leaf` at `steps`, elsewhere accepted by OLD's `o` where it can be."""
        if not steps:
            return leaf
        n = self.new.resolve(n)
        if isinstance(n, model.Nullable):
            n = self.new.resolve(n.inner)
        if o is not None:
            o = self.old.resolve(o)
            if isinstance(o, model.Nullable):
                o = self.old.resolve(o.inner)
        step, rest = steps[0], steps[1:]
        n = self.new.resolve(self.member_for(n, step))
        if o is not None:
            o = self.old.resolve(self.member_for(o, step))
        match step:
            case Key(key=key):
                assert isinstance(n, model.Object), (n, step)
                oo = self.old_object(n, o)
                value = self.common_object(n, oo, depth)
                nf = next((f for f in n.fields if f.key == key), None)
                of = next((f for f in oo.fields if f.key == key), None) if oo is not None else None
                if not rest and leaf is ABSENT:
                    value.pop(key, None)
                elif nf is None:  # a key NEW does not define: any value
                    value[key] = leaf
                else:
                    value[key] = self.build(nf.type, of.type if of is not None else None, rest, leaf, depth + 1)
                return value
            case Item():
                assert isinstance(n, model.Array)
                return [self.build(n.item, o.item if isinstance(o, model.Array) else None, rest, leaf, depth + 1)]
            case Entry() if isinstance(n, model.Object):  # an open object's other key
                oo = self.old_object(n, o)
                value = self.common_object(n, oo, depth)
                key = fresh({f.key for f in n.fields} | ({f.key for f in oo.fields} if oo is not None else set()), "k")
                if n.other is None:  # NEW keeps any JSON value there (its other values were removed)
                    if rest:
                        raise _NoValue
                    value[key] = leaf
                    return value
                old_other = oo.other if oo is not None else None
                value[key] = self.build(n.other, old_other, rest, leaf, depth + 1)
                return value
            case Entry():
                assert isinstance(n, model.Map)
                return {"k": self.build(n.value, o.value if isinstance(o, model.Map) else None, rest, leaf, depth + 1)}
            case Member(tag=tag):
                assert isinstance(n, model.Union_)
                member = next(m.object for m in n.members if m.tag == tag)
                return self.build(member, self.old_object(member, o), rest, leaf, depth)
            case _:
                assert_never(step)

    @staticmethod
    def member_for(t: Node, step: Key | Item | Entry | Member) -> Node:
        """The member of a one_of a path step goes into (the first of its kind), or `t` itself."""
        if not isinstance(t, model.OneOf):
            return t
        kinds = {Key: (model.Object, model.Ref), Item: (model.Array,), Entry: (model.Map,), Member: (model.Ref,)}
        return next((m for m in t.members if isinstance(m, kinds[type(step)])), t.members[0])

    def outside(self, t: Node) -> Any:
        """A JSON value OLD's `t` rejects; ABSENT when it accepts every JSON value (`type: json`)."""
        return next((v for v in OUTSIDE if not self.old.accepts(t, v)), ABSENT)

    # -- reporting ---------------------------------------------------------------------------

    def add(
        self,
        kind: str,
        steps: Steps,
        breaking: bool,
        old: str | None = None,
        new: str | None = None,
        leaf: Any = None,
    ) -> None:
        self.changes.append(Change(kind, self.event, steps, breaking, old, new, leaf=leaf))

    def description(self, steps: Steps, old: str | None, new: str | None) -> None:
        if old != new:
            self.add("description-changed", steps, False, old, new)

    def deprecation(self, steps: Steps, old: str | None, new: str | None) -> None:
        """`deprecated:` changed: decoding does not (spec/README.md), so it is safe."""
        if old != new:
            self.add("deprecation-changed", steps, False, model.deprecation(old), model.deprecation(new))

    # -- events ------------------------------------------------------------------------------

    def run(self) -> list[Change]:
        old_entry, new_entry = self.old.spec.entry, self.new.spec.entry
        old_members = list(old_entry.members) if old_entry is not None else []
        new_members = list(new_entry.members) if new_entry is not None else []
        if old_entry is not None and new_entry is not None:
            self.description((), old_entry.description, new_entry.description)
            if old_entry.discriminator != new_entry.discriminator:
                self.add("discriminator-changed", (), False, old_entry.discriminator, new_entry.discriminator)
        new_tags = {m.tag for m in new_members}
        for m in new_members:
            self.event = m.tag
            if old_entry is None:
                self.add("event-added", (), True, None, m.object.name.snake, leaf=self.sample(m.object))
                continue
            assert new_entry is not None
            group = next(g for g in new_entry.groups if g.tag == m.tag)
            old_group = next((g for g in old_entry.groups if g.tag == m.tag), None)
            if old_group is not None and old_entry.discriminator == new_entry.discriminator:
                if group.variants or old_group.variants:
                    if m == group.members[0]:
                        self.variants(group, old_group, new_entry, old_entry)
                    continue
            self.against_union(m.object, old_entry, (), unknown_ok=True)
        self.event = None
        if new_entry is None or old_entry is None or old_entry.discriminator == new_entry.discriminator:
            for m in old_members:
                if m.tag not in new_tags:
                    self.event = m.tag
                    self.add("event-removed", (), False, m.object.name.snake, None)
        self.event = None
        return [self.witnessed(c) for c in self.changes]

    def variants(
        self, n: model.Group, o: model.Group, new_entry: model.Union_, old_entry: model.Union_, steps: Steps = ()
    ) -> None:
        """An event with variants on either side: a payload is decoded as the first of its tag's
        members that takes it, so (as for a one_of) a change is breaking when a payload NEW decodes
        is rejected by OLD, or decoded there as another variant; it is reported at the event."""
        n_names = [m.object.name.snake for m in n.members]
        o_names = [m.object.name.snake for m in o.members]
        shown_o, shown_n = " | ".join(o_names), " | ".join(n_names)
        values: list[Any] = []
        for m in n.members:
            try:
                values.append(self.common(m.object, None))
            except _NoValue:
                pass
        values += [{**a, **b} for a in values for b in values if a is not b]  # a value two variants take
        inside = False  # a breaking change inside a variant
        if n_names == o_names:
            for nm, om in zip(n.members, o.members):
                scratch = Differ(self.old.spec, self.new.spec)
                scratch.event, scratch.active = self.event, self.active
                scratch.named(nm.object, om.object, ())
                for c in scratch.changes:
                    if not c.breaking:
                        self.changes.append(c)
                        continue
                    inside = True
                    try:
                        values.append(scratch.build(nm.object, om.object, c.steps, c.leaf) if c.steps else c.leaf)
                    except _NoValue:
                        pass
        for v in values:
            chosen = self.new.variant(new_entry, v)
            if chosen is None:
                continue
            before = self.old.variant(old_entry, v)
            if before != chosen:
                self.add("variants-changed", steps, True, shown_o, shown_n, leaf=v)
                return
        if n_names != o_names or inside:
            # no payload found that OLD decodes otherwise: a change inside a variant stays breaking
            self.add("variants-changed", steps, inside, shown_o, shown_n)

    def against_union(self, n: model.Object, o: model.Union_, steps: Steps, unknown_ok: bool) -> None:
        """NEW's object `n` where OLD has the union `o`: OLD dispatches on `o.discriminator`."""
        f = next((f for f in n.fields if f.key == o.discriminator), None)
        # a tag's variants: compared with the one of the same name, else the first
        by_tag: dict[str, model.Object] = {}
        for m in o.members:
            if m.tag not in by_tag or m.object.name == n.name:
                by_tag[m.tag] = m.object
        added = "event-added" if unknown_ok else "member-added"
        if f is not None and not f.optional and isinstance(f.type, model.Literal) and isinstance(f.type.value, str):
            target = by_tag.get(f.type.value)
            if target is None:
                if unknown_ok:
                    self.add(added, steps, False, None, n.name.snake)
                else:
                    self.add(added, steps, True, None, f.type.value, leaf=self.sample(n))
                return
            self.named(n, target, steps)
            return
        # NEW does not pin OLD's tag: every value NEW allows there is dispatched on its own.
        where = steps + (Key(o.discriminator),)
        t = self.new.resolve(f.type) if f is not None else None
        if f is None or f.optional:
            self.add("discriminator-changed", steps, True, o.discriminator, None, leaf=self.sample(n))
            return
        assert t is not None
        kinds = [v for v in OUTSIDE if v is not None or isinstance(t, model.Nullable)]
        try:
            kinds.append(self.sample(t))  # an object, say: no tag at all
        except _NoValue:
            pass
        bad = next((v for v in kinds if type(v) is not str and self.new.accepts(t, v)), ABSENT)
        if bad is not ABSENT:
            self.add("discriminator-changed", where, True, "string", describe(t), leaf=bad)
            return
        core = t.inner if isinstance(t, model.Nullable) else t
        values = scalar_candidates(core, None) if is_scalar(core) else []
        strings = [v for v in (*values, fresh(set(by_tag))) if type(v) is str and self.new.accepts(t, v)]
        if any(v not in by_tag for v in strings) and not unknown_ok:
            unknown = next(v for v in strings if v not in by_tag)
            self.add("discriminator-changed", where, True, "one of " + ", ".join(by_tag), describe(t), leaf=unknown)
            return
        for tag, target in by_tag.items():
            if self.new.accepts(t, tag):
                pinned = replace(
                    n, fields=tuple(replace(g, type=model.Literal(tag)) if g is f else g for g in n.fields)
                )
                self.named(pinned, target, steps)

    def named(self, n: model.Object, o: model.Object, steps: Steps) -> None:
        """Two named objects (events, members, referred types) at the same place."""
        pair = (n.name.snake, o.name.snake)
        if pair in self.active:
            return
        self.active.add(pair)
        try:
            if n.name.snake != o.name.snake:
                self.add("renamed", steps, False, o.name.snake, n.name.snake)
            self.description(steps, o.description, n.description)
            self.deprecation(steps, o.deprecated, n.deprecated)
            self.fields(n, o, steps)
        finally:
            self.active.discard(pair)

    def fields(self, n: model.Object, o: model.Object, steps: Steps) -> None:
        old_fields = {f.key: f for f in o.fields}
        new_keys = {f.key for f in n.fields}
        for nf in n.fields:
            here = steps + (Key(nf.key),)
            of = old_fields.get(nf.key)
            if of is None:
                # under an open object OLD checked the key as one of its other keys: breaking where
                # NEW's field takes a value OLD's other_values: type does not
                leaf = self.local(nf.type, o.other) if o.other is not None else ABSENT
                self.add("field-added", here, leaf is not ABSENT, None, self.field_text(nf), leaf=leaf)
                continue
            if of.ident != nf.ident:
                self.add("renamed", here, False, of.ident, nf.ident)
            if of.optional and not nf.optional:
                self.add("made-required", here, False)
            elif nf.optional and not of.optional:
                self.add("made-optional", here, True, leaf=ABSENT)
            self.description(here, of.description, nf.description)
            self.deprecation(here, of.deprecated, nf.deprecated)
            self.compare(nf.type, of.type, here)
        for of in o.fields:
            if of.key not in new_keys:
                if not of.optional:  # NEW's payloads lack it: OLD rejects them
                    self.add("field-removed", steps + (Key(of.key),), True, self.field_text(of), None, leaf=ABSENT)
                    continue
                # NEW allows anything there (or, an open object, a value of its other_values: type); OLD
                # still checks it
                leaf = self.outside(of.type) if n.other is None else self.local(n.other, of.type)
                breaking = leaf is not ABSENT  # unless OLD accepts every such value there too
                self.add("field-removed", steps + (Key(of.key),), breaking, self.field_text(of), None, leaf=leaf)
        self.other_values(n, o, steps)

    def other_values(self, n: model.Object, o: model.Object, steps: Steps) -> None:
        """An open object's other keys (`other_values:`), at `.*` as a map's values."""
        here = steps + (Entry(),)
        if n.other is not None and o.other is not None:
            self.description(here, o.other_description, n.other_description)
            self.compare(n.other, o.other, here)
        elif n.other is not None:  # NEW checks what OLD kept as it came: narrower, safe
            self.add("other-values-added", here, False, None, describe(n.other))
        elif o.other is not None:  # NEW takes any JSON value there; OLD still checks its type
            leaf = self.outside(o.other)
            self.add("other-values-removed", here, leaf is not ABSENT, describe(o.other), None, leaf=leaf)

    @staticmethod
    def field_text(f: model.Field) -> str:
        return describe(f.type) + (", optional" if f.optional else "")

    def compare(self, n_type: Node, o_type: Node, steps: Steps) -> None:
        n, o = self.new.resolve(n_type), self.old.resolve(o_type)
        # `json` takes null already: against it, nullability is part of the retyping
        if isinstance(n, model.Nullable) and not isinstance(o, (model.Nullable, model.Json)):
            self.add("made-nullable", steps, True, leaf=None)
        elif isinstance(o, model.Nullable) and not isinstance(n, (model.Nullable, model.Json)):
            self.add("made-non-nullable", steps, False)
        if isinstance(n, model.Nullable):
            n_type = n.inner
            n = self.new.resolve(n.inner)
        if isinstance(o, model.Nullable):
            o_type = o.inner
            o = self.old.resolve(o.inner)
        self.core(n, o, steps, isinstance(n_type, model.Ref) and isinstance(o_type, model.Ref))

    def core(self, n: Node, o: Node, steps: Steps, both_named: bool) -> None:
        """Two types at the same place (resolved, nullability already compared), by NEW's kind."""
        if isinstance(n, model.OneOf) or isinstance(o, model.OneOf):
            self.one_of(n, o, steps)
            return
        match n:
            case model.Object():
                if isinstance(o, model.Object):
                    if both_named:
                        self.named(n, o, steps)
                    else:
                        self.fields(n, o, steps)
                elif isinstance(o, model.Union_):
                    self.add("retyped", steps, False, describe(o), n.name.snake)  # what breaks is reported inside
                    self.against_union(n, o, steps, unknown_ok=False)
                else:
                    self.retyped(n, o, steps)
            case model.Union_():
                if isinstance(o, model.Union_):
                    self.unions(n, o, steps)
                elif isinstance(o, model.Object):
                    self.add("retyped", steps, False, o.name.snake, describe(n))
                    for m in n.members:
                        self.named(m.object, o, steps + (Member(n.discriminator, m.tag),))
                else:
                    self.retyped(n, o, steps)
            case model.Array():
                if isinstance(o, model.Array):
                    self.description(steps + (Item(),), o.item_description, n.item_description)
                    self.compare(n.item, o.item, steps + (Item(),))
                else:
                    self.retyped(n, o, steps)
            case model.Map():
                if isinstance(o, model.Map):
                    self.description(steps + (Entry(),), o.value_description, n.value_description)
                    self.compare(n.value, o.value, steps + (Entry(),))
                else:
                    self.retyped(n, o, steps)
            case model.Enum():
                if isinstance(o, model.Enum) and o.integers == n.integers:
                    self.enums(n, o, steps)
                else:
                    self.retyped(n, o, steps)
            case model.Literal():
                if not isinstance(o, model.Literal):
                    self.retyped(n, o, steps)
                elif not same_literal(n.value, o.value):
                    self.add("literal-changed", steps, True, json.dumps(o.value), json.dumps(n.value), leaf=n.value)
            case model.String() if isinstance(o, model.String):
                self.string_formats(n, o, steps)
            case model.String() | model.Integer() | model.Float() | model.Boolean() | model.Json():
                if type(o) is not type(n):
                    self.retyped(n, o, steps)
            case (
                model.Nullable() | model.Ref() | model.Named() | model.OneOf()
            ):  # pragma: no cover - unwrapped, resolved, or above
                raise TypeError(n)
            case _:
                assert_never(n)

    def one_of(self, n: Node, o: Node, steps: Steps) -> None:
        """A one_of on either side (spec/README.md, "one_of"). With the same kinds of members in the
        same order, the members are compared pairwise. Otherwise it is breaking when a value NEW
        accepts is rejected by OLD (a type added), or when OLD decodes it as another member than NEW
        does (the first that decodes wins: a type put before another that takes the same value)."""
        n_members = n.members if isinstance(n, model.OneOf) else (n,)
        o_members = o.members if isinstance(o, model.OneOf) else (o,)
        if (
            isinstance(n, model.OneOf)
            and isinstance(o, model.OneOf)
            and list(map(member_key, n_members)) == list(map(member_key, o_members))
        ):
            for n_member, o_member in zip(n_members, o_members):
                self.one_of_member(n, o, n_member, o_member, steps)
            return
        values: list[Any] = []
        for m in n_members:
            r = self.new.resolve(m)
            if is_scalar(r):
                values += scalar_candidates(r, None)
            try:
                values.append(self.common(m, None))
            except _NoValue:
                pass
        objects = [v for v in values if type(v) is dict]
        values += [{**a, **b} for a in objects for b in objects if a is not b]  # a value two objects decode
        other = False
        for v in values:
            if not self.new.accepts(n, v):
                continue
            if not self.old.accepts(o, v):
                self.add("one-of-changed", steps, True, describe(o), describe(n), leaf=v)
                return
            if isinstance(n, model.OneOf) and isinstance(o, model.OneOf):
                a, b = self.new.chosen(n, v), self.old.chosen(o, v)
                if a is not None and b is not None and describe(n.members[a]) != describe(o.members[b]):
                    other = True
        self.add("one-of-changed", steps, other, describe(o), describe(n))

    def one_of_member(self, n: model.OneOf, o: model.OneOf, n_member: Node, o_member: Node, steps: Steps) -> None:
        """Changes inside a one_of's member. A value no member decodes is an error at the one_of
        itself, so a breaking change inside is reported there, with a value NEW accepts and OLD
        rejects when one is found; safe changes keep their place inside."""
        scratch = Differ(self.old.spec, self.new.spec)
        scratch.event, scratch.active = self.event, self.active
        scratch.compare(n_member, o_member, ())
        reported = False
        for c in scratch.changes:
            if not c.breaking:
                self.changes.append(replace(c, steps=steps + c.steps))
                continue
            try:
                value = scratch.build(n_member, o_member, c.steps, c.leaf) if c.steps else c.leaf
            except _NoValue:
                value = ABSENT
            escapes = value is not ABSENT and self.new.accepts(n, value) and not self.old.accepts(o, value)
            if escapes or not reported:
                self.add("one-of-changed", steps, True, describe(o), describe(n), leaf=value if escapes else None)
                reported = True
                if escapes:
                    return

    def unions(self, n: model.Union_, o: model.Union_, steps: Steps) -> None:
        pair = (n.name.snake, o.name.snake)
        if pair in self.active:
            return
        self.active.add(pair)
        try:
            if n.name.snake != o.name.snake:
                self.add("renamed", steps, False, o.name.snake, n.name.snake)
            self.description(steps, o.description, n.description)
            if n.discriminator != o.discriminator:
                self.add("discriminator-changed", steps, False, o.discriminator, n.discriminator)
            for m in n.members:
                group = next(g for g in n.groups if g.tag == m.tag)
                old_group = next((g for g in o.groups if g.tag == m.tag), None)
                if old_group is not None and n.discriminator == o.discriminator:
                    if group.variants or old_group.variants:
                        if m == group.members[0]:
                            self.variants(group, old_group, n, o, steps)
                        continue
                self.against_union(m.object, o, steps + (Member(n.discriminator, m.tag),), unknown_ok=False)
            if n.discriminator == o.discriminator:
                tags = {m.tag for m in n.members}
                for om in o.members:
                    if om.tag not in tags:
                        self.add("member-removed", steps, False, om.tag, None)
        finally:
            self.active.discard(pair)

    def enums(self, n: model.Enum, o: model.Enum, steps: Steps) -> None:
        for v in n.values:
            if v not in o.values:
                self.add("enum-value-added", steps, not o.open, None, json.dumps(v), leaf=v)
        for v in o.values:
            if v not in n.values:
                self.add("enum-value-removed", steps, False, json.dumps(v), None)
        if n.open and not o.open:
            self.add("enum-opened", steps, True, leaf=fresh(strings_of(o) | strings_of(n)))
        elif o.open and not n.open:
            self.add("enum-closed", steps, False)

    def string_formats(self, n: model.String, o: model.String, steps: Steps) -> None:
        """A format added narrows what NEW sends (safe); removed or changed, NEW sends strings OLD's
        decoder rejects (breaking)."""
        if n.format == o.format:
            return
        if o.format is None:
            self.add("format-added", steps, False, None, n.format)
            return
        leaf = next((v for v in scalar_candidates(n, o) if not self.old.accepts(o, v)), ABSENT)
        kind = "format-removed" if n.format is None else "format-changed"
        self.add(kind, steps, leaf is not ABSENT, o.format, n.format, leaf=leaf)

    def retyped(self, n: Node, o: Node, steps: Steps) -> None:
        """A value of another kind: breaking exactly when some value of `n` is outside `o`."""
        leaf = self.escape(n, o)
        self.add("retyped", steps, leaf is not ABSENT, describe(o), describe(n), leaf=leaf)

    def escape(self, n: Node, o: Node) -> Any:
        """A value NEW's `n` accepts and OLD's `o` rejects (both resolved, not nullable, of other
        kinds), or ABSENT."""
        if isinstance(o, model.Json):
            return ABSENT  # OLD takes any JSON value, and NEW's decoders accept only JSON
        match n:
            case (
                model.String()
                | model.Integer()
                | model.Float()
                | model.Boolean()
                | model.Json()
                | model.Literal()
                | model.Enum()
            ):
                return next((v for v in scalar_candidates(n, o) if not self.old.accepts(o, v)), ABSENT)
            case model.Array():
                return []  # OLD's is not an array
            case model.Map():
                if isinstance(o, model.Object) and not any(not f.optional for f in o.fields):
                    # OLD takes any map whose values under its keys (and, open, under others) are valid there
                    if o.other is not None:
                        inner = self.local(n.value, o.other)
                        if inner is not ABSENT:
                            return {fresh({f.key for f in o.fields}, "k"): inner}
                    for f in o.fields:
                        inner = self.local(n.value, f.type)
                        if inner is not ABSENT:
                            return {f.key: inner}
                    return ABSENT
                return {}  # lacks a required key or the tag, or is no value of OLD's kind at all
            case model.Object() | model.Union_():
                objects = [m.object for m in n.members] if isinstance(n, model.Union_) else [n]
                for obj in objects:
                    try:
                        value = self.sample(obj)
                    except _NoValue:
                        continue
                    if isinstance(o, model.Map):  # an object's keys it does not define hold anything
                        extra = self.outside(o.value)
                        if extra is ABSENT:  # OLD's map takes any JSON value: no extra key is outside it
                            continue
                        value[fresh(set(value) | {f.key for f in obj.fields}, "k")] = extra
                    return value
                return ABSENT
            case model.OneOf(members=options):
                for option in options:
                    escaped = self.escape(self.new.resolve(option), o)
                    if escaped is not ABSENT:
                        return escaped
                return ABSENT
            case (
                model.Nullable() | model.Ref() | model.Named()
            ):  # pragma: no cover - compare() unwraps and resolves them
                raise TypeError(n)
            case _:
                assert_never(n)

    def local(self, n_type: Node, o_type: Node) -> Any:
        """A value of `n_type` that `o_type` rejects, found by comparing them apart; or ABSENT."""
        scratch = Differ(self.old.spec, self.new.spec)
        scratch.compare(n_type, o_type, ())
        for c in scratch.changes:
            if c.breaking:
                try:
                    value = scratch.build(n_type, o_type, c.steps, c.leaf)
                except _NoValue:
                    continue
                if value is not ABSENT and self.new.accepts(n_type, value) and not self.old.accepts(o_type, value):
                    return value
        return ABSENT

    # -- witnesses ---------------------------------------------------------------------------

    def witnessed(self, c: Change) -> Change:
        if not c.breaking or c.event is None:
            return c
        new_entry = self.new.spec.entry
        assert new_entry is not None
        event = next(m.object for m in new_entry.members if m.tag == c.event)
        old_entry = self.old.spec.entry
        try:
            if c.steps or c.leaf is ABSENT:
                payload = self.build(event, old_entry, c.steps, c.leaf)
            else:
                payload = c.leaf
        except _NoValue:
            return c
        if self.new.decode_event(payload) == c.event and self.old.decode_event(payload) is None:
            return replace(c, witness=payload)
        old_entry = self.old.spec.entry
        if c.kind == "variants-changed" and old_entry is not None and self.new.decode_event(payload) == c.event:
            if c.steps:  # a nested union's: OLD decodes the value there as another variant
                return replace(c, witness=payload)
            chosen, before = self.new.variant(new_entry, payload), self.old.variant(old_entry, payload)
            if chosen is not None and before is not None and chosen != before:  # decoded as another class
                return replace(c, witness=payload)
        return c


def diff(old: model.Spec, new: model.Spec) -> list[Change]:
    """Every change from `old` to `new`, breaking or safe, each breaking one with its witness."""
    return Differ(old, new).run()


def failing(changes: list[Change], fail_on: FailOn) -> bool:
    match fail_on:
        case "breaking":
            return any(c.breaking for c in changes)
        case "any":
            return bool(changes)
        case "never":
            return False
        case _:
            assert_never(fail_on)


# -- loading -------------------------------------------------------------------------------------


def is_openapi(path: Path) -> bool:
    """Whether the file is an OpenAPI document (a top-level `openapi:` key) rather than a spec."""
    try:
        root = spec.compose(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError, RecursionError, ValueError):
        return False
    return isinstance(root, yaml.MappingNode) and any(
        isinstance(k, yaml.ScalarNode) and k.value == "openapi" for k, _ in root.value
    )


def load(path: Path, shown: str) -> model.Spec:
    """A spec from a spec file, or from an OpenAPI document through the importer."""
    if is_openapi(path):
        return import_openapi(path, shown)
    return spec.load(path, shown)


def import_openapi(path: Path, shown: str) -> model.Spec:
    """An OpenAPI document's webhooks, imported on the fly (`import openapi`, not written anywhere).

    The importer's own errors (`FILE: <JSON pointer>: message`) come out as `openapi.ImportFailed`."""
    from .importers import openapi

    result = openapi.import_file(path, shown)
    return spec.parse(result.text, f"{shown} (imported)", source=path.name)


# -- reports -------------------------------------------------------------------------------------


def plain(text: str) -> str:
    """Spec text for a terminal or a code span: every character that is not printable as an escape."""
    out = []
    for c in text:
        if c.isprintable():
            out.append(c)
        elif ord(c) < 0x100:
            out.append(f"\\x{ord(c):02x}")
        elif ord(c) < 0x10000:
            out.append(f"\\u{ord(c):04x}")
        else:
            out.append(f"\\U{ord(c):08x}")
    return "".join(out)


def compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=True, separators=(", ", ": "))


def sentence(c: Change) -> str:
    """What changed, in words (spec text escaped)."""
    parts = [c.kind]
    if c.kind == "description-changed":
        return c.kind
    if c.old is not None and c.new is not None:
        parts.append(f"{plain(c.old)} -> {plain(c.new)}")
    elif c.old is not None:
        parts.append(f"was {plain(c.old)}")
    elif c.new is not None:
        parts.append(plain(c.new))
    return ": ".join(parts)


def grouped(changes: list[Change]) -> Iterator[tuple[str | None, list[Change]]]:
    """Changes by event (every-event changes first), breaking ones first in each."""
    order: dict[str | None, list[Change]] = {None: []}
    for c in changes:
        order.setdefault(c.event, []).append(c)
    for event, items in order.items():
        if items:
            yield event, sorted(items, key=lambda c: not c.breaking)


def counts(changes: list[Change]) -> tuple[int, int]:
    breaking = sum(c.breaking for c in changes)
    return breaking, len(changes) - breaking


def text_report(changes: list[Change], old: str, new: str) -> str:
    breaking, safe = counts(changes)
    lines = [f"{plain(old)} -> {plain(new)}: {breaking} breaking, {safe} safe"]
    for event, items in grouped(changes):
        lines.append("")
        lines.append(f"event {plain(event)}" if event is not None else "every event")
        for c in items:
            lines.append(f"  {c.severity.upper() if c.breaking else c.severity:<8}  {plain(c.path)}  {sentence(c)}")
            if c.kind == "description-changed":
                for sign, textual in (("-", c.old), ("+", c.new)):
                    for line in (textual if textual is not None else "(none)").splitlines() or [""]:
                        lines.append(f"            {sign} {plain(line)}")
            if c.breaking:
                witness = compact(c.witness) if c.witness is not None else "(none found)"
                lines.append(f"            witness: {witness}")
    return "\n".join(lines) + "\n"


def code(text: str) -> str:
    """A Markdown code span holding `text` (one line, escaped) verbatim."""
    text = plain(text.replace("\n", " "))
    ticks = "`" * (longest_run(text, "`") + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or not text.strip() else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"


def longest_run(text: str, char: str) -> int:
    longest = current = 0
    for c in text:
        current = current + 1 if c == char else 0
        longest = max(longest, current)
    return longest


def fence(body: str, info: str = "") -> list[str]:
    """A fenced code block holding `body` verbatim: its fence is longer than any run of backticks in it."""
    ticks = "`" * max(3, longest_run(body, "`") + 1)
    return [ticks + info, *body.split("\n"), ticks]


def markdown_report(changes: list[Change], old: str, new: str) -> str:
    breaking, safe = counts(changes)
    verdict = "**breaking**" if breaking else "no breaking change"
    lines = [
        f"### Webhook spec diff: {breaking} breaking, {safe} safe",
        "",
        f"{code(old)} → {code(new)}: {verdict} for a receiver generated from the old spec.",
    ]
    if not changes:
        lines += ["", "No changes."]
    for event, items in grouped(changes):
        lines += ["", f"#### Event {code(event)}" if event is not None else "#### Every event", ""]
        for c in items:
            mark = "**breaking**" if c.breaking else "safe"
            what = c.kind
            detail = ""
            if c.kind != "description-changed":
                if c.old is not None and c.new is not None:
                    detail = f": {code(c.old)} → {code(c.new)}"
                elif c.old is not None:
                    detail = f": was {code(c.old)}"
                elif c.new is not None:
                    detail = f": {code(c.new)}"
            lines.append(f"- {mark} {code(c.path)} {what}{detail}")
            if c.kind == "description-changed":
                body = "\n".join(
                    [f"- {plain(line)}" for line in (c.old or "").splitlines()]
                    + [f"+ {plain(line)}" for line in (c.new or "").splitlines()]
                )
                lines += ["", *("  " + x for x in fence(body, "diff")), ""]
            if c.breaking:
                if c.witness is None:
                    lines.append("  (no witness found)")
                else:
                    lines += [
                        "",
                        "  A payload valid under the new spec that the old decoder rejects:",
                        "",
                        *("  " + x for x in fence(compact(c.witness), "json")),
                        "",
                    ]
    out = "\n".join(lines).rstrip("\n") + "\n"
    while "\n\n\n" in out:
        out = out.replace("\n\n\n", "\n\n")
    return out


def json_report(changes: list[Change], old: str, new: str) -> str:
    breaking, safe = counts(changes)
    document = {
        "format": JSON_FORMAT,
        "old": old,
        "new": new,
        "breaking": breaking,
        "safe": safe,
        "changes": [
            {
                "event": c.event,
                "path": c.path,
                "kind": c.kind,
                "class": c.severity,
                "old": c.old,
                "new": c.new,
                "witness": c.witness,
            }
            for c in changes
        ],
    }
    return json.dumps(document, ensure_ascii=True, indent=2) + "\n"


def report(changes: list[Change], old: str, new: str, fmt: Format) -> str:
    match fmt:
        case "text":
            return text_report(changes, old, new)
        case "markdown":
            return markdown_report(changes, old, new)
        case "json":
            return json_report(changes, old, new)
        case _:
            assert_never(fmt)
