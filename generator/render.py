"""Render the model through Jinja2 templates and format the results. Writes nothing."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import black
import jinja2

from generator import model, naming

BUILTIN_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def format_python(source: str) -> str:
    return black.format_str(source, mode=black.Mode(target_versions={black.TargetVersion.PY310}))


def py_escape(text: str) -> str:
    """Text for the inside of a triple-quoted Python string: any description, and the code stays valid.

    Backslashes are doubled, characters that are not printable become escapes, and a quote is escaped
    when another quote or the closing quotes follow it, so no run of quotes can end the string early.
    """
    out = []
    for i, ch in enumerate(text):
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"' if i + 1 == len(text) or text[i + 1] == '"' else ch)
        elif ch.isprintable() or ch in "\n\t":
            out.append(ch)
        elif ord(ch) < 0x100:
            out.append(f"\\x{ord(ch):02x}")
        elif ord(ch) < 0x10000:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(f"\\U{ord(ch):08x}")
    return "".join(out)


def py_docstring(text: str) -> str:
    return f'"""{py_escape(text)}"""'


def indent_block(text: str, width: int) -> str:
    """Indent every non-empty line, splitting on "\\n" only (str.splitlines would also split on
    characters like \\x1e or \\u2028 and so change a description)."""
    pad = " " * width
    return "\n".join(pad + line if line else line for line in text.split("\n"))


def keep(source: str) -> str:
    return source


@dataclass(frozen=True)
class Target:
    """One output file per spec: which template renders it, where it goes, how it is formatted."""

    template: str
    path: Callable[[model.Spec], str]
    format: Callable[[str], str]


TARGETS = (
    Target("docs/page.md.j2", lambda spec: f"docs/{spec.page}", keep),
    Target("python/module.py.j2", lambda spec: f"python/{spec.module}.py", format_python),
)


def environment(templates: Path | None = None) -> jinja2.Environment:
    """Templates from `templates` (a user's overrides) first, then the built-in ones."""
    search = [str(templates)] if templates is not None else []
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(search + [str(BUILTIN_TEMPLATES)]),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
    )
    env.filters["json_value"] = lambda v: json.dumps(v, ensure_ascii=False)
    env.filters["py_value"] = repr  # a Python literal of a str, int or bool: always safe to embed
    env.filters["py_docstring"] = py_docstring
    env.filters["py_escape"] = py_escape
    env.filters["indent_block"] = indent_block
    env.filters["py_attr"] = naming.py_attr
    env.filters["has_optional_nullable"] = lambda obj: any(
        f.optional and f.type.kind == "nullable" for f in obj.fields
    )
    return env


class RenderError(Exception):
    """A template failed, or produced code the formatter cannot parse (a custom template's bug)."""


def render(spec: model.Spec, templates: Path | None = None) -> dict[str, str]:
    """Every output file of `spec`, as {path relative to the output folder: text}."""
    env = environment(templates)
    files: dict[str, str] = {}
    for target in TARGETS:
        try:
            text = env.get_template(target.template).render(spec=spec)
        except jinja2.TemplateError as e:
            raise RenderError(f"{template_location(e, target.template)}: {type(e).__name__}: {e}") from None
        except RecursionError:
            raise RenderError(f"{target.template}: the spec's types are nested too deeply to render") from None
        try:
            files[target.path(spec)] = target.format(text)
        except black.InvalidInput as e:
            raise RenderError(f"{target.template}: rendered code does not parse: {e}") from None
    return files


def template_location(error: jinja2.TemplateError, fallback: str) -> str:
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
