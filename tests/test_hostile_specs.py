"""Hostile and mistaken specs: each is a located error (file:line:col), never a traceback, never a hang."""

from __future__ import annotations

import ast
import io
import subprocess
import textwrap
import time
import tokenize
from pathlib import Path

import pytest

from generator import render, spec
from generator.targets import msgspec as msgspec_target
from generator.targets import pydantic as pydantic_target
from generator.targets import python as python_target
from generator.targets import typescript as typescript_target
from conftest import KITCHEN_SPEC, ROOT, run, snapshot

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
