"""The intermediate model: plain frozen dataclasses, built by `spec.load`, read by the templates.

It knows nothing of YAML or Jinja. Every type expression is one of the `Type` classes below;
each has a `kind` the templates dispatch on.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Union

from generator import naming


@dataclass(frozen=True)
class Name:
    """One spelling in the spec (snake_case); every other spelling derives from it."""

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
class Scalar:
    """`string`, `integer`, `float` or `boolean`."""

    name: str
    kind: str = "scalar"


@dataclass(frozen=True)
class Literal:
    """Exactly one value: a string, an integer or a boolean."""

    value: str | int | bool
    kind: str = "literal"


@dataclass(frozen=True)
class Enum:
    """One of the listed strings; an open enum also admits any other string."""

    values: tuple[str, ...]
    open: bool = False
    kind: str = "enum"


@dataclass(frozen=True)
class Array:
    item: Type
    kind: str = "array"


@dataclass(frozen=True)
class Map:
    """A JSON object with string keys and values of one type."""

    value: Type
    kind: str = "map"


@dataclass(frozen=True)
class Nullable:
    """`<inner> or null`."""

    inner: Type
    kind: str = "nullable"


@dataclass(frozen=True)
class Ref:
    """A use of a named top-level type (object or union) by its name."""

    name: Name
    target_kind: str  # "object" or "union"
    kind: str = "ref"


@dataclass(frozen=True)
class Field:
    key: str  # the JSON key, verbatim
    type: Type
    description: str | None
    optional: bool = False  # may be absent
    is_discriminator: bool = False  # the tag a union dispatches on

    @property
    def attr(self) -> str:
        return naming.py_attr(self.key)


@dataclass(frozen=True)
class Object:
    """A JSON object with known fields. Nested objects are named after their parent."""

    name: Name
    description: str | None
    fields: tuple[Field, ...]
    kind: str = "object"

    @property
    def nested(self) -> tuple[Object, ...]:
        """Objects defined inline below this one, innermost first (definition order for code)."""
        found: list[Object] = []
        for field in self.fields:
            _collect_objects(field.type, found)
        return tuple(found)

    def discriminator_value(self, key: str) -> str | None:
        """The string literal at `key`, the value a union dispatches this object on."""
        for field in self.fields:
            if field.key == key and isinstance(field.type, Literal) and isinstance(field.type.value, str):
                return field.type.value
        return None


@dataclass(frozen=True)
class UnionMember:
    object: Object
    tag: str  # this member's discriminator value


@dataclass(frozen=True)
class Union_:
    """A discriminated union of named objects."""

    name: Name
    description: str | None
    discriminator: str
    members: tuple[UnionMember, ...]
    kind: str = "union"


Type = Union[Scalar, Literal, Enum, Array, Map, Nullable, Ref, Object]
Definition = Union[Object, Union_]


def _collect_objects(t: Type, found: list[Object]) -> None:
    if isinstance(t, Object):
        for obj in t.nested:
            found.append(obj)
        found.append(t)
    elif isinstance(t, Array):
        _collect_objects(t.item, found)
    elif isinstance(t, Map):
        _collect_objects(t.value, found)
    elif isinstance(t, Nullable):
        _collect_objects(t.inner, found)


@dataclass(frozen=True)
class Spec:
    source: str  # the spec's file name, for generated headers
    title: str  # the docs page's `# Title`
    page: str  # where the docs page goes, e.g. `cli/resources/webhooks/index.md`
    module: str  # Python module name
    entry: Union_ | None  # the union `parse_event` decodes
    definitions: tuple[Definition, ...]  # in spec order

    @property
    def objects(self) -> tuple[Object, ...]:
        """Every object class, nested ones before the object that holds them."""
        out: list[Object] = []
        for d in self.definitions:
            if isinstance(d, Object):
                out.extend(d.nested)
                out.append(d)
        return tuple(out)

    @property
    def unions(self) -> tuple[Union_, ...]:
        return tuple(d for d in self.definitions if isinstance(d, Union_))
