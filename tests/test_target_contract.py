"""The target contract (generator/targets/__init__.py): every target keeps it, the generator renders
exactly the listed targets through it, and a target's own formatting step is applied to its outputs."""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path

import jinja2
import pytest

import generator
from conftest import KITCHEN_SPEC
from generator import model, render, spec, targets
from generator.targets import base
from test_kinds import KINDS, IDS, field_type, tiny


def test_the_generator_renders_the_listed_targets() -> None:
    assert render.TARGETS is targets.TARGETS
    names = [t.name for t in targets.TARGETS]
    assert len(set(names)) == len(names) >= 7
    loaded = spec.load(KITCHEN_SPEC)
    files = render.render(loaded)
    env = render.environment()
    assert list(files) == [rel for t in targets.TARGETS for rel in t.render(loaded, env)]


@pytest.mark.parametrize("kind", KINDS, ids=IDS)
def test_every_target_maps_every_kind(kind: type) -> None:
    t: model.Type = field_type(tiny(kind))
    for target in targets.TARGETS:
        mapped = target.mapper(t)
        # `{}` is the schema of any JSON value: empty, yet mapped
        assert mapped or (mapped == {} and kind is model.Json), f"{target.name}-{kind.__name__}"


def test_a_target_s_formatting_step_is_applied_to_its_outputs() -> None:
    """As a target for another language would run its own formatter (gofmt, ...)."""
    loaded = spec.load(KITCHEN_SPEC)

    def render_lines(s: model.Spec, env: jinja2.Environment) -> dict[str, str]:
        return {"lines.txt": "\n".join(d.name.snake for d in s.definitions) + "\n"}

    seen: list[tuple[str, str]] = []

    def shout(text: str, where: str, builtin: bool) -> str:
        seen.append((text, where))
        return text.upper()

    lines = base.Target("lines", lambda s: [], str, render_lines, shout, ("lines/file.txt.j2",))
    files = render.render(loaded, targets=(lines,))
    assert files == {"lines.txt": render_lines(loaded, render.environment())["lines.txt"].upper()}
    assert seen == [(render_lines(loaded, render.environment())["lines.txt"], "lines/file.txt.j2")]
    unformatted = render.render(loaded, targets=(dataclasses.replace(lines, format=None),))
    assert unformatted["lines.txt"] == seen[0][0]


PYTHON_FAMILY = {"python_writer", "python", "msgspec", "pydantic", "docs_python"}


def imports_of(path: Path) -> set[str]:
    """The modules `path` imports: absolute ones by their top name, the package's own by their file
    stem (`from . import base`, `from .base import x`, `from .. import formatting`)."""
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0:
                out.add((node.module or "").split(".")[0])
            elif node.module:
                out.add(node.module.split(".")[-1])
            else:
                out |= {alias.name for alias in node.names}
    return out


def test_only_the_python_family_depends_on_black() -> None:
    """The layout black checks is the Python family's own (python_writer.py); what every target shares
    (base.py), and the TypeScript, JSON Schema and CLI docs targets, import black neither directly
    nor through another module of the generator."""
    package = Path(generator.__file__).resolve().parent
    files = {p.stem: p for p in [*package.glob("*.py"), *(package / "targets").glob("*.py")] if p.stem != "__init__"}
    graph = {name: imports_of(path) & set(files) - {name} for name, path in files.items()}
    direct = {name for name, path in files.items() if "black" in imports_of(path)}

    def reaches_black(name: str, seen: frozenset[str] = frozenset()) -> bool:
        return name in direct or any(reaches_black(n, seen | {name}) for n in graph[name] - seen)

    assert "python_writer" in direct
    targets_dir = {p.stem for p in (package / "targets").glob("*.py")} - {"__init__"}
    assert {name for name in targets_dir if reaches_black(name)} == PYTHON_FAMILY
