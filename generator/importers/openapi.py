"""`webhookgen import openapi`: the `webhooks:` of an OpenAPI 3.x document -> a spec.

Every webhook's `requestBody` `application/json` schema becomes a member of the entry union; a
`$ref` into `components.schemas` becomes a named type, named as the vendor names the schema (in
snake_case: `WebhookBatchCancelled` -> `webhook_batch_cancelled`, whose class is again
`WebhookBatchCancelled`). `Importer.shape` is one `match` over the JSON Schema shapes, each branch
giving a spec-language fragment; a shape the spec language cannot hold yet is an error at its JSON
pointer, all of them reported at once.

A string's `format` the decoders check is kept as `format:`; any other format of a string or a
number (a vendor's `unixtime`) as `vendor_format:`, recorded unchecked.
What the spec language cannot hold but does not change what a receiver accepts (examples,
titles, `deprecated` where the spec has no place for it, `additionalProperties: false`, which a
receiver ignores by design) is dropped with a note; a vendor's example that is not JSON is a warning.
`deprecated: true` on a property, on an object schema, or on the operation of every webhook that sends
a payload becomes the field's or the type's `deprecated: true`; a description on `items` or
`additionalProperties` the `items:` or `values:` description.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Union

import yaml

from .. import formats, naming, render, spec
from ..problems import SpecError

Level = Literal["error", "warning", "note"]
Scalar = Union[str, int, bool]
Value = Union[Scalar, list[str], "Fragment", dict[str, "Fragment"], list["Fragment"]]

SCHEMAS = "#/components/schemas/"
ENTRY_NAMES = ("webhook_event", "openapi_webhook_event", "imported_webhook_event")
MAX_NESTING = 64  # schemas inside schemas; the spec allows 32 levels of objects (spec.MAX_DEPTH)
# Keywords that forbid values a receiver generated from the spec would accept.
CONSTRAINTS = frozenset(
    {
        "minLength",
        "maxLength",
        "pattern",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "multipleOf",
        "minItems",
        "maxItems",
        "uniqueItems",
        "minProperties",
        "maxProperties",
        "patternProperties",
        "propertyNames",
        "dependentRequired",
        "dependentSchemas",
        "dependencies",
        "contains",
        "minContains",
        "maxContains",
        "prefixItems",
        "unevaluatedItems",
        "not",
        "if",
        "then",
        "else",
        "$dynamicRef",
        "$recursiveRef",
    }
)
HANDLED = frozenset(
    {
        "type",
        "properties",
        "required",
        "items",
        "additionalProperties",
        "unevaluatedProperties",
        "enum",
        "const",
        "oneOf",
        "anyOf",
        "allOf",
        "$ref",
        "nullable",
        "description",
        "title",
        "discriminator",
    }
)
SILENT = frozenset({"$schema", "$id", "$comment", "$anchor", "$defs", "definitions", "externalDocs", "xml", "summary"})
# Formats that only say how big a number is: the base type already says all a decoder checks.
SIZE_FORMATS = frozenset({"int32", "int64", "float", "double"})
REF_SIBLINGS = frozenset(
    {
        "$ref",
        "description",
        "title",
        "nullable",
        "deprecated",
        "example",
        "examples",
        "default",
        "readOnly",
        "writeOnly",
    }
    | SILENT
)
# YAML's printable characters (PyYAML refuses the others anywhere in a file), less its line breaks.
PLAIN_CHARS = re.compile("[\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]*")
BLOCK_CHARS = re.compile("[\t\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]*")
LINE = 130  # a field goes on one line, `key: {type: ..., description: ...}`, when it fits


@dataclass(frozen=True)
class Issue:
    pointer: str
    message: str
    level: Level = "error"

    def shown(self, file: str) -> str:
        return f"{file}: {self.pointer}: {'' if self.level == 'error' else self.level + ': '}{self.message}"


class ImportFailed(Exception):
    """The document cannot be imported: every error (and the warnings) as `FILE: <pointer>: message` lines."""

    def __init__(self, lines: list[str]):
        self.lines = lines
        super().__init__("\n".join(lines))


@dataclass(frozen=True)
class Example:
    """A vendor's example payload of a named type: `value` when it is JSON, else `text` as published."""

    pointer: str
    type_name: str
    value: Any
    text: str | None  # the published text when it was a string
    is_json: bool


@dataclass(frozen=True)
class Result:
    text: str  # the spec
    issues: tuple[Issue, ...]  # warnings and notes
    examples: tuple[Example, ...]

    def messages(self, file: str) -> list[str]:
        return [i.shown(file) for i in self.issues]


@dataclass
class Fragment:
    """A mapping of the spec language (a field, an `items:`, a type), with the pointer it comes from."""

    pointer: str
    entries: dict[str, Value] = field(default_factory=dict)


def pointer(base: str, *tokens: str | int) -> str:
    return base + "".join("/" + str(t).replace("~", "~0").replace("/", "~1") for t in tokens)


def snake(name: str) -> str | None:
    """A vendor's name in snake_case (`WebhookBatchCancelled` -> `webhook_batch_cancelled`), or None."""
    s = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name)
    s = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", s)
    s = re.sub(r"[^A-Za-z0-9]+", "_", s).strip("_").lower()
    return s if naming.SNAKE.match(s) else None


def schema_of(ref: str) -> str | None:
    """The schema name a `$ref` into components.schemas names (`#/components/schemas/A~1B` -> `A/B`), or None."""
    if not ref.startswith(SCHEMAS) or "/" in ref[len(SCHEMAS) :]:
        return None
    return ref[len(SCHEMAS) :].replace("~1", "/").replace("~0", "~")


def kept_format(schema: Any) -> dict[str, Value]:
    """How the spec keeps a scalar's `format` (spec/README.md, "String formats"): a format every
    decoder checks on a string as `format:`; any other (a vendor's `unixtime`, a known one on a
    number) as `vendor_format:`, recorded unchecked; number sizes (`int64`) not at all."""
    if not isinstance(schema, dict):
        return {}
    value, kind = schema.get("format"), schema.get("type")
    if not isinstance(value, str) or value in SIZE_FORMATS or kind not in ("string", "integer", "number"):
        return {}
    if kind == "string" and value in formats.FORMATS:
        return {"format": value}
    return {"vendor_format": value} if spec.VENDOR_FORMAT.fullmatch(value) else {}


def text_ok(s: str) -> bool:
    """Text every output can carry: no lone surrogates."""
    return not any("\ud800" <= c <= "\udfff" for c in s)


# -- reading ---------------------------------------------------------------------------------------


def read(path: Path, shown: str) -> Any:
    try:
        data = path.read_bytes()
    except OSError as e:
        raise ImportFailed([f"{shown}: cannot read: {e.strerror or e}"]) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise ImportFailed([f"{shown}: not UTF-8: byte 0x{data[e.start]:02x} at offset {e.start}"]) from None
    if path.suffix.lower() == ".json":
        try:
            return json.loads(text)
        except json.JSONDecodeError as e:
            raise ImportFailed([f"{shown}:{e.lineno}:{e.colno}: JSON syntax error: {e.msg}"]) from None
        except RecursionError:
            raise ImportFailed([f"{shown}:1:1: the document is nested too deeply"]) from None
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        for event in yaml.parse(text, Loader=loader):
            if isinstance(event, yaml.AliasEvent):
                mark = event.start_mark
                at = f"{mark.line + 1}:{mark.column + 1}" if mark is not None else "1:1"
                raise ImportFailed(
                    [f"{shown}:{at}: YAML aliases are not supported (a small file " "could expand without bound)"]
                )
        return yaml.load(text, Loader=loader)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise ImportFailed([f"{shown}:{line}:{col}: YAML syntax error: {e.problem}"]) from None
    except yaml.YAMLError as e:
        raise ImportFailed([f"{shown}:1:1: YAML error: {e}"]) from None
    except RecursionError:
        raise ImportFailed([f"{shown}:1:1: the document is nested too deeply"]) from None


def import_file(path: Path, shown: str) -> Result:
    """The spec for the OpenAPI document at `path`; ImportFailed lists every problem."""
    return import_document(read(path, shown), shown)


def write(path: Path, text: str) -> None:
    """Write the spec whole or not at all: a temporary file beside it, then renamed over it."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent if str(path.parent) else ".")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def import_document(doc: Any, shown: str) -> Result:
    importer = Importer(doc)
    try:
        text = importer.run()
    except RecursionError:
        raise ImportFailed([f"{shown}: the document's schemas nest too deeply"]) from None
    issues = list(dict.fromkeys(importer.issues))
    errors = [i for i in issues if i.level == "error"]
    if text is not None:
        found = importer.validate(text)
        if errors:  # a type only what failed refers to is unused in what was written: not a problem of its own
            found = [i for i in found if "nothing refers to it" not in i.message]
        errors += [i for i in found if i not in errors]
    if errors or text is None:
        shown_issues = [i for i in issues if i.level == "warning"] + errors
        raise ImportFailed([i.shown(shown) for i in dict.fromkeys(shown_issues)])
    return Result(text, tuple(issues), tuple(importer.examples))


# -- JSON Schema -> spec fragments ---------------------------------------------------------------------


class Importer:
    def __init__(self, doc: Any):
        self.doc = doc
        self.issues: list[Issue] = []
        self.examples: list[Example] = []
        components = doc.get("components") if isinstance(doc, dict) else None
        schemas = components.get("schemas") if isinstance(components, dict) else None
        self.schemas: dict[str, Any] = schemas if isinstance(schemas, dict) else {}
        self.names: dict[str, str | None] = {}  # schema name -> type name (None: it could not be built)
        self.taken: dict[str, str] = {}  # type name -> pointer of what took it
        self.definitions: dict[str, Fragment] = {}  # type name -> its definition, in the order first reached
        self.member_tags: dict[str, str] = {}  # a union member's discriminator value (variants share one)
        self.inlining: list[str] = []  # pointers being expanded in place (a cycle there is an error)
        self.lines: list[str] = []  # the spec's output pointer of each line, for the loader's errors
        self.deprecations: list[str] = []  # pointers of every `deprecated: true` in a schema
        self.kept: set[str] = set()  # the ones the spec carries (the others get a note)
        self.deprecated_at: dict[int, str] = {}  # id of a field's fragment -> its `deprecated` pointer
        self.sent_by: dict[str, list[bool]] = {}  # a payload's type -> whether each webhook sending it is deprecated

    def problem(self, where: str, message: str, level: Level = "error") -> None:
        self.issues.append(Issue(where, message, level))

    # -- the document ----------------------------------------------------------------------------------

    def run(self) -> str | None:
        doc = self.doc
        if not isinstance(doc, dict):
            self.problem("", "the document must be a mapping (an OpenAPI document)")
            return None
        version = doc.get("openapi")
        if not isinstance(version, str) or not version.startswith("3."):
            self.problem("/openapi", "only OpenAPI 3.x documents can be imported (`openapi: 3.1.0`)")
        webhooks = doc.get("webhooks")
        if not isinstance(webhooks, dict) or not webhooks:
            self.problem("/webhooks", "the document has no webhooks (a top-level `webhooks:` mapping)")
            return None
        members: list[tuple[str, str]] = []  # (type name, pointer)
        for key, item in webhooks.items():
            where = pointer("", "webhooks", str(key))
            for name in self.webhook(str(key), item, where):
                if name not in [m for m, _ in members]:
                    members.append((name, where))
        entry_name = next((n for n in ENTRY_NAMES if n not in self.taken), None)
        if entry_name is None:
            self.problem("/webhooks", f"the entry union needs a name other than {', '.join(ENTRY_NAMES)}")
            return None
        # With errors, what was built is still written and loaded: the loader's own checks (names a
        # target reserves, keys it cannot carry, ...) on the rest come in the same report.
        union = self.union_definition([m for m, _ in members], "/webhooks", None, None)
        if union is None:
            return None
        self.definitions[entry_name] = union
        for name, deprecated in self.sent_by.items():
            if all(deprecated) and name in self.definitions:
                self.definitions[name].entries["deprecated"] = True
        for at in dict.fromkeys(self.deprecations):
            if at not in self.kept:
                self.problem(at, "`deprecated` not kept: the spec deprecates fields and object types, not this", "note")
        return self.emit(self.header(), entry_name)

    def header(self) -> dict[str, str]:
        info = self.doc.get("info")
        title = info.get("title") if isinstance(info, dict) else None
        if isinstance(title, str) and title.strip() and title.isprintable() and text_ok(title):
            words = re.sub(r"[^a-z0-9]+", "_", title.lower()).strip("_")
            module = f"{words}_webhooks" if words and naming.SNAKE.match(f"{words}_webhooks") else "webhooks"
            return {"title": f"{title.strip()} webhooks", "page": "webhooks/index.md", "module": module[:100]}
        return {"title": "Webhooks", "page": "webhooks/index.md", "module": "webhooks"}

    def webhook(self, key: str, item: Any, where: str) -> list[str]:
        """The type names of one webhook's payloads (one per operation with a JSON body)."""
        item, item_where = self.resolve_local(item)
        where = item_where or where
        if not isinstance(item, dict):
            self.problem(where, "a webhook must be a path item (a mapping of operations)")
            return []
        found: list[str] = []
        attempted = False  # an operation had a body (reported there if it was not JSON)
        for method, operation in item.items():
            if method not in ("get", "put", "post", "delete", "options", "head", "patch", "trace"):
                continue
            op = pointer(where, method)
            body, body_where = self.resolve_local(operation.get("requestBody") if isinstance(operation, dict) else None)
            body_where = body_where or pointer(op, "requestBody")
            content = body.get("content") if isinstance(body, dict) else None
            media = content.get("application/json") if isinstance(content, dict) else None
            schema = media.get("schema") if isinstance(media, dict) else None
            if schema is None:
                self.problem(body_where, "the webhook has no `requestBody` with an `application/json` schema")
                attempted = True
                continue
            schema_where = pointer(body_where, "content", "application/json", "schema")
            if isinstance(media, dict):
                for k in ("example", "examples"):
                    if k in media:
                        self.problem(
                            pointer(body_where, "content", "application/json", k),
                            "example not kept: the spec language has no examples",
                            "note",
                        )
            attempted = True
            name = self.member(key, schema, schema_where, operation)
            if name is not None:
                found.append(name)
        if not attempted:
            self.problem(where, "the webhook has no operation with a JSON request body")
        return found

    def member(self, key: str, schema: Any, where: str, operation: Any) -> str | None:
        """A member of the entry union: a named object type."""
        if isinstance(schema, dict) and isinstance(schema.get("$ref"), str) and schema["$ref"].startswith(SCHEMAS):
            target = self.schema_name(schema["$ref"], where)
            if target is None:
                return None
            if self.kind(target) != "object":
                self.problem(
                    where,
                    f"the payload {target!r} is not an object type; a union member must be one (a webhook whose "
                    "payload is itself a union cannot be imported yet)",
                )
                return None
            named = self.named(target, where)
            if named is not None:
                self.operation_deprecated(operation, named)
            return named
        name = snake(key)
        if name is None:
            self.problem(where, f"the webhook's name {key!r} gives no snake_case type name")
            return None
        if not self.claim(name, where):
            return None
        if not isinstance(schema, dict) or self.definition_kind(schema, where, set()) != "object":
            self.problem(where, "a webhook's payload must be an object schema")
            return None
        description = operation.get("description") if isinstance(operation, dict) else None
        self.definitions[name] = Fragment(where)
        built = self.object_definition(schema, where, name, description)
        if built is None:
            del self.definitions[name]
            return None
        self.definitions[name] = built
        self.operation_deprecated(operation, name)
        return name

    def operation_deprecated(self, operation: Any, name: str) -> None:
        """Whether the webhook is deprecated (`deprecated: true` on its operation), for its payload's
        type: deprecated when every webhook that sends it is (see `run`)."""
        deprecated = isinstance(operation, dict) and operation.get("deprecated") is True
        self.sent_by.setdefault(name, []).append(deprecated)

    def deprecated(self, schema: Any, where: str) -> bool:
        """Whether a schema says `deprecated: true`; the caller carries it (no note for it)."""
        if isinstance(schema, dict) and schema.get("deprecated") is True:
            self.kept.add(pointer(where, "deprecated"))
            return True
        return False

    def claim(self, name: str, where: str) -> bool:
        if name in self.taken:
            self.problem(where, f"becomes the type {name!r}, as {self.taken[name]} does; rename one of them")
            return False
        self.taken[name] = where
        return True

    def resolve_local(self, node: Any) -> tuple[Any, str | None]:
        """A `$ref` within the document followed (for request bodies); the node itself otherwise."""
        seen: set[str] = set()
        where: str | None = None
        while isinstance(node, dict) and isinstance(node.get("$ref"), str):
            ref = node["$ref"]
            if not ref.startswith("#/") or ref in seen:
                return None, where
            seen.add(ref)
            where = ref[1:]
            node = self.at(ref)
        return node, where

    def at(self, ref: str) -> Any:
        """The node a local `$ref` (`#/a/b~1c`) points at, or None."""
        node = self.doc
        for token in ref[2:].split("/") if ref != "#" else []:
            token = token.replace("~1", "/").replace("~0", "~")
            if isinstance(node, dict) and token in node:
                node = node[token]
            elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
                node = node[int(token)]
            else:
                return None
        return node

    # -- named types -------------------------------------------------------------------------------------

    def schema_name(self, ref: str, where: str) -> str | None:
        name = schema_of(ref)
        if name is None or name not in self.schemas:
            self.problem(where, f"$ref {ref!r} points at no schema under components.schemas")
            return None
        return name

    def kind(self, schema_name: str) -> str:
        return self.definition_kind(self.schemas[schema_name], pointer("", "components", "schemas", schema_name), set())

    def definition_kind(self, schema: Any, where: str, seen: set[str]) -> str:
        """`object` or `union` (a named type of the spec), or `inline` (written out where it is used)."""
        if not isinstance(schema, dict):
            return "inline"
        schema, _ = self.split_null(schema, where, report=False)
        match schema:
            case {"$ref": str(ref)} if schema_of(ref) is not None and ref not in seen:
                target = str(schema_of(ref))
                if target in self.schemas:
                    return self.definition_kind(self.schemas[target], where, seen | {ref})
                return "inline"
            case {"allOf": list()}:
                return "object"
            case {"oneOf": list(parts)} | {"anyOf": list(parts)}:
                refs = [p.get("$ref") for p in parts if isinstance(p, dict)]
                objects = [r for r in refs if isinstance(r, str) and schema_of(r) in self.schemas and r not in seen]
                if len(objects) == len(parts) and all(
                    self.definition_kind(self.schemas[str(schema_of(r))], where, seen | {r}) == "object"
                    for r in objects
                ):
                    return "union"
                return "inline"
            case {"properties": dict(props)} if props:
                return "object"
            case _:
                return "inline"

    def named(self, schema_name: str, where: str) -> str | None:
        """The type name of a schema under components.schemas, its definition built on first use."""
        if schema_name in self.names:
            return self.names[schema_name]
        schema_where = pointer("", "components", "schemas", schema_name)
        name = snake(schema_name)
        if name is None:
            self.problem(schema_where, f"the schema name {schema_name!r} gives no snake_case type name")
            return None
        schema = self.schemas[schema_name]
        alias = schema.get("$ref") if isinstance(schema, dict) else None
        if isinstance(alias, str) and alias.startswith(SCHEMAS) and set(schema) <= REF_SIBLINGS:
            # A schema that is another's name: use that one's.
            target = self.schema_name(alias, pointer(schema_where, "$ref"))
            if target is None or target in self.inlining:
                if target is not None:
                    self.problem(schema_where, "a $ref cycle with no schema in it")
                return None
            self.inlining.append(target)
            try:
                return self.named(target, schema_where)
            finally:
                self.inlining.pop()
        if not self.claim(name, schema_where):
            return None
        self.names[schema_name] = name
        self.definitions[name] = Fragment(schema_where)  # reserved: reached first, so written first
        kind = self.definition_kind(schema, schema_where, set())
        built: Fragment | None
        if kind == "inline":
            self.problem(where, f"{schema_name!r} is not an object or a union of objects")
            built = None
        elif kind == "object":
            built = self.object_definition(schema, schema_where, name, None)
        else:
            stripped, _ = self.split_null(schema, schema_where, report=False)
            parts = stripped.get("oneOf", stripped.get("anyOf"))
            self.keywords(schema, schema_where, name)
            members = [self.named(str(schema_of(p["$ref"])), schema_where) for p in parts]
            description = self.description(schema, schema_where)
            built = self.union_definition(
                [m for m in members if m is not None], schema_where, description, schema.get("discriminator")
            )
        if built is None:
            del self.definitions[name]
            self.names[schema_name] = None
            return None
        self.definitions[name] = built
        return name

    def object_definition(self, schema: Any, where: str, name: str, fallback: Any) -> Fragment | None:
        self.keywords(schema, where, name)
        bases = self.extends(schema, where)
        other: Fragment | None = None
        if bases is not None:
            own = [p for p in schema["allOf"] if "$ref" not in p]
            own += (
                [{k: v for k, v in schema.items() if k in ("properties", "required")}] if "properties" in schema else []
            )
            items = [
                (
                    str(k),
                    v,
                    pointer(
                        where,
                        *(("allOf", schema["allOf"].index(p)) if p in schema["allOf"] else ()),
                        "properties",
                        str(k),
                    ),
                )
                for p in own
                for k, v in p["properties"].items()
            ]
            required = [r for p in own for r in p.get("required", []) if isinstance(r, str)]
            fields = self.fields(items, required, where, name, 0) if items else {}
        else:
            both = self.object_fields(schema, where, name, 0)
            fields, other = both if both is not None else (None, None)
        if fields is None:
            return None
        out = Fragment(where)
        description = self.description(schema, where) or self.description({"description": fallback}, where)
        if description:
            out.entries["description"] = description
        if bases is not None:
            out.entries["extends"] = bases
        if self.deprecated(schema, where):
            out.entries["deprecated"] = True
        out.entries["fields"] = fields
        if other is not None:
            out.entries["other_values"] = other
        self.title(schema, where, fields)
        return out

    def extends(self, schema: dict[str, Any], where: str) -> list[str] | None:
        """`allOf` of `$ref`s to named objects (and objects of its own): the type names it extends, when
        its own properties neither repeat theirs nor require theirs; None to flatten it instead."""
        parts = schema.get("allOf")
        if not isinstance(parts, list) or not parts or not all(isinstance(p, dict) for p in parts):
            return None
        refs = [p for p in parts if "$ref" in p]
        own = [p for p in parts if "$ref" not in p]
        if not refs or any(
            set(p) - REF_SIBLINGS or not isinstance(p["$ref"], str) or not p["$ref"].startswith(SCHEMAS) for p in refs
        ):
            return None
        if any(
            set(p) - {"type", "properties", "required", "description", "title"} or p.get("type", "object") != "object"
            for p in own
        ):
            return None
        if set(schema) & {"properties", "required"} and "properties" not in schema:
            return None
        own_props = [p.get("properties") for p in own] + ([schema["properties"]] if "properties" in schema else [])
        if not all(isinstance(props, dict) and props for props in own_props):
            return None
        keys = [str(k) for props in own_props for k in props]
        required = [r for p in (*own, schema) for r in (p.get("required") or [])]
        if len(set(keys)) != len(keys) or not set(required) <= set(keys):
            return None
        targets = [schema_of(p["$ref"]) for p in refs]
        if any(t is None or t not in self.schemas or self.kind(t) != "object" for t in targets):
            return None
        inherited: set[str] = set()
        for t in targets:
            target_schema = self.schemas[str(t)]
            props = target_schema.get("properties") if isinstance(target_schema, dict) else None
            inherited |= set(props) if isinstance(props, dict) else set()
        if inherited & set(keys):
            return None  # a property redefined: flattened, where a different definition is reported
        names = [self.named(str(t), pointer(where, "allOf", parts.index(p))) for t, p in zip(targets, refs)]
        if any(n is None for n in names) or len(set(names)) != len(names):
            return None
        return [str(n) for n in names]

    def title(self, schema: dict[str, Any], where: str, fields: dict[str, Fragment]) -> None:
        """A title names the type, or repeats its tag (`title: batch.cancelled`): noted unless it repeats."""
        title = schema.get("title")
        if title is None:
            return
        literals = {f.entries.get("literal") for f in fields.values()}
        if title not in literals:
            self.problem(pointer(where, "title"), "title not kept: the spec language has no titles", "note")

    def union_definition(
        self, members: list[str], where: str, description: str | None, discriminator: Any
    ) -> Fragment | None:
        """A union of named objects, dispatched on the one field that is a distinct constant in each."""
        if not members:
            return None
        tags: list[dict[str, str]] = []
        for m in members:
            fields = self.definitions[m].entries.get("fields") if m in self.definitions else None
            found: dict[str, str] = {}
            if isinstance(fields, dict):
                for key, f in fields.items():
                    value = f.entries.get("literal")
                    if isinstance(value, str) and "optional" not in f.entries and "json" not in f.entries:
                        found[key] = value
            tags.append(found)
        common = [k for k in tags[0] if all(k in t for t in tags[1:])]
        distinct = [k for k in common if len({t[k] for t in tags}) == len(tags)]
        # Members that share a value of the field (a vendor's legacy and current shape of one event)
        # become variants under one tag, when no field is distinct in every member.
        shared = [k for k in common if 1 < len({t[k] for t in tags}) < len(tags)]
        wanted = discriminator.get("propertyName") if isinstance(discriminator, dict) else None
        chosen: str | None
        if isinstance(wanted, str):
            chosen = wanted if wanted in distinct or wanted in shared else None
            if chosen is None:
                self.problem(
                    pointer(where, "discriminator", "propertyName"),
                    f"{wanted!r} is not a required field with one distinct value in every member",
                )
                return None
        elif "type" in distinct:
            chosen = "type"
        elif distinct:
            chosen = sorted(distinct)[0]
        elif "type" in shared:
            chosen = "type"
        elif shared:
            chosen = sorted(shared)[0]
        else:
            chosen = None
        if chosen is None:
            self.problem(
                where,
                "no field is a required constant (`const`, a one-value `enum`) with a distinct value in every "
                f"member ({', '.join(members)}): a union without a discriminator cannot be expressed yet",
            )
            return None
        for m in members:
            tag = self.definitions[m].entries["fields"]
            assert isinstance(tag, dict)
            if tag[chosen].entries.pop("deprecated", None) is not None:
                self.problem(
                    self.deprecated_at.get(id(tag[chosen]), tag[chosen].pointer),
                    "`deprecated` not kept: a union's discriminator cannot be deprecated (every member needs it)",
                    "note",
                )
        out = Fragment(where)
        if description:
            out.entries["description"] = description
        out.entries["discriminator"] = chosen
        # Each tag's members next to each other, at the place of the first (emit writes them as variants).
        by_tag: dict[str, list[str]] = {}
        for m, t in zip(members, tags):
            by_tag.setdefault(t[chosen], []).append(m)
            self.member_tags[m] = t[chosen]
        out.entries["union"] = [m for group in by_tag.values() for m in group]
        return out

    # -- one schema ----------------------------------------------------------------------------------------

    def shape(self, schema: Any, where: str, name: str, depth: int) -> Fragment | None:
        """The spec fragment for a schema: its shape key (`type`, `literal`, `enum`, `fields`, `items`,
        `values`) and `nullable`; the caller adds what only a field has."""
        if depth > MAX_NESTING:
            self.problem(where, f"schemas nest more than {MAX_NESTING} levels deep")
            return None
        if schema is True:  # JSON Schema's schema that accepts any value
            return Fragment(where, {"type": "json"})
        if not isinstance(schema, dict):
            self.problem(where, "a schema that is not an object or `true` cannot be expressed")
            return None
        self.keywords(schema, where, None)
        stripped, nullable = self.split_null(schema, where, report=True)
        if stripped is None:
            return None
        out = self.shape_of(stripped, where, name, depth)
        if out is not None and nullable and out.entries.get("type") != "json":  # null is a JSON value already
            out.entries["nullable"] = True
        return out

    def shape_of(self, schema: dict[str, Any], where: str, name: str, depth: int) -> Fragment | None:
        """One branch per JSON Schema shape. A construct the spec language gains is one branch more."""
        match schema:
            case {"$ref": str(ref)}:
                return self.reference(ref, schema, where, name, depth)
            case {"allOf": [dict() as only]} if "properties" not in schema:
                # `allOf: [{$ref: X}]` beside a description: X itself.
                return self.shape(only, pointer(where, "allOf", 0), name, depth + 1)
            case {"allOf": list(parts)}:
                merged = self.all_of(schema, parts, where, set())
                if merged is None:
                    return None
                fields = self.fields(merged[0], merged[1], where, name, depth)
                return Fragment(where, {"fields": fields}) if fields is not None else None
            case {"oneOf": list(parts)} | {"anyOf": list(parts)}:
                return self.one_of(schema, parts, where, name, depth)
            case {"const": value}:
                return self.literal(value, pointer(where, "const"))
            case {"enum": [value]}:
                return self.literal(value, pointer(where, "enum", 0))
            case {"enum": list(values)} if values:
                return self.enum(values, pointer(where, "enum"))
            case {"type": "object"} | {"properties": dict()} | {"additionalProperties": dict()}:
                return self.object_shape(schema, where, name, depth)
            case {"type": "array"} | {"items": _}:
                return self.array(schema, where, name, depth)
            case {"type": "string"}:
                return Fragment(where, {"type": "string", **kept_format(schema)})
            case {"type": "integer"}:
                return Fragment(where, {"type": "integer", **kept_format(schema)})
            case {"type": "number"}:
                return Fragment(where, {"type": "float", **kept_format(schema)})
            case {"type": "boolean"}:
                return Fragment(where, {"type": "boolean"})
            case {"type": list(types)}:  # `null` among them is split off already
                return self.one_of(schema, [{**schema, "type": t} for t in types], where, name, depth)
            case {"type": other}:
                self.problem(pointer(where, "type"), f"unknown type {other!r}")
                return None
            case _:  # no keyword that constrains the value: any JSON value
                return Fragment(where, {"type": "json"})

    def keywords(self, schema: dict[str, Any], where: str, owner: str | None) -> None:
        """Errors for what a receiver could not enforce; notes for what the spec cannot keep; examples."""
        for key, value in schema.items():
            at = pointer(where, str(key))
            if not isinstance(key, str):
                self.problem(at, "keys must be strings")
            elif key == "x-oaiMeta":
                if isinstance(value, dict) and "example" in value:
                    self.example(value["example"], pointer(at, "example"), owner, published=True)
            elif key.startswith("x-"):
                continue
            elif key in CONSTRAINTS:
                self.problem(
                    at, f"`{key}` cannot be expressed in the spec language: a receiver would accept what it forbids"
                )
            elif key == "format":
                if value not in SIZE_FORMATS and not kept_format(self.split_null(schema, where, report=False)[0]):
                    shown = json.dumps(value, ensure_ascii=False) if text_ok(str(value)) else "?"
                    self.problem(
                        at, f"format {shown} not kept: the spec language keeps formats of strings and numbers", "note"
                    )
            elif key == "example":
                self.example(value, at, owner, published=False)
            elif key == "examples":
                for i, item in enumerate(value if isinstance(value, list) else []):
                    self.example(item, pointer(at, i), owner, published=False)
            elif key == "deprecated":
                if value is True:
                    self.deprecations.append(at)
                elif value is not False:
                    self.problem(at, "`deprecated` must be true or false")
            elif key in ("default", "readOnly", "writeOnly", "contentMediaType", "contentEncoding"):
                self.problem(at, f"`{key}` not kept: the spec language has no place for it yet", "note")
            elif key not in HANDLED and key not in SILENT:
                self.problem(at, f"unknown keyword `{key}` ignored", "note")

    def example(self, value: Any, where: str, owner: str | None, published: bool) -> None:
        """A vendor's example: kept for the tests (the spec language has none); one that is not JSON is a warning."""
        if published and isinstance(value, str):
            try:
                decoded = json.loads(value)
            except (json.JSONDecodeError, RecursionError) as e:
                comma = re.search(r",(\s*[}\]])", value)
                repaired: Any = None
                if comma is not None:
                    try:
                        repaired = json.loads(re.sub(r",(\s*[}\]])", r"\1", value))
                    except (json.JSONDecodeError, RecursionError):
                        repaired = None
                if comma is not None and repaired is not None:
                    line = value.count("\n", 0, comma.start()) + 1
                    column = comma.start() - (value.rfind("\n", 0, comma.start()) + 1) + 1
                    why = f"a trailing comma at line {line}, column {column}"
                else:
                    why = e.msg if isinstance(e, json.JSONDecodeError) else "nested too deeply"
                self.problem(where, f"the example is not JSON: {why}", "warning")
                if owner is not None:
                    self.examples.append(Example(where, owner, None, value, False))
                return
            if owner is not None:
                self.examples.append(Example(where, owner, decoded, value, True))
        elif owner is not None:
            self.examples.append(Example(where, owner, value, None, True))
        self.problem(where, "example not kept: the spec language has no examples", "note")

    def split_null(self, schema: dict[str, Any], where: str, report: bool) -> tuple[Any, bool]:
        """The schema without the part that allows null, and whether it did (`type: [x, "null"]`,
        3.0's `nullable: true`, `null` in an enum, a `{type: null}` member of oneOf/anyOf)."""
        nullable = schema.get("nullable") is True
        out = dict(schema)
        out.pop("nullable", None)
        types = out.get("type")
        if isinstance(types, list) and "null" in types:
            nullable = True
            rest = [t for t in types if t != "null"]
            if not rest:
                if report:
                    self.problem(pointer(where, "type"), "a value that can only be null cannot be expressed")
                return None, True
            else:
                out["type"] = rest[0] if len(rest) == 1 else rest
        elif types == "null" and not any(k in out for k in ("oneOf", "anyOf", "enum", "const")):
            if report:
                self.problem(pointer(where, "type"), "a value that can only be null cannot be expressed")
            return None, True
        if isinstance(out.get("enum"), list) and None in out["enum"]:
            nullable = True
            out["enum"] = [v for v in out["enum"] if v is not None]
            if not out["enum"]:
                if report:
                    self.problem(pointer(where, "enum"), "an enum of null alone cannot be expressed")
                return None, True
        for key in ("oneOf", "anyOf"):
            parts = out.get(key)
            if not isinstance(parts, list):
                continue
            rest = [p for p in parts if not self.is_null(p)]
            if len(rest) == len(parts):
                continue
            nullable = True
            if len(rest) == 1 and isinstance(rest[0], dict):
                del out[key]
                inner, inner_nullable = self.split_null(rest[0], pointer(where, key, parts.index(rest[0])), report)
                if inner is None:
                    return None, True
                out = {**inner, **{k: v for k, v in out.items() if k in ("description", "title")}}
            else:
                out[key] = rest
        return out, nullable

    @staticmethod
    def is_null(schema: Any) -> bool:
        return isinstance(schema, dict) and (
            schema.get("type") == "null" or schema.get("type") == ["null"] or schema.get("enum") == [None]
        )

    def description(self, schema: Any, where: str) -> str | None:
        value = schema.get("description") if isinstance(schema, dict) else None
        if value is None:
            return None
        if not isinstance(value, str):
            self.problem(pointer(where, "description"), "a description must be a string")
            return None
        if not text_ok(value):
            self.problem(pointer(where, "description"), "the description holds a lone surrogate: not text")
            return None
        text = value.strip()
        return text or None

    def reference(self, ref: str, schema: dict[str, Any], where: str, name: str, depth: int) -> Fragment | None:
        extra = sorted(k for k in schema if k not in REF_SIBLINGS and not k.startswith("x-"))
        if extra:
            self.problem(where, f"keywords beside $ref cannot be combined with it yet: {', '.join(extra)}")
            return None
        if ref.startswith(SCHEMAS) and "/" not in ref[len(SCHEMAS) :]:
            target = self.schema_name(ref, pointer(where, "$ref"))
            if target is None:
                return None
            if self.kind(target) != "inline":
                type_name = self.named(target, pointer(where, "$ref"))
                if type_name is None:
                    return None
                out = Fragment(where, {"type": type_name})
                if self.split_null(self.schemas[target], where, report=False)[1]:
                    out.entries["nullable"] = True  # a schema that allows null: so does every field of its type
                return out
            # A named enum or scalar is a named type of the spec; an array or map is written out where it is used.
            target_where = pointer("", "components", "schemas", target)
            alias = self.alias(target, target_where, where, name, depth)
            if alias is not None:
                return alias
            if target in self.names:  # an enum or scalar that could not be built: reported once
                return None
            self.problem(
                target_where,
                f"{target!r} written out where it is used: the spec language names only objects, unions, enums "
                "and scalars",
                "note",
            )
            return self.inline(target_where, self.schemas[target], where, name, depth)
        if not ref.startswith("#"):
            self.problem(pointer(where, "$ref"), f"$ref {ref!r} is outside the document; only local ones are read")
            return None
        node = self.at(ref)
        if node is None:
            self.problem(pointer(where, "$ref"), f"$ref {ref!r} points at nothing in the document")
            return None
        return self.inline(ref[1:], node, where, name, depth)

    def alias(self, target: str, target_where: str, where: str, name: str, depth: int) -> Fragment | None:
        """A use of a component schema that is an enum or a scalar (`string`, `integer`, `number`,
        `boolean`): the named type, its definition built on first use; None when it is something else."""
        if target in self.names:
            type_name = self.names[target]
            if type_name is None or self.definitions[type_name].entries.get("fields") is not None:
                return None
        else:
            schema = self.schemas[target]
            stripped, _ = (
                self.split_null(schema, target_where, report=False) if isinstance(schema, dict) else (None, False)
            )
            if not isinstance(stripped, dict) or not (
                isinstance(stripped.get("enum"), list)
                and len(stripped["enum"]) > 1
                or stripped.get("type") in ("string", "integer", "number", "boolean")
                and not {"enum", "const", "items", "properties", "additionalProperties"} & set(stripped)
                or self.open_enum(stripped)
            ):
                return None
            type_name = snake(target)
            if type_name is None or not self.claim(type_name, target_where):
                return None
            self.names[target] = type_name
            self.definitions[type_name] = Fragment(target_where)  # reserved: reached first, so written first
            built = self.inline(target_where, schema, where, name, depth)
            if built is None:
                del self.definitions[type_name]
                self.names[target] = None
                return None
            built.pointer = target_where
            nullable = built.entries.pop("nullable", None)
            description = self.description(schema, target_where)
            built.entries = {**({"description": description} if description else {}), **built.entries}
            if nullable:
                built.entries["nullable"] = True  # kept to mark every use nullable; not written
            self.definitions[type_name] = built
        out = Fragment(where, {"type": type_name})
        if self.definitions[type_name].entries.get("nullable"):
            out.entries["nullable"] = True  # a schema that allows null: so does every field of its type
        return out

    @staticmethod
    def open_enum(schema: dict[str, Any]) -> bool:
        """`anyOf: [{type: string, enum: [...]}, {type: string}]`, the form `one_of` reads as an open enum."""
        parts = schema.get("anyOf", schema.get("oneOf"))
        return (
            isinstance(parts, list)
            and len(parts) > 1
            and all(isinstance(p, dict) and p.get("type") == "string" and "$ref" not in p for p in parts)
        )

    def inline(self, target_where: str, node: Any, where: str, name: str, depth: int) -> Fragment | None:
        if target_where in self.inlining:
            self.problem(where, f"{target_where} refers to itself; only a named object or union may")
            return None
        self.inlining.append(target_where)
        try:
            out = self.shape(node, target_where, name, depth + 1)
        finally:
            self.inlining.pop()
        if out is not None:
            out.pointer = where
        return out

    def all_of(
        self, schema: dict[str, Any], parts: list[Any], where: str, seen: set[str]
    ) -> tuple[list[tuple[str, Any, str]], list[str]] | None:
        """`allOf` flattened: every part's properties and required keys, in order (the spec has no
        composition yet). A property two parts define differently is an error."""
        props: dict[str, tuple[Any, str]] = {}
        required: list[str] = []
        ok = True
        sources: list[tuple[dict[str, Any], str]] = []
        for i, part in enumerate(parts):
            part_where = pointer(where, "allOf", i)
            resolved = part
            if isinstance(part, dict) and isinstance(part.get("$ref"), str):
                ref = part["$ref"]
                if ref in seen:
                    self.problem(part_where, "allOf refers to itself")
                    return None
                if ref.startswith("#"):
                    resolved = self.at(ref)
                    part_where = ref[1:]
                    seen = seen | {ref}
            if not isinstance(resolved, dict):
                self.problem(part_where, "an allOf part must be an object schema")
                ok = False
                continue
            if part is not resolved:
                self.keywords(resolved, part_where, None)
            if "allOf" in resolved:
                inner = self.all_of(resolved, resolved["allOf"], part_where, seen)
                if inner is None:
                    ok = False
                    continue
                for key, s, w in inner[0]:
                    sources.append(({"properties": {key: s}}, w.rsplit("/", 2)[0]))
                required += inner[1]
                continue
            if not isinstance(resolved.get("properties"), dict):
                self.problem(part_where, "an allOf part without properties cannot be expressed yet (composition)")
                ok = False
                continue
            sources.append((resolved, part_where))
        own = {k: v for k, v in schema.items() if k in ("properties", "required")}
        if own:
            sources.append((own, where))
        for source, source_where in sources:
            for key, value in (source.get("properties") or {}).items():
                at = pointer(source_where, "properties", str(key))
                if key in props and json.dumps(props[key][0], sort_keys=True, default=str) != json.dumps(
                    value, sort_keys=True, default=str
                ):
                    self.problem(at, f"property {key!r} is also defined as {props[key][1]}, differently")
                    ok = False
                props.setdefault(str(key), (value, at))
            reqs = source.get("required")
            required += [r for r in reqs if isinstance(r, str)] if isinstance(reqs, list) else []
        if not ok:
            return None
        if parts and len(parts) > 1:
            self.problem(
                pointer(where, "allOf"),
                "allOf flattened into one object: only a named object whose parts are $refs to named objects "
                "and objects of its own, none repeating or requiring a property of those, becomes `extends:`",
                "note",
            )
        return [(k, v, w) for k, (v, w) in props.items()], list(dict.fromkeys(required))

    def one_of(self, schema: dict[str, Any], parts: list[Any], where: str, name: str, depth: int) -> Fragment | None:
        key = "oneOf" if "oneOf" in schema else "anyOf"
        if len(parts) == 1:
            return self.shape(parts[0], pointer(where, key, 0), name, depth + 1)
        strings = [
            p
            for p in parts
            if isinstance(p, dict)
            and p.get("type") == "string"
            and set(p) <= {"type", "enum", "description", "x-stainless-const", "title"}
        ]
        if len(strings) == len(parts):  # an open enum: `anyOf: [{type: string, enum: [...]}, {type: string}]`
            values = [v for p in strings for v in p.get("enum", [])]
            is_open = any("enum" not in p for p in strings)
            if not values:
                return Fragment(where, {"type": "string"})
            out = self.enum(values, pointer(where, key))
            if out is not None and is_open:
                out.entries["open"] = True
            return out
        if self.definition_kind(schema, where, set()) == "union":
            if not self.claim(name, where):
                return None
            members = [self.named(str(schema_of(p["$ref"])), pointer(where, key, i)) for i, p in enumerate(parts)]
            self.definitions[name] = Fragment(where)
            union = self.union_definition(
                [m for m in members if m is not None], where, None, schema.get("discriminator")
            )
            if union is None:
                del self.definitions[name]
                return None
            self.definitions[name] = union
            return Fragment(where, {"type": name})
        return self.untagged(schema, parts, where, name, depth)

    def untagged(self, schema: dict[str, Any], parts: list[Any], where: str, name: str, depth: int) -> Fragment | None:
        """A union without a discriminator: the spec's `one_of`, whose members are tried in order (the
        first that decodes wins, as JSON Schema's `anyOf` reads; `oneOf` also refuses a value that
        several members take, which a decoder of the spec accepts as the first)."""
        key = "oneOf" if "oneOf" in schema else "anyOf" if "anyOf" in schema else "type"
        members: list[Fragment] = []
        nullable = False
        for i, part in enumerate(parts):
            at = pointer(where, key, i)
            member = self.shape(part, at, f"{name}_{i + 1}", depth + 1)
            if member is None:
                return None
            if member.entries.pop("nullable", False):
                nullable = True  # `nullable: true` goes beside one_of, never on a member
            members.append(member)
        if key == "oneOf" and sum("fields" in m.entries or "type" in m.entries for m in members) > 1:
            self.problem(
                pointer(where, key),
                "oneOf read as one_of: the first member that decodes a value wins, where oneOf refuses a value "
                "several members take",
                "note",
            )
        out = Fragment(where, {"one_of": members})
        if nullable:
            out.entries["nullable"] = True
        return out

    def literal(self, value: Any, where: str) -> Fragment | None:
        if isinstance(value, bool) or (isinstance(value, str) and text_ok(value)):
            return Fragment(where, {"literal": value})
        if isinstance(value, int) and -(10**18) < value < 10**18:
            return Fragment(where, {"literal": value})
        self.problem(where, f"a constant {json.dumps(value, default=str)[:60]} cannot be expressed yet")
        return None

    def enum(self, values: list[Any], where: str) -> Fragment | None:
        if all(isinstance(v, bool) for v in values) and set(values) == {True, False}:
            return Fragment(where, {"type": "boolean"})  # `enum: [true, false]`: any boolean
        integers = all(type(v) is int and -(10**18) < v < 10**18 for v in values)
        if not integers and not all(isinstance(v, str) and text_ok(v) for v in values):
            self.problem(
                where, "an enum of values other than strings or integers (of at most 18 digits) cannot be expressed"
            )
            return None
        return Fragment(where, {"enum": list(dict.fromkeys(values))})

    def object_shape(self, schema: dict[str, Any], where: str, name: str, depth: int) -> Fragment | None:
        props = schema.get("properties")
        extra = schema.get("additionalProperties")
        if props is not None and not isinstance(props, dict):
            self.problem(pointer(where, "properties"), "properties must be a mapping")
            return None
        if props:
            both = self.object_fields(schema, where, name, depth)
            if both is None:
                return None
            fields, other = both
            return Fragment(where, {"fields": fields, **({"other_values": other} if other is not None else {})})
        if isinstance(extra, dict) and extra:
            inner = self.shape(extra, pointer(where, "additionalProperties"), name + "_value", depth + 1)
            if inner is None:
                return None
            self.item_description(extra, inner, pointer(where, "additionalProperties"))
            return Fragment(where, {"values": inner})
        return Fragment(where, {"type": "object"})  # no declared properties: any keys, any JSON values

    def object_fields(
        self, schema: dict[str, Any], where: str, name: str, depth: int
    ) -> tuple[dict[str, Fragment], Fragment | None] | None:
        """An object's fields and, for an open object (`additionalProperties` a schema beside
        `properties`), its `other_values:`."""
        if "allOf" in schema:
            merged = self.all_of(schema, schema["allOf"], where, set())
            if merged is None:
                return None
            fields = self.fields(merged[0], merged[1], where, name, depth)
            return (fields, None) if fields is not None else None
        props = schema.get("properties")
        if not isinstance(props, dict) or not props:
            self.problem(
                where, "a named object with no declared properties cannot be expressed yet (use it as `type: object`)"
            )
            return None
        extra = schema.get("additionalProperties", schema.get("unevaluatedProperties"))
        key = "additionalProperties" if "additionalProperties" in schema else "unevaluatedProperties"
        if extra is False:
            self.problem(
                pointer(where, key),
                f"`{key}: false` not kept: receivers accept keys they do not know, by design",
                "note",
            )
        other = None
        if isinstance(extra, dict) and extra:  # an open object: its other keys' values have this schema
            other = self.shape(extra, pointer(where, key), name + "_other_value", depth + 1)
            if other is None:
                return None
            self.item_description(extra, other, pointer(where, key))
        required = schema.get("required")
        items = [(str(k), v, pointer(where, "properties", str(k))) for k, v in props.items()]
        fields = self.fields(items, required if isinstance(required, list) else [], where, name, depth)
        return (fields, other) if fields is not None else None

    def fields(
        self, props: list[tuple[str, Any, str]], required: list[Any], where: str, owner: str, depth: int
    ) -> dict[str, Fragment] | None:
        out: dict[str, Fragment] = {}
        keys = {k for k, _, _ in props}
        for i, r in enumerate(required):
            if r not in keys:
                self.problem(
                    pointer(where, "required", i),
                    f"required key {r!r} has no property: a value of any type cannot be expressed yet",
                )
        ok = True
        for key, schema, at in props:
            spec_key = key
            if not naming.FIELD_KEY.match(key) or key.startswith("__"):
                converted = snake(key)
                if converted is None or not text_ok(key):
                    self.problem(at, f"the key {key!r} gives no snake_case field name")
                    ok = False
                    continue
                spec_key = converted
            frag = self.shape(schema, at, f"{owner}_{spec_key}", depth + 1)
            if frag is None:
                ok = False
                continue
            entries = frag.entries
            if spec_key != key:
                entries["json"] = key
            if key not in required:
                entries["optional"] = True
            if self.deprecated(schema, at):
                entries["deprecated"] = True
                self.deprecated_at[id(frag)] = pointer(at, "deprecated")
            description = self.description(schema, at)
            if description:
                entries["description"] = description
            if spec_key in out:
                self.problem(
                    at, f"the keys {out[spec_key].entries.get('json', spec_key)!r} and {key!r} give one field name"
                )
                ok = False
                continue
            out[spec_key] = frag
        return out if ok else None

    def array(self, schema: dict[str, Any], where: str, name: str, depth: int) -> Fragment | None:
        items = schema.get("items")
        if not isinstance(items, dict):
            self.problem(
                where if items is None else pointer(where, "items"),
                "an array whose items are not described cannot be expressed yet (any JSON value)",
            )
            return None
        inner = self.shape(items, pointer(where, "items"), naming.singular(name), depth + 1)
        if inner is None:
            return None
        self.item_description(items, inner, pointer(where, "items"))
        return Fragment(where, {"items": inner})

    def item_description(self, schema: Any, inner: Fragment, where: str) -> None:
        """The description of an `items` or `additionalProperties` schema goes on `items:`/`values:`
        (a nested object there takes it as its own too)."""
        description = self.description(schema, where)
        if description:
            inner.entries["description"] = description

    # -- the spec's text -----------------------------------------------------------------------------------

    def emit(self, header: dict[str, str], entry: str) -> str:
        out: list[str] = []
        where: list[str] = []

        def line(text: str, at: str) -> None:
            out.append(text)
            where.append(at)

        line(
            "# Imported by `webhookgen import openapi` from an OpenAPI document; the language: `webhookgen spec-help`.",
            "",
        )
        for key, value in header.items():
            line(f"{key}: {scalar(value, False)}", "/info/title")
        line(f"entry: {entry}", "/webhooks")
        line("", "")
        line("types:", "/webhooks")
        union = self.definitions[entry].entries["union"]
        assert isinstance(union, list)
        names = list(dict.fromkeys([*union, *self.definitions]))  # the events, the types they use, the union
        names = [n for n in names if self.definitions[n].entries]
        for i, name in enumerate(names):
            if i:
                line("", "")
            d = self.definitions[name]
            line(f"  {scalar(name, False)}:", d.pointer)
            if "description" in d.entries:
                for text in entry_lines("description", d.entries["description"], 4):
                    line(text, d.pointer)
            for key in ("type", "enum", "open", "extends"):  # a named enum or scalar; an object's bases
                if key in d.entries:
                    for text in entry_lines(key, d.entries[key], 4):
                        line(text, d.pointer)
            if "deprecated" in d.entries:
                line("    deprecated: true", d.pointer)
            if "discriminator" in d.entries:
                line(f"    discriminator: {scalar(str(d.entries['discriminator']), False)}", d.pointer)
                line("    union:", d.pointer)
                members = d.entries["union"]
                assert isinstance(members, list)
                groups: list[list[str]] = []
                for m in members:
                    assert isinstance(m, str)
                    if groups and self.member_tags.get(m) == self.member_tags.get(groups[-1][0], m + "\0"):
                        groups[-1].append(m)
                    else:
                        groups.append([m])
                for group in groups:
                    shown = ", ".join(scalar(m, False) for m in group)
                    line(
                        f"      - [{shown}]" if len(group) > 1 else f"      - {shown}",
                        self.definitions[group[0]].pointer if group[0] in self.definitions else d.pointer,
                    )
            fields = d.entries.get("fields")
            if isinstance(fields, dict) and fields:
                line("    fields:", d.pointer)
                for key, f in fields.items():
                    for text, at in field_lines(key, f, 6):
                        line(text, at)
            other = d.entries.get("other_values")
            if isinstance(other, Fragment):  # an open object: the type of its other keys
                if set(other.entries) == {"type"}:
                    line(f"    other_values: {scalar(str(other.entries['type']), False)}", other.pointer)
                else:
                    for text, at in field_lines("other_values", other, 4):
                        line(text, at)
        self.lines = where
        return "\n".join(out) + "\n"

    def validate(self, text: str) -> list[Issue]:
        """The spec as the loader and every target see it; a problem is shown at the schema it came from."""
        try:
            spec.parse(text, "imported", "imported.yaml", checks=render.checks())
        except SpecError as e:
            return [
                Issue(self.lines[p.line - 1] if 0 < p.line <= len(self.lines) else "", p.message) for p in e.problems
            ]
        return []


# -- YAML as a person writes it --------------------------------------------------------------------------

FLOW_ORDER = (
    "type",
    "format",
    "vendor_format",
    "literal",
    "enum",
    "open",
    "fields",
    "items",
    "values",
    "one_of",
    "other_values",
    "name",
    "json",
    "optional",
    "nullable",
    "deprecated",
)


def ordered(entries: dict[str, Value], nested: bool) -> list[tuple[str, Value]]:
    """Flow and leaf fields: shape first, description last. Nested blocks: description first, shape last."""
    keys = [k for k in FLOW_ORDER if k in entries]
    described = [("description", entries["description"])] if "description" in entries else []
    if nested:
        shape = [k for k in keys if k in ("fields", "items", "values", "one_of", "other_values")]
        return described + [(k, entries[k]) for k in keys if k not in shape] + [(k, entries[k]) for k in shape]
    return [(k, entries[k]) for k in keys] + described


def flowable(f: Fragment) -> bool:
    """A fragment that fits in `{...}`: scalars, lists of them, a one-line description, and `items:` or
    `values:` that fit too (no `fields:`)."""
    for key, value in f.entries.items():
        if isinstance(value, dict) or isinstance(value, Fragment) and not flowable(value):
            return False
        if isinstance(value, list) and any(isinstance(v, Fragment) and not flowable(v) for v in value):
            return False
        if key == "description" and isinstance(value, str) and "\n" in value:
            return False
    return True


def flow(f: Fragment) -> str:
    parts = []
    for key, value in ordered(f.entries, False):
        parts.append(f"{key}: {inline_value(value)}")
    return "{" + ", ".join(parts) + "}"


def inline_value(value: Value) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(inline_value(v) if isinstance(v, Fragment) else scalar(v, True) for v in value) + "]"
    if isinstance(value, Fragment):
        if set(value.entries) == {"type"}:
            return scalar(str(value.entries["type"]), True)
        return flow(value)
    assert not isinstance(value, dict)
    return scalar(value, True)


def field_lines(key: str, f: Fragment, indent: int) -> list[tuple[str, str]]:
    pad = " " * indent
    head = f"{pad}{scalar(key, False)}:"
    if flowable(f):
        one = f"{head} {flow(f)}"
        if len(one) <= LINE:
            return [(one, f.pointer)]
    lines = [(head, f.pointer)]
    nested = any(
        isinstance(v, (Fragment, dict)) or isinstance(v, list) and any(isinstance(x, Fragment) for x in v)
        for v in f.entries.values()
    )
    for k, value in ordered(f.entries, nested):
        if isinstance(value, dict):
            lines.append((f"{pad}  {k}:", f.pointer))
            for sub_key, sub in value.items():
                lines += field_lines(sub_key, sub, indent + 4)
        elif isinstance(value, list) and any(isinstance(v, Fragment) for v in value):
            lines.append((f"{pad}  {k}:", f.pointer))  # a one_of's members, one item each
            for member in value:
                assert isinstance(member, Fragment)
                if flowable(member):
                    lines.append((f"{pad}    - {inline_value(member)}", member.pointer))
                    continue
                body = field_lines("m", member, indent + 4)[1:]  # its entries, at indent + 6
                first, at = body[0]
                body[0] = (f"{pad}    - {first.lstrip()}", at)
                lines += body
        elif isinstance(value, Fragment):
            if set(value.entries) == {"type"}:
                lines.append((f"{pad}  {k}: {scalar(str(value.entries['type']), False)}", value.pointer))
            else:
                lines += field_lines(k, value, indent + 2)
        else:
            lines += [(text, f.pointer) for text in entry_lines(k, value, indent + 2)]
    return lines


def entry_lines(key: str, value: Value, indent: int) -> list[str]:
    pad = " " * indent
    if isinstance(value, list):
        return [f"{pad}{key}: {inline_value(value)}"]
    assert not isinstance(value, (Fragment, dict))
    if isinstance(value, str) and "\n" in value:
        block = block_scalar(value, indent + 2)
        if block is not None:
            return [f"{pad}{key}: {block[0]}"] + block[1:]
    return [f"{pad}{key}: {scalar(value, False)}"]


def block_scalar(text: str, indent: int) -> list[str] | None:
    """`|-` and the lines, when that reads back as exactly `text`."""
    if not BLOCK_CHARS.fullmatch(text):
        return None
    parts = text.split("\n")
    try:
        back = yaml.safe_load("k: |-\n" + "\n".join(("  " + p) if p else "" for p in parts))
    except yaml.YAMLError:
        return None
    if back != {"k": text}:
        return None
    body = [(" " * indent + p) if p else "" for p in parts]
    return ["|-"] + body


def scalar(value: Scalar, in_flow: bool) -> str:
    """A YAML scalar that reads back as `value`: plain when that is safe, else double-quoted."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if (
        value
        and value == value.strip()
        and PLAIN_CHARS.fullmatch(value)
        and not (in_flow and any(c in value for c in ",[]{}"))
    ):
        try:
            back = yaml.safe_load(("{k: %s}" if in_flow else "k: %s") % value)
        except yaml.YAMLError:
            back = None
        if back == {"k": value} and isinstance(back["k"], str):
            return value
    return quoted(value)


def quoted(value: str) -> str:
    out = ['"']
    for c in value:
        o = ord(c)
        if c == '"':
            out.append('\\"')
        elif c == "\\":
            out.append("\\\\")
        elif c == "\n":
            out.append("\\n")
        elif c == "\t":
            out.append("\\t")
        elif PLAIN_CHARS.fullmatch(c):
            out.append(c)
        elif o <= 0xFF:
            out.append(f"\\x{o:02x}")
        elif o <= 0xFFFF:
            out.append(f"\\u{o:04x}")
        else:
            out.append(f"\\U{o:08x}")
    out.append('"')
    return "".join(out)
