"""Descriptions are data, never code: any text comes out verbatim in Markdown and cannot break Python."""

from __future__ import annotations

import ast

from hypothesis import example, given, settings
from hypothesis import strategies as st

from conftest import KITCHEN
from generator.targets import base
from generator import render, spec

HOSTILE = 'A second line; "quotes", back\\slashes, `ticks`, {{ braces }}, {% tags %} and """triple""" quotes.'


def yaml_quoted(text: str) -> str:
    """A YAML double-quoted scalar for any text: everything but printable ASCII escaped."""
    return '"' + "".join(c if " " <= c <= "~" and c not in '"\\' else f"\\U{ord(c):08x}" for c in text) + '"'


def title_for(description: str) -> str:
    """The description as the title too, where a title may be it (one line of printable text)."""
    return description if description.isprintable() else "T"


def tiny_spec(description: str) -> str:
    quoted = yaml_quoted(description)
    return f"""
title: {yaml_quoted(title_for(description))}
page: p.md
module: m
entry: u
types:
  e:
    description: {quoted}
    fields:
      type: {{literal: e, description: {quoted}}}
      data:
        description: {quoted}
        fields:
          x: {{type: string, description: {quoted}}}
  u:
    description: {quoted}
    discriminator: type
    union: [e]
"""


def docstrings(source: str) -> dict[str, str]:
    out = {}
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ClassDef):
            doc = ast.get_docstring(node, clean=False)
            if doc is not None:
                out[node.name] = doc
    return out


def test_kitchen_sink_description_is_verbatim_in_markdown_and_python() -> None:
    files = render.render(spec.load(KITCHEN / "spec.yaml"))
    page = files["docs/kitchen/index.md"]
    assert f"  {HOSTILE}\n" in page
    module = files["python/kitchen_sink.py"]
    doc = docstrings(module)["OrderPlacedEvent"].rstrip()  # black may move the closing quotes down
    assert doc == "Sent when an order is placed.\n    " + HOSTILE


@given(st.text())
def test_py_escape_round_trips_any_text(text: str) -> None:
    assert eval('"""' + base.py_escape(text) + '"""') == text  # noqa: S307 - the point of the test


@settings(max_examples=25, deadline=None)
@example('"""')
@example('ends with a quote"')
@example("ends with a backslash\\")
@given(st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=60).filter(lambda s: s.strip()))
def test_any_description_compiles_and_survives(description: str) -> None:
    loaded = spec.parse(tiny_spec(description), "t.yaml", "t.yaml")
    # Every target but datamodel-code-generator's, which would run afresh for each example (half a
    # second each); the hostile description above goes through it, and so do the fuzzer's specs.
    files = render.render(loaded, targets=tuple(t for t in render.TARGETS if t.cached is None))
    module = files["python/m.py"]
    compile(module, "m.py", "exec")  # black already parsed it; this proves it again
    found = docstrings(module)
    # black re-indents docstrings and strips their outer whitespace; the words are kept exactly
    assert " ".join(found["E"].split()) == " ".join(description.split())
    assert " ".join(found["EData"].split()) == " ".join(description.split())
    page = files["docs/p.md"]
    assert page.startswith(f"# {title_for(description)}\n")
    first, *rest = description.split("\n")
    assert f"\n  {first}" in page
