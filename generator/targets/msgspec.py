"""msgspec Structs: frozen classes that msgspec decodes and validates in C, one tagged union per
spec union, and `parse_event` with the stdlib module's contract (WebhookDecodeError with a path,
UnknownWebhookEvent for an event type added later).

What msgspec cannot do as the stdlib module does is said in the generated module's docstring:
unknown keys are dropped, not kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import assert_never

import jinja2

from .. import model
from ..problems import Problem
from . import base, python

# -- naming policy: the Python target's spellings, plus the names this module defines ------------

MODULE_NAMES = python.MODULE_NAMES | {"Struct", "UnsetType", "UNSET", "msgspec"}


# Names a struct's body uses besides its fields: an optional field's default is `msgspec.UNSET` and
# a tag is read through `@property`, so a field spelled like one of them takes a trailing underscore.
BODY_NAMES = frozenset({"msgspec", "property"})


def attr(ident: str) -> str:
    spelled = python.attr(ident)
    return spelled + "_" if spelled in BODY_NAMES else spelled


def check(spec: model.Spec) -> list[Problem]:
    problems = base.distinct_class_names(spec, python.class_name, MODULE_NAMES, "the Python class", "the module")
    problems += base.distinct_attributes(spec, attr, "the Python attribute")
    # msgspec tags a struct once: one discriminator key for every union it is a member of.
    keys: dict[str, str] = {}
    for union in spec.unions:
        for member in union.members:
            first = keys.setdefault(member.object.name.snake, union.discriminator)
            if first != union.discriminator:
                problems.append(
                    base.problem(
                        spec,
                        union.loc,
                        f"msgspec: {member.object.name.snake!r} is in unions tagged by {first!r} and by "
                        f"{union.discriminator!r}; a struct has one tag field",
                    )
                )
    return problems


# -- type mapper ------------------------------------------------------------------------------------


def annotation(t: model.Type) -> base.Expr:
    """As a tree, so that a declaration too long for its line can be split as black splits it."""
    match t:
        case model.String():
            return "str"
        case model.Integer():
            return "int"
        case model.Float():
            return "float"
        case model.Boolean():
            return "bool"
        case model.Literal(value=bool()):
            return "bool"  # msgspec has no boolean literals: __post_init__ checks the value
        case model.Literal(value=value):
            return base.Subscript("Literal", (python.lit(value),))
        case model.Enum(values=values, open=is_open):
            return "str" if is_open else base.Subscript("Literal", tuple(map(python.lit, values)))
        case model.Array(item=item):
            return base.Subscript("tuple", (annotation(item), "..."))
        case model.Map(value=value):
            return base.Subscript("dict", ("str", annotation(value)))
        case model.Nullable(inner=inner):
            return base.either(annotation(inner), "None")
        case model.Ref(name=name) | model.Object(name=name):
            return python.class_name(name)
        case _:
            assert_never(t)


# -- views -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MsgField:
    declaration: str  # `attr: annotation [= default]`, laid out at the class body's indentation
    docstring: str | None


@dataclass(frozen=True)
class BoolCheck:
    attr: str
    value: str  # `True` or `False`
    json: str  # `true` or `false`


@dataclass(frozen=True)
class MsgStruct:
    cls: str
    header: str  # the `class` line: its base and the class keywords of msgspec.Struct
    docstring: str | None
    fields: tuple[MsgField, ...]
    bool_checks: tuple[BoolCheck, ...]
    tag_attr: str | None  # the discriminator, readable as a property (msgspec keeps it in the config)
    tag: str | None  # its value, as a Python literal
    tag_def: str  # the def line of that property


@dataclass(frozen=True)
class MsgUnion:
    alias: str  # the `<Union>: TypeAlias = Union[...]` statement
    docstring: str | None


@dataclass(frozen=True)
class MsgEntry:
    cls: str
    discriminator: str  # the JSON key, as a Python literal
    discriminator_attr: str
    discriminator_prose: str
    known: str  # the `_KNOWN = frozenset(...)` statement: the tags of the known events
    decoder: str  # the `_DECODER = ...` statement
    convert: str  # parse_event's `event = msgspec.convert(...)` statement


@dataclass(frozen=True)
class MsgModule:
    source: str
    title: str
    structs: tuple[MsgStruct, ...]
    unions: tuple[MsgUnion, ...]
    entry: MsgEntry | None


def field_view(f: model.Field) -> MsgField:
    t = annotation(f.type)
    spelled = attr(f.ident)
    renamed = spelled != f.key
    if f.optional and renamed:
        declaration = base.assignment(
            f"{spelled}: {t} | msgspec.UnsetType",
            base.Call("msgspec.field", ("default=msgspec.UNSET", f"name={python.lit(f.key)}")),
            4,
        )
    elif f.optional:
        declaration = base.annotated_assignment(spelled, base.either(t, "msgspec.UnsetType"), "msgspec.UNSET", 4)
    elif renamed:
        declaration = base.assignment(f"{spelled}: {t}", base.Call("msgspec.field", (f"name={python.lit(f.key)}",)), 4)
    else:
        declaration = base.annotated(spelled, t, "", 4)
    docstring = base.py_docstring(f.description) if f.description is not None else None
    return MsgField(declaration, docstring)


def struct_view(obj: model.Object, tags: dict[str, tuple[str, str]]) -> MsgStruct:
    tagged = tags.get(obj.name.snake)
    cls = python.class_name(obj.name)
    options = ["frozen=True", "kw_only=True", "gc=False"]  # decoded JSON holds no cycles: skip GC tracking
    if tagged is not None:
        options += [f"tag_field={python.lit(tagged[0])}", f"tag={python.lit(tagged[1])}"]
    tag_attr = attr(tagged[0]) if tagged is not None else None
    tag = python.lit(tagged[1]) if tagged is not None else None
    fields = tuple(field_view(f) for f in obj.fields if tagged is None or f.key != tagged[0])
    checks = tuple(
        BoolCheck(attr(f.ident), repr(f.type.value), base.json_text(f.type.value))
        for f in obj.fields
        if isinstance(f.type, model.Literal) and isinstance(f.type.value, bool)
    )
    tag_def = base.def_line(tag_attr, "self", f"Literal[{tag}]", 4) if tag_attr is not None else ""
    return MsgStruct(
        cls=cls,
        header=base.call(f"class {cls}(", ("_Base", *options), "):", 0),
        docstring=base.py_block_docstring(obj.description, 4) if obj.description is not None else None,
        fields=fields,
        bool_checks=checks,
        tag_attr=tag_attr,
        tag=tag,
        tag_def=tag_def,
    )


def module_view(spec: model.Spec) -> MsgModule:
    # msgspec dispatches a union of structs on a tag it keeps in each struct's config; a union of one
    # is just that struct, whose tag msgspec would not require: its discriminator stays a field.
    tags = {m.object.name.snake: (u.discriminator, m.tag) for u in spec.unions if len(u.members) > 1 for m in u.members}
    entry = None
    if spec.entry is not None:
        cls = python.class_name(spec.entry.name)
        entry = MsgEntry(
            cls=cls,
            discriminator=python.lit(spec.entry.discriminator),
            discriminator_attr=attr(spec.entry.discriminator),
            discriminator_prose=spec.entry.discriminator,
            known=base.assignment(
                "_KNOWN: Final",
                base.Call("frozenset", (base.Display("{}", tuple(python.lit(m.tag) for m in spec.entry.members)),)),
                0,
            ),
            decoder=base.assignment(
                f"_DECODER: Final[msgspec.json.Decoder[{cls}]]", base.Call("msgspec.json.Decoder", (cls,)), 0
            ),
            convert=base.assignment(f"event: {cls}", base.Call("msgspec.convert", ("payload", cls, "strict=True")), 8),
        )
    return MsgModule(
        source=base.comment_text(spec.source),
        title=base.py_escape(spec.title),
        structs=tuple(struct_view(o, tags) for o in spec.objects),
        unions=tuple(
            MsgUnion(
                base.union_alias(python.class_name(u.name), [python.class_name(m.object.name) for m in u.members]),
                base.py_docstring(u.description) if u.description is not None else None,
            )
            for u in spec.unions
        ),
        entry=entry,
    )


# -- output --------------------------------------------------------------------------------------------


def path(spec: model.Spec) -> str:
    return f"msgspec/{spec.module}_msgspec.py"


def render(spec: model.Spec, env: jinja2.Environment) -> dict[str, str]:
    template = "msgspec/module.py.j2"
    return {path(spec): base.render_template(env, template, module=module_view(spec))}


TARGET = base.Target("msgspec", check, annotation, render, base.format_python, ("msgspec/module.py.j2",))
