"""The docs page in the vendor's CLI flavour: JSON names, type summaries like `array of string`.

The mapper turns each definition into a tree of bullets (label, description, children); the
template prints the tree. The format's rules are in spec/README.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, assert_never

import jinja2

from .. import model
from ..problems import Problem
from . import base


@dataclass(frozen=True)
class Bullet:
    """`- `label``, then its description and its children, each after a blank line, two spaces deeper."""

    label: str
    description: str | None = None
    children: tuple[Bullet, ...] = ()


@dataclass(frozen=True)
class Section:
    heading: str
    bullet: Bullet


@dataclass(frozen=True)
class Page:
    title: str
    sections: tuple[Section, ...]


# -- naming policy: the page shows JSON keys verbatim and types by their class-like names ------


def type_name(name: model.Name) -> str:
    return name.pascal


def check(spec: model.Spec) -> list[Problem]:
    """Nothing to refuse: the page prints names as the spec writes them."""
    return []


# -- type mapper --------------------------------------------------------------------------------


def first_three(items: list[str], separator: str) -> str:
    """All items when there are four or fewer, else the first three and "N more"."""
    shown = items if len(items) <= 4 else items[:3] + [f"{len(items) - 3} more"]
    return separator.join(shown)


def summary(t: model.Type) -> str:
    match t:
        case model.String(format=str() as name):
            return f"string ({name})"  # the vendor's format is silent on formats: spec/README.md
        case model.String():
            return "string"
        case model.Integer() | model.Float():
            return "number"
        case model.Boolean():
            return "boolean"
        case model.Json():
            return "unknown"
        case model.Literal(value=value):
            return base.json_text(value)
        case model.Enum(values=values, open=is_open):
            return first_three([base.json_text(v) for v in values], " or ") + (" or string" if is_open else "")
        case model.Array(item=item):
            return f"array of {summary(item)}"
        case model.Map(value=value):
            return f"map[{summary(value)}]"
        case model.Nullable(inner=inner):
            return f"{summary(inner)} or null"
        case model.OneOf(members=members):
            return first_three([summary(m) for m in members], " or ")  # as a union: `A or B or C or N more`
        case model.Named(type=inner):  # shown as the type it names, at every use (spec/README.md)
            return summary(inner)
        case model.Ref(name=name):
            return type_name(name)
        case model.Object(fields=fields):
            return f"object {{ {first_three([f.key for f in fields], ', ')} }}"
        case _:
            assert_never(t)


@dataclass(frozen=True)
class Flavour:
    """What a flavour of the page writes where the flavours differ, for `children`."""

    field: Callable[[model.Field], Bullet]  # a field's bullet
    value: Callable[[str | int | bool], str]  # a value's label
    values: Callable[[tuple[str | int | bool, ...]], str]  # the label of an open enum's known values
    string: str  # the label of any other string, in an open enum
    tagged: bool  # a union's tag lists its value (the CLI flavour's summary says it already)
    member: Callable[[model.Type], str]  # a one_of member's label: its summary, or its annotation
    other: Callable[[model.Type], str]  # the label of an open object's other keys, given their type


def children(
    t: model.Type, description: str | None, flavour: Flavour, is_discriminator: bool = False
) -> tuple[Bullet, ...]:
    """What follows a type's own bullet: an object's fields, an enum's values, and so on."""
    match t:
        case model.Object(fields=fields, other=None):
            return tuple(flavour.field(f) for f in fields)
        case model.Object(fields=fields, other=other):
            # an open object: its other keys after its fields, as one more bullet (spec/README.md, "Open objects")
            assert other is not None
            about = t.other_description
            return (
                *(flavour.field(f) for f in fields),
                Bullet(flavour.other(other), about, children(other, about, flavour)),
            )
        case model.Array(item=inner) | model.Map(value=inner):
            return children(inner, description, flavour)
        case model.Nullable(inner=inner) | model.Named(type=inner):
            return children(inner, description, flavour, is_discriminator)
        case model.Literal(value=value):
            return () if is_discriminator and not flavour.tagged else (Bullet(flavour.value(value)),)
        case model.Enum(values=values, open=True):
            known = Bullet(flavour.values(values), description, tuple(Bullet(flavour.value(v)) for v in values))
            return (known, Bullet(flavour.string))
        case model.Enum(values=values):
            return tuple(Bullet(flavour.value(v)) for v in values)
        case model.OneOf(members=members):
            # as a union's members: each a child bullet, expanded in full (spec/README.md, "one_of")
            return tuple(Bullet(flavour.member(m), None, children(m, None, flavour)) for m in members)
        case model.String() | model.Integer() | model.Float() | model.Boolean() | model.Json() | model.Ref():
            return ()
        case _:
            assert_never(t)


def field_bullet(f: model.Field) -> Bullet:
    label = f"{f.key}: {'optional ' if f.optional else ''}{summary(f.type)}"
    return Bullet(label, model.field_text(f, note_first=True), children(f.type, f.description, CLI, f.is_discriminator))


CLI = Flavour(
    field=field_bullet,
    value=base.json_text,
    values=lambda values: " or ".join(map(base.json_text, values)),
    string="string",
    tagged=False,
    member=summary,
    other=lambda t: f"other keys: {summary(t)}",
)


def object_bullet(obj: model.Object) -> Bullet:
    shown = model.documented(obj.description, obj.deprecated, note_first=True)
    return Bullet(f"{obj.name.snake}: {summary(obj)}", shown, children(obj, obj.description, CLI))


def definition_bullet(d: model.Definition) -> Bullet:
    match d:
        case model.Object():
            return object_bullet(d)
        case model.Union_(members=members):
            label = f"{d.name.snake}: {first_three([type_name(m.object.name) for m in members], ' or ')}"
            return Bullet(label, d.description, tuple(object_bullet(m.object) for m in members))
        case _:
            assert_never(d)


def page(spec: model.Spec) -> Page:
    return Page(spec.title, tuple(Section(d.name.title, definition_bullet(d)) for d in spec.definitions))


# -- output ---------------------------------------------------------------------------------------


def path(spec: model.Spec) -> str:
    return f"docs/{spec.page}"


def render(spec: model.Spec, env: jinja2.Environment) -> dict[str, str]:
    return {path(spec): base.render_template(env, "docs/page.md.j2", page=page(spec))}


TARGET = base.Target("docs-cli", check, summary, render)
