"""UnknownWebhookEvent exposes the envelope: the fields every member of the entry union requires
under the same JSON key and type, computed from the spec, the same in Python and TypeScript."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from conftest import ROOT, SPEC, import_path
from generator import model, render, spec
from generator.targets import base, python, typescript

TSC = ROOT / "node_modules" / ".bin" / "tsc"

HEAD = "title: T\npage: t/index.md\nmodule: {module}\nentry: thing_event\ntypes:\n"
NOTHING_SHARED = """\
  a_happened:
    fields:
      type: {literal: a}
      id: {type: string}
  b_happened:
    fields:
      type: {literal: b}
      id: {type: integer}
      created_at: {type: integer}
  thing_event:
    discriminator: type
    union: [a_happened, b_happened]
"""
ID_SHARED = """\
  a_happened:
    fields:
      type: {literal: a}
      id: {type: string}
      created_at: {type: integer, optional: true}
      tags: {items: string}
  b_happened:
    fields:
      created_at: {type: integer}
      id: {type: string, description: Another description changes nothing.}
      type: {literal: b}
      tags: {items: integer}
  thing_event:
    discriminator: type
    union: [a_happened, b_happened]
"""
# Every kind of shared value: checked scalars (an enum, a literal, a nullable) and an array, as it came;
# `raw` is shared too, but UnknownWebhookEvent has a `raw` of its own.
KINDS = """\
  a_happened:
    fields:
      type: {literal: a}
      level: {enum: [low, high]}
      version: {literal: 2}
      score: {type: float}
      live: {type: boolean}
      note: {type: string, nullable: true}
      labels: {items: string}
      raw: {type: string}
  b_happened:
    fields:
      type: {literal: b}
      level: {enum: [low, high]}
      version: {literal: 2}
      score: {type: float}
      live: {type: boolean}
      note: {type: string, nullable: true}
      labels: {items: string}
      raw: {type: string}
  thing_event:
    discriminator: type
    union: [a_happened, b_happened]
"""
CASES = {"nothing": (NOTHING_SHARED, []), "id": (ID_SHARED, ["id"]), "kinds": (KINDS, ["level", "version", "score", "live", "note", "labels"])}


def load(tmp_path: Path, name: str, text: str) -> model.Spec:
    path = tmp_path / f"{name}.yaml"
    path.write_text(HEAD.format(module=name) + text, encoding="utf-8")
    return spec.load(path)


@pytest.mark.parametrize("name", CASES)
def test_the_envelope_is_computed_from_the_spec(tmp_path: Path, name: str) -> None:
    text, keys = CASES[name]
    loaded = load(tmp_path, name, text)
    assert loaded.entry is not None
    assert [f.key for f in base.envelope(loaded.entry)] == keys


def test_the_shipped_spec_envelope_is_what_every_member_requires() -> None:
    """Of the shipped spec (whatever events it has now), the envelope is each field every member
    requires under one key and type, the discriminator and UnknownWebhookEvent's own names left out."""
    loaded = spec.load(SPEC)
    assert loaded.entry is not None
    members = loaded.entry.members
    every = {
        f.key
        for f in members[0].object.fields
        if not f.optional
        and f.key != loaded.entry.discriminator
        and all(any(g.key == f.key and g.type == f.type and not g.optional for g in m.object.fields) for m in members)
    }
    assert {f.key for f in base.envelope(loaded.entry)} == every - base.UNKNOWN_EVENT_OWN


def unknown_payload(loaded: model.Spec, values: dict[str, Any]) -> dict[str, Any]:
    assert loaded.entry is not None
    return {loaded.entry.discriminator: "not.a.known.event", **values}


def python_properties(module: Any) -> dict[str, str]:
    cls = module.UnknownWebhookEvent
    return {n: v.__doc__ for n, v in vars(cls).items() if isinstance(v, property)}


GOOD = {"id": "evt_1", "created_at": 1_700_000_000, "level": "high", "version": 2, "score": 1, "live": False, "note": None, "labels": ["x"]}
WRONG = {"id": 5, "created_at": 1.5, "level": 3, "version": "2", "score": "1", "live": 0, "note": 7, "labels": {"a": 1}}


def test_python_and_typescript_expose_the_same_fields_alike(tmp_path: Path) -> None:
    specs = {name: load(tmp_path, name, text) for name, (text, _) in CASES.items()}
    specs["shipped"] = spec.load(SPEC)
    expected: dict[str, Any] = {}
    sources = []
    for name, loaded in specs.items():
        assert loaded.entry is not None
        files = render.render(loaded, targets=(python.TARGET, typescript.TARGET))
        py = tmp_path / f"{loaded.module}.py"
        py.write_text(files[python.path(loaded)], encoding="utf-8")
        m = import_path(py, f"envelope_{name}")
        envelope = base.envelope(loaded.entry)
        assert set(python_properties(m)) == {python.attr(f.ident) for f in envelope}
        results = []
        for values in (GOOD, WRONG, {}):
            event = m.parse_event(json.dumps(unknown_payload(loaded, values)))
            assert isinstance(event, m.UnknownWebhookEvent)
            results.append({f.key: getattr(event, python.attr(f.ident)) for f in envelope})
        # The usual values come back, others and absent ones are None (an array as it came).
        assert results[0] == {f.key: GOOD[f.key] for f in envelope}
        assert results[1] == {f.key: (WRONG[f.key] if base.envelope_kind(f.type) is None else None) for f in envelope}
        assert results[2] == {f.key: None for f in envelope}
        expected[name] = results
        ts = tmp_path / f"{loaded.module}.ts"
        ts.write_text(files[typescript.path(loaded)], encoding="utf-8")
        sources.append(str(ts))

    config = json.loads((ROOT / "tsconfig.json").read_text())
    config["compilerOptions"].update(outDir=str(tmp_path / "out"), rootDir=str(tmp_path))
    config["files"] = sources
    (tmp_path / "tsconfig.json").write_text(json.dumps(config))
    (tmp_path / "package.json").write_text('{"type": "module"}')
    assert TSC.exists(), "node_modules is missing: `make test` installs it (npm ci)"
    done = subprocess.run([str(TSC), "-p", str(tmp_path / "tsconfig.json")], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    script = """
    const [specs] = JSON.parse(process.argv[1]);
    const out = {};
    for (const [name, c] of Object.entries(specs)) {
      const m = await import(c.file);
      const getters = Object.entries(Object.getOwnPropertyDescriptors(m.UnknownWebhookEvent.prototype))
        .filter(([, d]) => d.get !== undefined).map(([k]) => k);
      out[name] = { getters, results: c.payloads.map((p) => {
        const event = m.parseEvent(JSON.stringify(p));
        if (!(event instanceof m.UnknownWebhookEvent)) throw new Error("not unknown");
        return Object.fromEntries(getters.map((k) => [k, event[k] === undefined ? null : event[k]]));
      }) };
    }
    console.log(JSON.stringify(out));
    """
    cases = {
        name: {
            "file": str(tmp_path / "out" / f"{loaded.module}.js"),
            "payloads": [unknown_payload(loaded, v) for v in (GOOD, WRONG, {})],
        }
        for name, loaded in specs.items()
    }
    run = subprocess.run(["node", "--input-type=module", "-e", script, json.dumps([cases])], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    got = json.loads(run.stdout)
    for name, loaded in specs.items():
        assert loaded.entry is not None
        assert got[name]["getters"] == [f.key for f in base.envelope(loaded.entry)]
        assert got[name]["results"] == expected[name], name


def test_the_envelope_is_what_every_variant_of_a_tag_has_too() -> None:
    """A tag's variants are members like any other: a field the legacy shape lacks is no envelope field."""
    text = (
        "title: T\npage: p.md\nmodule: m\nentry: e\ntypes:\n"
        "  a: {fields: {id: {type: string}, created_at: {type: integer}, type: {literal: a}}}\n"
        "  b_new: {fields: {id: {type: string}, created_at: {type: integer}, type: {literal: b}}}\n"
        "  b_old: {fields: {id: {type: string}, type: {literal: b}}}\n"
        "  e: {discriminator: type, union: [a, [b_new, b_old]]}\n"
    )
    loaded = spec.parse(text, "v.yaml", "v.yaml")
    assert loaded.entry is not None and [g.tag for g in loaded.entry.groups] == ["a", "b"]
    assert [f.key for f in loaded.entry.shared_fields] == ["id"]
    alone = text.replace("[a, [b_new, b_old]]", "[a, b_new]").replace("  b_old: {fields:", "  b_old: {standalone: true, fields:")
    without = spec.parse(alone, "v.yaml", "v.yaml")
    assert without.entry is not None and [f.key for f in without.entry.shared_fields] == ["id", "created_at"]
