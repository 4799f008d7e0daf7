"""Hostile and mistaken specs: each is a located error (file:line:col), never a traceback, never a hang."""

from __future__ import annotations

import ast
import io
import json
import re
import subprocess
import textwrap
import time
import tokenize
from pathlib import Path

import jsonschema
import pytest

from generator import datamodel_tool, render, spec
from generator.targets import msgspec as msgspec_target
from generator.targets import pydantic as pydantic_target
from generator.targets import python as python_target
from generator.targets import typescript as typescript_target
from conftest import KITCHEN_SPEC, ROOT, import_path, run, snapshot

HEAD = """\
title: T
page: t/index.md
module: m
entry: u
types:
  u: {discriminator: type, union: [a]}
  a:
    fields:
      type: {literal: a}
"""

# name -> (lines after HEAD, at the indentation of a's fields, or a whole spec; expected "line:col: message" prefixes)
CASES: dict[str, tuple[str, list[str]]] = {
    "a date literal": ("      f: {literal: 2024-02-30}", ["10:20: literal '2024-02-30' is a date in YAML; quote it"]),
    "0x_": ("      f: {literal: 0x_}", ["10:20: literal '0x_' is not a string, a decimal integer"]),
    "5,000 digits": ("      f: {literal: " + "9" * 5000 + "}", ["10:20: literal '999"]),
    "sexagesimal": ("      f: {literal: 1:30}", ["10:20: literal '1:30' is not a string"]),
    "yes": ("      f: {literal: yes}", ["10:20: literal 'yes' is not a string"]),
    "a float literal": ("      f: {literal: 1.5}", ["10:20: literal '1.5' is a float in YAML"]),
    "!!int tag": ("      f: {literal: !!int abc}", ["10:20: YAML tags (tag:yaml.org,2002:int) are not part of the spec language"]),
    "!!timestamp tag": ("      f: {literal: !!timestamp x}", ["10:20: YAML tags (tag:yaml.org,2002:timestamp)"]),
    "!!python tag": ("      f: !!python/object:os.system {type: string}", ["10:10: YAML tags (tag:yaml.org,2002:python/object:os.system)"]),
    "an anchor": ("      f: &x {type: string}\n      g: *x", ["10:10: YAML anchors (&name)", "11:10: YAML aliases (*name)"]),
    "a lone surrogate": ('      f: {type: string, description: "a \\ud800 b"}', ["10:38: description contains a lone surrogate (\\ud800)"]),
    "yes as a flag": ("      f: {type: string, optional: yes}", ["10:35: optional must be true or false"]),
    "': ' in a description": ("      f: {type: string}\n      g:\n        type: string\n        description: Note: it breaks", ["13:26: YAML syntax error: mapping values are not allowed here; quote this value: it contains ': '"]),
    "a leading backtick": ("      f:\n        type: string\n        description: `code` first", ["12:22: YAML syntax error: found character '`' that cannot start any token; quote this value: it starts with '`'"]),
    "a type nothing uses": ("  loose:\n    fields:\n      x: {type: string}", ["10:3: type 'loose' is in no union and nothing refers to it"]),
    "json on the discriminator": ("  b:\n    fields:\n      type: {literal: b, json: kind}\n  w: {discriminator: type, union: [b]}", ["12:26: field 'type' is the discriminator of a union"]),
    "two fields, one json key": ("      content_type: {type: string, json: content-type}\n      ct: {type: string, json: content-type}", ["11:7: fields 'content_type' and 'ct' have the same JSON key 'content-type'"]),
    "a repeated union member": ("  b:\n    fields:\n      type: {literal: b}\n  w: {discriminator: type, union: [b, b], standalone: true}", ["13:39: duplicate union member 'b'"]),
    "a repeated variant": ("  b:\n    fields:\n      type: {literal: b}\n  c:\n    fields:\n      type: {literal: b}\n  w: {discriminator: type, union: [[b, c, b]], standalone: true}", ["16:43: duplicate union member 'b'"]),
    "a member that was a variant": ("  b:\n    fields:\n      type: {literal: b}\n  c:\n    fields:\n      type: {literal: b}\n  w: {discriminator: type, union: [[b, c], c], standalone: true}", ["16:44: duplicate union member 'c'"]),
    "a repeated enum value": ("      f: {enum: [x, y, x]}", ["10:24: duplicate enum value 'x'"]),
    "a long type name": ("  " + "a" * 101 + ":\n    standalone: true\n    fields:\n      x: {type: string}", ["10:3: type name 'aaa"]),
}


def broken(lines: str) -> str:
    return HEAD + lines + "\n"


@pytest.mark.parametrize("name", sorted(CASES))
def test_hostile_spec_is_a_located_error(name: str) -> None:
    lines, expected = CASES[name]
    with pytest.raises(spec.SpecError) as e:
        spec.parse(broken(lines), "s.yaml", "s.yaml")
    got = [str(p) for p in e.value.problems]
    for want in expected:
        assert any(line.startswith("s.yaml:" + want) for line in got), f"{want!r} not in {got}"


def test_a_standalone_type_is_accepted() -> None:
    loaded = spec.parse(broken("  loose:\n    standalone: true\n    fields:\n      x: {type: string}"), "s.yaml", "s.yaml")
    assert [d.name.snake for d in loaded.definitions] == ["u", "a", "loose"] or {d.name.snake for d in loaded.definitions} == {"u", "a", "loose"}


def test_a_json_key_is_used_on_the_wire_and_the_name_in_code() -> None:
    loaded = spec.parse(broken("      content_type: {type: string, json: content-type}"), "s.yaml", "s.yaml")
    (f,) = [f for o in loaded.objects for f in o.fields if f.name == "content_type"]
    assert (f.key, f.ident) == ("content-type", "content_type")


def test_an_alias_bomb_is_refused_at_once(project: Path) -> None:
    """Nine levels of aliases, each repeating the last ten times: 10^9 nodes if expanded."""
    levels = ["a0: &a0 {type: string}"] + [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 10)]
    bomb = "title: T\npage: t.md\nmodule: m\nbomb:\n" + textwrap.indent("\n".join(levels), "  ") + "\ntypes: {}\n"
    assert len(bomb) < 1500
    (project / "spec" / "bomb.yaml").write_text(bomb)
    before = snapshot(project / "generated")
    started = time.monotonic()
    result = run("generate", "--spec", "spec/bomb.yaml", "--out", "generated", cwd=project)
    assert time.monotonic() - started < 60
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "spec/bomb.yaml:5:" in result.stderr and "YAML anchors" in result.stderr
    assert snapshot(project / "generated") == before


@pytest.mark.parametrize("bad", ["      f: {literal: !!int abc}", '      f: {type: string, description: "\\ud800"}', "      f: {literal: 0x_}"])
def test_hostile_specs_exit_2_through_the_cli(project: Path, bad: str) -> None:
    (project / "spec" / "bad.yaml").write_text(broken(bad))
    before = snapshot(project / "generated")
    for command in ("generate", "check"):
        result = run(command, "--spec", "spec/bad.yaml", "--out", "generated", cwd=project)
        assert result.returncode == 2, result.stderr
        assert "Traceback" not in result.stderr
        assert result.stderr.startswith("spec/bad.yaml:10:")
    assert snapshot(project / "generated") == before


@pytest.mark.parametrize("char", ["\0", "\a", "\x1b", "\x7f", "\ufffe"], ids=["NUL", "BEL", "ESC", "DEL", "U+FFFE"])
def test_a_character_yaml_refuses_is_reported_where_it_is_on_one_line(project: Path, char: str) -> None:
    lines = "      f: {type: string}\r\n      g: {type: string, description: ab" + char + "cd}"
    column = len("      g: {type: string, description: ab") + 1
    (project / "spec" / "bad.yaml").write_bytes(broken(lines).encode("utf-8"))
    before = snapshot(project / "generated")
    result = run("generate", "--spec", "spec/bad.yaml", "--out", "generated", cwd=project)
    assert result.returncode == 2
    assert result.stderr.startswith(f"spec/bad.yaml:11:{column}: character U+{ord(char):04X} is not allowed in YAML")
    assert result.stderr.count("\n") == 1, result.stderr
    assert snapshot(project / "generated") == before


def test_a_spec_that_is_not_utf8_is_reported_where_the_bad_byte_is(project: Path) -> None:
    before = "      f: {type: string, description: caf"
    (project / "spec" / "bad.yaml").write_bytes(broken(before + "\xe9}").encode("latin-1"))
    result = run("check", "--spec", "spec/bad.yaml", "--out", "generated", cwd=project)
    assert result.returncode == 2
    assert result.stderr == f"spec/bad.yaml:10:{len(before) + 1}: the spec is not UTF-8: byte 0xe9 invalid continuation byte; save the file as UTF-8\n"


# A spec's file name may hold any character but "/" and NUL; it is printed in each module's header.
HOSTILE_FILE_NAMES = {
    "a line break and a coding line": "b\n# -*- coding: latin-1 -*-\n#.yaml",
    "a coding declaration": "x coding:latin-1 .yaml",
    "JavaScript line breaks": "a\u2028b\u2029c\rd.yaml",
    "a backslash at the end": "a.yaml\\",
}


@pytest.mark.parametrize("name", sorted(HOSTILE_FILE_NAMES))
def test_a_spec_file_name_stays_inside_the_header_comment(tmp_path: Path, name: str) -> None:
    """The header names the spec's file; its name must neither add a line nor become the encoding
    declaration (a module read as latin-1 would turn the title's "é" into "Ã©")."""
    title = "Café ✓"
    path = tmp_path / HOSTILE_FILE_NAMES[name]
    path.write_text(KITCHEN_SPEC.read_text(encoding="utf-8").replace("title: Kitchen Sink", f"title: {title}"), encoding="utf-8")
    loaded = spec.load(path, checks=render.checks())
    targets = (python_target.TARGET, msgspec_target.TARGET, pydantic_target.TARGET, typescript_target.TARGET)
    files = render.render(loaded, targets=targets)
    assert len(files) == len(targets)
    for rel, text in files.items():
        header = [i for i, line in enumerate(text.split("\n")) if "Code generated by webhookgen" in line]
        assert len(header) == 1, rel
        following = text.split("\n")[header[0] + 1]
        assert following.startswith(("# ", "// ")), f"{rel}: the line after the header is {following!r}"
        assert "-*- coding" not in text.replace(text.split("\n")[header[0]], ""), rel
        if rel.endswith(".py"):
            assert tokenize.detect_encoding(io.BytesIO(text.encode("utf-8")).readline)[0] == "utf-8", rel
            docstring = ast.get_docstring(ast.parse(text.encode("utf-8")))  # bytes: decoded as Python would
            assert docstring is not None and docstring.startswith(title), rel
    check = "const ts = require('typescript'); const out = ts.transpileModule(require('fs').readFileSync(0, 'utf8'), {reportDiagnostics: true}); console.log(out.diagnostics.length);"
    (ts_file,) = [text for rel, text in files.items() if rel.endswith(".ts")]
    done = subprocess.run(["node", "-e", check], input=ts_file, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert (done.returncode, done.stdout.strip()) == (0, "0"), done.stderr


@pytest.mark.parametrize("title", ['"A\\n\\n# x"', '"A\\rB"', '"A\\u2028B"', '"tab\\there"'])
def test_a_title_is_one_line_of_printable_text(project: Path, title: str) -> None:
    (project / "spec" / "bad.yaml").write_text(KITCHEN_SPEC.read_text(encoding="utf-8").replace("title: Kitchen Sink", f"title: {title}"))
    line = next(i for i, text in enumerate((project / "spec" / "bad.yaml").read_text().split("\n"), 1) if text.startswith("title:"))
    before = snapshot(project / "generated")
    result = run("generate", "--spec", "spec/bad.yaml", "--out", "generated", cwd=project)
    assert result.returncode == 2
    assert result.stderr == f"spec/bad.yaml:{line}:8: title must be one line of printable text (no line breaks or control characters)\n"
    assert snapshot(project / "generated") == before


@pytest.mark.parametrize("page", ['"a\\nb.md"', '"a/\\u2028/index.md"', '"a\\tb.md"'])
def test_a_page_path_has_no_control_characters(page: str) -> None:
    with pytest.raises(spec.SpecError) as e:
        spec.parse(broken("").replace("page: t/index.md", f"page: {page}"), "s.yaml", "s.yaml")
    assert str(e.value).startswith("s.yaml:2:7: page ") and "control characters" in str(e.value)


def imported_modules(source: str) -> set[str]:
    """The top-level modules a Python file imports, anywhere in it (under `if TYPE_CHECKING:` too)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found |= {alias.name.partition(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module is not None and node.level == 0:
            found.add(node.module.partition(".")[0])
    return found


@pytest.fixture(scope="module")
def modules_the_outputs_import() -> set[str]:
    loaded = spec.load(KITCHEN_SPEC)
    files = render.render(loaded, targets=(python_target.TARGET, msgspec_target.TARGET, pydantic_target.TARGET))
    found = set().union(*(imported_modules(text) for rel, text in files.items() if rel.endswith(".py")))
    assert {"json", "hmac", "typing", "msgspec", "pydantic"} <= found  # the walk sees what is there
    return {name for name in found if name.isidentifier() and name == name.lower() and not name.startswith("_")}


def test_a_module_named_like_one_the_outputs_import_is_refused(modules_the_outputs_import: set[str]) -> None:
    refused = set()
    for name in sorted(modules_the_outputs_import):
        with pytest.raises(spec.SpecError) as e:
            spec.parse(broken("").replace("module: m", f"module: {name}"), "s.yaml", "s.yaml", checks=render.checks())
        assert str(e.value).startswith(f"s.yaml:3:9: module {name!r} would shadow"), str(e.value)
        refused.add(name)
    assert refused == modules_the_outputs_import


@pytest.mark.parametrize("name", ["json", "typing", "re", "enum", "hmac", "base64", "email", "typing_extensions"])
def test_a_module_named_like_a_library_module_exits_2_located(project: Path, name: str) -> None:
    text = (project / "spec" / "openai_webhooks.yaml").read_text(encoding="utf-8")
    line = next(i for i, row in enumerate(text.split("\n"), 1) if row.startswith("module:"))
    (project / "spec" / "bad.yaml").write_text(re.sub(r"(?m)^module: \w+", f"module: {name}", text), encoding="utf-8")
    before = snapshot(project / "generated")
    result = run("generate", "--spec", "spec/bad.yaml", "--out", "generated", cwd=project)
    assert result.returncode == 2
    assert result.stderr.startswith(f"spec/bad.yaml:{line}:9: module {name!r} would shadow"), result.stderr
    assert snapshot(project / "generated") == before


# -- nesting ------------------------------------------------------------------------------------


def nested_spec(levels: int, how: str) -> tuple[str, dict[str, object], int]:
    """A spec whose event nests `levels` levels (the event itself is the first), the payload that
    reaches the deepest level, and the line of the field that holds the last level. `how`: nested
    `fields:`, a chain of `type:` references, or `items:` inside `items:`."""
    lines = HEAD.split("\n")[:-1]
    payload: dict[str, object] = {"type": "a"}
    if how == "fields":
        indent, inner = "      ", payload
        for i in range(levels - 1):
            lines += [f"{indent}f{i}:", f"{indent}  fields:"]
            inner[f"f{i}"] = inner = {}
            indent += "    "
        lines.append(f"{indent}leaf: {{type: string}}")
        inner["leaf"] = "x"
        return "\n".join(lines) + "\n", payload, len(lines) - 2 if levels > 1 else 0
    if how == "references":
        lines.append("      f0: {type: t1}")
        inner = payload
        for i in range(1, levels):
            last = i == levels - 1
            lines += [f"  t{i}:", "    fields:", "      leaf: {type: string}" if last else f"      f{i}: {{type: t{i + 1}}}"]
            inner[f"f{i - 1}"] = inner = {}
        inner["leaf"] = "x"
        return "\n".join(lines) + "\n", payload, len(lines) - 3
    lines.append("      f0: " + "{items: " * (levels - 1) + "string" + "}" * (levels - 1))
    value: object = "x"
    for _ in range(levels - 1):
        value = [value]
    payload["f0"] = value
    return "\n".join(lines) + "\n", payload, len(lines)


@pytest.mark.parametrize("how", ["fields", "references", "items"])
def test_nesting_past_the_limit_is_refused_where_it_passes_it(how: str) -> None:
    text, _, line = nested_spec(spec.MAX_DEPTH + 1, how)
    with pytest.raises(spec.SpecError) as e:
        spec.parse(text, "s.yaml", "s.yaml", checks=render.checks())
    (problem,) = e.value.problems
    assert (problem.line, f"more than {spec.MAX_DEPTH} levels deep" in problem.message) == (line, True), str(problem)
    for levels in (150, 5000):  # far past it: still one located problem, never a RecursionError
        with pytest.raises(spec.SpecError) as e:
            spec.parse(nested_spec(levels, how)[0], "s.yaml", "s.yaml", checks=render.checks())
        (problem,) = e.value.problems
        assert problem.line > 1 and problem.message.endswith(f"nest at most {spec.MAX_DEPTH} levels"), str(problem)


@pytest.mark.parametrize("how", ["fields", "references", "items"])
def test_nesting_at_the_limit_works_in_every_python_target(tmp_path: Path, how: str) -> None:
    text, payload, _ = nested_spec(spec.MAX_DEPTH, how)
    loaded = spec.parse(text.replace("module: m", f"module: deep_{how}"), "s.yaml", "s.yaml", checks=render.checks())
    files = render.render(loaded, targets=(python_target.TARGET, msgspec_target.TARGET, pydantic_target.TARGET))
    body = json.dumps(payload)
    for rel, source in files.items():
        name = Path(rel).stem
        (tmp_path / f"{name}.py").write_text(source, encoding="utf-8")
        module = import_path(tmp_path / f"{name}.py", name)
        if rel.startswith("pydantic/"):
            event = module.A.model_validate_json(body)
            assert event.model_dump(mode="json", exclude_unset=True) == payload
        else:
            assert module.parse_event(body).to_dict() == payload


def test_a_type_that_refers_to_itself_is_not_too_deep() -> None:
    text = broken("      child: {type: a, optional: true}\n      children: {items: a, optional: true}")
    loaded = spec.parse(text, "s.yaml", "s.yaml", checks=render.checks())
    assert [f.ident for f in loaded.objects[0].fields] == ["type", "child", "children"]


# -- a long union -------------------------------------------------------------------------------

LONG_UNION_MEMBERS = 3000


def test_a_union_of_thousands_of_members_works_in_every_target(tmp_path: Path) -> None:
    """`A | B | ...` of ~3,000 names is past CPython's compiler recursion limit, and tsc gives up on
    the union it infers for an array of ~2,000 differently typed entries: every target must still
    render in bounded time, load, and decode the last member."""
    tags = [f"e{i}" for i in range(LONG_UNION_MEMBERS)]
    lines = ["title: Long", "page: long/index.md", "module: long_union", "entry: ev", "types:", "  ev:", "    discriminator: type", "    union:"]
    lines += [f"      - {tag}" for tag in tags] + [f"  {tag}:\n    fields:\n      type: {{literal: {tag}}}" for tag in tags]
    loaded = spec.parse("\n".join(lines) + "\n", "s.yaml", "s.yaml", checks=render.checks())
    started = time.monotonic()
    files = render.render(loaded)
    assert time.monotonic() - started < 240
    last = json.dumps({"type": tags[-1]})
    for rel, text in files.items():
        (tmp_path / Path(rel).name).write_text(text, encoding="utf-8")
    for name in ("long_union", "long_union_msgspec"):
        module = import_path(tmp_path / f"{name}.py", name)
        assert type(module.parse_event(last)).__name__ == f"E{LONG_UNION_MEMBERS - 1}"
        assert type(module.parse_event('{"type": "new"}')).__name__ == "UnknownWebhookEvent"
    pydantic_module = import_path(tmp_path / "long_union_pydantic.py", "long_union_pydantic")
    assert type(pydantic_module.Ev.model_validate_json(last).root).__name__ == f"E{LONG_UNION_MEMBERS - 1}"
    schema = json.loads(files["schema/long_union.schema.json"])
    jsonschema.validate(json.loads(last), schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"type": "new"}, schema)
    assert all(f"e{LONG_UNION_MEMBERS - 1}" in text for rel, text in files.items() if rel.startswith("docs/"))
    config = json.loads((ROOT / "tsconfig.json").read_text())
    config["compilerOptions"].update(outDir=str(tmp_path / "out"), rootDir=str(tmp_path))
    config["files"] = [str(tmp_path / "long_union.ts")]
    config.pop("include", None)
    (tmp_path / "tsconfig.json").write_text(json.dumps(config))
    (tmp_path / "package.json").write_text('{"type": "module"}')
    tsc = subprocess.run([str(ROOT / "node_modules" / ".bin" / "tsc"), "-p", str(tmp_path / "tsconfig.json")], capture_output=True, text=True, timeout=300)
    assert tsc.returncode == 0, tsc.stdout + tsc.stderr
    script = "const m = await import(process.argv[1]); console.log(JSON.stringify(m.parseEvent(process.argv[2])));"
    node = subprocess.run(["node", "--input-type=module", "-e", script, str(tmp_path / "out" / "long_union.js"), last], capture_output=True, text=True, timeout=60)
    assert (node.returncode, node.stdout.strip()) == (0, last.replace(" ", "")), node.stderr


def test_the_spec_language_reference_states_the_limits() -> None:
    reference = (ROOT / "spec" / "README.md").read_text(encoding="utf-8")
    assert f"at most {spec.MAX_DEPTH} levels deep" in reference
    assert f"more than {datamodel_tool.LONG_UNION} members" in reference
    assert f"at most {spec.MAX_ONE_OF} types (`MAX_ONE_OF`)" in reference
    assert f"on its first {spec.MAX_SUGGESTIONS} only" in reference


def test_a_one_of_past_the_limit_is_a_located_error() -> None:
    members = ", ".join(f"{{literal: v{i}}}" for i in range(spec.MAX_ONE_OF + 1))
    with pytest.raises(spec.SpecError) as e:
        spec.parse(broken(f"      f: {{one_of: [{members}]}}"), "s.yaml", "s.yaml")
    assert [str(p) for p in e.value.problems] == [
        f"s.yaml:10:19: one_of lists {spec.MAX_ONE_OF + 1} types, more than {spec.MAX_ONE_OF}; a union with a "
        "discriminator takes any number"
    ]
    at_limit = ", ".join(f"{{literal: v{i}}}" for i in range(spec.MAX_ONE_OF))
    spec.parse(broken(f"      f: {{one_of: [{at_limit}]}}"), "s.yaml", "s.yaml")


def test_every_misspelled_name_is_reported_and_the_first_ones_get_a_suggestion() -> None:
    count = spec.MAX_SUGGESTIONS + 5
    fields = "\n".join(f"      f{i}: {{type: adress}}" for i in range(count))
    text = broken(fields + "\n  address:\n    standalone: true\n    fields:\n      street: {type: string}")
    with pytest.raises(spec.SpecError) as e:
        spec.parse(text, "s.yaml", "s.yaml")
    unknown = [str(p) for p in e.value.problems if "adress" in str(p)]
    assert len(unknown) == count
    assert sum("did you mean 'address'?" in p for p in unknown) == spec.MAX_SUGGESTIONS


def test_a_description_that_looks_like_a_long_union_is_kept_verbatim(tmp_path: Path) -> None:
    """The pydantic module's long unions are rewritten as code, never inside strings or comments."""
    words = " | ".join(f"w{i}" for i in range(datamodel_tool.LONG_UNION + 5))
    text = broken(f'      f: {{type: string, description: "{words}"}}').replace("module: m", "module: words_union")
    loaded = spec.parse(text, "s.yaml", "s.yaml", checks=render.checks())
    (source,) = render.render(loaded, targets=(pydantic_target.TARGET,)).values()
    assert "Union[" not in source and f"\n    {words}\n" in source  # the field's docstring
    (tmp_path / "words_union_pydantic.py").write_text(source, encoding="utf-8")
    module = import_path(tmp_path / "words_union_pydantic.py", "words_union_pydantic")
    assert module.A.model_validate({"type": "a", "f": words}).f == words
