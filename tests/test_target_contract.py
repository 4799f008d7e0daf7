"""The target contract (generator/targets/__init__.py): every target keeps it, the generator renders
exactly the listed targets through it, and a target's own formatting step is applied to its outputs."""

from __future__ import annotations

import dataclasses

import jinja2
import pytest

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
        assert target.mapper(t), f"{target.name}-{kind.__name__}"


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
