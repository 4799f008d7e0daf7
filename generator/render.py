"""Check the spec against every target's naming rules, then render every target. Writes nothing."""

from __future__ import annotations

from pathlib import Path

import jinja2

from generator import model
from generator.problems import SpecError
from generator.targets import docs_cli, docs_python, json_schema, msgspec, pydantic, python, typescript
from generator.targets.base import RenderError, Target, indent_block

__all__ = ["BUILTIN_TEMPLATES", "TARGETS", "RenderError", "environment", "render"]

# Installed from a wheel, the templates are package data; in the checkout, a folder beside the package.
_PACKAGED = Path(__file__).resolve().parent / "templates"
BUILTIN_TEMPLATES = _PACKAGED if _PACKAGED.is_dir() else Path(__file__).resolve().parent.parent / "templates"

# In the order they are rendered; each writes its own files.
TARGETS: tuple[Target, ...] = (
    docs_cli.TARGET,
    docs_python.TARGET,
    python.TARGET,
    json_schema.TARGET,
    pydantic.TARGET,
    msgspec.TARGET,
    typescript.TARGET,
)


def environment(templates: Path | None = None) -> jinja2.Environment:
    """Templates from `templates` (a user's overrides) first, then the built-in ones.

    Templates only lay out what the targets' mappers decided, so the only filter is indentation.
    """
    search = [str(templates)] if templates is not None else []
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(search + [str(BUILTIN_TEMPLATES)]),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
    )
    env.filters["indent_block"] = indent_block
    return env


def check(spec: model.Spec, targets: tuple[Target, ...] = TARGETS) -> None:
    """Raise SpecError with every name some target cannot spell."""
    problems = [p for target in targets for p in target.check(spec)]
    if problems:
        raise SpecError(list(dict.fromkeys(problems)))


def render(spec: model.Spec, templates: Path | None = None, targets: tuple[Target, ...] = TARGETS) -> dict[str, str]:
    """Every output file of `spec`, as {path relative to the output folder: text}."""
    check(spec, targets)
    env = environment(templates)
    files: dict[str, str] = {}
    for target in targets:
        files.update(target.render(spec, env))
    return files
