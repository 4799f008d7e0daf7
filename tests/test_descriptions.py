"""Descriptions are data, never code: any text comes out verbatim in Markdown and cannot break Python."""

from __future__ import annotations

import ast
import html
import re

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import fuzz_docs
from conftest import KITCHEN
from generator.targets import docs_cli, docs_python, markdown_text, python_writer
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
    assert eval('"""' + python_writer.py_escape(text) + '"""') == text  # noqa: S307 - the point of the test


@settings(max_examples=25, deadline=None)
@example('"""')
@example('ends with a quote"')
@example("ends with a backslash\\")
@given(st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=60).filter(lambda s: s.strip()))
def test_any_description_compiles_and_survives(description: str) -> None:
    loaded = spec.parse(tiny_spec(description), "t.yaml", "t.yaml")
    # Every target but datamodel-code-generator's, which would run afresh for each example (half a
    # second each); the hostile description above goes through it, and so do the fuzzer's specs.
    files = render.render(loaded, targets=tuple(t for t in render.TARGETS if t.prepare is None))
    module = files["python/m.py"]
    compile(module, "m.py", "exec")  # black already parsed it; this proves it again
    found = docstrings(module)
    # black re-indents docstrings and strips their outer whitespace; the words are kept exactly
    assert " ".join(found["E"].split()) == " ".join(description.split())
    assert " ".join(found["EData"].split()) == " ".join(description.split())
    page = files["docs/p.md"]
    # The title is plain text: rendered, the heading has the title's words (on one line).
    heading = re.search(r"<h1>(.*?)</h1>", fuzz_docs.plain_markdown(page), re.S)
    assert heading is not None
    assert html.unescape(heading.group(1)).split() == markdown_text.normalise(title_for(description)).split()
    first, *rest = markdown_text.description(description).split("\n")
    assert f"\n  {first}" in page


# -- spec text in the docs pages: Markdown that carries no HTML, script or unsafe link ------------


def docs_pages(text: str) -> dict[str, str]:
    loaded = spec.parse(text, "t.yaml", "t.yaml")
    return render.render(loaded, targets=(docs_cli.TARGET, docs_python.TARGET))


@pytest.mark.parametrize("payload", fuzz_docs.PAYLOADS)
def test_hostile_spec_text_is_no_markup_in_the_docs_pages(payload: str) -> None:
    """As title, description, JSON key and literal value: no element but Markdown's, no handler, no
    link elsewhere than http(s) or relative, and the text is still there to read."""
    key = payload.replace("\\", "/").replace('"', "'").replace("\n", " ").replace("\t", " ")[:100]
    key = "".join(c if c.isprintable() else "?" for c in key)
    for name, page in docs_pages(fuzz_docs.spec_text(payload, [payload], keys=[key], values=[payload])).items():
        assert fuzz_docs.scan_markdown(page, name) == []
    if payload.startswith("<"):
        # Raw HTML is escaped, not dropped: the reader sees it as the spec writes it.
        page = docs_pages(fuzz_docs.spec_text("T", [payload], keys=[], values=[]))["docs/hostile/index.md"]
        text = html.unescape(re.sub(r"<[^>]*>", "", fuzz_docs.plain_markdown(page)))
        assert payload in text


def test_markdown_meant_as_markdown_still_renders() -> None:
    text = "Some *emphasis*, `code`, [a link](https://example.com/?a=1&b=2), [another](../other.md):\n\n- one\n- two"
    page = docs_pages(fuzz_docs.spec_text("T", [text], keys=[], values=[]))["docs/hostile/index.md"]
    rendered = fuzz_docs.plain_markdown(page)
    assert "<em>emphasis</em>" in rendered and "<code>code</code>" in rendered
    assert '<a href="https://example.com/?a=1&amp;b=2">a link</a>' in rendered
    assert '<a href="../other.md">another</a>' in rendered
    assert "<li>one</li>" in rendered and "<li>two</li>" in rendered


@pytest.mark.parametrize("label", ["a`b", "`x", "x``", "```", "a ` `` ``` b", " a ", "<b>x</b>", "`<img src=x onerror=alert(1)>`"])
def test_code_span_fence_is_longer_than_any_backtick_run(label: str) -> None:
    """CommonMark: a span ends at the first run of as many backticks as opened it; one space is
    stripped from each end when both ends have one."""
    span = markdown_text.code_span(label)
    fence = len(span) - len(span.lstrip("`"))
    assert fence > max((len(r) for r in re.findall("`+", label)), default=0)
    inner = span[fence:-fence]
    if inner.startswith(" ") and inner.endswith(" ") and inner.strip(" "):
        inner = inner[1:-1]
    assert inner == label


def test_every_line_of_a_description_stays_inside_its_bullet() -> None:
    """Markdown ends a line at a CR too; the page indents after LF: a lone CR must not leave a line
    unindented (`# x` there would end the list)."""
    page = docs_pages(fuzz_docs.spec_text("T", ["first\rsecond\r\nthird\n# fourth"], keys=[], values=[]))["docs/hostile/index.md"]
    lines = page.split("\n")
    k = next(n for n, line in enumerate(lines) if line.strip() == "- `f0: string`")
    pad = " " * (len(lines[k]) - len(lines[k].lstrip()) + 2)
    assert lines[k + 1 : k + 6] == ["", pad + "first", pad + "second\r", pad + "third", pad + "# fourth"]


def test_json_key_with_backticks_stays_inside_its_code_span() -> None:
    key = "a`b``<img src=x onerror=alert(1)>"
    page = docs_pages(fuzz_docs.spec_text("T", ["d"], keys=[key], values=[]))["docs/hostile/index.md"]
    assert f"<code>{html.escape(key, quote=False)}: number</code>" in fuzz_docs.plain_markdown(page)
