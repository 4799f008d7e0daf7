"""`diff OLD NEW`: each rule against the generated decoders, random edits of the fixtures, the CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import KITCHEN_SPEC, ROOT, SPEC
from diff_oracle import Tally, check, module_of, run
from generator import diff, spec
from spec_mutator import read, write

TINY = """\
title: Tiny
page: tiny/index.md
module: tiny
entry: tiny_event
types:
  other:
    fields:
      x: {{type: string}}
  pay:
    discriminator: kind
    union: [card, cash]
  card:
    fields:
      kind: {{literal: card}}
  cash:
    fields:
      kind: {{literal: cash}}
  thing:
    description: A thing.
    fields:
      type: {{literal: thing}}
      f: {field}
      o: {{type: other, optional: true}}
      p: {{type: pay, optional: true}}
  tiny_event:
    discriminator: type
    union: [thing]
"""

# (the field `f` in OLD, in NEW, the kind of change, breaking?): each derived from what the decoder does.
RULES = [
    ("{type: string}", "{type: string, optional: true}", "made-optional", True),  # NEW may leave it out
    ("{type: string, optional: true}", "{type: string}", "made-required", False),
    ("{type: string}", "{type: string, nullable: true}", "made-nullable", True),  # OLD rejects null
    ("{type: string, nullable: true}", "{type: string}", "made-non-nullable", False),
    ("{type: integer}", "{type: float}", "retyped", True),  # 0.5
    ("{type: float}", "{type: integer}", "retyped", False),  # OLD's float takes integers
    ("{type: string}", "{enum: [a, b]}", "retyped", False),
    ("{enum: [a, b]}", "{type: string}", "retyped", True),
    ("{enum: [a, b], open: true}", "{type: string}", "retyped", False),  # an open enum takes any string
    ("{type: boolean}", "{literal: true}", "retyped", False),
    ("{literal: 3}", "{type: integer}", "retyped", True),
    ("{type: integer}", "{literal: 3}", "retyped", False),
    ("{literal: a}", "{literal: b}", "literal-changed", True),
    ("{literal: 1}", "{literal: true}", "literal-changed", True),  # 1 == True in Python, not in JSON
    ("{enum: [a, b]}", "{enum: [a, b, c]}", "enum-value-added", True),
    ("{enum: [a, b]}", "{enum: [a]}", "enum-value-removed", False),
    ("{enum: [a, b], open: true}", "{enum: [a, b, c], open: true}", "enum-value-added", False),
    ("{enum: [a, b]}", "{enum: [a, b], open: true}", "enum-opened", True),
    ("{enum: [a, b], open: true}", "{enum: [a, b]}", "enum-closed", False),
    ("{items: integer}", "{items: float}", "retyped", True),
    ("{values: float}", "{values: integer}", "retyped", False),
    ("{values: string}", "{fields: {a: {type: string}}}", "retyped", True),  # an object's unknown keys
    ("{fields: {a: {type: string, optional: true}}}", "{values: string}", "retyped", False),
    ("{fields: {a: {type: string}}}", "{values: string}", "retyped", True),  # {} lacks `a`
    ("{fields: {a: {type: string}}}", "{fields: {a: {type: string}, b: {type: integer}}}", "field-added", False),
    ("{fields: {a: {type: string}, b: {type: integer}}}", "{fields: {a: {type: string}}}", "field-removed", True),
    (
        "{fields: {a: {type: string}, b: {type: integer, optional: true}}}",
        "{fields: {a: {type: string}}}",
        "field-removed",
        True,  # NEW no longer says what `b` holds; OLD still checks it
    ),
    ("{type: string, description: Old.}", "{type: string, description: New.}", "description-changed", False),
    ("{type: string}", "{type: string, deprecated: Use b.}", "deprecation-changed", False),
    ("{type: string, deprecated: true}", "{type: string}", "deprecation-changed", False),
    ("{enum: [1, 2]}", "{enum: [1, 2, 3]}", "enum-value-added", True),
    ("{enum: [1, 2]}", "{enum: [1]}", "enum-value-removed", False),
    ("{enum: [a, b]}", "{enum: [1, 2]}", "retyped", True),
    ("{enum: [1, 2]}", "{type: integer}", "retyped", True),  # 0 is outside OLD
    ("{type: integer}", "{enum: [1, 2]}", "retyped", False),
    ("{enum: [1, 2]}", "{type: string}", "retyped", True),
    ("{type: other}", "{fields: {x: {type: string}, y: {type: integer}}}", "field-added", False),
    ("{type: pay}", "{type: card}", "retyped", False),
    ("{type: card}", "{type: pay}", "literal-changed", True),  # NEW may send the other member
    ("{type: pay}", "{items: pay}", "retyped", True),
    ("{type: pay}", "{fields: {kind: {type: other}}}", "discriminator-changed", True),  # no tag OLD can read
    ("{type: pay}", "{fields: {kind: {enum: [card, cash]}}}", "retyped", False),  # each value dispatches
    ("{type: string}", "{items: string}", "retyped", True),
    ("{type: string}", "{type: json}", "retyped", True),  # any JSON value: 1 too
    ("{type: json}", "{type: string}", "retyped", False),
    ("{type: json}", "{type: object}", "retyped", False),
    ("{type: object}", "{type: json}", "retyped", True),  # [] is no object
    ("{values: string}", "{type: object}", "retyped", True),  # {"k": 1}
    ("{type: object}", "{values: string}", "retyped", False),
    ("{fields: {a: {type: string, optional: true}}}", "{type: object}", "retyped", True),  # {"a": 1}
    ("{type: object}", "{type: object, nullable: true}", "made-nullable", True),
    ("{type: json}", "{type: string, nullable: true}", "retyped", False),  # json takes null already
    ("{type: string, nullable: true}", "{type: json}", "retyped", True),
    ("{literal: -2}", "{literal: 2}", "literal-changed", True),
    ("{literal: false}", "{type: boolean}", "retyped", True),
    ("{enum: [3, -1]}", "{literal: 3}", "retyped", False),
    ("{items: {type: string, description: Old.}}", "{items: {type: string, description: New.}}", "description-changed", False),
    ("{values: string}", "{values: {type: string, description: New.}}", "description-changed", False),
    ("{items: {values: {type: json, description: Old.}}}", "{items: {values: json}}", "description-changed", False),
    # a format narrows what NEW sends (safe); removed or changed, NEW sends strings OLD's decoder rejects
    ("{type: string}", "{type: string, format: date-time}", "format-added", False),
    ("{type: string, format: date-time}", "{type: string}", "format-removed", True),  # "x"
    ("{type: string, format: date}", "{type: string, format: date-time}", "format-changed", True),
    ("{items: {type: string, format: uuid}}", "{items: string}", "format-removed", True),
    ("{type: string, format: uuid, nullable: true}", "{type: string, format: email, nullable: true}", "format-changed", True),
    ("{type: string, format: email}", "{enum: [a@example.com]}", "retyped", False),
    ("{enum: [a, b], open: true}", "{type: string, format: uri}", "retyped", False),
    ("{enum: [a, b]}", "{type: string, format: uri}", "retyped", True),
    ("{type: string}", "{type: string, vendor_format: opaque, description: D.}", "description-changed", False),
    # an open object's other keys (other_values:): checked by NEW where OLD kept anything is safe, and the reverse breaks
    ("{fields: {a: {type: string}}}", "{fields: {a: {type: string}}, other_values: integer}", "other-values-added", False),
    ("{fields: {a: {type: string}}, other_values: integer}", "{fields: {a: {type: string}}}", "other-values-removed", True),
    ("{fields: {a: {type: string}}, other_values: integer}", "{fields: {a: {type: string}}, other_values: string}", "retyped", True),
    ("{fields: {a: {type: string}}, other_values: string}", "{fields: {a: {type: string}}, other_values: {enum: [x]}}", "retyped", False),
    ("{fields: {a: {type: string}}, other_values: integer}", "{fields: {a: {type: string}}, other_values: {type: integer, nullable: true}}", "made-nullable", True),
    ("{fields: {a: {type: string}}, other_values: {type: integer, description: A.}}", "{fields: {a: {type: string}}, other_values: {type: integer, description: B.}}", "description-changed", False),
    # a field added where OLD checked the key as an other key: breaking when OLD's type rejects the field's values
    ("{fields: {a: {type: string}}, other_values: integer}", "{fields: {a: {type: string}, b: {type: string}}, other_values: integer}", "field-added", True),
    ("{fields: {a: {type: string}}, other_values: integer}", "{fields: {a: {type: string}, b: {type: integer}}, other_values: integer}", "field-added", False),
    # a field removed where NEW checks the key as an other key: breaking when NEW's type takes what OLD's field did not
    ("{fields: {a: {type: string}, b: {type: integer, optional: true}}, other_values: string}", "{fields: {a: {type: string}}, other_values: string}", "field-removed", True),
    ("{fields: {a: {type: string}, b: {type: integer, optional: true}}, other_values: integer}", "{fields: {a: {type: string}}, other_values: integer}", "field-removed", False),
]


def tiny(field: str) -> spec.model.Spec:
    return spec.parse(TINY.format(field=field), "tiny.yaml", "tiny.yaml")


@pytest.mark.parametrize(("old", "new", "kind", "breaking"), RULES, ids=[f"{o} -> {n}" for o, n, _, _ in RULES])
def test_rule(old: str, new: str, kind: str, breaking: bool) -> None:
    a, b = tiny(old), tiny(new)
    changes = diff.diff(a, b)
    found = [c for c in changes if c.kind == kind]
    assert found, changes
    assert {c.breaking for c in found} == {breaking}, found
    assert any(c.path.startswith("$.f") for c in found), found
    # ... and the decoders agree: nothing NEW accepts is rejected by OLD unless breaking, witnesses hold
    tally = Tally()
    am, bm = module_of(a), module_of(b)
    assert check(a, am, b, bm, tally) == []
    if breaking:
        witness = next(c.witness for c in found if c.breaking)
        assert witness is not None
        with pytest.raises(am.WebhookDecodeError) as e:
            am.parse_event(json.dumps(witness))
        assert e.value.path.startswith("$.f"), e.value
        assert type(bm.parse_event(json.dumps(witness))).__name__ == "Thing"


def test_events_added_and_removed() -> None:
    text = SPEC.read_text(encoding="utf-8")
    a = spec.parse(text, "a.yaml", "a.yaml")
    assert a.entry is not None
    first = a.entry.members[0]
    # NEW without the first event: removed, safe; the other way: added, safe (UnknownWebhookEvent)
    data = read(text)
    data["types"][data["entry"]]["union"].remove(first.object.name.snake)
    data["types"][first.object.name.snake]["standalone"] = True
    b = spec.parse(write(data), "b.yaml", "b.yaml")
    assert b.entry is not None and len(b.entry.members) == len(a.entry.members) - 1
    assert [(c.kind, c.event, c.breaking) for c in diff.diff(a, b)] == [("event-removed", first.tag, False)]
    assert [(c.kind, c.event, c.breaking) for c in diff.diff(b, a)] == [("event-added", first.tag, False)]
    am, bm = module_of(a), module_of(b)
    assert check(a, am, b, bm, Tally()) == [] and check(b, bm, a, am, Tally()) == []


def test_nested_union_member_added_and_removed() -> None:
    """A union inside an event has no fallback for a tag it does not know: a member added breaks."""
    one = TINY.format(field="{type: pay}").replace("union: [card, cash]", "union: [card]")
    a = spec.parse(one.replace("  cash:\n", "  cash:\n    standalone: true\n"), "a.yaml", "a.yaml")
    b = tiny("{type: pay}")
    added = diff.diff(a, b)
    assert {(c.kind, c.path, c.breaking) for c in added} == {("member-added", "$.f<cash>", True), ("member-added", "$.p<cash>", True)}
    assert [(c.kind, c.breaking) for c in diff.diff(b, a)] == [("member-removed", False)] * 2
    am, bm = module_of(a), module_of(b)
    assert check(a, am, b, bm, Tally()) == [] and check(b, bm, a, am, Tally()) == []


def test_entry_discriminator_changed() -> None:
    a = tiny("{type: string}")
    text = TINY.format(field="{type: string}").replace("      type: {literal: thing}", "      kind2: {literal: thing}")
    b = spec.parse(text.replace("discriminator: type", "discriminator: kind2"), "b.yaml", "b.yaml")
    changes = diff.diff(a, b)
    assert [(c.kind, c.event, c.breaking) for c in changes] == [
        ("discriminator-changed", None, False),
        ("discriminator-changed", "thing", True),
    ]
    am, bm = module_of(a), module_of(b)
    assert check(a, am, b, bm, Tally()) == [] and check(b, bm, a, am, Tally()) == []


def test_a_named_enum_changed_is_a_change_at_every_field_of_it() -> None:
    """A named enum (or scalar) is the type it names at each field: a value added to it is an
    enum-value-added at every field that names it, and writing it out in place is no change."""
    named = TINY.format(field="{type: code}").replace(
        "      o: {type: other, optional: true}", "      g: {items: code}\n      o: {type: other, optional: true}"
    ) + "  code:\n    enum: [a, b]\n"
    a = spec.parse(named, "a.yaml", "a.yaml")
    b = spec.parse(named.replace("enum: [a, b]", "enum: [a, b, c]"), "b.yaml", "b.yaml")
    changes = diff.diff(a, b)
    assert {(c.kind, c.path, c.breaking) for c in changes} == {("enum-value-added", "$.f", True), ("enum-value-added", "$.g[*]", True)}, changes
    am, bm = module_of(a), module_of(b)
    assert check(a, am, b, bm, Tally()) == [] and check(b, bm, a, am, Tally()) == []
    inline = spec.parse(named.replace("{type: code}", "{enum: [a, b]}").replace("{items: code}", "{items: {enum: [a, b]}}").replace("    enum: [a, b]\n", "    enum: [a, b]\n    standalone: true\n"), "c.yaml", "c.yaml")
    assert diff.diff(a, inline) == []


def test_same_spec_has_no_changes() -> None:
    for path in (SPEC, KITCHEN_SPEC):
        loaded = spec.load(path)
        assert diff.diff(loaded, loaded) == []


def test_random_edits_against_the_decoders() -> None:
    """A few hundred random edits of the fixtures (each both ways); `make fuzz` runs thousands."""
    tally, failures, _ = run(cases=int(os.environ.get("DIFF_CASES", "300")), seed=20)
    assert not failures, "\n\n".join(failures[:3])
    assert tally.pairs >= 300 and tally.witnesses > 50 and tally.rejected_by_old > 50, tally
    seen = {k.rsplit(" ", 1)[0] for k in tally.kinds}
    assert {"event-added", "event-removed", "field-added", "field-removed", "retyped", "made-optional"} <= seen, seen
    assert {"made-nullable", "enum-value-added", "enum-value-removed", "literal-changed"} <= seen, seen
    assert {"format-added", "format-removed", "format-changed"} <= seen, seen


# -- the command ---------------------------------------------------------------------------------

HOSTILE = "Ends a fence ``` `code` <script>alert(1)</script> | pipe @someone #1 \x1b[31mred\x1b[0m"


def cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "generator", "diff", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )


@pytest.fixture
def pair(tmp_path: Path) -> tuple[Path, Path]:
    old, new = tmp_path / "old.yaml", tmp_path / "new.yaml"
    old.write_text(TINY.format(field="{type: integer}"), encoding="utf-8")
    new.write_text(
        TINY.format(field="{type: float, description: " + json.dumps(HOSTILE) + "}").replace("A thing.", "A thing!"),
        encoding="utf-8",
    )
    return old, new


def test_exit_status_follows_fail_on(pair: tuple[Path, Path], tmp_path: Path) -> None:
    old, new = pair
    assert cli(str(old), str(new)).returncode == 1
    assert cli(str(old), str(new), "--fail-on", "never").returncode == 0
    assert cli(str(old), str(old)).returncode == 0
    assert cli(str(old), str(old), "--fail-on", "any").returncode == 0
    safe = tmp_path / "safe.yaml"
    safe.write_text(TINY.format(field="{type: integer}").replace("A thing.", "Another."), encoding="utf-8")
    assert cli(str(old), str(safe)).returncode == 0
    assert cli(str(old), str(safe), "--fail-on", "any").returncode == 1


def test_bad_input_is_located_exit_2(pair: tuple[Path, Path], tmp_path: Path) -> None:
    old, _ = pair
    broken = tmp_path / "broken.yaml"
    broken.write_text(TINY.format(field="{type: strin}"), encoding="utf-8")
    r = cli(str(old), str(broken))
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr.startswith(f"{broken}:") and "unknown type 'strin'" in r.stderr
    openapi = tmp_path / "vendor.yaml"
    openapi.write_text("openapi: 3.1.0\ninfo: {title: x, version: '1'}\nwebhooks: {}\n", encoding="utf-8")
    r = cli(str(openapi), str(old))
    assert r.returncode == 2 and r.stderr.startswith(f"{openapi}: /webhooks: "), r.stderr
    assert cli(str(tmp_path / "missing.yaml"), str(old)).returncode == 2


def test_text_escapes_spec_text(pair: tuple[Path, Path]) -> None:
    r = cli(*map(str, pair))
    assert "\x1b" not in r.stdout and "\\x1b[31mred" in r.stdout
    assert "BREAKING  $.f  retyped: integer -> float" in r.stdout
    assert "witness: " in r.stdout


def test_markdown_keeps_spec_text_in_code(pair: tuple[Path, Path]) -> None:
    r = cli(*map(str, pair), "--format", "markdown")
    out = r.stdout
    assert r.returncode == 1 and out.startswith("### Webhook spec diff: 1 breaking")
    # the hostile description is only inside a fence longer than its own backtick run
    for line in out.splitlines():
        if "<script>" in line:
            assert line.startswith("  + ") or line.startswith("  - "), line
    assert "  ````diff" in out and "\x1b" not in out
    assert "```json" in out


def test_json_is_stable_and_documented(pair: tuple[Path, Path]) -> None:
    r = cli(*map(str, pair), "--format", "json")
    document = json.loads(r.stdout)
    assert list(document) == ["format", "old", "new", "breaking", "safe", "changes"]
    assert document["format"] == diff.JSON_FORMAT and document["breaking"] == 1
    for c in document["changes"]:
        assert list(c) == ["event", "path", "kind", "class", "old", "new", "witness"]
        assert c["kind"] in diff.KINDS and c["class"] in ("breaking", "safe")
        assert (c["witness"] is not None) == (c["class"] == "breaking")
    assert r.stdout == cli(*map(str, pair), "--format", "json").stdout
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for kind in diff.KINDS:
        assert f"`{kind}`" in readme, f"README's table of changes lacks {kind}"


def test_help_shows_an_example() -> None:
    r = cli("--help")
    assert r.returncode == 0 and "example: python -m generator diff old.yaml new.yaml" in r.stdout


def test_an_openapi_document_is_imported_on_the_fly() -> None:
    """The vendor's document against the shipped spec: the events it has and the spec lacks are reported added
    (safe: they reach an old receiver as UnknownWebhookEvent), each under its tag."""
    from generator.importers import openapi

    vendor = ROOT / "tests" / "fixtures" / "openai" / "openapi-webhooks.yaml"
    r = cli(str(SPEC), str(vendor), "--format", "json")
    assert r.returncode in (0, 1), r.stderr
    added = {c["event"] for c in json.loads(r.stdout)["changes"] if c["kind"] == "event-added"}
    imported = diff.import_openapi(vendor, str(vendor))
    shipped = spec.load(SPEC)
    assert imported.entry is not None and shipped.entry is not None
    tags = {m.tag for m in imported.entry.members} - {m.tag for m in shipped.entry.members}
    assert tags and added == tags
    assert openapi.import_file(vendor, str(vendor)).text  # the same importer as `import openapi`


def variants_of(text: str, entry: list[str]) -> spec.model.Spec:
    """The kitchen sink with the entry union's variants of `order.updated` written as `entry`."""
    data = read(text)
    union = data["types"][data["entry"]]["union"]
    union[-1] = entry
    data["types"]["order_updated_new_event"] = {
        "fields": {"id": {"type": "string"}, "type": {"literal": "order.updated"}, "diff": {"items": "json"}}
    }
    data["types"]["order_updated_new_event"]["standalone"] = True
    return spec.parse(write(data), "k.yaml", "k.yaml")


def test_variants_added_removed_and_reordered_are_classified_with_witnesses() -> None:
    """A variant added is breaking (OLD rejects its payloads); one removed is safe (NEW sends fewer
    shapes); reordered, a payload both take decodes as another class: breaking."""
    text = KITCHEN_SPEC.read_text(encoding="utf-8")
    first, legacy, new = "order_updated_event", "order_updated_legacy_event", "order_updated_new_event"
    base = variants_of(text, [first, legacy])
    cases = {
        "added": (base, variants_of(text, [first, legacy, new]), True),
        "removed": (variants_of(text, [first, legacy, new]), base, False),
        "reordered": (base, variants_of(text, [legacy, first]), True),
    }
    for what, (old, new_spec, breaking) in cases.items():
        changes = [c for c in diff.diff(old, new_spec) if c.kind == "variants-changed"]
        assert len(changes) == 1, what
        (c,) = changes
        assert c.event == "order.updated" and c.breaking is breaking, what
        if breaking:
            side_old, side_new = diff.Side(old), diff.Side(new_spec)
            assert c.witness is not None and side_new.decode_event(c.witness) == "order.updated", what
            assert side_old.decode_event(c.witness) is None or side_old.variant(old.entry, c.witness) != side_new.variant(
                new_spec.entry, c.witness
            ), what
