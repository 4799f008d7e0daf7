"""`import page`: our CLI-flavour docs page back to a spec, and that spec back to the same page.

For the shipped spec and the kitchen sink, the pages `make generate` and `make golden` wrote, and
for each other vendor's spec (spec/examples/) the pages the CLI generates from it, are imported (with and without the Python page) through the command's own entry point; the imported spec
must render the same pages byte for byte, and its stdlib module must accept and reject what the
original one does on the agreement corpus. Bad pages give `FILE:line:col: message`, exit 2, and
write nothing. Fuzzed specs (hostile descriptions, keys and values; mutations of the kitchen sink;
random events over deprecation, element descriptions, integer enums and literals, json and object)
round-trip through tests/fuzz_import_page.py.
"""

from __future__ import annotations

import functools
import json
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

import fuzz_import_page
from conftest import GENERATED, KITCHEN, ROOT, SPEC, VENDOR_SPECS, import_path, scaled_examples, vendor_outputs
from corpus import corpus
from generator import cli, model, render, spec
from generator.importers import page
from generator.targets import docs_cli, docs_python
from generator.targets import python as python_target


def outputs_of(spec_path: Path) -> tuple[model.Spec, Path]:
    return spec.load(spec_path), spec_path


# Other vendors' specs: their outputs are not committed, so the CLI generates them (once a run).
FIXTURES: dict[str, tuple[Path, Path | None]] = {
    "shipped": (SPEC, GENERATED),
    "kitchen_sink": (KITCHEN / "spec.yaml", KITCHEN / "expected"),
    **{name: (path, None) for name, path in VENDOR_SPECS.items()},
}


# What `import page` may not read yet, probed on a one-field spec rather than assumed: a vendor's page
# that uses it is expected to fail its round trip (strictly) while the probe fails, and runs in full
# as soon as the importer reads it.
ANY_JSON_PROBE = """\
title: Probe
page: probe/index.md
module: probe
entry: probe_event
types:
  thing_happened:
    fields:
      type: {literal: thing.happened}
      value: {type: json, description: Any JSON value.}
  probe_event:
    discriminator: type
    union: [thing_happened]
"""


def uses_json(loaded: model.Spec) -> bool:
    def walk(t: model.Type) -> bool:
        match t:
            case model.Json():
                return True
            case model.Array(item=inner) | model.Map(value=inner) | model.Nullable(inner=inner):
                return walk(inner)
            case model.Object(fields=fields):
                return any(walk(f.type) for f in fields)
            case _:
                return False

    return any(walk(d) for d in loaded.definitions if isinstance(d, model.Object))


@functools.cache
def importer_reads_any_json() -> bool:
    return fuzz_import_page.round_trip(fuzz_import_page.load(ANY_JSON_PROBE)) == []


def cases(*extra: str) -> list[Any]:
    """FIXTURES' names, a vendor's marked to fail while the importer cannot read a construct it uses."""
    out: list[Any] = []
    for name, (spec_path, _) in FIXTURES.items():
        if name in VENDOR_SPECS and uses_json(spec.load(spec_path)) and not importer_reads_any_json():
            reason = "import page cannot read `unknown` (type: json) yet"
            out.append(pytest.param(name, *extra, marks=pytest.mark.xfail(reason=reason, strict=True), id=name))
        else:
            out.append(pytest.param(name, *extra, id=name))
    return out


def pages_on_disk(name: str) -> tuple[model.Spec, Path, Path]:
    spec_path, out = FIXTURES[name]
    loaded = spec.load(spec_path)
    folder = out if out is not None else vendor_outputs(spec_path)
    return loaded, folder / docs_cli.path(loaded), folder / docs_python.path(loaded)


def import_cli(
    args: list[str], capsys: pytest.CaptureFixture[str]
) -> tuple[int, str, str]:
    code = cli.main(["import", "page", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def rendered_pages(loaded: model.Spec) -> dict[str, str]:
    return render.render(loaded, targets=(docs_cli.TARGET, docs_python.TARGET))


@pytest.mark.parametrize("with_python", [False, True], ids=["cli-page-only", "with-python-page"])
@pytest.mark.parametrize("name", cases())
def test_round_trip_is_byte_identical(
    name: str, with_python: bool, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    original, cli_page, python_page = pages_on_disk(name)
    out = tmp_path / "imported.yaml"
    args = [str(cli_page), "--out", str(out), "--page", original.page]
    if with_python:
        args += ["--python-page", str(python_page)]
    code, _, err = import_cli(args, capsys)
    assert code == 0, err
    imported = spec.load(out)
    pages = rendered_pages(imported)
    assert pages[docs_cli.path(imported)].encode("utf-8") == cli_page.read_bytes()
    if with_python:
        # every name the Python page shows comes back too: the module's, the nested classes'
        assert imported.module == original.module
        assert pages[docs_python.path(imported)].encode("utf-8") == python_page.read_bytes()
    assert imported.title == original.title
    assert [d.name for d in imported.definitions] == [d.name for d in original.definitions]
    assert (imported.entry and imported.entry.name) == (original.entry and original.entry.name)


ONE_OF_SPEC = """\
title: One Of
page: one/index.md
module: one_of_pages
entry: one_event
types:
  address:
    fields:
      street: {type: string}
  one_event:
    discriminator: type
    union: [thing]
  thing:
    fields:
      type: {literal: thing}
      place: {one_of: [address, {name: full_address, fields: {street: {type: string}, zip: {type: string, optional: true}}}]}
      amount:
        one_of: [string, integer, float, {fields: {value: {type: integer}, currency: {type: string}}}]
        description: As text, cents, dollars or an object.
      codes: {items: {one_of: [integer, {enum: [none, unknown]}]}, optional: true}
      maybe: {one_of: [boolean, {items: string}], nullable: true, optional: true}
      many: {one_of: [boolean, string, address, {items: integer}, {values: float}]}
"""


@pytest.mark.parametrize("with_python", [False, True], ids=["cli-page-only", "with-python-page"])
def test_one_of_round_trips(with_python: bool, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A one_of's summary (`A or B or C or N more`) and its member bullets read back as the same
    one_of: members in order, nested objects under their names, `number or number` as an integer
    then a float without the Python page."""
    original = spec.parse(ONE_OF_SPEC, "one.yaml", "one.yaml")
    pages = rendered_pages(original)
    cli_page, python_page = tmp_path / "cli.md", tmp_path / "python.md"
    cli_page.write_text(pages[docs_cli.path(original)], encoding="utf-8")
    python_page.write_text(pages[docs_python.path(original)], encoding="utf-8")
    out = tmp_path / "imported.yaml"
    args = [str(cli_page), "--out", str(out), "--page", original.page]
    if with_python:
        args += ["--python-page", str(python_page)]
    code, _, err = import_cli(args, capsys)
    assert code == 0, err
    imported = spec.load(out)
    again = rendered_pages(imported)
    assert again[docs_cli.path(imported)] == pages[docs_cli.path(original)]
    if with_python:
        assert again[docs_python.path(imported)] == pages[docs_python.path(original)]
        assert imported.definitions == original.definitions


@pytest.mark.parametrize("name", cases())
def test_numbers_come_from_the_python_page_or_become_floats_with_one_note(
    name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    original, cli_page, python_page = pages_on_disk(name)
    code, text, err = import_cli([str(cli_page)], capsys)
    assert code == 0, err
    notes = [line for line in err.splitlines() if line]
    guessed = spec.parse(text, "x.yaml", "x.yaml")
    if number_kinds(original):
        assert len(notes) == 1 and "float" in notes[0] and "--python-page" in notes[0], err
        assert "integer" not in number_kinds(guessed) and "float" in number_kinds(guessed)
    else:  # a page without a `number` (a vendor's that has none) has nothing to guess, and says nothing
        assert notes == [] and number_kinds(guessed) == [], err

    code, text, err = import_cli([str(cli_page), "--python-page", str(python_page)], capsys)
    assert code == 0 and err == "", err
    exact = spec.parse(text, "x.yaml", "x.yaml")
    assert number_kinds(exact) == number_kinds(original)


def number_kinds(loaded: model.Spec) -> list[str]:
    """integer/float, in the order the spec's fields show them."""
    kinds: list[str] = []

    def walk(t: model.Type) -> None:
        match t:
            case model.Integer():
                kinds.append("integer")
            case model.Float():
                kinds.append("float")
            case model.Array(item=inner) | model.Map(value=inner) | model.Nullable(inner=inner):
                walk(inner)
            case model.Object(fields=fields):
                for f in fields:
                    walk(f.type)
            case _:
                pass

    for d in loaded.definitions:
        if isinstance(d, model.Object):
            walk(d)
    return kinds


# -- the imported spec's module decodes as the original's does --------------------------------------


def stdlib_module(loaded: model.Spec, folder: Path, name: str) -> ModuleType:
    files = render.render(loaded, targets=(python_target.TARGET,))
    path = folder / f"{name}.py"
    path.write_text(files[python_target.path(loaded)], encoding="utf-8")
    return import_path(path, name)


def verdict(module: ModuleType, payload: object) -> object:
    try:
        return module.parse_event(json.dumps(payload), strict=True).to_dict()
    except module.WebhookDecodeError:
        return None


@pytest.mark.parametrize("name", cases())
def test_imported_module_accepts_and_rejects_what_the_original_does(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    original, cli_page, python_page = pages_on_disk(name)
    modules = {}
    for with_python in (True, False):
        module_name = f"imported_{name}_{'exact' if with_python else 'floats'}"
        out = tmp_path / f"{module_name}.yaml"
        args = [str(cli_page), "--out", str(out), "--module", module_name]
        code, _, err = import_cli(args + (["--python-page", str(python_page)] if with_python else []), capsys)
        assert code == 0, err
        modules[with_python] = stdlib_module(spec.load(out), tmp_path, module_name)
    reference = stdlib_module(original, tmp_path, f"original_{name}")
    cases = corpus(original)
    assert sum(c.valid for c in cases) and sum(not c.valid for c in cases)
    widened = 0
    for case in cases:
        expected = verdict(reference, case.payload)
        assert (expected is not None) == case.valid, case.name
        assert verdict(modules[True], case.payload) == expected, case.name
        # without the Python page every number is a float: it accepts what the original does, and more
        floats = verdict(modules[False], case.payload)
        if expected is not None:
            assert floats == expected, case.name
        elif floats is not None:
            widened += 1
    if "integer" in number_kinds(original):
        assert widened > 0  # a float where an integer was: 1.5 is accepted now


# -- hostile and mutated specs ------------------------------------------------------------------------


def test_fuzzed_specs_round_trip_through_their_pages() -> None:
    stats = fuzz_import_page.run(scaled_examples(40), seed=1)
    assert stats.checked >= scaled_examples(40) // 4
    assert stats.constructs >= scaled_examples(40) // 4  # deprecated, element descriptions, integer enums, json
    assert not stats.failures, stats.failures[0]


# What neither fixture shows: a key holding `: `, nullable items inside arrays and maps (the CLI page
# reads `array of X or null` either way), a discriminator whose description holds a list, CRLF line
# ends, an enum value holding ` or `, a negative literal, a one-value enum (read back as a literal).
CORNERS = """\
title: "Corners: of the page"
page: corners/index.md
module: corners
entry: corner_event
types:
  a_event:
    fields:
      type: {literal: "a: b", description: "- a list\\n- in the tag's description"}
      colon: {type: string, json: "x: string", optional: true}
      grid: {items: {items: {type: integer, nullable: true}}, nullable: true}
      table: {values: {items: {type: float, nullable: true}}, optional: true, nullable: true}
      rows: {items: {items: integer, nullable: true}}
      choice: {enum: ["a or \\"b\\"", number, x, y, z], open: true, description: "- l"}
      below: {literal: -5, description: "1. one"}
      never: {literal: false}
      only: {enum: [solo]}
  b_event:
    description: "\\r\\nCRLF\\r\\nlines\\r\\n"
    fields:
      type: {literal: b}
      things:
        items:
          nullable: true
          fields:
            deep: {type: a_event, optional: true}
  corner_event:
    discriminator: type
    union: [a_event, b_event]
"""


def test_corners_of_the_page_round_trip() -> None:
    loaded = fuzz_import_page.load(CORNERS)
    assert fuzz_import_page.round_trip(loaded) == []
    cli_page, python_page = fuzz_import_page.pages(loaded)
    imported, _ = page.read(cli_page, python_page, page=loaded.page)
    again = fuzz_import_page.load(page.dump(imported, "index.md"))
    # with the Python page every field comes back as it was (nullability where it was), but a
    # one-value enum, which both pages show as a literal
    before, after = loaded.definitions[0], again.definitions[0]
    assert isinstance(before, model.Object) and isinstance(after, model.Object)
    differing = [(a, b) for a, b in zip(before.fields, after.fields) if a != b]
    assert [(a.key, a.type, b.type) for a, b in differing] == [("only", model.Enum(("solo",)), model.Literal("solo"))]
    assert again.definitions[1] == loaded.definitions[1]
    assert again.entry is not None and loaded.entry is not None
    assert again.entry.discriminator == loaded.entry.discriminator
    assert [m.tag for m in again.entry.members] == [m.tag for m in loaded.entry.members]


# The constructs the kitchen sink shows once, in the places it does not: an integer enum past four
# values and nullable, a deprecation whose reason has paragraphs, descriptions at two levels of
# elements and on map[unknown], an open enum in an array, a description that looks like the notes.
CONSTRUCTS = """\
title: Constructs
page: constructs/index.md
module: constructs
entry: c_event
types:
  a_event:
    deprecated: "first\\n\\nsecond paragraph"
    description: "Each item: not an item"
    fields:
      type: {literal: a, description: "Deprecated."}
      level: {enum: [5, -1, 0, 7, 9], nullable: true, deprecated: true, description: Levels.}
      one: {enum: [3, 4], optional: true}
      grid:
        items: {values: {items: integer, description: A value.}, description: A row.}
        deprecated: Use rows.
      bag: {values: {type: json, description: Anything.}, nullable: true}
      loose: {type: object, nullable: true, optional: true}
      kinds: {items: {enum: [x, y], open: true, description: A kind.}, description: "The kinds.\\n\\nEach item: x"}
      any: {items: json, deprecated: "Deprecated: twice"}
      flag: {literal: false, description: "Deprecated: a description, not a note"}
      nest: {items: {items: json, nullable: true}, nullable: true}
      pick: {enum: [x, y], open: true, deprecated: "a `b", description: "`code` c\\n\\nEach item: d"}
  c_event:
    discriminator: type
    union: [a_event]
"""


def test_a_title_yaml_cannot_read_as_an_integer_is_quoted() -> None:
    assert page.scalar("0x_", in_flow=False) == '"0x_"'  # PyYAML raises ValueError on it, plain


def test_new_constructs_round_trip_and_read_back_as_written() -> None:
    loaded = fuzz_import_page.load(CONSTRUCTS)
    assert fuzz_import_page.round_trip(loaded) == []
    cli_page, python_page = fuzz_import_page.pages(loaded)
    imported, _ = page.read(cli_page, python_page, page=loaded.page)
    again = fuzz_import_page.load(page.dump(imported, "index.md"))
    before, after = loaded.definitions[0], again.definitions[0]
    assert isinstance(before, model.Object) and isinstance(after, model.Object)
    assert after.deprecated == "first" and after.description == "second paragraph\n\nEach item: not an item"
    assert model.documented(after.description, after.deprecated) != model.documented(
        before.description, before.deprecated
    )  # the page reads the same either way (the docs put the note first); the code comments do not
    for a, b in zip(before.fields, after.fields):
        assert b.type == a.type, a.key
        assert model.field_text(b, note_first=True) == model.field_text(a, note_first=True), a.key
        assert model.element_notes(b.type) == model.element_notes(a.type), a.key
    by_key = {f.key: f for f in after.fields}
    assert by_key["type"].deprecated is None and by_key["type"].description == "Deprecated."
    assert by_key["level"].deprecated == "" and by_key["level"].type == model.Nullable(model.Enum((5, -1, 0, 7, 9)))
    assert by_key["grid"].deprecated == "Use rows."
    assert model.element_notes(by_key["grid"].type) == ("Each item: A row.", "Each value of each item: A value.")
    assert by_key["bag"].type == model.Nullable(model.Map(model.Json()))
    # a literal that is no tag: a description that reads as the note is taken as one (same pages)
    assert by_key["flag"].deprecated == "a description, not a note" and by_key["flag"].description is None


@pytest.mark.parametrize(
    "text",
    [
        "[x](javascript:alert(1))\\]` <b>`&lt;",
        "\\`a\\` and `<i>` and ``x`` ]: y",
        "- a list\n- of two\n\n1) and more",
        "ends with a line break\n",
        "",
    ],
    ids=["link-and-entity", "backticks", "list", "trailing-newline", "empty"],
)
def test_a_description_unescapes_to_text_that_escapes_to_the_page_again(text: str) -> None:
    written = page.markdown_text.description(text)
    assert page.markdown_text.description(page.unescape_description(written)) == written


# -- bad pages ------------------------------------------------------------------------------------------

LOCATED = re.compile(r"^(?P<file>[^\n]+):(?P<line>\d+):(?P<col>\d+): \S")


def broken_pages(text: str) -> list[tuple[str, str, int]]:
    """(what, broken page, line the error must name), each made from the real page."""
    lines = text.split("\n")
    first_field = next(k for k, line in enumerate(lines) if line.startswith("  - `") and ": string`" in line)
    out = []
    unknown = lines.copy()
    unknown[first_field] = unknown[first_field].replace(": string`", ": strung`")
    out.append(("unknown type", "\n".join(unknown), first_field + 1))
    unquoted = lines.copy()
    unquoted[first_field] = unquoted[first_field].replace("`", "")
    out.append(("label without backticks", "\n".join(unquoted), first_field + 1))
    no_heading = [line for line in lines if line != "## Domain Types"]
    out.append(("no Domain Types heading", "\n".join(no_heading), len(no_heading)))
    no_blank = lines.copy()
    del no_blank[first_field - 1]
    out.append(("no blank line between bullets", "\n".join(no_blank), first_field))
    return out


@pytest.mark.parametrize("case", range(4))
def test_a_bad_page_is_located_exit_2_nothing_written(case: int, tmp_path: Path) -> None:
    _, cli_page, _ = pages_on_disk("kitchen_sink")
    what, text, line = broken_pages(cli_page.read_text(encoding="utf-8"))[case]
    bad = tmp_path / "bad.md"
    bad.write_text(text, encoding="utf-8")
    out = tmp_path / "spec.yaml"
    run = subprocess.run(
        [sys.executable, "-m", "generator", "import", "page", str(bad), "--out", str(out)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )
    assert run.returncode == 2, (what, run.stderr)
    assert run.stdout == "" and not out.exists(), what
    lines = run.stderr.strip().split("\n")
    assert len(lines) == 1, (what, run.stderr)
    located = LOCATED.match(lines[0])
    assert located and located["file"] == "bad.md" and int(located["line"]) == line, (what, run.stderr)


def test_a_python_page_of_other_types_is_reported_at_the_python_page(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, cli_page, _ = pages_on_disk("kitchen_sink")
    _, _, other_python = pages_on_disk("shipped")
    out = tmp_path / "spec.yaml"
    code, text, err = import_cli([str(cli_page), "--python-page", str(other_python), "--out", str(out)], capsys)
    assert code == 2 and text == "" and not out.exists()
    assert err.startswith(f"{cli.shown(other_python)}:1:1: ") and err.count("\n") == 1, err


def test_help_shows_an_example() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "generator", "import", "page", "--help"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert run.returncode == 0
    assert "example:" in run.stdout and "import page" in run.stdout and "--python-page" in run.stdout
