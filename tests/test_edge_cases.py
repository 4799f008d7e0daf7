"""Edge cases found by review, kept as regression tests: the loader, the msgspec module, the output folder."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from generator import render, spec
from generator.targets import msgspec as msgspec_target
from conftest import SPEC_ARGS, import_path, run, snapshot



def tiny(fields: str, union: str = "[a, b]") -> str:
    return f"""\
title: T
page: t/index.md
module: tiny_edge
entry: ev
types:
  ev: {{discriminator: type, union: {union}}}
  a:
    fields:
      type: {{literal: a}}
{fields}
  b:
    fields:
      type: {{literal: b}}
"""


# -- the loader ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "field,words",
    [
        ('      x: {type: string, json: "a\\"b"}', "json key must be 1 to 100 printable characters"),
        ('      x: {type: string, json: "a\\\\b"}', "json key must be 1 to 100 printable characters"),
        ('      x: {type: string, json: "a\\nb"}', "json key must be 1 to 100 printable characters"),
        ('      x: {type: string, json: ""}', "json key must be 1 to 100 printable characters"),
        ('      x: {enum: ["\\ud800"]}', "an enum value contains a lone surrogate"),
        ("      type2: {literal: a, json: type, optional: true}", "is the discriminator of a union"),
    ],
)
def test_the_loader_refuses(field: str, words: str) -> None:
    with pytest.raises(spec.SpecError) as e:
        spec.parse(tiny(field), "s.yaml", "s.yaml", checks=[t.check for t in render.TARGETS])
    assert words in str(e.value)


def test_a_discriminator_that_is_not_a_field_key_is_refused() -> None:
    text = tiny("      kind: {literal: a, json: event-type}").replace("discriminator: type", 'discriminator: "event-type"')
    with pytest.raises(spec.SpecError) as e:
        spec.parse(text, "s.yaml", "s.yaml")
    assert "must be a snake_case field key" in str(e.value)


# -- the msgspec module -------------------------------------------------------------------------------


def msgspec_module(text: str, tmp_path: Path, name: str) -> object:
    loaded = spec.parse(text.replace("tiny_edge", name), "s.yaml", "s.yaml", checks=[t.check for t in render.TARGETS])
    (source,) = render.render(loaded, targets=(msgspec_target.TARGET,)).values()
    path = tmp_path / f"{name}.py"
    path.write_text(source, encoding="utf-8")
    return import_path(path, name)


def test_fields_named_like_the_struct_body_s_names_still_import(tmp_path: Path) -> None:
    m = msgspec_module(tiny("      msgspec: {type: string, optional: true}\n      property: {type: integer, optional: true}\n      later: {type: string, optional: true}"), tmp_path, "edge_names")
    event = m.parse_event(json.dumps({"type": "a", "msgspec": "x", "property": 3}))  # type: ignore[attr-defined]
    assert (event.msgspec_, event.property_, event.type) == ("x", 3, "a")
    assert event.to_dict() == {"type": "a", "msgspec": "x", "property": 3}


def test_a_union_of_one_still_requires_its_discriminator(tmp_path: Path) -> None:
    m = msgspec_module(tiny("      n: {type: integer}", union="[a]").replace("  b:\n    fields:\n      type: {literal: b}\n", "  b:\n    standalone: true\n    fields:\n      type: {literal: b}\n"), tmp_path, "edge_single")
    with pytest.raises(m.WebhookDecodeError) as e:  # type: ignore[attr-defined]
        m.parse_event(b'{"n": 1}', strict=True)  # type: ignore[attr-defined]
    assert e.value.path == "$.type"
    assert m.parse_event(b'{"type": "a", "n": 1}').to_dict() == {"type": "a", "n": 1}  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def errors_module(tmp_path_factory: pytest.TempPathFactory) -> object:
    folder = tmp_path_factory.mktemp("edge_errors")
    return msgspec_module(tiny("      s: {type: string, optional: true}\n      f: {type: float, optional: true}"), folder, "edge_errors")


@pytest.mark.parametrize(
    "payload",
    [
        b'{"type": "a", "s": "' + b"\xff" + b'"}',  # bad UTF-8 inside a string
        "{" + '"type": "a", "s": "\ud800"' + "}",  # a lone surrogate in a str payload
        b'{"type": "a", "f": 1e400}',  # a number no float holds
        b"[" * 30000 + b"]" * 30000,  # nested beyond any recursion limit
        b'{"type": "zz", "deep": ' + b"[" * 30000 + b"]" * 30000 + b"}",  # the same, under an unknown type
    ],
    ids=["bad utf-8", "lone surrogate", "1e400", "deep", "deep unknown"],
)
def test_msgspec_parse_event_raises_only_its_own_error(payload: bytes | str, errors_module: object) -> None:
    m = errors_module
    with pytest.raises(m.WebhookDecodeError):  # type: ignore[attr-defined]
        m.parse_event(payload)  # type: ignore[attr-defined]


# -- the output folder -----------------------------------------------------------------------------


@pytest.mark.parametrize("manifest", ["missing", "corrupt"])
def test_without_a_readable_manifest_a_differing_file_is_not_overwritten(project: Path, manifest: str) -> None:
    page = project / "generated" / "docs" / "cli" / "resources" / "webhooks" / "index.md"
    page.write_text("MY OWN NOTES\n")
    manifest_file = project / "generated" / ".webhookgen-manifest.json"
    if manifest == "missing":
        manifest_file.unlink()
    else:
        manifest_file.write_text(manifest_file.read_text() + "<<<<<<< HEAD\n")
    before = snapshot(project / "generated")
    result = run("generate", *SPEC_ARGS, cwd=project)
    assert result.returncode == 1
    assert "may not be a generated file; not overwritten" in result.stderr
    assert snapshot(project / "generated") == before
    assert run("generate", *SPEC_ARGS, "--force", cwd=project).returncode == 0
    assert "MY OWN NOTES" not in page.read_text()


def test_orphans_behind_a_symlink_are_never_removed(project: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "user-docs"
    (project / "generated" / "docs").rename(elsewhere)  # the user keeps the docs elsewhere...
    os.symlink(elsewhere, project / "generated" / "docs")  # ...and links them in
    mine = elsewhere / "cli" / "resources" / "webhooks" / "index.md"
    spec_file = project / "spec" / "openai_webhooks.yaml"
    spec_file.write_text(spec_file.read_text().replace("page: cli/resources/webhooks/index.md", "page: cli/hooks/index.md"))
    result = run("generate", *SPEC_ARGS, "--force", cwd=project)
    assert result.returncode == 2, result.stderr  # writing the new page would go through the link
    assert "symbolic link" in result.stderr and "Traceback" not in result.stderr
    assert mine.is_file()
