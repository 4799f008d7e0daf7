"""The TypeScript target's own rules: names it refuses, descriptions that cannot break a comment,
keys an ordinary object inherits, all checked on small specs compiled with the strict flags."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from conftest import ROOT
from generator import render, spec
from generator.problems import SpecError
from generator.targets import typescript

TSC = ROOT / "node_modules" / ".bin" / "tsc"

AWKWARD = """\
title: Awkward */ title
page: awkward/index.md
module: awkward
entry: thing_event

types:
  thing_happened:
    description: |-
      Ends a comment */ early? Not here. /* nor this; @param tags and `ticks` stay.
      Second line with a lone * and a trailing backslash \\
    fields:
      type: {literal: thing.happened}
      constructor: {type: string, description: "A key Object.prototype has: never inherited */"}
      value_of: {type: integer, optional: true, description: An integer.}
      counts: {values: integer, optional: true}

  thing_event:
    discriminator: type
    union: [thing_happened]
"""


def load(tmp_path: Path, text: str) -> spec.model.Spec:
    path = tmp_path / "spec.yaml"
    path.write_text(text, encoding="utf-8")
    return spec.load(path)


@pytest.mark.parametrize(
    "name", ["promise", "record", "error", "uint8_array", "webhook_decode_error", "headers_like", "webhook_handlers", "sign_options"]
)
def test_type_names_the_module_or_the_language_already_use_are_refused(tmp_path: Path, name: str) -> None:
    text = AWKWARD.replace("thing_happened", name)
    with pytest.raises(SpecError) as e:
        render.check(load(tmp_path, text), (typescript.TARGET,))
    assert f"would be the TypeScript type {typescript.type_name(spec.model.Name(name))}" in str(e.value)


def test_a_discriminator_unknown_events_cannot_hold_is_refused(tmp_path: Path) -> None:
    text = AWKWARD.replace("type: {literal", "raw: {literal").replace("discriminator: type", "discriminator: raw")
    problems = typescript.check(load(tmp_path, text))
    assert any("UnknownWebhookEvent uses that name" in p.message for p in problems)


def test_descriptions_cannot_end_the_comment_early() -> None:
    assert typescript.tsdoc("a */ b") == "/**\n * a *\\/ b\n */"
    assert typescript.string("é\u2028\"") == '"\\u00e9\\u2028\\""'
    assert typescript.step("odd key") == '["odd key"]' and typescript.step("ok") == ".ok" and typescript.step("ключ") == ".ключ"


def test_an_awkward_spec_compiles_strictly_and_behaves(tmp_path: Path) -> None:
    files = render.render(load(tmp_path, AWKWARD), targets=(typescript.TARGET,))
    source = files["typescript/awkward.ts"]
    assert "*\\/ early" in source and "hasOwn(v, \"constructor\")" in source
    (tmp_path / "awkward.ts").write_text(source, encoding="utf-8")
    config = json.loads((ROOT / "tsconfig.json").read_text())
    config["compilerOptions"].update(outDir=str(tmp_path / "out"), rootDir=str(tmp_path))
    config["files"] = [str(tmp_path / "awkward.ts")]
    (tmp_path / "tsconfig.json").write_text(json.dumps(config))
    (tmp_path / "package.json").write_text('{"type": "module"}')
    assert TSC.exists(), "node_modules is missing: `make test` installs it (npm ci)"
    done = subprocess.run([str(TSC), "-p", str(tmp_path / "tsconfig.json")], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    script = """
    const m = await import(process.argv[1]);
    const out = [];
    const attempt = (body) => { try { return JSON.stringify(m.parseEvent(body)); } catch (e) { return String(e); } };
    out.push(attempt('{"type": "thing.happened"}'));
    out.push(attempt('{"type": "thing.happened", "constructor": "c", "__proto__": 5, "value_of": 1, "counts": {"a b": 1, "é": 2}}'));
    out.push(attempt('{"type": "thing.happened", "constructor": "c", "value_of": 1.5}'));
    out.push(attempt('{"type": "thing.happened", "constructor": "c", "counts": {"é": 2.5}}'));
    out.push(String(({}).polluted));
    console.log(JSON.stringify(out));
    """
    run = subprocess.run(["node", "--input-type=module", "-e", script, str(tmp_path / "out" / "awkward.js")], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout) == [
        "WebhookDecodeError: $.constructor: required key is missing",
        '{"type":"thing.happened","constructor":"c","__proto__":5,"value_of":1,"counts":{"a b":1,"é":2}}',
        "WebhookDecodeError: $.value_of: expected an integer, got a number (1.5)",
        "WebhookDecodeError: $.counts.é: expected an integer, got a number (2.5)",
        "undefined",
    ]


@pytest.mark.parametrize("lib", ["ES2022,DOM", "ES2022,WebWorker"])
def test_the_module_also_compiles_beside_the_dom_types(tmp_path: Path, lib: str) -> None:
    """It declares no globals, so a project's own `lib` (browser, worker, edge) cannot clash with it.
    Compiled outside the repository, where no node_modules/@types is found."""
    source = tmp_path / "openai_webhooks.ts"
    source.write_text((ROOT / "generated" / "typescript" / "openai_webhooks.ts").read_text(encoding="utf-8"), encoding="utf-8")
    assert TSC.exists(), "node_modules is missing: `make test` installs it (npm ci)"
    flags = ["--strict", "--noUncheckedIndexedAccess", "--exactOptionalPropertyTypes", "--target", "ES2022", "--module", "ES2022"]
    done = subprocess.run(
        [str(TSC), *flags, "--lib", lib, "--noEmit", str(source)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
