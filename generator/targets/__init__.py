"""The outputs of a spec, one module each, and the contract every one of them keeps (`Target`).

A target has a naming policy (`check`), a type mapper (a `match` over the model's type classes
ending in `assert_never`), its outputs (`render`) and, optionally, a formatting step its outputs
go through (black for Python; gofmt would be a Go target's). `TARGETS` lists them in the order
they are rendered.
"""

from __future__ import annotations

from typing import Any, Callable, Protocol

import jinja2

from .. import model
from ..problems import Problem

# A run of a slow target's tool in a process started ahead (generator/standby.py): the tool's
# input and the output's header, to its output.
Tool = Callable[[dict[str, Any], str], str]


class Prepared(Protocol):
    """A slow target's work on one spec, begun: whether its output is in the cache, and its files."""

    @property
    def cached(self) -> bool: ...

    def render(self, env: jinja2.Environment) -> dict[str, str]: ...


class Target(Protocol):
    """One output of the spec."""

    @property
    def name(self) -> str: ...

    @property
    def check(self) -> Callable[[model.Spec], list[Problem]]:
        """The naming policy: every name of the spec this target cannot spell, located."""

    @property
    def mapper(self) -> Callable[[model.Type], object]:
        """What a field of each type becomes in this output (an annotation, a schema, a summary)."""

    @property
    def render(self) -> Callable[[model.Spec, jinja2.Environment], dict[str, str]]:
        """The outputs, as {path relative to the output folder: text}, before `format`."""

    @property
    def format(self) -> Callable[[str, str, bool], str] | None:
        """The formatting step, if any: (text, its name for messages, whether the built-in
        templates wrote it) -> the formatted text, raising RenderError for code that does not
        parse. What the built-in templates wrote is in the formatter's style already, but where
        they left a line for it (see formatting.left_for_black); what a user's templates or
        another tool wrote is not."""

    @property
    def templates(self) -> tuple[str, ...]:
        """The templates `render` starts from, where it has a formatting step (its errors name the
        first; an output from another tool has none). When none of them, nor any template they
        import or include, is a user's, the formatting step is told the built-in ones wrote it."""

    @property
    def prepare(self) -> Callable[[model.Spec, Tool | None], Prepared] | None:
        """For a slow target whose work is cached: that work begun (what `render` would compute
        first), given the process of its tool started ahead, if one was (generator/standby.py).
        When its output is not cached yet, it renders in a process of its own, in parallel with the
        other targets."""


from . import docs_cli, docs_python, json_schema, msgspec, pydantic, python, typescript  # noqa: E402

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
