"""The generated docs page reproduces the vendor's page line for line.

The vendor's page (tests/reference/webhooks_page.scrape.txt) documents a fixed set of events, so it
is compared with the render of the frozen spec transcribed from it (tests/reference/openai_webhooks.yaml),
never with the live spec, which may have gained events since.
"""

from __future__ import annotations

import re

import pytest

from conftest import GENERATED, REFERENCE_PAGE, REFERENCE_SPEC, SPEC
from generator import render, spec


def normalise(line: str) -> str:
    """What the scrape did to each line: leading whitespace to one space, trailing whitespace dropped."""
    return re.sub(r"^\s+", " ", line).rstrip()


def reference_lines() -> list[str]:
    raw = REFERENCE_PAGE.read_text(encoding="utf-8").split("\n")[2:]  # two header lines, then "<n><text>"
    lines = []
    for number, line in enumerate(raw, start=1):
        match = re.match(r"^(\d+)(.*)$", line)
        assert match and int(match.group(1)) == number, f"reference line {number} is not numbered: {line!r}"
        lines.append(normalise(match.group(2)))
    return lines


def page_lines(text: str) -> list[str]:
    return [normalise(line) for line in text.removesuffix("\n").split("\n")]


def test_reference_spec_renders_the_reference_page_line_for_line() -> None:
    expected = reference_lines()
    loaded = spec.load(REFERENCE_SPEC)
    files = render.render(loaded)
    got = page_lines(files[f"docs/{loaded.page}"])
    assert len(expected) == 963
    for number, (want, have) in enumerate(zip(expected, got), start=1):
        assert have == want, f"line {number} differs"
    assert len(got) == len(expected)


@pytest.mark.spec_driven
def test_published_page_has_no_generated_header() -> None:
    loaded = spec.load(SPEC)
    text = (GENERATED / "docs" / loaded.page).read_text(encoding="utf-8")
    assert text.startswith(f"# {loaded.title}\n")
    assert "DO NOT EDIT" not in text


@pytest.mark.spec_driven
def test_every_event_of_the_live_spec_has_its_section_on_the_page() -> None:
    loaded = spec.load(SPEC)
    text = (GENERATED / "docs" / loaded.page).read_text(encoding="utf-8")
    for d in loaded.definitions:
        assert f"### {d.name.title}\n" in text, d.name.snake
        assert f"- `{d.name.snake}: " in text, d.name.snake
