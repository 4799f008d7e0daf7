"""The docs page in the vendor's Python flavour: the generated module's class and attribute names,
annotations as the vendor's SDK writes them (`Optional[str]`, `List[DataSipHeader]`).

Names come from the Python target (generator/targets/python.py), so every name the page shows is
one the module defines: a nested class appears by its name relative to the top-level class that
holds it (`Data` under `class BatchCancelledWebhookEvent: …`), which the module makes a class
attribute of that class. Annotations come from the Python target's builder (python.annotation_of)
with this page's policy, and the bullets from the CLI flavour's walk (docs_cli.children) with this
page's flavour; the template adds a usage part before `## Domain Types`. The format's rules are in spec/README.md
("The Python flavour" of the docs pages).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import assert_never

import jinja2

from .. import model
from . import base, python
from .docs_cli import Bullet, Flavour, Section, children
from .python_writer import Subscript

# -- naming policy: the Python target's -------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """Where a name is shown: inside the top-level object `top` (None: outside any)."""

    top: model.Object | None
    taken: frozenset[str]  # the module's class names

    def class_of(self, t: model.Ref | model.Object) -> str:
        """A nested object's class by its name relative to `top` where the module has one, else in full."""
        match t:
            case model.Object() if self.top is not None:
                relative = python.relative_class_name(self.top, t, self.taken)
                return relative if relative is not None else python.class_name(t.name)
            case model.Ref() | model.Object():
                return python.class_name(t.name)
            case _:
                assert_never(t)

    @property
    def annotations(self) -> python.Annotations:
        """Annotations as the vendor's SDK writes them: `Optional[str]`, `List[DataSipHeader]`."""
        return python.Annotations(
            literal=py_literal,
            boolean_literal=None,
            json="object",  # the vendor's SDK annotates a value it does not describe so
            open_enum=lambda known: Subscript("Union", (known, "str")),
            array=lambda item: Subscript("List", (item,)),
            map=lambda value: Subscript("Dict", ("str", value)),
            nullable=lambda inner: Subscript("Optional", (inner,)),
            named=self.class_of,
            one_of=lambda members: Subscript("Union", members),  # as the vendor's SDK writes a union
        )

    @property
    def flavour(self) -> Flavour:
        return Flavour(
            field=lambda f: field_bullet(f, self),
            value=py_literal,
            values=literal_annotation,
            string="str",
            tagged=True,  # unlike the CLI flavour, every literal lists its value, the discriminator's too
            member=lambda t: annotation(t, self),
            other=lambda t: f"extra_fields: {annotation(model.Map(t), self)}",
        )


# -- type mapper --------------------------------------------------------------------------------


def py_literal(value: str | int | bool) -> str:
    """A Python literal as the vendor shows it: strings in double quotes (`"event"`), `True`, `2`."""
    if isinstance(value, bool):
        return repr(value)
    return base.json_text(value)


def literal_annotation(values: tuple[str | int | bool, ...]) -> str:
    return f"Literal[{', '.join(map(py_literal, values))}]"


def annotation(t: model.Type, scope: Scope) -> str:
    return str(python.annotation_of(t, scope.annotations))


def field_annotation(f: model.Field, scope: Scope) -> str:
    how = scope.annotations
    shown = python.annotation_of(f.type, how)
    # Optional and nullable reads as one Optional, as in the vendor's SDK.
    return str(how.nullable(shown) if f.optional and not isinstance(f.type, model.Nullable) else shown)


def field_bullet(f: model.Field, scope: Scope) -> Bullet:
    return Bullet(
        f"{python.attr(f.ident)}: {field_annotation(f, scope)}",
        model.field_text(f, note_first=True),
        children(f.type, f.description, scope.flavour),
    )


def class_bullet(obj: model.Object, taken: frozenset[str]) -> Bullet:
    """A top-level object: `class X: …`, its description, its fields (nested classes named relative to X)."""
    return Bullet(
        f"class {python.class_name(obj.name)}: …",
        model.documented(obj.description, obj.deprecated, note_first=True),
        children(obj, obj.description, Scope(obj, taken).flavour),
    )


def definition_bullet(d: model.Definition, taken: frozenset[str]) -> Bullet:
    match d:
        case model.Object():
            return class_bullet(d, taken)
        case model.Union_(members=members):
            return Bullet(
                python.class_name(d.name), d.description, tuple(class_bullet(m.object, taken) for m in members)
            )
        case _:
            assert_never(d)


# -- the usage part -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Nested:
    """One nested class, to show its two names: `BatchCancelledWebhookEvent.Data` is `...EventData`."""

    top: str
    relative: str
    cls: str


@dataclass(frozen=True)
class Usage:
    module: str
    source_path: str  # where the generated module is, relative to the output folder
    example_path: str  # an error path, for the example
    entry: str | None  # the union `unwrap` and `parse_event` return
    discriminator: str  # the attribute that holds the event type
    members: tuple[str, ...]  # the entry's first members, for the `match` example
    first: str  # a top-level class, for `from_dict` where there is no entry
    nested: Nested | None
    headers: tuple[str, str, str]  # the signature's header names (letters, digits, `-` and `_`)
    header_prefix: str


@dataclass(frozen=True)
class Page:
    title: str
    usage: Usage
    sections: tuple[Section, ...]


def usage(spec: model.Spec, taken: frozenset[str]) -> Usage:
    tops = [d for d in spec.definitions if isinstance(d, model.Object)]
    if spec.entry is not None:
        # Prefer members of the entry union: the example handler matches on them.
        tops = [m.object for m in spec.entry.members] + tops
    nested = None
    for top in tops:
        aliases = python.nested_aliases(top, taken)
        if aliases:
            nested = Nested(python.class_name(top.name), aliases[-1][0], aliases[-1][1])
            break
    return Usage(
        module=spec.module,
        source_path=python.path(spec),
        example_path=base.example_paths(spec)[0],
        entry=python.class_name(spec.entry.name) if spec.entry is not None else None,
        discriminator=python.attr(spec.entry.discriminator) if spec.entry is not None else "",
        members=(
            tuple(python.class_name(m.object.name) for m in spec.entry.members[:2]) if spec.entry is not None else ()
        ),
        first=python.class_name(tops[0].name) if tops else "",
        nested=nested,
        header_prefix=spec.signature.header_prefix,
        headers=(spec.signature.id_header, spec.signature.timestamp_header, spec.signature.signature_header),
    )


def page(spec: model.Spec) -> Page:
    taken = python.taken_class_names(spec)
    sections = tuple(Section(d.name.title, definition_bullet(d, taken)) for d in spec.definitions)
    return Page(spec.title, usage(spec, taken), sections)


# -- output ---------------------------------------------------------------------------------------


def page_path(spec: model.Spec) -> str:
    """The CLI page's path with its flavour folder `cli/` replaced by `python/`; a page not under
    `cli/` goes under `python/` (`kitchen/index.md` -> `python/kitchen/index.md`)."""
    rest = spec.page.removeprefix("cli/")
    return f"python/{rest}"


def path(spec: model.Spec) -> str:
    return f"docs/{page_path(spec)}"


def render(spec: model.Spec, env: jinja2.Environment) -> dict[str, str]:
    return {path(spec): base.render_template(env, "docs/python.md.j2", page=page(spec))}


# The page shows the module's names: what the Python target refuses, it refuses too.
TARGET = base.Target("docs-python", python.check, lambda t: annotation(t, Scope(None, frozenset())), render)
