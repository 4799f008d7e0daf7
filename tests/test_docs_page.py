"""The generated docs page reproduces the vendor's page line for line."""

from __future__ import annotations

import re

import pytest

from conftest import GENERATED, SEED, SPEC
from generator import render, spec


def normalise(line: str) -> str:
    """What the scrape did to each line: leading whitespace to one space, trailing whitespace dropped."""
    return re.sub(r"^\s+", " ", line).rstrip()


def seed_lines() -> list[str]:
    if not SEED.is_file():
        pytest.skip(f"reference page not found at {SEED}")
    raw = SEED.read_text(encoding="utf-8").split("\n")[2:]  # two header lines, then "<n><text>"
    lines = []
    for number, line in enumerate(raw, start=1):
        match = re.match(r"^(\d+)(.*)$", line)
        assert match and int(match.group(1)) == number, f"seed line {number} is not numbered: {line!r}"
        lines.append(normalise(match.group(2)))
    return lines


def page_lines(text: str) -> list[str]:
    return [normalise(line) for line in text.removesuffix("\n").split("\n")]


def test_rendered_page_equals_the_reference_page_line_for_line() -> None:
    expected = seed_lines()
    files = render.render(spec.load(SPEC))
    got = page_lines(files["docs/cli/resources/webhooks/index.md"])
    assert len(expected) == 963
    for number, (want, have) in enumerate(zip(expected, got), start=1):
        assert have == want, f"line {number} differs"
    assert len(got) == len(expected)


def test_committed_page_equals_the_reference_page() -> None:
    got = page_lines((GENERATED / "docs/cli/resources/webhooks/index.md").read_text(encoding="utf-8"))
    assert got == seed_lines()


def test_published_page_has_no_generated_header() -> None:
    text = (GENERATED / "docs/cli/resources/webhooks/index.md").read_text(encoding="utf-8")
    assert text.startswith("# Webhooks\n")
    assert "DO NOT EDIT" not in text
