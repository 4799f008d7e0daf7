"""The stdlib-only Python module: frozen dataclasses, a validating decoder, signature checks.

Three parts, in the order the module is built: the naming policy (how spec names become Python
names, and which names the module reserves), the type mapper (what each model type becomes:
annotation, decode expression, encode expression, runtime helpers), and the output (the views the
templates print, laid out by python_writer.py).
"""

from __future__ import annotations

import builtins
import keyword
import re
import sys
from dataclasses import dataclass
from typing import Callable, assert_never

import jinja2

from .. import __version__, formats, model, naming
from ..problems import Problem
from . import base
from .python_writer import (
    AnnAssign,
    Assign,
    Call,
    CallLine,
    Comprehension,
    Declare,
    Def,
    DictHead,
    DictItem,
    Display,
    Docstring,
    Expr,
    If,
    IfElse,
    Parens,
    Placed,
    PyWriter,
    Subscript,
    Test,
    UnionAlias,
    either,
    format_python,
    lit,
    py_docstring,
    py_escape,
)

# -- naming policy --------------------------------------------------------------------------

# Names a generated class body uses besides its fields: a field spelled like one of them would
# shadow it there, so its attribute takes a trailing underscore, as keywords do.
CLASS_BODY_NAMES = frozenset(
    {"field", "classmethod", "frozenset", "dict", "str", "int", "float", "bool", "tuple", "self"}
    | {"extra_fields", "explicit_nulls", "to_dict", "from_dict"}
    # module names that __init__ bodies use
    | {"_object_setattr", "_NO_EXTRA"}
)

# Class names the module already defines or imports, and the builtins a type named in
# PascalCase could shadow (ValueError, ...): no spec type may take one of these names.
MODULE_NAMES = frozenset(
    {"WebhookDecodeError", "InvalidWebhookSignatureError", "UnknownWebhookEvent", "HeadersLike"}
    | {"Any", "Callable", "Final", "Literal", "Mapping", "NoReturn", "Protocol", "TypeAlias", "TypeVar", "Union"}
    | {"ClassVar", "Type", "JSON"}
    | {name for name in dir(builtins) if name[:1].isupper()}
)

# python/<module>.py named like a module the generated modules import would import itself
# (`json.py` running `import json`), and one named like any standard-library module would shadow
# it for the code beside it. The modules they import are the standard library's and these.
IMPORTED_MODULES = frozenset({"typing_extensions", "msgspec", "pydantic"})
SHADOWED_MODULES = frozenset(sys.stdlib_module_names) | IMPORTED_MODULES

# UnknownWebhookEvent keeps the payload in `raw`, beside an attribute named after the discriminator.
UNKNOWN_EVENT_NAMES = frozenset({"raw", "to_dict"})


def attr(key: str) -> str:
    """A JSON key as a Python attribute: `from` -> `from_`, `dict` -> `dict_` (see CLASS_BODY_NAMES)."""
    return key + "_" if keyword.iskeyword(key) or key in CLASS_BODY_NAMES else key


def class_name(name: model.Name) -> str:
    return name.pascal


def taken_class_names(spec: model.Spec) -> frozenset[str]:
    """Every class name the module defines or imports."""
    return MODULE_NAMES | {class_name(name) for name, _, _ in base.named_things(spec)}


def relative_class_name(top: model.Object, nested: model.Object, taken: frozenset[str]) -> str | None:
    """The vendor's name for a class nested in the top-level object `top`: its name relative to `top`
    (`Data` in BatchCancelledWebhookEvent for BatchCancelledWebhookEventData, `DataSipHeader` for
    ...DataSipHeader). The module makes it a class attribute of `top`. None where there is no such
    name, or it would be ambiguous: the nested object was given a `name:` outside `top`'s, or the
    relative name is not an identifier, or another class of the module (`taken`) has that name.
    """
    prefix = top.name.snake + "_"
    if not nested.name.snake.startswith(prefix):
        return None
    relative = naming.pascal(nested.name.snake[len(prefix) :])
    if not relative.isidentifier() or keyword.iskeyword(relative) or relative in taken:
        return None
    return relative


def nested_aliases(top: model.Object, taken: frozenset[str]) -> tuple[tuple[str, str], ...]:
    """(relative name, full class name) for each object nested in `top` that has a relative name."""
    out = []
    for nested in top.nested:
        relative = relative_class_name(top, nested, taken)
        if relative is not None:
            out.append((relative, class_name(nested.name)))
    return tuple(out)


def check(spec: model.Spec) -> list[Problem]:
    problems = base.distinct_class_names(spec, class_name, MODULE_NAMES, "the Python class", "the module")
    problems += base.distinct_attributes(spec, attr, "the Python attribute")
    if spec.module in SHADOWED_MODULES:
        library = "the standard library's" if spec.module in sys.stdlib_module_names else "the"
        problems.append(
            base.problem(
                spec,
                spec.module_loc,
                f"module {spec.module!r} would shadow {library} module {spec.module!r} "
                f"(python/{spec.module}.py would import itself, or hide it from the code beside it); choose "
                "another name",
            )
        )
    if spec.entry is not None and attr(spec.entry.discriminator) in UNKNOWN_EVENT_NAMES:
        problems.append(
            base.problem(
                spec,
                spec.entry_loc,
                f"the entry union's discriminator cannot be {spec.entry.discriminator!r}: "
                "UnknownWebhookEvent uses that name",
            )
        )
    return problems


# -- type mapper ----------------------------------------------------------------------------
# Scalar checks are inlined rather than calling the runtime's _string & co.: a call per field
# would cost a third of parse_event's time. Keep the two in step (tests/test_targets.py does).

# Annotations and decode expressions are built as trees (python_writer.Expr), so that a line
# holding one can be split as black would split it; str() of a tree is its text on one line.


@dataclass(frozen=True)
class Annotations:
    """How one Python output writes a type where the outputs differ: the stdlib module (STDLIB),
    the msgspec module (msgspec.ANNOTATIONS) and the Python docs page (docs_python.Scope)."""

    literal: Callable[[str | int | bool], str]  # a literal value, inside Literal[...]
    boolean_literal: Expr | None  # what a boolean literal is written as, if not Literal[True]
    json: Expr  # any JSON value
    open_enum: Callable[[Expr], Expr]  # an open enum, from the Literal[...] of its known values
    array: Callable[[Expr], Expr]
    map: Callable[[Expr], Expr]  # from the values' annotation
    nullable: Callable[[Expr], Expr]
    named: Callable[[model.Ref | model.Object], str]  # a definition's or nested object's class
    one_of: Callable[[tuple[Expr, ...]], Expr] = lambda members: either(*members)  # from its members' annotations
    # a named scalar or enum, from the annotation of the type it names (default: that annotation)
    alias: Callable[[model.Named, Expr], Expr] = lambda named, inner: inner
    formatted: Callable[[str], Expr] | None = None  # a string of a format, if not `str` (by the format's name)


def annotation_of(t: model.Type, how: Annotations) -> Expr:
    """The annotation of a value of `t`, in one output's way of writing types."""
    match t:
        case model.String(format=str() as name) if how.formatted is not None:
            return how.formatted(name)
        case model.String():
            return "str"
        case model.Integer():
            return "int"
        case model.Float():
            return "float"
        case model.Boolean():
            return "bool"
        case model.Json():
            return how.json
        case model.Literal(value=bool()) if how.boolean_literal is not None:
            return how.boolean_literal
        case model.Literal(value=value):
            return Subscript("Literal", (how.literal(value),))
        case model.Enum(values=values, open=is_open):
            known = Subscript("Literal", tuple(map(how.literal, values)))
            return how.open_enum(known) if is_open else known
        case model.Array(item=item):
            return how.array(annotation_of(item, how))
        case model.Map(value=value):
            return how.map(annotation_of(value, how))
        case model.Nullable(inner=inner):
            return how.nullable(annotation_of(inner, how))
        case model.OneOf(members=members):
            return how.one_of(tuple(annotation_of(m, how) for m in members))
        case model.Named(type=inner):
            return how.alias(t, annotation_of(inner, how))
        case model.Ref() | model.Object():
            return how.named(t)
        case _:
            assert_never(t)


def optional(ann: Expr) -> Expr:
    return either(ann, "None")


STDLIB = Annotations(
    literal=lit,
    boolean_literal=None,
    json="JSON",
    open_enum=lambda known: either(known, "str"),
    array=lambda item: Subscript("tuple", (item, "...")),
    map=lambda value: Subscript("dict", ("str", value)),
    nullable=optional,
    named=lambda t: class_name(t.name),
    alias=lambda t, inner: class_name(t.name),  # `Currency: TypeAlias = Literal["usd", "eur"]`
)


def annotation_expr(t: model.Type) -> Expr:
    return annotation_of(t, STDLIB)


def annotation(t: model.Type) -> str:
    return str(annotation_expr(t))


def decode(t: model.Type, x: str) -> str:
    """An expression that is the JSON value in `x`, validated, or raises _Invalid."""
    return str(decode_expr(t, x))


def decode_expr(t: model.Type, x: str) -> Expr:
    """`decode(t, x)` as a tree, for the decoders to print split as black splits it."""
    match t:
        case model.String(format=str() as name):
            return Call(format_checker(name), (x,))
        case model.String():
            return IfElse(x, f"type({x}) is str", Call("_fail", ('"a string"', x)))
        case model.Integer():
            return IfElse(x, f"type({x}) is int", Call("_fail", ('"an integer"', x)))
        case model.Float():
            # x - x == 0.0 is false for inf and nan, which JSON cannot carry
            return IfElse(
                x,
                Test((f"(type({x}) is float and {x} - {x} == 0.0)", f"type({x}) is int"), "or"),
                Call("_fail", ('"a finite number"', x)),
            )
        case model.Boolean():
            return IfElse(x, Test((f"{x} is True", f"{x} is False"), "or"), Call("_fail", ('"a boolean"', x)))
        case model.Json():
            return Call("_json_value", (x,))
        case model.Literal(value=bool() as value):
            return IfElse(x, f"{x} is {lit(value)}", Call("_fail", (lit(base.json_text(value)), x)))
        case model.Literal(value=str() as value):
            return IfElse(x, f"{x} == {lit(value)}", Call("_fail", (lit(base.json_text(value)), x)))
        case model.Literal(value=value):
            return IfElse(
                x, Test((f"type({x}) is int", f"{x} == {lit(value)}")), Call("_fail", (lit(base.json_text(value)), x))
            )
        case model.Enum(open=True):
            return IfElse(x, f"type({x}) is str", Call("_fail", ('"a string"', x)))
        case model.Enum(values=values):
            expected = "one of " + ", ".join(base.json_text(v) for v in values)
            kind = "int" if t.integers else "str"  # `type(x) is int`: neither True nor 1.0 is 1 here
            return IfElse(
                x,
                Test((f"type({x}) is {kind}", Test((x, Display("{}", tuple(map(lit, values)))), "in"))),
                Call("_fail", (lit(expected), x)),
            )
        case model.Array(item=item):
            return Call("_array", (x, member_decoder(item)))
        case model.Map(value=value):
            return Call("_map", (x, member_decoder(value)))
        case model.Nullable(inner=inner):
            return IfElse("None", f"{x} is None", Parens(decode_expr(inner, x)))
        case model.OneOf(members=members):
            # each member's name for the error (base.member_name), and its decoder: tried in order
            return Call(
                "_one_of",
                (x, members_display(members)),
            )
        case model.Named(type=inner):
            return decode_expr(inner, x)
        case model.Ref(name=name) | model.Object(name=name):
            return Call(f"_decode_{class_name(name)}", (x,))
        case _:
            assert_never(t)


def runtime_decoder(t: model.Type) -> str | None:
    """The runtime's function that decodes a value of `t` on its own (an array's item, a map's
    value), where the runtime has one."""
    match t:
        case model.String(format=str() as name):
            return format_checker(name)
        case model.String():
            return "_string"
        case model.Integer():
            return "_integer"
        case model.Float():
            return "_float"
        case model.Boolean():
            return "_boolean"
        case model.Json():
            return "_json_value"
        case model.Named(type=inner):
            return runtime_decoder(inner)
        case (
            model.Literal()
            | model.Enum()
            | model.Array()
            | model.Map()
            | model.Nullable()
            | model.OneOf()
            | model.Ref()
            | model.Object()
        ):
            return None
        case _:
            assert_never(t)


def members_display(members: tuple[model.Type, ...]) -> Display:
    """A one_of's `((name, decoder), ...)` for the runtime's `_one_of`, each decoder a tree (no
    lambda), so that black's split of a long line is the writer's too."""
    return Display("()", tuple(Display("()", (lit(base.member_name(m)), member_decoder(m))) for m in members))


def member_decoder(t: model.Type) -> Expr:
    """A decoder of a value of `t` on its own (an array's item, a map's value, a one_of's member):
    a runtime function, or a call of the runtime that makes one. Never a lambda: a tree, which the
    writer splits as black splits it."""
    match t:
        case model.Literal(value=value):
            kind = "bool" if isinstance(value, bool) else "int" if isinstance(value, int) else "str"
            return Call("_member_in", (kind, Display("{}", (lit(value),)), lit(base.json_text(value))))
        case model.Enum(values=values) if not t.open:
            expected = "one of " + ", ".join(base.json_text(v) for v in values)
            kind = "int" if t.integers else "str"
            return Call("_member_in", (kind, Display("{}", tuple(map(lit, values))), lit(expected)))
        case model.Enum():  # open: any string
            return "_string"
        case model.Array(item=inner):
            return Call("_array_of", (member_decoder(inner),))
        case model.Map(value=inner):
            return Call("_map_of", (member_decoder(inner),))
        case model.Nullable(inner=inner):
            return Call("_nullable_of", (member_decoder(inner),))
        case model.Named(type=inner):
            return member_decoder(inner)
        case model.OneOf(members=members):
            return Call("_one_of_decoder", (members_display(members),))
        case model.String() | model.Integer() | model.Float() | model.Boolean() | model.Json():
            own = runtime_decoder(t)
            assert own is not None, t
            return own
        case model.Ref(name=name) | model.Object(name=name):
            return f"_decode_{class_name(name)}"
        case _:
            assert_never(t)


def makers(e: Expr) -> frozenset[str]:
    """The runtime functions a decoder tree calls to make its decoder (`_array_of`, `_member_in`, ...)."""
    match e:
        case Call(func=func, args=args):
            return frozenset({func}).union(*map(makers, args))
        case Display(items=items):
            return frozenset().union(*map(makers, items))
        case _:
            return frozenset()


def format_checker(name: str) -> str:
    """The runtime's function that checks a string of the format `name` (generator/formats.py)."""
    return f"_{formats.of(name).ident}"


def decoder(t: model.Type) -> str:
    """A callable doing what `decode` does (`member_decoder`'s text)."""
    return str(member_decoder(t))


def is_plain(t: model.Type) -> bool:
    """Its decoded value is already the JSON value (so encoding is the identity)."""
    match t:
        case model.String() | model.Integer() | model.Float() | model.Boolean() | model.Literal() | model.Enum():
            return True
        case model.Nullable(inner=inner) | model.Named(type=inner):
            return is_plain(inner)
        case model.OneOf(members=members):
            return all(map(is_plain, members))
        case model.Array() | model.Map() | model.Ref() | model.Object() | model.Json():
            return False  # a JSON value is copied out, so to_dict() hands out no part of the object
        case _:
            assert_never(t)


def encode(t: model.Type, x: str) -> str:
    """An expression that turns the decoded value in `x` back into its JSON value."""
    return str(encode_expr(t, x))


def encode_expr(t: model.Type, x: str) -> Expr:
    """`encode(t, x)` as a tree."""
    if is_plain(t):
        return x
    match t:
        case model.Array(item=item):
            return (
                Call("list", (x,)) if is_plain(item) else Comprehension("[]", encode_expr(item, "y"), f"for y in {x}")
            )
        case model.Map(value=value):
            return (
                Call("dict", (x,))
                if is_plain(value)
                else Comprehension("{}", f"k: {encode(value, 'y')}", f"for k, y in {x}.items()")
            )
        case model.Nullable(inner=inner):
            return IfElse("None", Test((x, "None"), "is"), encode_expr(inner, x))
        case model.OneOf():
            return Call("_to_json", (x,))  # whichever member it is: objects, tuples and dicts back to JSON
        case model.Named(type=inner):
            return encode_expr(inner, x)
        case model.Ref() | model.Object():
            return Call(f"{x}.to_dict", ())
        case model.Json():
            return Call("_json_value", (x,))
        case model.String() | model.Integer() | model.Float() | model.Boolean() | model.Literal() | model.Enum():
            return x
        case _:
            assert_never(t)


def helpers(t: model.Type) -> frozenset[str]:
    """The runtime functions the decode expression of `t` calls."""
    match t:
        case model.String(format=str() as name):
            return frozenset({"_fail", format_checker(name)})
        case model.String() | model.Integer() | model.Float() | model.Boolean() | model.Literal() | model.Enum():
            return frozenset({"_fail"})
        case model.Array(item=inner) | model.Map(value=inner):
            own = runtime_decoder(inner)
            return (
                frozenset({"_array" if isinstance(t, model.Array) else "_map"})
                | helpers(inner)
                | makers(member_decoder(inner))
                | ({own} if own is not None else set())
            )
        case model.Nullable(inner=inner) | model.Named(type=inner):
            return helpers(inner)
        case model.OneOf(members=members):
            return frozenset(
                {
                    "_one_of",
                    "_to_json",
                    "_one_of_decoder",
                    "_member_in",
                    "_array_of",
                    "_map_of",
                    "_nullable_of",
                    "_string",
                }
            ).union(*(helpers(m) | {runtime_decoder(m) or "_fail"} for m in members))
        case model.Json():
            return frozenset({"_json_value"})
        case model.Ref() | model.Object():
            return frozenset()
        case _:
            assert_never(t)


def one_of_converter(
    t: model.Type, how: Annotations, by_tag: Callable[[model.Ref], Expr | None] = lambda r: None
) -> Expr | None:
    """For the msgspec module, whose unions are by JSON type only: a callable (made by its runtime)
    that turns the value msgspec decoded for `t` (a one_of's as any JSON, annotated by `how`) into
    its member, the first in order that msgspec converts it to; None where `t` holds no one_of.
    `by_tag` gives the converter of a union msgspec cannot dispatch itself (variants share a tag)."""
    match t:
        case model.Ref():
            return by_tag(t)
        case model.OneOf(members=members):
            options = tuple(Display("()", (lit(base.member_name(m)), annotation_of(m, how))) for m in members)
            return Call("_converter", (Display("()", options),))
        case model.Array(item=inner) | model.Map(value=inner):
            inner_converter = one_of_converter(inner, how, by_tag)
            if inner_converter is None:
                return None
            return Call("_items_of" if isinstance(t, model.Array) else "_values_of", (inner_converter,))
        case model.Nullable(inner=inner):
            inner_converter = one_of_converter(inner, how, by_tag)
            return None if inner_converter is None else Call("_or_null", (inner_converter,))
        case (
            model.String()
            | model.Integer()
            | model.Float()
            | model.Boolean()
            | model.Json()
            | model.Literal()
            | model.Enum()
            | model.Named()
            | model.Object()
        ):
            return None
        case _:
            assert_never(t)


# -- views the templates print ----------------------------------------------------------------


@dataclass(frozen=True)
class PyField:
    key: str  # the JSON key, as a Python string literal
    attr: str
    attribute: Placed  # `attr: annotation`, as the class body declares it
    parameter: Placed  # `attr: annotation = default,`, as __init__ takes it
    docstring: str | None
    init: Placed  # the `_object_setattr(self, ...)` statement of __init__
    present: Placed | None  # to_dict's `if` line for an optional field: is there a value to write
    write: Placed | None  # to_dict's `out[<key>] = ...` statement for an optional field
    item: Placed | None  # to_dict's `<key>: ...,` item for a required field
    store: Placed  # the decoder's `o.<attr> = ...` statement, validating the JSON value in `x`
    optional: bool
    nullable: bool  # null is a value of its own, remembered in explicit_nulls when optional


@dataclass(frozen=True)
class PyObject:
    cls: str
    docstring: Placed | None
    slots: Placed  # the `__slots__ = ...` statement
    fields: tuple[PyField, ...]
    required: int  # how many keys must be present
    tracks_nulls: bool  # has an optional nullable field: keeps `explicit_nulls`
    aliases: tuple[Placed, ...]  # `Relative: ClassVar[...] = Class` of its nested classes; see relative_class_name
    fill: Placed  # the `_Fill<class> = _twin(<class>)` statement
    known_keys: Placed  # the `_KEYS_<class> = frozenset(...)` statement: the JSON keys it defines
    decoder_def: Placed  # the def line of `_decode_<class>`
    extras: Placed  # the decoder's `o.extra_fields = _extras(...)` statement
    extra_attribute: Placed  # `extra_fields: Mapping[str, ...]`: `Any`, or an open object's `other_values:` type
    extra_parameter: Placed  # the same, as `__init__`'s parameter
    extra_docstring: str  # extra_fields' docstring
    extra_update: Placed  # to_dict's `out.update(...)` of extra_fields
    register: Placed  # the `_DECODER_OF[<class>] = ...` statement


@dataclass(frozen=True)
class PyMember:
    item: Placed  # `"tag": _decode_Cls,`, the table's item: a tag's variants tried in order (`_one_of_decoder`)


@dataclass(frozen=True)
class PyUnion:
    cls: str
    constant: str
    docstring: str | None
    discriminator: str  # the JSON key, as a Python literal
    members: tuple[PyMember, ...]
    alias: Placed  # the `<Union>: TypeAlias = Union[...]` statement
    table: Placed  # the first line(s) of the `_<CONSTANT>_DECODERS` statement, to its `{`
    decoder_def: Placed  # the def line of `_decode_<union>`
    dispatch: Placed  # the decoder's `decode = ...` statement, the member's decoder for the tag
    bad_tag: Placed  # the decoder's `raise _bad_tag(...)` statement


@dataclass(frozen=True)
class PyEnvelopeField:
    """A property of UnknownWebhookEvent: a field every member of the entry union shares."""

    define: Placed  # the `def` line
    docstring: Placed
    read: Placed  # `value = ...`, or the `return` of a value exposed unchecked
    result: str | None  # the `return` of a checked value


ENVELOPE_CHECKS = {
    "string": ("str", "type(value) is str"),
    "integer": ("int", "type(value) is int"),
    "number": ("float", "type(value) is float or type(value) is int"),
    "boolean": ("bool", "type(value) is bool"),
}


def envelope_view(f: model.Field, w: PyWriter) -> PyEnvelopeField:
    kind = base.envelope_kind(f.type)
    get = Call("self.raw.get", (lit(f.key),))
    if kind is None:
        return PyEnvelopeField(
            define=w(Def(attr(f.ident), "self", "Any")),
            docstring=w(Docstring(f"The payload's `{f.key}`, as it came (not checked), or None.")),
            read=w(CallLine("return self.raw.get(", (lit(f.key),), ")")),
            result=None,
        )
    annotation, test = ENVELOPE_CHECKS[kind]
    return PyEnvelopeField(
        define=w(Def(attr(f.ident), "self", f"{annotation} | None")),
        docstring=w(Docstring(f"The payload's `{f.key}`, when it has one of the usual type.")),
        read=w(Assign("value", get)),
        result=f"return value if {test} else None",
    )


@dataclass(frozen=True)
class PyEntry:
    cls: str
    constant: str
    discriminator: str  # the JSON key as prose
    discriminator_key: str  # as a Python literal
    discriminator_attr: str
    discriminator_attr_key: str  # the attribute, as a Python string literal
    envelope: tuple[PyEnvelopeField, ...]  # read from the payload when it has them
    dispatch: Placed  # parse_event's `decode = ...` statement
    reject: Placed  # parse_event's last statement, which raises the entry union's error for the tag


@dataclass(frozen=True)
class PySignature:
    """The spec's `signature:` settings, as signature.py.j2 prints them."""

    id_header: str  # the header names, as Python literals
    timestamp_header: str
    signature_header: str
    id_text: str  # the header names, as prose (letters, digits, `-` and `_` only: the loader checks)
    timestamp_text: str
    signature_text: str
    secret_prefix: str  # as a Python literal
    secret_prefix_text: str  # as prose (letters, digits, `_`, `-` and `.` only)
    prefix_length: int
    base64: bool  # a secret without the prefix is base64 (else its UTF-8 bytes)
    unprefixed_text: str  # how a secret without the prefix is read, for the docstrings
    unprefixed_short: str
    tolerance: int
    bad_secret: Placed  # the `raise` of a secret that is not base64
    bad_timestamp: Placed  # the `raise`s of the timestamp checks
    long_timestamp: Placed
    too_old: Placed
    too_new: Placed
    bad_text: Placed
    no_v1: Placed
    no_match: Placed


@dataclass(frozen=True)
class PyFormat:
    checker: str  # the function, `_date_time`
    regex: str  # the compiled expression's name, `_DATE_TIME`
    pattern: tuple[str, ...]  # its pattern, as Python string literals each on a line of its own
    expected: str  # what an error says was expected, as a Python string literal
    name: str  # the format's name


def pattern_lines(pattern: str, width: int = 72) -> tuple[str, ...]:
    """A long pattern as string literals short enough for their lines (concatenated, they are the
    pattern), so that black, which splits no string, has nothing to do."""
    if len(lit(pattern)) <= width + 12:  # fits on its line (at black's 88, indented)
        return (lit(pattern),)
    parts = -(-len(pattern) // width)
    size = -(-len(pattern) // parts)
    return tuple(lit(pattern[i : i + size]) for i in range(0, len(pattern), size))


def format_views(used: frozenset[str]) -> tuple[PyFormat, ...]:
    return tuple(
        PyFormat(format_checker(f.name), f"_{f.ident.upper()}", pattern_lines(f.pattern), lit(f.expected), f.name)
        for f in formats.FORMATS.values()
        if format_checker(f.name) in used
    )


@dataclass(frozen=True)
class PyModule:
    source: str
    version: str  # the generator's
    spec_sha256: str
    public: tuple[str, ...]  # __all__, as Python string literals
    docstring_title: str
    objects: tuple[PyObject, ...]
    unions: tuple[PyUnion, ...]
    entry: PyEntry | None
    helpers: frozenset[str]
    formats: tuple[PyFormat, ...]  # the string formats the decoders check, each with its runtime function
    signature: PySignature
    example_path: str  # error paths for the docstrings' examples (base.example_paths)
    deep_path: str
    aliases: tuple[PyAlias, ...] = ()  # the named scalars and enums


@dataclass(frozen=True)
class PyAlias:
    """A named scalar or enum: `Currency: TypeAlias = Literal["usd", "eur"]` and its docstring."""

    statement: Placed
    docstring: str | None


def alias_views(spec: model.Spec, w: PyWriter, how: Annotations) -> tuple[PyAlias, ...]:
    """The named scalars and enums, as a Python output (`how`) annotates the types they name."""
    return tuple(
        PyAlias(
            w(Assign(f"{class_name(a.name)}: TypeAlias", annotation_of(a.type, how))),
            py_docstring(a.description) if a.description is not None else None,
        )
        for a in spec.aliases
    )


# The statements below are placed with the file's writer, which lays each out where the template prints it.


def admits_null(t: model.Type) -> bool:
    """`null` is a value of `t` (a nullable type, or any JSON value), told apart from an absent key."""
    return isinstance(t, (model.Nullable, model.Json))


def field_view(f: model.Field, w: PyWriter) -> PyField:
    nullable = admits_null(f.type)
    ann = optional(annotation_expr(f.type)) if f.optional and not nullable else annotation_expr(f.type)
    default = ""
    if f.optional:
        default = " = None"
    elif isinstance(f.type, model.Literal):
        default = f" = {lit(f.type.value)}"
    spelled = attr(f.ident)
    value = encode_expr(f.type, "self." + spelled)
    # comparisons as trees too: black splits a long one at its operator
    set_ = Test((f"self.{spelled}", "None"), "is not")
    present = Test((set_, Test((lit(f.key), "self.explicit_nulls"), "in")) if nullable else (set_,), "or")
    return PyField(
        key=lit(f.key),
        attr=spelled,
        attribute=w(Declare(spelled, ann)),
        parameter=w(Declare(spelled, ann, default + ",")),
        docstring=documentation(f),
        init=w(CallLine("_object_setattr(", ("self", lit(spelled), spelled), ")")),
        present=w(If(present)) if f.optional else None,
        write=w(Assign(f"out[{lit(f.key)}]", value)) if f.optional else None,
        item=None if f.optional else w(DictItem(lit(f.key), value)),
        store=w(Assign(f"o.{spelled}", decode_expr(f.type, "x"))),
        optional=f.optional,
        nullable=nullable,
    )


def documentation(f: model.Field) -> str | None:
    """A field's docstring: its description, its items' or values' (`Each item: ...`), then the
    deprecation note (`Deprecated: ...`) if any."""
    text = model.field_text(f)
    return py_docstring(text) if text is not None else None


def class_docstring(obj: model.Object, w: PyWriter) -> Placed | None:
    """A class's docstring: its description, then the deprecation note if any."""
    text = model.documented(obj.description, obj.deprecated)
    return w(Docstring(text)) if text is not None else None


def object_view(obj: model.Object, w: PyWriter, aliases: tuple[tuple[str, str], ...] = ()) -> PyObject:
    cls = class_name(obj.name)
    tracks_nulls = any(f.optional and admits_null(f.type) for f in obj.fields)
    slots = (
        [lit(attr(f.ident)) for f in obj.fields] + ['"extra_fields"'] + (['"explicit_nulls"'] if tracks_nulls else [])
    )
    return PyObject(
        cls=cls,
        docstring=class_docstring(obj, w),
        slots=w(Assign("__slots__", Display("()", tuple(slots)))),
        fields=tuple(field_view(f, w) for f in obj.fields),
        required=sum(1 for f in obj.fields if not f.optional),
        tracks_nulls=tracks_nulls,
        aliases=tuple(
            w(AnnAssign(relative, Subscript("ClassVar", (Subscript("Type", (full,)),)), full))
            for relative, full in aliases
        ),
        fill=w(Assign(f"_Fill{cls}: Final", Call("_twin", (cls,)))),
        known_keys=w(
            Assign(f"_KEYS_{cls}: Final", Call("frozenset", (Display("{}", tuple(lit(f.key) for f in obj.fields)),)))
        ),
        decoder_def=w(Def(f"_decode_{cls}", "d: Any", cls)),
        extras=w(Assign("o.extra_fields", extras_expr(obj, cls))),
        extra_attribute=w(Declare("extra_fields", extra_annotation(obj))),
        extra_parameter=w(Declare("extra_fields", extra_annotation(obj), " = _NO_EXTRA,")),
        extra_docstring=extra_docstring(obj),
        extra_update=w(
            CallLine(
                "out.update(",
                (
                    (
                        "self.extra_fields"
                        if obj.other is None or is_plain(obj.other)
                        else encode_expr(model.Map(obj.other), "self.extra_fields")
                    ),
                ),
                ")",
            )
        ),
        register=w(Assign(f"_DECODER_OF[{cls}]", f"_decode_{cls}")),
    )


def extras_expr(obj: model.Object, cls: str) -> Expr:
    """The keys the spec does not declare, as the decoder keeps them: as they came, or (an open
    object) each value decoded as `other_values:` says, an error at its key's path."""
    kept = Call("_extras", ("d", f"_KEYS_{cls}"))
    return kept if obj.other is None else decode_expr(model.Map(obj.other), str(kept))


def extra_annotation(obj: model.Object) -> Expr:
    return Subscript("Mapping", ("str", "Any" if obj.other is None else annotation_expr(obj.other)))


def extra_docstring(obj: model.Object) -> str:
    if obj.other is None:
        return py_docstring("Keys the spec does not define, kept as they came so that `to_dict()` loses nothing.")
    text = model.documented(
        "Keys the spec does not declare, each value of the declared type (checked when decoded); "
        "`to_dict()` gives them back.",
        None,
        more=(f"Each value: {obj.other_description}",) if obj.other_description is not None else (),
    )
    assert text is not None
    return py_docstring(text)


def dispatch(constant: str) -> Assign:
    """`decode = ...`: the decoder of the tag in `tag`, from the union's table."""
    return Assign("decode", IfElse(Call(f"_{constant}_DECODERS.get", ("tag",)), "type(tag) is str", "None"))


def group_decoder(group: model.Group) -> Expr:
    """The decoder of a union's tag: its member's, or its variants' tried in order as a one_of's are."""
    if not group.variants:
        return f"_decode_{class_name(group.members[0].object.name)}"
    return Call(
        "_one_of_decoder",
        (
            Display(
                "()",
                tuple(
                    Display("()", (lit(m.object.name.pascal), f"_decode_{class_name(m.object.name)}"))
                    for m in group.members
                ),
            ),
        ),
    )


def union_view(union: model.Union_, w: PyWriter) -> PyUnion:
    cls = class_name(union.name)
    return PyUnion(
        cls=cls,
        constant=union.name.constant,
        docstring=py_docstring(union.description) if union.description is not None else None,
        discriminator=lit(union.discriminator),
        members=tuple(PyMember(w(DictItem(lit(g.tag), group_decoder(g)))) for g in union.groups),
        alias=w(UnionAlias(cls, tuple(class_name(m.object.name) for m in union.members))),
        table=w(DictHead(f"_{union.name.constant}_DECODERS: Final[", f"dict[str, Callable[[Any], {cls}]]")),
        decoder_def=w(Def(f"_decode_{cls}", "d: Any", cls)),
        dispatch=w(dispatch(union.name.constant)),
        bad_tag=w(
            CallLine("raise _bad_tag(", ("tag", f"_{union.name.constant}_DECODERS", lit(union.discriminator)), ")")
        ),
    )


def refuse(message: Expr, tail: str = ")") -> CallLine:
    return CallLine("raise InvalidWebhookSignatureError(", (message,), tail)


def signature_view(settings: model.Signature, w: PyWriter) -> PySignature:
    prefix = settings.secret_prefix
    bad_prefixed = lit(f"secret is not valid base64 after its {prefix} prefix")
    base64 = settings.unprefixed_secret == "base64"
    bad: Expr = (
        IfElse(bad_prefixed, "prefixed", lit(f"secret is not valid base64 (without the {prefix} prefix too)"))
        if base64
        else bad_prefixed
    )
    timestamp = settings.timestamp_header
    return PySignature(
        id_header=lit(settings.id_header),
        timestamp_header=lit(timestamp),
        signature_header=lit(settings.signature_header),
        id_text=settings.id_header,
        timestamp_text=timestamp,
        signature_text=settings.signature_header,
        secret_prefix=lit(prefix),
        secret_prefix_text=prefix,
        prefix_length=len(prefix),
        base64=base64,
        unprefixed_text="decoded as base64 as well" if base64 else "used as raw UTF-8 bytes",
        unprefixed_short="base64" if base64 else "raw UTF-8",
        tolerance=settings.tolerance,
        bad_secret=w(refuse(bad, ") from None")),
        bad_timestamp=w(refuse(lit(f"{timestamp} is not a whole number of seconds"))),
        long_timestamp=w(refuse(lit(f"{timestamp} has too many digits"))),
        too_old=w(refuse(lit(f"{timestamp} is too old"))),
        too_new=w(refuse(lit(f"{timestamp} is too new"))),
        bad_text=w(refuse(lit(f"payload or {settings.id_header} is not valid text"), ") from None")),
        no_v1=w(refuse(lit(f"{settings.signature_header} has no v1 signature"))),
        no_match=w(refuse(lit(f"no signature in {settings.signature_header} matches the payload"))),
    )


def module_view(spec: model.Spec, w: PyWriter) -> PyModule:
    entry = None
    if spec.entry is not None:
        entry = PyEntry(
            cls=class_name(spec.entry.name),
            constant=spec.entry.name.constant,
            discriminator=spec.entry.discriminator,
            discriminator_key=lit(spec.entry.discriminator),
            discriminator_attr=attr(spec.entry.discriminator),
            discriminator_attr_key=lit(attr(spec.entry.discriminator)),
            # What an unknown event still tells, when its payload has it: the fields every event has.
            envelope=tuple(envelope_view(f, w) for f in base.envelope(spec.entry)),
            dispatch=w(dispatch(spec.entry.name.constant)),
            # the comment counts in the line's length, and follows the closing bracket when it is split
            reject=w(
                CallLine(
                    "return _run(",
                    (f"_decode_{class_name(spec.entry.name)}", "data"),
                    ")  # raises the error for this tag",
                )
            ),
        )
    taken = taken_class_names(spec)
    aliases = {d.name: nested_aliases(d, taken) for d in spec.definitions if isinstance(d, model.Object)}
    used: set[str] = set()
    for obj in spec.objects:
        for f in obj.fields:
            used |= helpers(f.type)
        if obj.other is not None:
            used |= helpers(model.Map(obj.other))
    if any(u.has_variants for u in spec.unions):
        used |= {"_one_of", "_one_of_decoder"}
    public = ["WebhookDecodeError"]
    if spec.entry is not None:
        public += [
            "InvalidWebhookSignatureError",
            "HeadersLike",
            "UnknownWebhookEvent",
            "parse_event",
            "verify_signature",
            "unwrap",
            "sign_headers",
        ]
    if "_json_value" in used:
        public.append("JSON")
    public += [class_name(a.name) for a in spec.aliases]
    public += [class_name(d.name) for d in spec.unions] + [class_name(o.name) for o in spec.objects]
    return PyModule(
        source=base.comment_text(spec.source),
        version=__version__,
        spec_sha256=spec.sha256,
        public=tuple(lit(name) for name in public),
        docstring_title=py_escape(spec.title),
        objects=tuple(object_view(o, w, aliases.get(o.name, ())) for o in spec.objects),
        unions=tuple(union_view(u, w) for u in spec.unions),
        entry=entry,
        helpers=frozenset(used),
        formats=format_views(frozenset(used)),
        signature=signature_view(spec.signature, w),
        example_path=base.example_paths(spec)[0],
        deep_path=base.example_paths(spec)[1],
        aliases=alias_views(spec, w, STDLIB),
    )


# -- output -----------------------------------------------------------------------------------

TEMPLATE = "python/module.py.j2"


def path(spec: model.Spec) -> str:
    return f"python/{spec.module}.py"


def module_text(spec: model.Spec, env: jinja2.Environment) -> tuple[str, PyModule]:
    """The module as the templates print it and the writer lays it out, before the formatting step."""
    w = PyWriter()
    view = module_view(spec, w)
    return w.finish(base.render_template(env, TEMPLATE, module=view)), view


def render(spec: model.Spec, env: jinja2.Environment) -> dict[str, str]:
    text, view = module_text(spec, env)
    missing = sorted(h for h in view.helpers if not re.search(rf"^def\s+{re.escape(h)}\s*\(", text, re.MULTILINE))
    if missing:
        format_python(text, TEMPLATE)  # code that does not parse is reported as that first
        raise base.RenderError(
            f"{TEMPLATE}: the decoders call runtime helpers the module does not define: {', '.join(missing)}"
        )
    return {path(spec): text}


TARGET = base.Target("python", check, annotation_expr, render, format_python, (TEMPLATE,))
