"""The intermediate model: plain frozen dataclasses, built by `spec.load`, read by the targets.

It knows nothing of YAML, Jinja or any output language. Every type expression is an instance of
one of the classes in `Type`; a target's mapper `match`es on them and ends in `assert_never`, so
adding a class here makes mypy point at every target that does not handle it yet.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Union, assert_never

from . import naming


@dataclass(frozen=True)
class Loc:
    """Where something was written in the spec (1-based), so a target can report a name it rejects."""

    line: int = 0
    column: int = 0


@dataclass(frozen=True)
class Name:
    """One spelling in the spec (snake_case); targets derive theirs from it."""

    snake: str

    @property
    def pascal(self) -> str:
        return naming.pascal(self.snake)

    @property
    def title(self) -> str:
        return naming.title(self.snake)

    @property
    def constant(self) -> str:
        return naming.constant(self.snake)


@dataclass(frozen=True)
class String:
    """A string; with a `format` (`date-time`, `date`, `uri`, `email`, `uuid`: generator/formats.py)
    the decoders also check it has that form, and keep it as the same string."""

    format: str | None = None


@dataclass(frozen=True)
class Integer:
    pass


@dataclass(frozen=True)
class Float:
    """A finite number; an integer is one too."""


@dataclass(frozen=True)
class Boolean:
    pass


@dataclass(frozen=True)
class Json:
    """Any JSON value, not described further (`type: json`): kept exactly as it came."""


@dataclass(frozen=True)
class Literal:
    """Exactly one value: a string, an integer or a boolean."""

    value: str | int | bool


@dataclass(frozen=True)
class Enum:
    """One of the listed strings, or of the listed integers; an open (string) enum also admits any
    other string."""

    values: tuple[str, ...] | tuple[int, ...]
    open: bool = False

    @property
    def integers(self) -> bool:
        """An enum of integers (the loader never mixes kinds)."""
        return type(self.values[0]) is int


@dataclass(frozen=True)
class Array:
    item: Type
    item_description: str | None = field(default=None, compare=False)  # `items: {description: ...}`


@dataclass(frozen=True)
class Map:
    """A JSON object with string keys and values of one type."""

    value: Type
    value_description: str | None = field(default=None, compare=False)  # `values: {description: ...}`


@dataclass(frozen=True)
class Nullable:
    """`<inner> or null`."""

    inner: Type


@dataclass(frozen=True)
class OneOf:
    """One of several types, without a discriminator (`one_of: [string, integer, {fields: ...}]`):
    tried in the order written, the first that decodes the value wins. The loader refuses a member
    that an earlier one always wins over, `json`, a nullable member and a `one_of` inside one."""

    members: tuple[Type, ...]


@dataclass(frozen=True)
class Ref:
    """A use of a named top-level type (object or union) by its name; `Spec.definition` resolves it."""

    name: Name


@dataclass(frozen=True)
class Named:
    """A use of a named scalar or enum defined under `types:` (`type: currency`), with the type it
    names (`String`, `Integer`, `Float`, `Boolean` or `Enum`). A value of it is a value of that type;
    outputs with type aliases spell it by its name (spec/README.md, "Named enums and scalars")."""

    name: Name
    type: Type


@dataclass(frozen=True)
class Alias:
    """A named scalar or enum, defined once under `types:` (`currency: {enum: [usd, eur]}`)."""

    name: Name
    description: str | None
    type: Type  # String, Integer, Float, Boolean or Enum
    loc: Loc = field(default=Loc(), compare=False)


@dataclass(frozen=True)
class Field:
    key: str  # the JSON key, verbatim (on the wire and in the docs)
    type: Type
    description: str | None
    optional: bool = False  # may be absent
    is_discriminator: bool = False  # the tag a union dispatches on
    loc: Loc = field(default=Loc(), compare=False)
    name: str = ""  # as the spec names it (snake_case), which code targets spell; the key when empty
    deprecated: str | None = None  # `deprecated:` in the spec: None if not; "" without a message

    @property
    def ident(self) -> str:
        """The snake_case name code targets derive attribute names from."""
        return self.name or self.key


@dataclass(frozen=True)
class Object:
    """A JSON object with known fields. Nested objects are named after their parent."""

    name: Name
    description: str | None
    fields: tuple[Field, ...]
    loc: Loc = field(default=Loc(), compare=False)
    deprecated: str | None = None  # `deprecated:` on a top-level type: None if not; "" without a message
    # `extends:` the object types whose fields it inherits, in order (already in `fields`, flattened)
    extends: tuple[Name, ...] = field(default=(), compare=False)
    # `other_values:` the type of every key it does not declare (an open object); None: any JSON, unchecked
    other: Type | None = None
    other_description: str | None = field(default=None, compare=False)  # `other_values: {description: ...}`

    @property
    def open(self) -> bool:
        """Its undeclared keys have a declared value type (`other_values:`)."""
        return self.other is not None

    @property
    def nested(self) -> tuple[Object, ...]:
        """Objects defined inline below this one, innermost first (definition order for code)."""
        found: list[Object] = []
        for f in self.fields:
            _collect_objects(f.type, found)
        if self.other is not None:
            _collect_objects(self.other, found)
        return tuple(found)

    def discriminator_value(self, key: str) -> str | None:
        """The string literal at `key`, the value a union dispatches this object on."""
        for f in self.fields:
            if f.key == key and isinstance(f.type, Literal) and isinstance(f.type.value, str):
                return f.type.value
        return None


@dataclass(frozen=True)
class UnionMember:
    object: Object
    tag: str  # this member's discriminator value (variants of one event share it)


@dataclass(frozen=True)
class Group:
    """The members of a union under one tag: one object, or the variants of one event
    (`union: [a, [b_kyb, b_kyc]]`), tried in the order written; the first that decodes wins."""

    tag: str
    members: tuple[UnionMember, ...]

    @property
    def variants(self) -> bool:
        return len(self.members) > 1


@dataclass(frozen=True)
class Union_:
    """A discriminated union of named objects. Several members may share a tag (the variants of one
    event, written as a nested list): they are next to each other in `members`, and `groups` has
    one entry per tag."""

    name: Name
    description: str | None
    discriminator: str
    members: tuple[UnionMember, ...]
    loc: Loc = field(default=Loc(), compare=False)

    @property
    def groups(self) -> tuple[Group, ...]:
        """One group per tag, in the order written: dispatch is by tag, then by variant."""
        out: dict[str, list[UnionMember]] = {}
        for m in self.members:
            out.setdefault(m.tag, []).append(m)
        return tuple(Group(tag, tuple(ms)) for tag, ms in out.items())

    @property
    def has_variants(self) -> bool:
        """Some tag has more than one member."""
        return len({m.tag for m in self.members}) < len(self.members)

    @property
    def shared_fields(self) -> tuple[Field, ...]:
        """The envelope every member has: the fields, other than the discriminator, that every
        member requires under the same JSON key, name and type (the first member's, in its order).
        An event of a type added later most likely has them too, so UnknownWebhookEvent exposes them."""
        if not self.members:
            return ()
        out = []
        for f in self.members[0].object.fields:
            if f.optional or f.key == self.discriminator:
                continue
            if all(
                any(
                    g.key == f.key and g.ident == f.ident and g.type == f.type and not g.optional
                    for g in m.object.fields
                )
                for m in self.members[1:]
            ):
                out.append(f)
        return tuple(out)


def deprecation(deprecated: str | None) -> str | None:
    """The note every output shows for `deprecated:` (spec/README.md, "Deprecated"): `Deprecated.`,
    or `Deprecated: <message>`; None when not deprecated."""
    if deprecated is None:
        return None
    return f"Deprecated: {deprecated}" if deprecated else "Deprecated."


def documented(
    description: str | None, deprecated: str | None, note_first: bool = False, more: tuple[str, ...] = ()
) -> str | None:
    """A description (and `more` paragraphs after it) with the deprecation note as a paragraph of its
    own, after them (code comments) or before them (`note_first`: the docs pages, where a reader sees
    it first)."""
    note = deprecation(deprecated)
    parts = [p for p in (description, *more) if p is not None]
    if note is not None:
        parts.insert(0 if note_first else len(parts), note)
    return "\n\n".join(parts) if parts else None


def element_notes(t: Type) -> tuple[str, ...]:
    """The descriptions of a field's array items and map values, outermost first, each as a
    paragraph: `Each item: ...`, `Each value: ...`, `Each item of each value: ...`."""
    out: list[str] = []
    parts: list[str] = []
    while True:
        if isinstance(t, Nullable):
            t = t.inner
            continue
        if isinstance(t, Array):
            parts.append("item")
            description, t = t.item_description, t.item
        elif isinstance(t, Map):
            parts.append("value")
            description, t = t.value_description, t.value
        else:
            return tuple(out)
        if description is not None:
            out.append(f"Each {' of each '.join(reversed(parts))}: {description}")


def field_text(f: Field, note_first: bool = False) -> str | None:
    """A field's documentation: its description, its items' and values' descriptions, and its
    deprecation note (spec/README.md)."""
    return documented(f.description, f.deprecated, note_first, element_notes(f.type))


Type = Union[String, Integer, Float, Boolean, Json, Literal, Enum, Array, Map, Nullable, OneOf, Ref, Named, Object]
Definition = Union[Object, Union_]


def _collect_objects(t: Type, found: list[Object]) -> None:
    match t:
        case Object():
            found.extend(t.nested)
            found.append(t)
        case Array(item=inner) | Map(value=inner) | Nullable(inner=inner):
            _collect_objects(inner, found)
        case OneOf(members=members):
            for member in members:
                _collect_objects(member, found)
        case String() | Integer() | Float() | Boolean() | Json() | Literal() | Enum() | Ref() | Named():
            pass
        case _:
            assert_never(t)


@dataclass(frozen=True)
class Site:
    """The docs site's own text, from the spec's optional `site:` mapping (spec/README.md)."""

    name: str | None = None  # the site's name in its header and browser tab; None: the spec's title
    home: str | None = None  # Markdown for the home page, above the list of events


@dataclass(frozen=True)
class Signature:
    """How deliveries are signed, from the spec's optional `signature:` mapping (spec/README.md).

    The defaults are Standard Webhooks' (https://www.standardwebhooks.com/), except that a secret
    without the prefix is read as raw UTF-8 bytes, as OpenAI's SDK reads it (the reference
    libraries read it as base64: `unprefixed_secret: base64`).
    """

    header_prefix: str = "webhook-"  # the headers are <prefix>id, <prefix>timestamp, <prefix>signature
    secret_prefix: str = "whsec_"  # a secret that starts with it is base64 after it
    unprefixed_secret: str = "utf8"  # "utf8" | "base64": how a secret without the prefix is read
    tolerance: int = 300  # seconds a timestamp may be from now, unless the caller says otherwise

    @property
    def id_header(self) -> str:
        return self.header_prefix + "id"

    @property
    def timestamp_header(self) -> str:
        return self.header_prefix + "timestamp"

    @property
    def signature_header(self) -> str:
        return self.header_prefix + "signature"


@dataclass(frozen=True)
class Spec:
    source: str  # the spec's file name, for generated headers
    title: str  # the docs page's `# Title`
    page: str  # where the docs page goes, e.g. `cli/resources/webhooks/index.md`
    module: str  # the module name every code target uses
    entry: Union_ | None  # the union `parse_event` decodes
    definitions: tuple[Definition, ...]  # in spec order
    shown: str = field(default="", compare=False)  # the spec's path as problems name it
    entry_loc: Loc = field(default=Loc(), compare=False)
    sha256: str = field(default="", compare=False)  # of the spec file's bytes: generated code names its source
    module_loc: Loc = field(default=Loc(), compare=False)
    site: Site = Site()
    signature: Signature = Signature()
    aliases: tuple[Alias, ...] = ()  # the named scalars and enums, in spec order

    @property
    def site_name(self) -> str:
        """The docs site's name: `site: {name: ...}`, else the title."""
        return self.site.name if self.site.name is not None else self.title

    @functools.cached_property
    def objects(self) -> tuple[Object, ...]:
        """Every object, nested ones before the object that holds them. Computed once: every target
        walks it, and telling equal objects apart hashes each one whole (a fifth of a second at
        1,000 events, each time)."""
        out: list[Object] = []
        for d in self.definitions:
            if isinstance(d, Object):
                out.extend(d.nested)
                out.append(d)
        # An object inherited through `extends:` brings the inline objects of its fields along: each once.
        return tuple(dict.fromkeys(out))

    @property
    def unions(self) -> tuple[Union_, ...]:
        return tuple(d for d in self.definitions if isinstance(d, Union_))

    def definition(self, name: Name) -> Definition:
        """The top-level type a `Ref` names (the loader guarantees it exists)."""
        for d in self.definitions:
            if d.name == name:
                return d
        raise KeyError(name.snake)
