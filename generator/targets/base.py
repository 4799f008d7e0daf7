"""What every target shares: the Target record, name-collision checks, escaping for comments and
JSON, and rendering a template. (The Python family's layout is python_writer.py's.)"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Iterator, assert_never

import jinja2

from .. import formats, model
from ..problems import Problem

if TYPE_CHECKING:
    from . import Prepared, Tool


class RenderError(Exception):
    """A template failed, or produced code the formatter cannot parse (a custom template's bug)."""


@dataclass(frozen=True)
class Target:
    """One output of the spec, as the contract in generator/targets/__init__.py describes it."""

    name: str
    check: Callable[[model.Spec], list[Problem]]
    mapper: Callable[[model.Type], object]
    render: Callable[[model.Spec, jinja2.Environment], dict[str, str]]
    format: Callable[[str, str, bool], str] | None = None
    templates: tuple[str, ...] = ()
    prepare: Callable[[model.Spec, Tool | None], Prepared] | None = None


# -- naming checks, run after loading with each target's spelling ---------------------------


def string_formats(spec: model.Spec) -> tuple[formats.Format, ...]:
    """The string formats some field checks (at any depth of arrays, maps and nullables), in
    generator/formats.py's order: each output defines a check for these only."""
    used: set[str] = set()
    for obj in spec.objects:
        for f in obj.fields:
            t: model.Type = f.type
            while isinstance(t, (model.Array, model.Map, model.Nullable)):
                t = t.item if isinstance(t, model.Array) else t.value if isinstance(t, model.Map) else t.inner
            if isinstance(t, model.String) and t.format is not None:
                used.add(t.format)
    return tuple(f for f in formats.FORMATS.values() if f.name in used)


def problem(spec: model.Spec, loc: model.Loc, message: str) -> Problem:
    return Problem(spec.shown or spec.source, max(loc.line, 1), max(loc.column, 1), message)


def named_things(spec: model.Spec) -> Iterator[tuple[model.Name, model.Loc, str]]:
    """Every definition, then every nested object: its name, where the spec writes it, how to call it."""
    for d in spec.definitions:
        yield d.name, d.loc, f"type {d.name.snake!r}"
    for a in spec.aliases:
        yield a.name, a.loc, f"type {a.name.snake!r}"
    seen: set[model.Object] = set()  # an inherited field (`extends:`) holds the same object as its base's
    for obj in spec.objects:
        for f in obj.fields:
            for inner in inline_objects(f.type):
                if inner in seen:
                    continue
                seen.add(inner)
                yield inner.name, inner.loc, f"the object of field {f.key!r}"
        for inner in inline_objects(obj.other) if obj.other is not None else ():
            if inner not in seen:
                seen.add(inner)
                yield inner.name, inner.loc, f"the object of other_values of {obj.name.snake!r}"


def inline_objects(t: model.Type) -> tuple[model.Object, ...]:
    """The objects a field's type defines in place, inside any arrays, maps, nullables and one_of."""
    match t:
        case model.Object():
            return (t,)
        case model.Array(item=inner) | model.Map(value=inner) | model.Nullable(inner=inner):
            return inline_objects(inner)
        case model.OneOf(members=members):
            return tuple(o for m in members for o in inline_objects(m))
        case (
            model.String()
            | model.Integer()
            | model.Float()
            | model.Boolean()
            | model.Json()
            | model.Literal()
            | model.Enum()
            | model.Ref()
            | model.Named()
        ):
            return ()
        case _:
            assert_never(t)


def distinct_class_names(
    spec: model.Spec,
    spell: Callable[[model.Name], str],
    reserved: frozenset[str],
    language: str,
    owner: str,
) -> list[Problem]:
    """Each type needs a name of its own in the target: `a_b` and `ab` would both be `AB`."""
    problems = []
    seen: dict[str, str] = {}
    for name, loc, label in named_things(spec):
        spelled = spell(name)
        if spelled in reserved:
            problems.append(problem(spec, loc, f"{label} would be {language} {spelled}, a name {owner} already uses"))
        elif spelled in seen:
            problems.append(
                problem(
                    spec,
                    loc,
                    f"{label} and {seen[spelled]} would both be {language} {spelled}; rename one (nested "
                    "objects take `name:`)",
                )
            )
        else:
            seen[spelled] = label
    return problems


def distinct_attributes(spec: model.Spec, spell: Callable[[str], str], language: str) -> list[Problem]:
    """Two keys of one object must not become the same attribute (`from` and `from_` in Python)."""
    problems = []
    for obj in spec.objects:
        seen: dict[str, str] = {}
        for f in obj.fields:
            spelled = spell(f.ident)
            if spelled in seen:
                problems.append(
                    problem(
                        spec, f.loc, f"fields {seen[spelled]!r} and {f.ident!r} would both be {language} {spelled!r}"
                    )
                )
            seen[spelled] = f.ident
    return problems


# -- text --------------------------------------------------------------------------------------


def json_text(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def has_one_of(t: model.Type) -> bool:
    """Whether a field's type holds a one_of (its own fields aside: an inline object is one of spec.objects)."""
    match t:
        case model.OneOf():
            return True
        case model.Array(item=inner) | model.Map(value=inner) | model.Nullable(inner=inner):
            return has_one_of(inner)
        case (
            model.String()
            | model.Integer()
            | model.Float()
            | model.Boolean()
            | model.Json()
            | model.Literal()
            | model.Enum()
            | model.Ref()
            | model.Named()
            | model.Object()
        ):
            return False
        case _:
            assert_never(t)


def member_name(t: model.Type) -> str:
    """How a decoder's error names a one_of member it tried (the same in Python and TypeScript):
    `a string`, `an integer`, `"a"`, `one of 1, 2`, `an array`, the class `Card`."""
    match t:
        case model.String() | model.Enum(open=True):
            return "a string"
        case model.Integer():
            return "an integer"
        case model.Float():
            return "a finite number"
        case model.Boolean():
            return "a boolean"
        case model.Json():
            return "a JSON value"
        case model.Literal(value=value):
            return json_text(value)
        case model.Enum(values=values):
            return "one of " + ", ".join(json_text(v) for v in values)
        case model.Array():
            return "an array"
        case model.Map():
            return "an object"
        case model.Nullable(inner=inner):
            return member_name(inner) + " or null"
        case model.OneOf(members=members):
            return " or ".join(map(member_name, members))
        case model.Ref(name=name) | model.Object(name=name) | model.Named(name=name):
            return name.pascal
        case _:
            assert_never(t)


def char_escape(ch: str) -> str:
    """A character as the escape Python (and, below U+10000, JavaScript) reads it as."""
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def comment_text(text: str) -> str:
    """Text for a one-line comment (`#` or `//`) in a generated file's header, such as the spec's
    file name, which may hold any character but `/` and NUL. Backslashes are doubled and characters
    that are not printable (line breaks among them) become escapes, so the text stays on its line;
    and `coding:` loses its colon, so the comment is never the encoding declaration Python reads in
    a module's first two lines (`# -*- coding: latin-1 -*-` would change how the module decodes)."""
    escaped = "".join("\\\\" if ch == "\\" else ch if ch.isprintable() else char_escape(ch) for ch in text)
    return _ENCODING_DECLARATION.sub(lambda m: "coding" + char_escape(m[1]), escaped)


_ENCODING_DECLARATION = re.compile(r"coding([:=])")  # PEP 263's pattern, whose match is case-sensitive


def indent_block(text: str, width: int) -> str:
    """Indent every non-empty line, splitting on "\\n" only (str.splitlines would also split on
    characters like \\x1e or \\u2028 and so change a description)."""
    pad = " " * width
    return "\n".join(pad + line if line else line for line in text.split("\n"))


# -- rendering -----------------------------------------------------------------------------------


def render_template(env: jinja2.Environment, template: str, **context: Any) -> str:
    """Templates are code (Jinja runs them unsandboxed): any error in one is reported at its line."""
    try:
        return env.get_template(template).render(**context)
    except RecursionError:
        raise RenderError(f"{template}: the spec's types are nested too deeply to render") from None
    except UnicodeDecodeError as e:
        raise RenderError(f"{template}: a template is not UTF-8 ({e.reason} at byte {e.start})") from None
    except jinja2.TemplateError as e:
        raise RenderError(f"{template_location(e, template)}: {type(e).__name__}: {e}") from None
    except Exception as e:  # a template's own bug: 1/0, a call with the wrong arguments, ...
        raise RenderError(f"{template_location(e, template)}: {type(e).__name__}: {e}") from None


def template_location(error: BaseException, fallback: str) -> str:
    """`file:line` of the template line that failed (syntax errors carry it; runtime errors
    only in the traceback, where Jinja puts the template's own frames)."""
    if isinstance(error, jinja2.TemplateSyntaxError):
        return f"{error.filename or error.name or fallback}:{error.lineno}"
    tb = error.__traceback__
    location = fallback
    while tb is not None:
        if tb.tb_frame.f_code.co_filename.endswith(".j2"):
            location = f"{tb.tb_frame.f_code.co_filename}:{tb.tb_lineno}"
        tb = tb.tb_next
    return location


# What UnknownWebhookEvent defines itself, in Python (`raw`, `to_dict`) or TypeScript (`raw`, `toJSON`,
# and `constructor`, which a class cannot have as a getter): a shared field so named is read from `raw`.
UNKNOWN_EVENT_OWN = frozenset({"raw", "to_dict", "toJSON", "constructor"})


def envelope(union: model.Union_) -> tuple[model.Field, ...]:
    """The fields UnknownWebhookEvent exposes, the same in every target: those every member of the
    entry union shares (`Union_.shared_fields`), but for a name UnknownWebhookEvent uses itself."""
    return tuple(f for f in union.shared_fields if f.key not in UNKNOWN_EVENT_OWN and f.ident not in UNKNOWN_EVENT_OWN)


def envelope_kind(t: model.Type) -> str | None:
    """The JSON type an envelope field's value is read as ("string", "integer", "number",
    "boolean"), None where it is not one of those: then it is exposed as it came, unchecked."""
    match t:
        case model.String():
            return "string"
        case model.Enum() as enum:
            return "integer" if enum.integers else "string"
        case model.Integer():
            return "integer"
        case model.Float():
            return "number"
        case model.Boolean():
            return "boolean"
        case model.Literal(value=value):
            if isinstance(value, bool):
                return "boolean"
            return "integer" if isinstance(value, int) else "string"
        case model.Nullable(inner=inner) | model.Named(type=inner):
            return envelope_kind(inner)
        case model.Array() | model.Map() | model.Ref() | model.Object() | model.Json() | model.OneOf():
            return None
        case _:
            assert_never(t)


_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def example_paths(spec: model.Spec) -> tuple[str, str]:
    """Error paths the docs and docstrings show as examples, from the spec: a field inside an
    object of an event (`$.data.id`), and one inside an array's item too where the spec has one
    (`$.data.sip_headers[0].name`), else the first again. Only keys that need no quoting or
    escaping in any output are used; `$.id`-like or `$` where the events have no such field."""
    tops = [m.object for m in spec.entry.members] if spec.entry is not None else []
    tops += [d for d in spec.definitions if isinstance(d, model.Object)]
    found: list[str] = []  # every path of at least two steps, in spec order
    flat: list[str] = []

    def resolve(t: model.Type) -> tuple[model.Object | None, bool]:
        """The object a field's value holds, and whether it is an array's item."""
        array = False
        while True:
            match t:
                case model.Nullable(inner=inner):
                    t = inner
                case model.Array(item=inner):
                    t, array = inner, True
                case model.Ref(name=name):
                    d = spec.definition(name)
                    return (d if isinstance(d, model.Object) else None), array
                case model.Object():
                    return t, array
                case _:
                    return None, array

    def walk(obj: model.Object, path: str, depth: int) -> None:
        for f in obj.fields:
            if not _PLAIN_KEY.match(f.key) or f.is_discriminator:
                continue
            inner, array = resolve(f.type)
            step = f"{path}.{f.key}" + ("[0]" if array else "")
            if inner is None:
                if depth:
                    found.append(step)
                elif not flat:
                    flat.append(step)
            elif depth < 3:
                walk(inner, step, depth + 1)

    for top in tops[:50]:
        walk(top, "$", 0)
        if any("[0]." in p for p in found):
            break
    simple = next((p for p in found if "[" not in p), found[0] if found else (flat[0] if flat else "$"))
    deep = next((p for p in found if "[0]." in p), simple)
    return simple, deep
