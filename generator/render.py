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


def py_docstring(text: str) -> str:
    """Any text as a triple-quoted literal: backslashes and quotes escaped, so no description can break the code."""
    body = text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    if body.endswith('"'):
        body = body[:-1] + '\\"'
    return f'"""{body}"""'


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
    env.filters["py_attr"] = naming.py_attr
    env.filters["has_optional_nullable"] = lambda obj: any(
        f.optional and f.type.kind == "nullable" for f in obj.fields
    )
    return env


def render(spec: model.Spec, templates: Path | None = None) -> dict[str, str]:
    """Every output file of `spec`, as {path relative to the output folder: text}."""
    env = environment(templates)
    files: dict[str, str] = {}
    for target in TARGETS:
        text = env.get_template(target.template).render(spec=spec)
        files[target.path(spec)] = target.format(text)
    return files
