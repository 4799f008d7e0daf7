"""Typed routing, checked by the type checkers themselves on code written from the loaded spec: a
Python `match` on the event classes ending in `assert_never` (mypy --strict flags a missing case),
and a TypeScript `WebhookHandlers` record for `dispatch` (tsc flags a missing or foreign key, and
narrows each handler's event); the README's TypeScript imports compile under NodeNext and bundlers."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import GENERATED, ROOT, SPEC, import_path
from examples import events, example
from generator import spec
from generator.targets import python, typescript

SPEC_MODEL = spec.load(SPEC)
MODULE = SPEC_MODEL.module
TSC = ROOT / "node_modules" / ".bin" / "tsc"


def entry() -> spec.model.Union_:
    assert SPEC_MODEL.entry is not None
    return SPEC_MODEL.entry


# -- Python: match ... assert_never, under mypy --strict ----------------------------------------


def python_router(drop: str | None = None) -> str:
    """`route(event)`: one `case` per event class (less `drop`), the unknown type, `assert_never`."""
    classes = [python.class_name(m.object.name) for m in events(SPEC_MODEL)]
    union = python.class_name(entry().name)
    names = ", ".join(sorted({union, "UnknownWebhookEvent", *classes}))
    lines = [
        "from typing import assert_never",
        "",
        f"from {MODULE} import {names}",
        "",
        "",
        f"def route(event: {union} | UnknownWebhookEvent) -> str:",
        "    match event:",
    ]
    for cls in classes:
        if cls != drop:
            lines += [f"        case {cls}():", f"            return {cls!r}"]
    lines += ["        case UnknownWebhookEvent():", "            return event.type", "        case _:", "            assert_never(event)", ""]
    return "\n".join(lines)


def mypy(files: list[Path], tmp_path: Path) -> list[str]:  # also used by test_signing.py
    """mypy --strict's error lines on `files`, with the generated module importable as users vendor it."""
    env = {**os.environ, "MYPYPATH": str(GENERATED / "python")}
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-color-output", "--cache-dir", str(tmp_path / ".mypy_cache"), *map(str, files)],
        capture_output=True, text=True, timeout=600, env=env, cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode in (0, 1), done.stdout + done.stderr
    return [line for line in done.stdout.splitlines() if ": error:" in line]


@pytest.mark.spec_driven
def test_mypy_flags_a_missing_case_and_passes_a_complete_match(tmp_path: Path) -> None:
    dropped = python.class_name(events(SPEC_MODEL)[-1].object.name)
    complete, incomplete = tmp_path / "complete.py", tmp_path / "incomplete.py"
    complete.write_text(python_router(), encoding="utf-8")
    incomplete.write_text(python_router(drop=dropped), encoding="utf-8")
    errors = mypy([complete, incomplete], tmp_path)
    assert_never_line = incomplete.read_text().splitlines().index("            assert_never(event)") + 1
    assert [e for e in errors if not e.startswith("incomplete.py:")] == []  # the complete match
    assert len(errors) == 1, errors
    assert errors[0].startswith(f"incomplete.py:{assert_never_line}: error: ")
    assert f'incompatible type "{dropped}"' in errors[0], errors[0]


@pytest.mark.spec_driven
def test_the_complete_match_routes_every_event_to_its_case(tmp_path: Path) -> None:
    ow = import_path(GENERATED / "python" / f"{MODULE}.py", MODULE)
    (tmp_path / "router.py").write_text(python_router(), encoding="utf-8")
    sys.modules[MODULE] = ow
    router = import_path(tmp_path / "router.py", "router_under_test")
    for member in events(SPEC_MODEL):
        event = ow.parse_event(json.dumps(example(member.object, SPEC_MODEL)))
        assert router.route(event) == python.class_name(member.object.name)
    assert router.route(ow.parse_event(json.dumps({entry().discriminator: "no.such.type"}))) == "no.such.type"


# -- TypeScript: WebhookHandlers and dispatch, under tsc ------------------------------------------


def tsc_project(
    tmp_path: Path, sources: dict[str, str], module: str = "NodeNext", resolution: str = "NodeNext", **options: object
) -> list[str]:
    """Compile `sources` beside a copy of the generated module, with the strict flags; tsc's errors."""
    shutil.copy(GENERATED / "typescript" / f"{MODULE}.ts", tmp_path / f"{MODULE}.ts")
    for name, text in sources.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    config = json.loads((ROOT / "tsconfig.json").read_text())
    config["compilerOptions"].update(module=module, moduleResolution=resolution, noEmit=True, rootDir=str(tmp_path), **options)
    config["compilerOptions"].pop("outDir", None)
    config["compilerOptions"].pop("declaration", None)
    config["files"] = [str(tmp_path / f"{MODULE}.ts"), *(str(tmp_path / name) for name in sources)]
    (tmp_path / "tsconfig.json").write_text(json.dumps(config))
    (tmp_path / "package.json").write_text('{"type": "module"}')
    assert TSC.exists(), "node_modules is missing: `make test` installs it (npm ci)"
    done = subprocess.run([str(TSC), "-p", str(tmp_path / "tsconfig.json"), "--pretty", "false"], capture_output=True, text=True, timeout=300)
    errors = [line for line in done.stdout.splitlines() if ": error TS" in line]
    assert (done.returncode == 0) == (errors == []), done.stdout + done.stderr
    return errors


def ts_router(skip: str | None = None, extra: str | None = None) -> str:
    """A `WebhookHandlers` record, one handler per tag (less `skip`, plus `extra`): each handler
    assigns the event's tag to a variable typed as that one tag, which compiles only if narrowed."""
    key = typescript.string(entry().discriminator)
    lines = [
        f'import {{ dispatch, parseEvent, type WebhookHandlers }} from "./{MODULE}.js";',
        "",
        "export const handlers: WebhookHandlers<string> = {",
    ]
    for raw in dict.fromkeys(m.tag for m in events(SPEC_MODEL)):  # a tag's variants: one handler, given any of them
        tag = typescript.string(raw)
        if raw != skip:
            lines.append(f"  {tag}: (event) => {{ const tag: {tag} = event[{key}]; return tag; }},")
    if extra is not None:
        lines.append(f"  {typescript.string(extra)}: () => {typescript.string(extra)},")
    lines += ["};", "", 'export const routed: string = dispatch(parseEvent("{}"), handlers, (event) => event.raw.toString());', ""]
    return "\n".join(lines)


def test_tsc_passes_a_complete_record_and_narrows_each_handler(tmp_path: Path) -> None:
    assert tsc_project(tmp_path, {"routes.ts": ts_router()}) == []


def test_tsc_flags_a_missing_event_type(tmp_path: Path) -> None:
    missing = events(SPEC_MODEL)[-1].tag
    errors = tsc_project(tmp_path, {"routes.ts": ts_router(skip=missing)})
    assert len(errors) == 1, errors
    assert "error TS2741" in errors[0] and f"Property '{json.dumps(missing)}' is missing" in errors[0], errors[0]


def test_tsc_flags_an_event_type_the_spec_does_not_have(tmp_path: Path) -> None:
    foreign = "|".join(dict.fromkeys(m.tag for m in events(SPEC_MODEL))) + ".not-in-the-spec"
    errors = tsc_project(tmp_path, {"routes.ts": ts_router(extra=foreign)})
    assert len(errors) == 1 and "error TS2353" in errors[0] and json.dumps(foreign) in errors[0], errors


def test_tsc_flags_a_handler_that_expects_another_event(tmp_path: Path) -> None:
    tags = list(dict.fromkeys(m.tag for m in events(SPEC_MODEL)))
    if len(tags) < 2:
        pytest.skip("one event type: no other event to confuse it with")
    first, second = tags[0], tags[1]
    text = ts_router().replace(f"const tag: {typescript.string(first)} =", f"const tag: {typescript.string(second)} =", 1)
    errors = tsc_project(tmp_path, {"routes.ts": text})
    assert len(errors) == 1 and "error TS2322" in errors[0], errors


# -- TypeScript: the README's imports, under NodeNext and bundlers ---------------------------------


def readme_ts_imports() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"^```ts\n(.*?)^```$", text, re.S | re.M)
    # The imports of the generated file (relative ones); a snippet's `node:` imports are Node's.
    imports = [line for block in blocks for line in block.splitlines() if re.match(r'import .* from "\.', line)]
    assert imports, "no TypeScript import of the generated file in the README"
    return imports


@pytest.mark.parametrize("module,resolution", [("NodeNext", "NodeNext"), ("ES2022", "bundler"), ("Node16", "Node16")])
def test_the_readmes_imports_compile(tmp_path: Path, module: str, resolution: str) -> None:
    imports = readme_ts_imports()
    for line in imports:
        assert f'from "./{MODULE}.js"' in line, line
    sources = {f"user{i}.ts": f"{line}\nexport const used = [{', '.join(names(line))}];\n" for i, line in enumerate(imports)}
    # An import line alone: what it brings is unused, which the strict flags would report.
    assert tsc_project(tmp_path, sources, module, resolution, noUnusedLocals=False) == []


def names(import_line: str) -> list[str]:
    """The values an `import { a, type B, c } from ...` line brings (types left out)."""
    inside = import_line[import_line.index("{") + 1 : import_line.index("}")]
    return [n.strip() for n in inside.split(",") if n.strip() and not n.strip().startswith("type ")]


def test_nodenext_refuses_the_import_without_its_extension(tmp_path: Path) -> None:
    errors = tsc_project(tmp_path, {"user.ts": f'import {{ parseEvent }} from "./{MODULE}";\nexport const p = parseEvent;\n'})
    assert len(errors) == 1 and "error TS2835" in errors[0], errors


DISPATCH_SCRIPT = """
const ow = await import(process.argv[1]);
const { tags, payloads } = JSON.parse(process.argv[2]);
const handlers = Object.fromEntries(tags.map((tag) => [tag, (event) => `${tag} -> ${event[process.argv[3]]}`]));
console.log(JSON.stringify(payloads.map((p) => ow.dispatch(ow.parseEvent(p), handlers, (event) => `unknown ${event[process.argv[3]]}`))));
"""


def test_dispatch_calls_the_handler_of_each_event_type() -> None:
    done = subprocess.run([str(TSC), "-p", str(ROOT / "tsconfig.json")], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    members = events(SPEC_MODEL)
    discriminator = entry().discriminator
    payloads = [json.dumps(example(m.object, SPEC_MODEL, v)) for m in members for v in range(2)]
    payloads.append(json.dumps({discriminator: "no.such.type"}))
    built = ROOT / ".tsbuild" / "generated" / "typescript" / f"{MODULE}.js"
    arguments = json.dumps({"tags": [m.tag for m in members], "payloads": payloads})
    done = subprocess.run(
        ["node", "--input-type=module", "-e", DISPATCH_SCRIPT, str(built), arguments, discriminator],
        capture_output=True, text=True, timeout=120, cwd=ROOT,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    expected = [f"{m.tag} -> {m.tag}" for m in members for _ in range(2)] + ["unknown no.such.type"]
    assert json.loads(done.stdout) == expected
