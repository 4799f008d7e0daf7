"""The YAML examples in spec/README.md's editing guide load as the guide says they do.

A block whose first line is `# ok: <JSON>` is one field: loaded inside a tiny spec by the real
loader, its description, literal value or enum values must be as given. `# error: <text>` means the
loader rejects it with that text in the message. `# new event` is a type added to the spec as shipped (the frozen copy in tests/reference/).
"""

from __future__ import annotations

import dataclasses
import json
import re
import textwrap
from typing import Any

import pytest

from conftest import REFERENCE_SPEC, ROOT
from examples import events, field_summary
from generator import spec
from test_spec_changes import add_events

GUIDE = ROOT / "spec" / "README.md"
BLOCKS = re.findall(r"^```yaml\n(.*?)^```$", GUIDE.read_text(encoding="utf-8"), flags=re.S | re.M)
CHECKED = [b for b in BLOCKS if b.startswith(("# ok: ", "# error: ", "# new event\n"))]
FIELDS = [b for b in CHECKED if not b.startswith("# new event\n")]


def load_field(block: str) -> Any:
    """The one field a block defines, loaded as a field of a type in a tiny spec."""
    body = block.split("\n", 1)[1]
    text = "title: T\npage: p.md\nmodule: m\ntypes:\n  example:\n    standalone: true\n    fields:\n" + textwrap.indent(body, "      ")
    loaded = spec.parse(text, "guide.yaml", "guide.yaml")
    (obj,) = loaded.definitions
    (field,) = obj.fields
    return field


def test_the_guide_has_checked_examples() -> None:
    assert len(FIELDS) >= 20
    assert sum(b.startswith("# new event\n") for b in CHECKED) == 1


@pytest.mark.parametrize("block", FIELDS, ids=[b.split("\n", 1)[0][2:40] for b in FIELDS])
def test_each_quoting_example_loads_as_the_guide_says(block: str) -> None:
    claim = block.split("\n", 1)[0]
    if claim.startswith("# error: "):
        with pytest.raises(spec.SpecError) as info:
            load_field(block)
        assert claim.removeprefix("# error: ") in str(info.value)
    else:
        expected = json.loads(claim.removeprefix("# ok: "))
        got = field_summary(load_field(block))
        # Compared as JSON, so that true is not 1.
        assert json.dumps({k: got.get(k) for k in expected}) == json.dumps(expected)


TYPES = [b for b in BLOCKS if b.startswith(("# types ok: ", "# types error: "))]


def test_the_guide_shows_named_types_and_extends_and_their_errors() -> None:
    assert any(b.startswith("# types ok: ") for b in TYPES) and any(b.startswith("# types error: ") for b in TYPES)
    assert any("extends:" in b for b in TYPES) and any("enum:" in b and "fields:" not in b.split("enum:")[0] for b in TYPES)


@pytest.mark.parametrize("block", TYPES, ids=[b.split("\n", 1)[0][2:50] for b in TYPES])
def test_each_types_example_loads_as_the_guide_says(block: str) -> None:
    """A block of top-level types: `# types ok: {object: {field: summary}}` lists each named
    object's fields in order (inherited ones included) and what each loaded as."""
    claim, body = block.split("\n", 1)
    text = "title: T\npage: p.md\nmodule: m\ntypes:\n" + textwrap.indent(body, "  ")
    if claim.startswith("# types error: "):
        with pytest.raises(spec.SpecError) as info:
            spec.parse(text, "guide.yaml", "guide.yaml")
        assert claim.removeprefix("# types error: ") in str(info.value)
        return
    loaded = spec.parse(text, "guide.yaml", "guide.yaml")
    for name, fields in json.loads(claim.removeprefix("# types ok: ")).items():
        (obj,) = [o for o in loaded.objects if o.name.snake == name]
        assert [f.key for f in obj.fields] == list(fields)
        for f in obj.fields:
            got = field_summary(f)
            assert json.dumps({k: got.get(k) for k in fields[f.key]}) == json.dumps(fields[f.key]), f.key


SIGNATURES = [b for b in BLOCKS if b.startswith(("# signature: ", "# signature error: "))]
TINY = "title: T\npage: p.md\nmodule: m\ntypes:\n  example:\n    standalone: true\n    fields:\n      id: {type: string}\n"


def test_the_guide_shows_signature_settings_and_their_errors() -> None:
    assert any(b.startswith("# signature: ") for b in SIGNATURES)
    assert any(b.startswith("# signature error: ") for b in SIGNATURES)


@pytest.mark.parametrize("block", SIGNATURES, ids=[b.split("\n", 1)[0][2:50] for b in SIGNATURES])
def test_each_signature_example_loads_as_the_guide_says(block: str) -> None:
    claim, body = block.split("\n", 1)
    text = body + TINY
    if claim.startswith("# signature error: "):
        with pytest.raises(spec.SpecError) as info:
            spec.parse(text, "guide.yaml", "guide.yaml")
        assert claim.removeprefix("# signature error: ") in str(info.value)
        assert "guide.yaml:2:" in str(info.value)  # at the value's line, under `signature:`
    else:
        settings = spec.parse(text, "guide.yaml", "guide.yaml").signature
        assert json.loads(claim.removeprefix("# signature: ")) == dataclasses.asdict(settings)


def test_the_new_event_example_adds_an_event_to_the_shipped_spec() -> None:
    (block,) = [b for b in CHECKED if b.startswith("# new event\n")]
    new_types = textwrap.dedent(block.split("\n", 1)[1])
    loaded = spec.parse(add_events(REFERENCE_SPEC.read_text(encoding="utf-8"), new_types), "spec.yaml", "spec.yaml")
    name = new_types.split(":", 1)[0]
    added = [m for m in events(loaded) if m.object.name.snake == name]
    assert len(added) == 1
    assert added[0].tag == "fine_tuning.job.paused"


UNIONS = [b for b in BLOCKS if b.startswith("# union ok: ")]


def test_the_guide_shows_variants_of_one_event() -> None:
    assert UNIONS and any("[[" in b for b in TYPES)


@pytest.mark.parametrize("block", UNIONS, ids=[b.split("\n", 1)[0][2:50] for b in UNIONS])
def test_each_union_example_loads_as_the_guide_says(block: str) -> None:
    """`# union ok: {tag: [member, ...]}`: the last type is a union, its members by tag, in order."""
    claim, body = block.split("\n", 1)
    last = [line.split(":")[0] for line in body.splitlines() if line and not line.startswith(" ")][-1]
    text = f"title: T\npage: p.md\nmodule: m\nentry: {last}\ntypes:\n" + textwrap.indent(body, "  ")
    loaded = spec.parse(text, "guide.yaml", "guide.yaml")
    (union,) = loaded.unions
    got = {g.tag: [m.object.name.snake for m in g.members] for g in union.groups}
    assert list(got.items()) == list(json.loads(claim.removeprefix("# union ok: ")).items())
