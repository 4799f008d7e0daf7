"""The zero-dependency TypeScript module: interfaces, a validating decoder, signature checks.

Three parts, as in the Python target: the naming policy (type names, property names, the names the
module reserves), the type mapper (what each model type becomes: a type expression, and the
statements that check a JSON value against it), and the output (the views the templates print).

The decoder validates in place: a decoded event is the parsed JSON object itself, so unknown keys,
absent optional keys and explicit nulls all survive `JSON.stringify` unchanged. Its errors carry the
same path and the same words as the Python module's; path steps are computed here, once, with the
Python module's own rule (see `step`).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import assert_never

import jinja2

from .. import formats, model
from ..problems import Problem
from . import base

# -- naming policy --------------------------------------------------------------------------

# Names the module itself declares or uses at the top level, and the global and utility type names
# of ES2022 / TypeScript / the Web platform that a PascalCase spec name could shadow.
MODULE_NAMES = frozenset(
    {"WebhookDecodeError", "InvalidWebhookSignatureError", "UnknownWebhookEvent", "HeadersLike"}
    | {"ParseOptions", "VerifyOptions", "UnwrapOptions", "Invalid", "JsonObject"}
    | {"SignOptions", "SignedHeaders", "WebhookHandlers"}
)
GLOBAL_NAMES = frozenset(
    {"Object", "Function", "Array", "Number", "Boolean", "String", "Symbol", "BigInt", "Date", "RegExp"}
    | {"Promise", "Proxy", "Reflect", "Map", "Set", "WeakMap", "WeakSet", "WeakRef", "FinalizationRegistry"}
    | {"Error", "AggregateError", "EvalError", "RangeError", "ReferenceError", "SyntaxError", "TypeError", "URIError"}
    | {"JSON", "Math", "Intl", "Atomics", "ArrayBuffer", "SharedArrayBuffer", "DataView", "Infinity", "NaN"}
    | {"Int8Array", "Uint8Array", "Uint8ClampedArray", "Int16Array", "Uint16Array", "Int32Array", "Uint32Array"}
    | {"Float32Array", "Float64Array", "BigInt64Array", "BigUint64Array"}
    | {"Partial", "Required", "Readonly", "Record", "Pick", "Omit", "Exclude", "Extract", "NonNullable"}
    | {"Parameters", "ConstructorParameters", "ReturnType", "InstanceType", "ThisParameterType", "ThisType"}
    | {"OmitThisParameter", "Uppercase", "Lowercase", "Capitalize", "Uncapitalize", "Awaited", "NoInfer"}
    | {"ReadonlyArray", "ReadonlyMap", "ReadonlySet", "ArrayLike", "PromiseLike", "Iterable", "Iterator"}
    | {"IterableIterator", "AsyncIterable", "AsyncIterator", "Generator", "AsyncGenerator", "PropertyKey"}
    | {"PropertyDescriptor", "TemplateStringsArray", "Headers", "Request", "Response", "Crypto", "CryptoKey"}
    | {"SubtleCrypto", "TextEncoder", "TextDecoder", "Buffer", "URL", "Blob", "Event", "EventTarget"}
)

# Words a type name can never be (all lower case, so a PascalCase name cannot hit one today; kept so
# the rule holds if names ever keep the spec's spelling).
RESERVED_WORDS = frozenset(
    "break case catch class const continue debugger default delete do else enum export extends false "
    "finally for function if import in instanceof new null return super switch this throw true try "
    "typeof var void while with implements interface let package private protected public static yield "
    "any boolean number string symbol unknown never object bigint undefined type".split()
)

# UnknownWebhookEvent keeps the payload in `raw`, beside a property named after the discriminator.
UNKNOWN_EVENT_NAMES = frozenset({"raw", "toJSON"})

# Keys an ordinary object inherits from Object.prototype: reading one that is absent would find the
# inherited value, so the decoder reads these keys only when they are the object's own.
INHERITED = frozenset(
    {"constructor", "hasOwnProperty", "isPrototypeOf", "propertyIsEnumerable", "toLocaleString", "toString"}
    | {"valueOf", "__proto__", "__defineGetter__", "__defineSetter__", "__lookupGetter__", "__lookupSetter__"}
)

IDENTIFIER = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$]*$")


def type_name(name: model.Name) -> str:
    return name.pascal


def property_name(key: str) -> str:
    """A JSON key as a property name in an interface: verbatim, quoted unless it is an identifier
    (reserved words are fine as property names)."""
    return key if IDENTIFIER.match(key) else string(key)


def check(spec: model.Spec) -> list[Problem]:
    reserved = MODULE_NAMES | GLOBAL_NAMES | RESERVED_WORDS
    problems = base.distinct_class_names(spec, type_name, reserved, "the TypeScript type", "the module or the language")
    if spec.entry is not None and spec.entry.discriminator in UNKNOWN_EVENT_NAMES:
        problems.append(
            base.problem(
                spec,
                spec.entry_loc,
                f"the entry union's discriminator cannot be {spec.entry.discriminator!r}: UnknownWebhookEvent "
                "uses that name",
            )
        )
    return problems


# -- text -------------------------------------------------------------------------------------


def string(text: str) -> str:
    """A TypeScript string literal for any text (JSON with every non-ASCII character escaped)."""
    return json.dumps(text, ensure_ascii=True)


def step(key: str) -> str:
    """The Python module's path step for an object key: `.name`, or `["odd key"]`."""
    return "." + key if key.isidentifier() else "[" + json.dumps(key) + "]"


def tsdoc(text: str | None, indent: int = 0, deprecated: str | None = None) -> str | None:
    """A `/** ... */` block for any description: `*/` inside it cannot end the comment early. A
    deprecated field or type ends with TSDoc's `@deprecated` tag and its message, which editors show."""
    if text is None and deprecated is None:
        return None
    pad = " " * indent
    body = [] if text is None else text.split("\n")
    if deprecated is not None:
        body += ([""] if body else []) + f"@deprecated {deprecated}".rstrip().split("\n")
    escaped = [line.replace("*/", "*\\/") for line in body]
    lines = [f"{pad}/**"] + [f"{pad} * {line}".rstrip() for line in escaped] + [f"{pad} */"]
    return "\n".join(lines)


# -- type mapper ----------------------------------------------------------------------------


def ts_type(t: model.Type) -> str:
    match t:
        case model.String():
            return "string"
        case model.Integer() | model.Float():
            return "number"
        case model.Boolean():
            return "boolean"
        case model.Json():
            return "JsonValue"
        case model.Literal(value=bool() as value):
            return "true" if value else "false"
        case model.Literal(value=str() as value):
            return string(value)
        case model.Literal(value=value):
            return str(value)
        case model.Enum(values=values, open=is_open):
            # `string & {}` keeps the listed values in editors' completions while admitting any string.
            return " | ".join([value_text(v) for v in values] + (["(string & {})"] if is_open else []))
        case model.Array(item=item):
            return f"ReadonlyArray<{ts_type(item)}>"
        case model.Map(value=value):
            return f"{{ readonly [key: string]: {ts_type(value)} }}"
        case model.Nullable(inner=inner):
            return f"{ts_type(inner)} | null"
        case model.OneOf(members=members):
            return "(" + " | ".join(ts_type(m) for m in members) + ")"
        case model.Ref(name=name) | model.Object(name=name) | model.Named(name=name):
            return type_name(name)
        case _:
            assert_never(t)


def format_constant(f: formats.Format) -> str:
    return f"FORMAT_{f.ident.upper()}"


@dataclass(frozen=True)
class TsFormat:
    constant: str  # `FORMAT_DATE_TIME`
    regex: str  # the regular expression literal, anchored
    name: str


def format_view(f: formats.Format) -> TsFormat:
    return TsFormat(format_constant(f), "/^(?:" + f.pattern.replace("/", "\\/") + ")$/", f.name)


def value_text(value: str | int) -> str:
    """An enum value as a TypeScript literal: `"a"`, `2`."""
    return string(value) if isinstance(value, str) else str(value)


def literal_text(value: str | int | bool) -> str:
    """How the Python module names an expected literal in its messages."""
    return base.json_text(value)


def checks(t: model.Type, x: str, depth: int) -> list[str]:
    """Statements that throw Invalid unless the JSON value in `x` is of type `t`.

    Scalar checks are inlined: a call per field would cost more than the check itself.
    """
    match t:
        case model.String(format=str() as name):
            f = formats.of(name)
            return [f'if (typeof {x} !== "string" || !{format_constant(f)}.test({x})) fail({string(f.expected)}, {x});']
        case model.String() | model.Enum(open=True):
            return [f'if (typeof {x} !== "string") fail("a string", {x});']
        case model.Integer():
            return [f'if (!Number.isSafeInteger({x})) fail("an integer", {x});']
        case model.Float():
            return [f'if (!Number.isFinite({x})) fail("a finite number", {x});']
        case model.Boolean():
            return [f'if (typeof {x} !== "boolean") fail("a boolean", {x});']
        case model.Json():
            return [f"checkJson({x});"]
        case model.Literal(value=value):
            return [f"if ({x} !== {ts_type(t)}) fail({string(literal_text(value))}, {x});"]
        case model.Enum(values=values):
            expected = "one of " + ", ".join(literal_text(v) for v in values)
            condition = " && ".join(f"{x} !== {value_text(v)}" for v in values)
            return [f"if ({condition}) fail({string(expected)}, {x});"]
        case model.Array(item=item):
            i, y = f"i{depth + 1}", f"x{depth + 1}"
            return [
                f'if (!Array.isArray({x})) fail("an array", {x});',
                "{",
                f"  let {i} = 0;",
                "  try {",
                f"    for (; {i} < {x}.length; {i}++) {{",
                f"      const {y}: unknown = {x}[{i}];",
                *("      " + line for line in checks(item, y, depth + 1)),
                "    }",
                "  } catch (e) {",
                f'    throw at(e, "[" + {i} + "]");',
                "  }",
                "}",
            ]
        case model.Map(value=value):
            k, y = f"k{depth + 1}", f"x{depth + 1}"
            return [
                f'if (!isObject({x})) fail("an object", {x});',
                "{",
                f'  let {k} = "";',
                "  try {",
                f"    for ({k} of Object.keys({x})) {{",
                f"      const {y}: unknown = {x}[{k}];",
                *("      " + line for line in checks(value, y, depth + 1)),
                "    }",
                "  } catch (e) {",
                f"    throw at(e, step({k}));",
                "  }",
                "}",
            ]
        case model.Nullable(inner=inner):
            return [f"if ({x} !== null) {{", *("  " + line for line in checks(inner, x, depth)), "}"]
        case model.OneOf(members=members):
            # each member's name for the error (as the Python module names it) and its check, in order
            y = f"x{depth + 1}"
            lines = [f"oneOf({x}, ["]
            for m in members:
                lines += [
                    f"  [{string(base.member_name(m))}, ({y}: unknown): void => {{",
                    *("    " + line for line in checks(m, y, depth + 1)),
                    "  }],",
                ]
            return lines + ["]);"]
        case model.Named(type=inner):
            return checks(inner, x, depth)
        case model.Ref(name=name) | model.Object(name=name):
            return [f"check{type_name(name)}({x});"]
        case _:
            assert_never(t)


# -- views the templates print ----------------------------------------------------------------


@dataclass(frozen=True)
class TsField:
    declaration: str  # `readonly key?: type;`
    doc: str | None
    step: str  # the path step, as a TypeScript string literal
    read: str  # an expression reading the key from `v` (undefined when absent)
    optional: bool
    checks: str  # statements checking `x0`, indented for the decoder's try block


@dataclass(frozen=True)
class TsObject:
    name: str
    doc: str | None
    fields: tuple[TsField, ...]
    index: str | None = None  # an open object's index signature, `readonly [key: string]: ...;`
    index_doc: str | None = None
    known: str = "[]"  # the keys it declares, as a TypeScript array literal
    other_checks: str | None = None  # statements checking an undeclared key's value in `x1`


def index_type(obj: model.Object) -> str:
    """The type of an open object's index signature: TypeScript requires every declared property's
    type to be one of it, so it is the `other_values:` type or any of theirs (`undefined` for an
    optional one). The declared properties keep their own types."""
    assert obj.other is not None
    parts = [ts_type(obj.other)] + [ts_type(f.type) for f in obj.fields]
    if any(f.optional for f in obj.fields):
        parts.append("undefined")
    return " | ".join(dict.fromkeys(f"({p})" if " | " in p and len(parts) > 1 else p for p in parts))


@dataclass(frozen=True)
class TsMember:
    tag: str  # as a TypeScript literal
    name: str


@dataclass(frozen=True)
class TsTag:
    tag: str  # as a TypeScript literal
    check: str  # the function that checks a value with this tag: its member's, or its variants'


@dataclass(frozen=True)
class TsVariants:
    """The check of a tag that several members share: each tried in order (the runtime's `oneOf`)."""

    check: str  # the function's name
    members: tuple[tuple[str, str], ...]  # (the name an error gives it, as a TypeScript literal; its check)


@dataclass(frozen=True)
class TsUnion:
    name: str
    constant: str
    doc: str | None
    read: str  # an expression reading the discriminator from `v`
    step: str  # its path step, as a TypeScript literal
    one_of: str  # `expected one of ...` for an unknown tag, as a TypeScript literal
    members: tuple[TsMember, ...]
    tags: tuple[TsTag, ...] = ()  # one per tag, in order
    variants: tuple[TsVariants, ...] = ()  # the tags with several members


@dataclass(frozen=True)
class TsEnvelopeField:
    """A getter of UnknownWebhookEvent: a field every member of the entry union shares."""

    name: str  # as a property name
    type: str  # the getter's return type
    doc: str
    read: str  # an expression reading the value from `this.raw`
    test: str | None  # whether `value` has the usual type; None: exposed as it came


ENVELOPE_CHECKS = {
    "string": ("string", 'typeof value === "string"'),
    "integer": ("number", 'typeof value === "number" && Number.isInteger(value)'),
    "number": ("number", 'typeof value === "number"'),
    "boolean": ("boolean", 'typeof value === "boolean"'),
}


def envelope_view(f: model.Field) -> TsEnvelopeField:
    kind = base.envelope_kind(f.type)
    key = f.key.replace("*/", "*\\/")
    if kind is None:
        return TsEnvelopeField(
            property_name(f.key), "unknown", f"The payload's `{key}`, as it came (not checked), or undefined.",
            read(f.key, "this.raw"), None,
        )  # fmt: skip
    ts, test = ENVELOPE_CHECKS[kind]
    return TsEnvelopeField(
        property_name(f.key), f"{ts} | undefined", f"The payload's `{key}`, when it has one of the usual type.",
        read(f.key, "this.raw"), test,
    )  # fmt: skip


@dataclass(frozen=True)
class TsEntry:
    name: str
    constant: str
    discriminator: str  # the JSON key as prose
    discriminator_key: str  # as a TypeScript literal
    discriminator_property: str  # as a property name of UnknownWebhookEvent
    read: str  # an expression reading the discriminator from `data`
    envelope: tuple[TsEnvelopeField, ...]  # getters of UnknownWebhookEvent


@dataclass(frozen=True)
class TsSignature:
    """The spec's `signature:` settings, as signature.ts.j2 prints them."""

    id_header: str  # the header names, as TypeScript literals
    timestamp_header: str
    signature_header: str
    id_text: str  # the header names, as prose (letters, digits, `-` and `_` only: the loader checks)
    timestamp_text: str
    signature_text: str
    secret_prefix: str  # as a TypeScript literal
    secret_prefix_text: str  # as prose (letters, digits, `_`, `-` and `.` only)
    prefix_length: int
    base64: bool  # a secret without the prefix is base64 (else its UTF-8 bytes)
    unprefixed_short: str  # how a secret without the prefix is read, for the docs
    tolerance: int
    bad_prefixed: str  # the error of a secret that is not base64, as a TypeScript literal
    bad_unprefixed: str


def signature_view(settings: model.Signature) -> TsSignature:
    prefix = settings.secret_prefix
    base64 = settings.unprefixed_secret == "base64"
    return TsSignature(
        id_header=string(settings.id_header),
        timestamp_header=string(settings.timestamp_header),
        signature_header=string(settings.signature_header),
        id_text=settings.id_header,
        timestamp_text=settings.timestamp_header,
        signature_text=settings.signature_header,
        secret_prefix=string(prefix),
        secret_prefix_text=prefix,
        prefix_length=len(prefix),
        base64=base64,
        unprefixed_short="base64" if base64 else "raw UTF-8",
        tolerance=settings.tolerance,
        bad_prefixed=string(f"secret is not valid base64 after its {prefix} prefix"),
        bad_unprefixed=string(f"secret is not valid base64 (without the {prefix} prefix too)"),
    )


@dataclass(frozen=True)
class TsModule:
    source: str
    title: str
    objects: tuple[TsObject, ...]
    unions: tuple[TsUnion, ...]
    entry: TsEntry | None
    uses_maps: bool  # the runtime's `step` is needed for map keys
    signature: TsSignature
    example_path: str  # error paths for the doc comments' examples (base.example_paths)
    deep_path: str
    uses_json: bool  # the runtime's `JsonValue` and `checkJson` are needed
    uses_one_of: bool  # the runtime's `oneOf` is needed
    formats: tuple[TsFormat, ...]  # the string formats the decoders check
    aliases: tuple[TsAlias, ...] = ()  # the named scalars and enums


@dataclass(frozen=True)
class TsAlias:
    """A named scalar or enum: `export type Currency = "usd" | "eur";`."""

    name: str
    doc: str | None
    type: str


def uses_maps(t: model.Type) -> bool:
    match t:
        case model.Map() | model.Json():
            return True
        case model.Array(item=inner) | model.Nullable(inner=inner):
            return uses_maps(inner)
        case model.OneOf(members=members):
            return any(map(uses_maps, members))
        case model.String() | model.Integer() | model.Float() | model.Boolean() | model.Literal() | model.Enum():
            return False
        case model.Ref() | model.Object() | model.Named():
            return False  # an inline object's own fields are visited as one of spec.objects
        case _:
            assert_never(t)


def read(key: str, v: str = "v") -> str:
    """An expression that is the value of `key` in the JSON object `v`, or undefined when absent."""
    literal = string(key)
    return f"(hasOwn({v}, {literal}) ? {v}[{literal}] : undefined)" if key in INHERITED else f"{v}[{literal}]"


def field_view(f: model.Field) -> TsField:
    return TsField(
        declaration=f"readonly {property_name(f.key)}{'?' if f.optional else ''}: {ts_type(f.type)};",
        doc=tsdoc(model.documented(f.description, None, more=model.element_notes(f.type)), 2, f.deprecated),
        step=string(step(f.key)),
        read=read(f.key),
        optional=f.optional,
        checks="\n".join(checks(f.type, "x0", 0)),
    )


def object_view(obj: model.Object) -> TsObject:
    name, doc, fields = (
        type_name(obj.name),
        tsdoc(obj.description, 0, obj.deprecated),
        tuple(map(field_view, obj.fields)),
    )
    if obj.other is None:
        return TsObject(name, doc, fields)
    about = "Keys the spec does not declare, each value checked to be of the declared type."
    return TsObject(
        name,
        doc,
        fields,
        index=f"readonly [key: string]: {index_type(obj)};",
        index_doc=tsdoc(model.documented(about, None, more=element_about(obj.other_description)), 2),
        known="[" + ", ".join(string(f.key) for f in obj.fields) + "]",
        other_checks="\n".join(checks(obj.other, "x1", 1)),
    )


def element_about(description: str | None) -> tuple[str, ...]:
    return (f"Each value: {description}",) if description is not None else ()


def union_view(union: model.Union_) -> TsUnion:
    return TsUnion(
        name=type_name(union.name),
        constant=union.name.constant,
        doc=tsdoc(union.description),
        read=read(union.discriminator),
        step=string(step(union.discriminator)),
        one_of=string("one of " + ", ".join(json.dumps(g.tag) for g in union.groups)),
        members=tuple(TsMember(string(m.tag), type_name(m.object.name)) for m in union.members),
        tags=tuple(TsTag(string(g.tag), group_check(union, i, g)) for i, g in enumerate(union.groups, 1)),
        variants=tuple(
            TsVariants(
                group_check(union, i, g),
                tuple((string(m.object.name.pascal), "check" + type_name(m.object.name)) for m in g.members),
            )
            for i, g in enumerate(union.groups, 1)
            if g.variants
        ),
    )


def group_check(union: model.Union_, i: int, group: model.Group) -> str:
    """The check of the `i`th tag of `union`: its member's, or (`check<Union>$<i>`, a name no type
    has) its variants', tried in order."""
    if group.variants:
        return f"check{type_name(union.name)}${i}"
    return "check" + type_name(group.members[0].object.name)


def module_view(spec: model.Spec) -> TsModule:
    entry = None
    if spec.entry is not None:
        key = spec.entry.discriminator
        entry = TsEntry(
            name=type_name(spec.entry.name),
            constant=spec.entry.name.constant,
            discriminator=key,
            discriminator_key=string(key),
            discriminator_property=property_name(key),
            read=read(key, "data"),
            envelope=tuple(envelope_view(f) for f in base.envelope(spec.entry)),
        )
    return TsModule(
        source=base.comment_text(spec.source),
        title=spec.title.replace("*/", "*\\/"),
        objects=tuple(object_view(o) for o in spec.objects),
        unions=tuple(union_view(u) for u in spec.unions),
        entry=entry,
        uses_maps=any(uses_maps(f.type) for obj in spec.objects for f in obj.fields)
        or any(obj.open for obj in spec.objects),
        signature=signature_view(spec.signature),
        example_path=base.example_paths(spec)[0],
        deep_path=base.example_paths(spec)[1],
        uses_json=any(
            "checkJson(" in line for obj in spec.objects for f in obj.fields for line in checks(f.type, "x", 0)
        ),
        uses_one_of=any(base.has_one_of(f.type) for obj in spec.objects for f in obj.fields)
        or any(u.has_variants for u in spec.unions),
        aliases=tuple(TsAlias(type_name(a.name), tsdoc(a.description), ts_type(a.type)) for a in spec.aliases),
        formats=tuple(format_view(f) for f in base.string_formats(spec)),
    )


# -- output -----------------------------------------------------------------------------------


def path(spec: model.Spec) -> str:
    return f"typescript/{spec.module}.ts"


def render(spec: model.Spec, env: jinja2.Environment) -> dict[str, str]:
    text = base.render_template(env, "typescript/module.ts.j2", module=module_view(spec))
    return {path(spec): text.rstrip("\n") + "\n"}


TARGET = base.Target("typescript", check, ts_type, render)
