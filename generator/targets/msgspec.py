"""msgspec Structs: frozen classes that msgspec decodes and validates in C, one tagged union per
spec union, and `parse_event` with the stdlib module's contract (WebhookDecodeError with a path,
UnknownWebhookEvent for an event type added later).

What msgspec cannot do as the stdlib module does is said in the generated module's docstring:
unknown keys are dropped, not kept.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace

import jinja2

from .. import formats, model, naming
from ..problems import Problem
from . import base, python
from .python_writer import (
    AnnAssign,
    Assign,
    Call,
    CallLine,
    Declare,
    Def,
    Display,
    Expr,
    Placed,
    PyWriter,
    Statement,
    UnionAlias,
    either,
    format_python,
    lit,
    py_docstring,
    py_escape,
)

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


# -- type mapper: the stdlib module's annotations, but for what msgspec cannot check ----------------

ANNOTATIONS = replace(
    python.STDLIB,
    boolean_literal="bool",  # msgspec has no boolean literals: __post_init__ checks the value
    json="Any",  # msgspec decodes any JSON value into lists, dicts and scalars
    open_enum=lambda known: "str",
    one_of=lambda members: "Any",  # msgspec's unions are by JSON type: __post_init__ tries the members in order
    formatted=lambda name: format_alias(formats.of(name)),  # Annotated[str, msgspec.Meta(pattern=...)]
)


def converter(t: model.Type, policy: Policy | None = None) -> Expr | None:
    """A callable that gives a value msgspec decoded for `t` its one_of members (python.one_of_converter),
    and a union with variants its member (by_tag)."""
    if policy is None:
        return python.one_of_converter(t, ANNOTATIONS)
    return python.one_of_converter(t, policy.how, policy.by_tag)


def by_tag_unions(spec: model.Spec) -> dict[str, model.Union_]:
    """The unions msgspec cannot dispatch with a tagged union: those with variants (two structs with
    one tag), and any that shares a member with one (a struct is tagged in every union or none)."""
    out = {u.name.snake: u for u in spec.unions if u.has_variants}
    while True:
        untagged = {m.object.name.snake for u in out.values() for m in u.members}
        more = {
            u.name.snake: u
            for u in spec.unions
            if u.name.snake not in out and any(m.object.name.snake in untagged for m in u.members)
        }
        if not more:
            return out
        out.update(more)


@dataclass(frozen=True)
class Policy:
    """How this spec's structs are written: a field of a union msgspec cannot dispatch is `Any`,
    converted in __post_init__ by tag and then by variant, as a one_of is."""

    unions: dict[str, model.Union_]
    how: python.Annotations

    def by_tag(self, t: model.Ref) -> Expr | None:
        union = self.unions.get(t.name.snake)
        if union is None:
            return None
        return Call("_tagged", (lit(union.discriminator), *member_triples(union)))


def member_triples(union: model.Union_) -> tuple[Display, ...]:
    """`("tag", "Name", Cls)` for each member in order (variants after each other), for the runtime's `_tagged`."""
    return tuple(
        Display("()", (lit(m.tag), lit(m.object.name.pascal), python.class_name(m.object.name))) for m in union.members
    )


def policy_of(spec: model.Spec) -> Policy:
    unions = by_tag_unions(spec)
    if not unions:
        return Policy(unions, ANNOTATIONS)

    def named(t: model.Ref | model.Object) -> str:
        return "Any" if t.name.snake in unions else python.class_name(t.name)

    return Policy(unions, replace(ANNOTATIONS, named=named))


def format_alias(f: formats.Format) -> str:
    return "_" + naming.pascal(f.ident)


@dataclass(frozen=True)
class MsgFormat:
    alias: str  # `_DateTime`: Annotated[str, msgspec.Meta(pattern=<constant>)]
    constant: str  # `_DATE_TIME`: the pattern, anchored (msgspec searches for it)
    pattern: tuple[str, ...]  # as Python string literals, each on a line of its own
    expected: str  # what an error says was expected, as a Python string literal


def format_views(spec: model.Spec) -> tuple[MsgFormat, ...]:
    return tuple(
        # `\Z`, not `$`: Python's `$` also matches before a final line break
        MsgFormat(format_alias(f), f"_{f.ident.upper()}", python.pattern_lines(f"^(?:{f.pattern})\\Z"), lit(f.expected))
        for f in base.string_formats(spec)
    )


def annotation(t: model.Type) -> Expr:
    """As a tree, so that a declaration too long for its line can be split as black splits it."""
    return python.annotation_of(t, ANNOTATIONS)


# -- views -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MsgField:
    declaration: Placed  # `attr: annotation [= default]`, in the class body
    docstring: str | None


@dataclass(frozen=True)
class BoolCheck:
    attr: str
    value: str  # `True` or `False`
    json: str  # `true` or `false`


@dataclass(frozen=True)
class OneOfSet:
    attr: str  # as a Python string literal
    step: str  # the JSON key's path step, as a Python string literal
    convert: Placed  # the `_set(...)` statement


@dataclass(frozen=True)
class MsgStruct:
    cls: str
    header: Placed  # the `class` line: its base and the class keywords of msgspec.Struct
    docstring: Placed | None
    fields: tuple[MsgField, ...]
    bool_checks: tuple[BoolCheck, ...]
    tag_attr: str | None  # the discriminator, readable as a property (msgspec keeps it in the config)
    tag: str | None  # its value, as a Python literal
    tag_def: Placed | None  # the def line of that property
    one_ofs: tuple[OneOfSet, ...]  # fields holding a one_of, converted in __post_init__


@dataclass(frozen=True)
class MsgUnion:
    alias: Placed  # the `<Union>: TypeAlias = Union[...]` statement
    docstring: str | None


@dataclass(frozen=True)
class MsgEntry:
    cls: str
    discriminator: str  # the JSON key, as a Python literal
    discriminator_attr: str
    discriminator_prose: str
    known: Placed  # the `_KNOWN = frozenset(...)` statement: the tags of the known events
    decoder: Placed  # the `_DECODER = ...` statement
    convert: Placed  # parse_event's `event = msgspec.convert(...)` statement
    by_tag: Placed | None = None  # `_ENTRY = _tagged(...)`, when msgspec cannot dispatch the union (variants)


@dataclass(frozen=True)
class MsgModule:
    source: str
    title: str
    structs: tuple[MsgStruct, ...]
    unions: tuple[MsgUnion, ...]
    entry: MsgEntry | None
    formats: tuple[MsgFormat, ...]
    example_path: str  # an error path for the docstring's example (base.example_paths)
    one_of: bool  # the runtime's one_of helpers are needed
    by_tag: bool = False  # and `_tagged`, for a union with variants
    aliases: tuple[python.PyAlias, ...] = ()  # the named scalars and enums
    open_objects: bool = False  # some object has `other_values:`, which msgspec drops unchecked


def path_step(key: str) -> str:
    """The path step of an object key, as the stdlib module writes it: `.name`, or `["odd key"]`."""
    return "." + key if key.isidentifier() else "[" + json.dumps(key) + "]"


def declaration(f: model.Field, how: python.Annotations = ANNOTATIONS) -> Statement:
    t = python.annotation_of(f.type, how)
    spelled = attr(f.ident)
    renamed = spelled != f.key
    if f.optional and renamed:
        return Assign(
            f"{spelled}: {t} | msgspec.UnsetType",
            Call("msgspec.field", ("default=msgspec.UNSET", f"name={lit(f.key)}")),
        )
    if f.optional:
        return AnnAssign(spelled, either(t, "msgspec.UnsetType"), "msgspec.UNSET")
    if renamed:
        return Assign(f"{spelled}: {t}", Call("msgspec.field", (f"name={lit(f.key)}",)))
    return Declare(spelled, t)


def field_view(f: model.Field, w: PyWriter, policy: Policy) -> MsgField:
    return MsgField(w(declaration(f, policy.how)), python.documentation(f))


def struct_view(obj: model.Object, tags: dict[str, tuple[str, str]], w: PyWriter, policy: Policy) -> MsgStruct:
    tagged = tags.get(obj.name.snake)
    cls = python.class_name(obj.name)
    options = ["frozen=True", "kw_only=True", "gc=False"]  # decoded JSON holds no cycles: skip GC tracking
    if tagged is not None:
        options += [f"tag_field={lit(tagged[0])}", f"tag={lit(tagged[1])}"]
    tag_attr = attr(tagged[0]) if tagged is not None else None
    tag = lit(tagged[1]) if tagged is not None else None
    checks = tuple(
        BoolCheck(attr(f.ident), repr(f.type.value), base.json_text(f.type.value))
        for f in obj.fields
        if isinstance(f.type, model.Literal) and isinstance(f.type.value, bool)
    )
    return MsgStruct(
        cls=cls,
        header=w(CallLine(f"class {cls}(", ("_Base", *options), "):")),
        docstring=python.class_docstring(obj, w),
        fields=tuple(field_view(f, w, policy) for f in obj.fields if tagged is None or f.key != tagged[0]),
        bool_checks=checks,
        tag_attr=tag_attr,
        tag=tag,
        tag_def=w(Def(tag_attr, "self", f"Literal[{tag}]")) if tag_attr is not None else None,
        one_ofs=tuple(
            OneOfSet(
                lit(attr(f.ident)),
                lit(path_step(f.key)),
                w(CallLine("_set(", ("self", lit(attr(f.ident)), lit(path_step(f.key)), convert), ")")),
            )
            for f in obj.fields
            if (convert := converter(f.type, policy)) is not None
        ),
    )


def module_view(spec: model.Spec, w: PyWriter) -> MsgModule:
    # msgspec dispatches a union of structs on a tag it keeps in each struct's config; a union of one
    # is just that struct, whose tag msgspec would not require: its discriminator stays a field.
    # A union with variants (and any union sharing a member with one) is converted by tag instead (Policy).
    policy = policy_of(spec)
    tags = {
        m.object.name.snake: (u.discriminator, m.tag)
        for u in spec.unions
        if len(u.members) > 1 and u.name.snake not in policy.unions
        for m in u.members
    }
    entry = None
    if spec.entry is not None:
        cls = python.class_name(spec.entry.name)
        by_tag = policy.by_tag(model.Ref(spec.entry.name))
        entry = MsgEntry(
            cls=cls,
            discriminator=lit(spec.entry.discriminator),
            discriminator_attr=attr(spec.entry.discriminator),
            discriminator_prose=spec.entry.discriminator,
            known=w(
                Assign(
                    "_KNOWN: Final", Call("frozenset", (Display("{}", tuple(lit(g.tag) for g in spec.entry.groups)),))
                )
            ),
            decoder=w(
                Assign(f"_DECODER: Final[msgspec.json.Decoder[{cls}]]", Call("msgspec.json.Decoder", (cls,)))
                if by_tag is None
                else Assign("_DECODER: Final[msgspec.json.Decoder[Any]]", Call("msgspec.json.Decoder", ()))
            ),
            convert=w(
                Assign(f"event: {cls}", Call("msgspec.convert", ("payload", cls, "strict=True")))
                if by_tag is None
                else Assign(f"event: {cls}", Call("_ENTRY", (Call("msgspec.convert", ("payload", "Any")),)))
            ),
            by_tag=(
                None
                if not isinstance(by_tag, Call)
                else w(
                    Assign(f"_ENTRY: Final[Callable[[Any], {cls}]]", replace(by_tag, args=(*by_tag.args, "raw=True")))
                )
            ),
        )
    return MsgModule(
        source=base.comment_text(spec.source),
        title=py_escape(spec.title),
        structs=tuple(struct_view(o, tags, w, policy) for o in spec.objects),
        unions=tuple(
            MsgUnion(
                w(UnionAlias(python.class_name(u.name), tuple(python.class_name(m.object.name) for m in u.members))),
                py_docstring(u.description) if u.description is not None else None,
            )
            for u in spec.unions
        ),
        entry=entry,
        open_objects=any(o.open for o in spec.objects),
        formats=format_views(spec),
        example_path=base.example_paths(spec)[0],
        one_of=any(converter(f.type, policy) is not None for o in spec.objects for f in o.fields)
        or entry is not None
        and entry.by_tag is not None,
        by_tag=bool(policy.unions),
        aliases=python.alias_views(spec, w, ANNOTATIONS),
    )


# -- output --------------------------------------------------------------------------------------------

TEMPLATE = "msgspec/module.py.j2"


def path(spec: model.Spec) -> str:
    return f"msgspec/{spec.module}_msgspec.py"


def render(spec: model.Spec, env: jinja2.Environment) -> dict[str, str]:
    w = PyWriter()
    view = module_view(spec, w)
    return {path(spec): w.finish(base.render_template(env, TEMPLATE, module=view))}


TARGET = base.Target("msgspec", check, annotation, render, format_python, (TEMPLATE,))
