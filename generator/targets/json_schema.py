"""JSON Schema (2020-12) of every object and union, built as a dict and dumped: no template.

Each object and union is a `$defs` entry named like its class, so tools that generate code from
the schema (datamodel-code-generator, for the pydantic target) name their classes the same way.
"""

from __future__ import annotations

import json
from typing import Any, assert_never

import jinja2

from .. import model
from ..problems import Problem
from . import base

DIALECT = "https://json-schema.org/draft/2020-12/schema"

# -- naming policy: `$defs` keys are the PascalCase names; JSON keys are used verbatim ---------------


def def_name(name: model.Name) -> str:
    return name.pascal


def ref(name: model.Name) -> dict[str, Any]:
    return {"$ref": f"#/$defs/{def_name(name)}"}


def check(spec: model.Spec) -> list[Problem]:
    return base.distinct_class_names(spec, def_name, frozenset(), "the schema definition", "the schema")


# -- type mapper ----------------------------------------------------------------------------------


def schema(t: model.Type) -> dict[str, Any]:
    match t:
        case model.String(format=str() as name):
            return {"type": "string", "format": name}  # validators check it with their own rules (README)
        case model.String():
            return {"type": "string"}
        case model.Integer():
            return {"type": "integer"}
        case model.Float():
            return {"type": "number"}
        case model.Boolean():
            return {"type": "boolean"}
        case model.Json():
            return {}  # any JSON value
        case model.Literal(value=bool()):
            return {"type": "boolean", "const": t.value}
        case model.Literal(value=str()):
            return {"type": "string", "const": t.value}
        case model.Literal(value=value):
            return {"type": "integer", "const": value}
        case model.Enum(values=values, open=is_open):
            closed = {"type": "integer" if t.integers else "string", "enum": list(values)}
            # An open enum lists its known values first, so readers (and code generators) still see them.
            return {"anyOf": [closed, {"type": "string"}]} if is_open else closed
        case model.Array(item=item, item_description=about):
            return {"type": "array", "items": element(item, about)}
        case model.Map(value=value, value_description=about):
            return {"type": "object", "additionalProperties": element(value, about)}
        case model.Nullable(inner=inner):
            return {"anyOf": [schema(inner), {"type": "null"}]}
        case model.OneOf(members=members):
            # anyOf, not oneOf: a value that several members accept is valid (the first one wins)
            return {"anyOf": [schema(m) for m in members]}
        case model.Ref(name=name) | model.Object(name=name) | model.Named(name=name):
            return ref(name)
        case _:
            assert_never(t)


def element(t: model.Type, description: str | None) -> dict[str, Any]:
    """An array's item or a map's value, with its description; a nested object's is on its own
    definition already (the object takes the description `items:` or `values:` gives)."""
    return schema(t) if isinstance(t, model.Object) else described(schema(t), description)


def described(s: dict[str, Any], description: str | None, deprecated: str | None = None) -> dict[str, Any]:
    """A field's schema with its description (the deprecation note after it) and `deprecated: true`."""
    text = model.documented(description, deprecated)
    out = s if text is None else {**s, "description": text}
    return out if deprecated is None else {**out, "deprecated": True}


def object_schema(obj: model.Object) -> dict[str, Any]:
    out: dict[str, Any] = {"type": "object", "title": def_name(obj.name)}
    text = model.documented(obj.description, obj.deprecated)
    if text is not None:
        out["description"] = text
    if obj.deprecated is not None:
        out["deprecated"] = True
    out["properties"] = {f.key: described(schema(f.type), f.description, f.deprecated) for f in obj.fields}
    out["required"] = [f.key for f in obj.fields if not f.optional]
    # unknown keys are kept, never an error; an open object's must be of its `other_values:` type
    out["additionalProperties"] = True if obj.other is None else element(obj.other, obj.other_description)
    return out


def union_schema(union: model.Union_) -> dict[str, Any]:
    """A union in the one form every validator we know accepts (README, "The JSON Schema"): `oneOf`
    over the members, `type: object`, and OpenAPI's `discriminator` with the tag's name only. Each
    member carries the tag as a required property with a `const`, which is where ajv (with
    `discriminator: true`) reads the tags from; it refuses a `mapping`, and its strict mode a
    `discriminator` without `type: object` beside it."""
    out: dict[str, Any] = {"type": "object", "title": def_name(union.name)}
    if union.description is not None:
        out["description"] = union.description
    if union.has_variants:
        # Variants share a tag, which the `discriminator` keyword cannot map to one member: a tag's
        # variants are an `anyOf` (a value several take is valid, the first wins), and `oneOf` over
        # the tags still takes exactly one, since each member requires its tag's `const`.
        out["oneOf"] = [
            {"anyOf": [ref(m.object.name) for m in g.members]} if g.variants else ref(g.members[0].object.name)
            for g in union.groups
        ]
        return out
    out["oneOf"] = [ref(m.object.name) for m in union.members]
    out["discriminator"] = {"propertyName": union.discriminator}
    return out


def alias_schema(alias: model.Alias) -> dict[str, Any]:
    """A named scalar or enum: its own definition, which every field of it refers to."""
    out: dict[str, Any] = {"title": def_name(alias.name)}
    if alias.description is not None:
        out["description"] = alias.description
    return {**out, **schema(alias.type)}


def document(spec: model.Spec) -> dict[str, Any]:
    defs: dict[str, Any] = {}
    for alias in spec.aliases:
        defs[def_name(alias.name)] = alias_schema(alias)
    for obj in spec.objects:
        defs[def_name(obj.name)] = object_schema(obj)
    for union in spec.unions:
        defs[def_name(union.name)] = union_schema(union)
    out: dict[str, Any] = {"$schema": DIALECT, "title": spec.title}
    if spec.entry is not None:
        out["$ref"] = ref(spec.entry.name)["$ref"]
    out["$defs"] = defs
    return out


# -- output -------------------------------------------------------------------------------------------


def path(spec: model.Spec) -> str:
    return f"schema/{spec.module}.schema.json"


def text(spec: model.Spec) -> str:
    return json.dumps(document(spec), indent=2, ensure_ascii=False) + "\n"


def render(spec: model.Spec, env: jinja2.Environment) -> dict[str, str]:
    return {path(spec): text(spec)}


TARGET = base.Target("json-schema", check, schema, render)
