"""Check the spec against every target's naming rules, then render every target. Writes nothing."""

from __future__ import annotations

import concurrent.futures
import contextlib
import multiprocessing
from pathlib import Path
from typing import Callable

import jinja2

from generator import model
from generator.problems import Problem, SpecError
from generator.targets import TARGETS, Target
from generator.targets.base import RenderError, indent_block

__all__ = ["BUILTIN_TEMPLATES", "TARGETS", "RenderError", "check", "checks", "environment", "render"]

# Installed from a wheel, the templates are package data; in the checkout, a folder beside the package.
_PACKAGED = Path(__file__).resolve().parent / "templates"
BUILTIN_TEMPLATES = _PACKAGED if _PACKAGED.is_dir() else Path(__file__).resolve().parent.parent / "templates"


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


def checks(targets: tuple[Target, ...] = TARGETS) -> list[Callable[[model.Spec], list[Problem]]]:
    """The targets' name checks, each once (targets that print another's names share its check)."""
    return list(dict.fromkeys(t.check for t in targets))


def check(spec: model.Spec, targets: tuple[Target, ...] = TARGETS) -> None:
    """Raise SpecError with every name some target cannot spell."""
    problems = [p for c in checks(targets) for p in c(spec)]
    if problems:
        raise SpecError(list(dict.fromkeys(problems)))


def render(
    spec: model.Spec,
    templates: Path | None = None,
    targets: tuple[Target, ...] = TARGETS,
    *,
    names_checked: bool = False,
) -> dict[str, str]:
    """Every output file of `spec`, as {path relative to the output folder: text}, in target order.

    A slow target whose output is not cached yet renders in a forked worker process meanwhile: on
    two cores its work then costs no wall time of its own (and a warm run starts no process at
    all). The worker inherits the spec rather than receiving a pickled copy, which at 1,000 events
    costs a fifth of a second and loses what the targets computed of it already.
    `names_checked`: the targets' name checks already ran (as `spec.load(checks=...)` runs them).
    """
    global _inherited
    if not names_checked:
        check(spec, targets)
    env = environment(templates)
    can_fork = "fork" in multiprocessing.get_all_start_methods()
    apart = [t for t in targets if can_fork and t.cached is not None and not t.cached(spec)]
    _inherited = (spec, templates)
    try:
        context = multiprocessing.get_context("fork") if apart else None
        with concurrent.futures.ProcessPoolExecutor(max_workers=1, mp_context=context) if apart else contextlib.nullcontext() as pool:
            futures = {t.name: pool.submit(render_alone, t.name) for t in apart} if pool else {}
            rendered: dict[str, dict[str, str]] = {}
            for target in targets:
                if target.name not in futures:
                    rendered[target.name] = produce(target, spec, env)
            for name, future in futures.items():
                rendered[name] = future.result()
    finally:
        _inherited = None
    files: dict[str, str] = {}
    for target in targets:
        files.update(rendered[target.name])
    return files


# What a forked worker renders: set by `render` before the fork.
_inherited: tuple[model.Spec, Path | None] | None = None


def render_alone(name: str) -> dict[str, str]:
    """One target, in a worker process (its errors come back to the caller as they are)."""
    assert _inherited is not None
    spec, templates = _inherited
    target = next(t for t in TARGETS if t.name == name)
    return produce(target, spec, environment(templates))


def produce(target: Target, spec: model.Spec, env: jinja2.Environment) -> dict[str, str]:
    """A target's files, through its formatting step if it has one."""
    files = target.render(spec, env)
    if target.format is None:
        return files
    # An error names the template the text came from, or (from another tool) the output file.
    return {rel: target.format(text, target.templates[0] if target.templates else rel) for rel, text in files.items()}

