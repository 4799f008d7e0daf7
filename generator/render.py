"""Check the spec against every target's naming rules, then render every target. Writes nothing."""

from __future__ import annotations

import contextlib
import multiprocessing
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, Callable, Generic, Iterable, TypeVar, cast

import jinja2
import jinja2.meta

from . import machine, model
from .problems import Problem, SpecError
from .targets import TARGETS, Prepared, Target, Tool, markdown_text
from .targets.base import RenderError, indent_block

__all__ = ["BUILTIN_TEMPLATES", "TARGETS", "RenderError", "check", "checks", "environment", "render"]

# Installed from a wheel, the templates are package data; in the checkout, a folder beside the package.
R = TypeVar("R")

# From this many objects on, and with two cores or more, the targets without a formatting step
# render in a forked worker while this process renders the others (at 1,000 events each half is
# about a second of CPU after a one-event edit); below it, a worker costs more than it saves.
SPLIT_MIN_OBJECTS = 200

_PACKAGED = Path(__file__).resolve().parent / "templates"
BUILTIN_TEMPLATES = _PACKAGED if _PACKAGED.is_dir() else Path(__file__).resolve().parent.parent / "templates"


def environment(templates: Path | None = None) -> jinja2.Environment:
    """Templates from `templates` (a user's overrides) first, then the built-in ones.

    Templates only lay out what the targets' mappers decided, so the filters are indentation and,
    for the docs pages, how spec text is written into Markdown (generator/targets/markdown_text.py).
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
    env.filters["md_code"] = markdown_text.code_span
    env.filters["md_text"] = markdown_text.plain_text
    env.filters["md_description"] = markdown_text.description
    env.tests["md_list"] = markdown_text.holds_list
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
    tool: Tool | None = None,
) -> dict[str, str]:
    """Every output file of `spec`, as {path relative to the output folder: text}, in target order.

    A slow target whose output is not cached yet renders in a forked worker process meanwhile: on
    two cores its work then costs no wall time of its own (and a warm run on a small spec starts no
    process at all). On a big spec it always does, and begins its work there: checking a cached
    output costs a third of a second at 1,000 events. The worker inherits the spec rather than
    receiving a pickled copy, which at 1,000 events costs a fifth of a second and loses what the
    targets computed of it already.
    `names_checked`: the targets' name checks already ran (as `spec.load(checks=...)` runs them).
    `tool`: the slow target's tool in a process started ahead (generator/standby.py), if one was.
    """
    if not names_checked:
        check(spec, targets)
    env = environment(templates)
    users = user_templates(templates)
    builtin = {t.name: t.format is not None and builtin_only(env, t.templates, users) for t in targets}
    can_fork = "fork" in multiprocessing.get_all_start_methods()
    big = can_fork and len(spec.objects) >= SPLIT_MIN_OBJECTS and machine.usable_cpus() > 1
    slow = [t for t in targets if t.prepare is not None]
    prepared = {} if big else {t.name: t.prepare(spec, tool) for t in slow if t.prepare is not None}
    with contextlib.ExitStack() as stack:
        apart: dict[str, Forked[dict[str, str]]] = {}
        for t in slow:
            if big or (can_fork and not prepared[t.name].cached):
                work = Forked(produce, t, spec, env, builtin[t.name], prepared.get(t.name), tool, others=apart.values())
                apart[t.name] = stack.enter_context(work)
        here = [t for t in targets if t.name not in apart]
        beside: list[Target] = []
        if big:
            beside = [t for t in here if t.format is None]
            here = [t for t in here if t.format is not None]
        group = (
            stack.enter_context(Forked(produce_all, beside, spec, env, builtin, prepared, others=apart.values()))
            if len(beside) > 0 and len(here) > 0
            else None
        )
        if group is None:
            here += beside
        outcomes = produce_all(here, spec, env, builtin, prepared)
        if group is not None:
            outcomes.update(group.result())
        rendered: dict[str, dict[str, str]] = {}
        for target in targets:  # the first error in target order, wherever it was rendered
            outcome = outcomes.get(target.name)
            if isinstance(outcome, BaseException):
                raise outcome
            if outcome is not None:
                rendered[target.name] = outcome
        for name, worker in apart.items():
            rendered[name] = worker.result()
    files: dict[str, str] = {}
    for target in targets:
        files.update(rendered[target.name])
    return files


def produce_all(
    targets: list[Target],
    spec: model.Spec,
    env: jinja2.Environment,
    builtin: dict[str, bool],
    prepared: dict[str, Prepared],
) -> dict[str, dict[str, str] | Exception]:
    """`produce` for each of `targets`, by name, up to the first that raises, whose error stands
    for its files (so that, rendered in two processes, the error reported is still the first
    target's in order)."""
    out: dict[str, dict[str, str] | Exception] = {}
    for t in targets:
        try:
            out[t.name] = produce(t, spec, env, builtin[t.name], prepared.get(t.name))
        except Exception as e:
            out[t.name] = e
            break
    return out


class Forked(Generic[R]):
    """`function(*args)` in a forked child process, which inherits the arguments (nothing is
    pickled but the result); `result()` returns it, or raises what the call raised. `others`: the
    workers forked before it, whose result pipes it must not hold open."""

    def __init__(self, function: Callable[..., R], *args: Any, others: Iterable[Forked[Any]] = ()) -> None:
        context = multiprocessing.get_context("fork")
        self._receive, send = context.Pipe(duplex=False)
        readers = (self._receive, *(other._receive for other in others))
        self._process = context.Process(target=self._child, args=(send, readers, function, args))
        self._process.start()
        send.close()

    @staticmethod
    def _child(
        send: Connection, readers: tuple[Connection, ...], function: Callable[..., object], args: tuple[Any, ...]
    ) -> None:
        # The fork copied the parent's ends of the result pipes, this one's included: closed here,
        # each is open only in the parent, so when the parent is gone (kill -9) sending a result
        # fails at once rather than waiting for a reader that never comes.
        for reader in readers:
            reader.close()
        try:
            outcome: tuple[bool, object] = (True, function(*args))
        except BaseException as e:  # every error goes back, to be raised in the caller as it is
            outcome = (False, e)
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the parent is gone: nobody to tell
            try:
                send.send(outcome)
            except (BrokenPipeError, ConnectionResetError):
                raise
            except Exception as e:  # an error that cannot be pickled
                send.send((False, RuntimeError(f"{type(outcome[1]).__name__}: {outcome[1]} ({e})")))

    def result(self) -> R:
        try:
            ok, value = self._receive.recv()
        except EOFError:
            raise RuntimeError(
                f"the worker process ended without a result (exit code {self._process.exitcode})"
            ) from None
        if not ok:
            assert isinstance(value, BaseException)
            raise value
        assert isinstance(value, dict)
        return cast(R, value)

    def __enter__(self) -> Forked[R]:
        return self

    def __exit__(self, *exc: object) -> None:
        self._receive.close()
        self._process.join(timeout=None if exc[0] is None else 0)
        if self._process.is_alive():
            self._process.terminate()
            self._process.join()


def produce(
    target: Target,
    spec: model.Spec,
    env: jinja2.Environment,
    builtin: bool,
    prepared: Prepared | None = None,
    tool: Tool | None = None,
) -> dict[str, str]:
    """A target's files (from its work begun, if it began it, else begun here with `tool` if it
    is a slow one), through its formatting step if it has one; `builtin`: only built-in templates
    wrote them."""
    if prepared is None and target.prepare is not None:
        prepared = target.prepare(spec, tool)
    files = target.render(spec, env) if prepared is None else prepared.render(env)
    if target.format is None:
        return files
    # An error names the template the text came from, or (from another tool) the output file.
    return {
        rel: target.format(text, target.templates[0] if target.templates else rel, builtin)
        for rel, text in files.items()
    }


def user_templates(templates: Path | None) -> frozenset[str]:
    """The names of the templates in a user's folder, each of which replaces the built-in one."""
    return frozenset(jinja2.FileSystemLoader(str(templates)).list_templates()) if templates is not None else frozenset()


def builtin_only(env: jinja2.Environment, entries: tuple[str, ...], users: frozenset[str]) -> bool:
    """Whether rendering the templates `entries` reads only built-in templates: none of them, and
    none that they import or include (by a name written in them), is in `users`."""
    if not entries or env.loader is None:
        return False
    seen: set[str] = set()
    todo = list(entries)
    while todo:
        name = todo.pop()
        if name in users:
            return False
        if name in seen:
            continue
        seen.add(name)
        try:
            source, _, _ = env.loader.get_source(env, name)
            referenced = list(jinja2.meta.find_referenced_templates(env.parse(source)))
        except jinja2.TemplateError:
            return False  # rendering reports it
        if None in referenced:
            return False  # a name computed while rendering
        todo += [r for r in referenced if r is not None]
    return True
