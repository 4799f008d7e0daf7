"""Table-driven golden tests: each tests/golden/<case>/spec.yaml renders to exactly <case>/expected/."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import KITCHEN_SPEC
from examples import constructs
from generator import output, render, spec

CASES = sorted(p.parent for p in (Path(__file__).parent / "golden").glob("*/spec.yaml"))
REFRESH = "make golden"


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_golden(case: Path) -> None:
    files = render.render(spec.load(case / "spec.yaml"))
    expected_dir = case / "expected"
    bookkeeping = {output.MANIFEST}
    on_disk = sorted(str(p.relative_to(expected_dir)) for p in expected_dir.rglob("*") if p.is_file() and p.name not in bookkeeping)
    assert on_disk == sorted(files), f"expected files differ for {case.name}; run `{REFRESH}` if the change is intended"
    for rel, text in files.items():
        want = (expected_dir / rel).read_bytes().decode("utf-8")
        assert text == want, f"{case.name}/expected/{rel} is out of date; run `{REFRESH}` if the change is intended"


def test_there_is_a_golden_case() -> None:
    assert CASES, "no golden cases found"


def test_kitchen_sink_uses_every_construct() -> None:
    """The fixture must keep covering the whole vocabulary, or the golden test proves less than it claims."""
    loaded = spec.load(KITCHEN_SPEC)
    assert {
        "string", "integer", "float", "boolean", "literal:str", "literal:int", "literal:bool", "enum",
        "open enum", "integer enum", "optional", "required", "nullable", "object", "array", "map", "ref", "union", "json", "object type",
        "named", "extends", "open object",
    } <= constructs(loaded)
