"""The Python-flavour docs page: every name it shows resolves in the generated module, and its usage
example runs as written against that module."""

from __future__ import annotations

import ast
import base64
import dataclasses
import hashlib
import hmac
import json
import logging
import re
import time
import typing
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from conftest import GENERATED, KITCHEN, SPEC, import_path
from examples import example
from generator import model, render, spec
from generator.targets import docs_cli, docs_python, python

# (spec, generated module, the Python-flavour page, module name)
CASES = {
    "openai_webhooks": (SPEC, GENERATED / "python" / "openai_webhooks.py", GENERATED / "docs" / "python" / "resources" / "webhooks" / "index.md"),
    "kitchen_sink": (KITCHEN / "spec.yaml", KITCHEN / "expected" / "python" / "kitchen_sink.py", KITCHEN / "expected" / "docs" / "python" / "kitchen" / "index.md"),
}
# What an annotation on the page may name besides the module's classes.
TYPING = {"Literal", "Optional", "List", "Dict", "Union", "str", "int", "float", "bool", "object"}  # object: any JSON value, as the vendor's SDK annotates it


@dataclass
class Item:
    """One bullet of the page: its label and its children."""

    label: str
    indent: int
    children: list[Item]


def sections(text: str) -> dict[str, Item]:
    """`### Heading` -> the tree of the bullet under it (parents found by indentation)."""
    out: dict[str, Item] = {}
    body = text.split("\n## Domain Types\n", 1)[1]
    for chunk in re.split(r"^### ", body, flags=re.M)[1:]:
        heading, rest = chunk.split("\n", 1)
        stack: list[Item] = []
        for line in rest.split("\n"):
            m = re.fullmatch(r"( *)- `(.*)`", line)
            if not m:
                continue
            item = Item(m.group(2), len(m.group(1)), [])
            while stack and stack[-1].indent >= item.indent:
                stack.pop()
            if stack:
                assert item.indent == stack[-1].indent + 2, line
                stack[-1].children.append(item)
            else:
                assert item.indent == 0 and heading not in out, line
                out[heading] = item
            stack.append(item)
    return out


def annotation_names(annotation: str) -> set[str]:
    return {n.id for n in ast.walk(ast.parse(annotation, mode="eval")) if isinstance(n, ast.Name)}


def resolve(name: str, top: type, module: ModuleType) -> type | None:
    """A class name as the page shows it inside `top`: relative to it, else the module's (None for a
    union's alias)."""
    found = getattr(top, name, None) if name != top.__name__ else None
    if found is None:
        found = getattr(module, name)
    if not isinstance(found, type):
        assert typing.get_origin(found) is typing.Union, name
        return None
    # Reachable by its full name too, and it is the same class.
    assert getattr(module, found.__name__) is found
    return found


def check_fields(parent: Item, cls: type, top: type, module: ModuleType) -> int:
    """The children of `parent` are the fields of `cls`, in order; returns how many names were checked."""
    declared = {f.name: f for f in dataclasses.fields(cls)}
    shown = parent.children
    checked = 0
    for child in shown:
        attr, annotation = child.label.split(": ", 1)
        assert attr in declared, (cls.__name__, attr)
        for name in annotation_names(annotation) - TYPING:
            found = resolve(name, top, module)
            shown_as = name if found is None else found.__name__
            assert re.search(rf"\b{shown_as}\b", str(declared[attr].type)), (cls.__name__, attr, name)
            checked += 1
            # A nested object's fields follow its bullet; a reference's are under its own heading.
            # A one_of's members are bullets of their own, labelled with their annotation.
            member = next((c for c in child.children if c.label == name), None)
            if found is not None and member is not None:
                if member.children:
                    checked += check_fields(member, found, top, module)
            elif found is not None and child.children:
                checked += check_fields(child, found, top, module)
        checked += 1
    # an open object's typed extra_fields is shown last (spec/README.md, "Open objects"); Any is not shown
    is_open = "Any" not in str(declared["extra_fields"].type)
    assert [c.label.split(": ", 1)[0] for c in shown] == [
        f.name for f in dataclasses.fields(cls) if f.name not in ("extra_fields", "explicit_nulls")
    ] + (["extra_fields"] if is_open else [])
    return checked


@pytest.mark.parametrize("case", sorted(CASES))
def test_every_name_on_the_page_resolves_in_the_module(case: str) -> None:
    spec_path, module_path, page_path = CASES[case]
    loaded = spec.load(spec_path)
    module = import_path(module_path, case)
    tree = sections(page_path.read_text(encoding="utf-8"))
    assert list(tree) == [d.name.title for d in loaded.definitions]
    checked = 0
    for d, item in zip(loaded.definitions, tree.values()):
        if isinstance(d, model.Union_):
            assert item.label == python.class_name(d.name) and hasattr(module, item.label)
            tops = item.children
            assert len(tops) == len(d.members)
        else:
            tops = [item]
        for top_item in tops:
            m = re.fullmatch(r"class (\w+): …", top_item.label)
            assert m, top_item.label
            top = getattr(module, m.group(1))
            checked += check_fields(top_item, top, top, module)
    assert checked > 50


def test_nested_classes_shown_by_relative_names_are_class_attributes() -> None:
    ow = import_path(CASES["openai_webhooks"][1], "openai_webhooks")
    text = CASES["openai_webhooks"][2].read_text(encoding="utf-8")
    assert "- `data: Data`" in text and "- `sip_headers: List[DataSipHeader]`" in text
    assert ow.BatchCancelledWebhookEvent.Data is ow.BatchCancelledWebhookEventData
    assert ow.RealtimeCallIncomingWebhookEvent.DataSipHeader is ow.RealtimeCallIncomingWebhookEventDataSipHeader
    # Class attributes, not fields: construction, equality and to_dict are unchanged.
    assert [f.name for f in dataclasses.fields(ow.BatchCancelledWebhookEvent)] == [
        "id", "created_at", "data", "type", "object", "extra_fields"
    ]
    event = ow.BatchCancelledWebhookEvent(id="e", created_at=1, data=ow.BatchCancelledWebhookEvent.Data(id="b"))
    assert event == ow.parse_event(event.to_dict())
    assert "Data" not in event.to_dict() and not hasattr(event, "__dict__")


def test_relative_names_fall_back_to_the_full_name_where_ambiguous(tmp_path: Path) -> None:
    (tmp_path / "s.yaml").write_text(
        """
title: T
page: cli/t/index.md
module: m
types:
  data:
    fields:
      x: {type: string}
  event:
    standalone: true
    fields:
      data: {fields: {id: {type: string}}}
      none: {fields: {id: {type: string}}}
      inner: {fields: {id: {type: string}}}
      other: {name: elsewhere, fields: {id: {type: string}}}
      plain: {type: data}
""",
        encoding="utf-8",
    )
    # Only the two targets under test: `Event` is a name TypeScript reserves.
    files = render.render(spec.load(tmp_path / "s.yaml"), targets=(docs_python.TARGET, python.TARGET))
    page = files["docs/python/t/index.md"]
    # `Data` is a top-level class, `None` a keyword, `elsewhere` named outside `event`: full names.
    for label in ("data: EventData", "none: EventNone", "inner: Inner", "other: Elsewhere", "plain: Data"):
        assert f"- `{label}`" in page
    code = files["python/m.py"]
    assert "Inner: ClassVar[Type[EventInner]] = EventInner" in code
    assert code.count("ClassVar[") == 1


def test_page_path_replaces_the_flavour_folder() -> None:
    loaded = spec.load(SPEC)
    assert docs_cli.path(loaded) == "docs/cli/resources/webhooks/index.md"
    assert docs_python.path(loaded) == "docs/python/resources/webhooks/index.md"
    assert docs_python.path(spec.load(KITCHEN / "spec.yaml")) == "docs/python/kitchen/index.md"


# -- the usage example runs ------------------------------------------------------------------------


def signed(body: bytes, secret_key: bytes, ts: int | None = None) -> dict[str, str]:
    ts = int(time.time()) if ts is None else ts
    digest = hmac.new(secret_key, f"msg_1.{ts}.".encode() + body, hashlib.sha256).digest()
    return {"webhook-id": "msg_1", "webhook-timestamp": str(ts), "webhook-signature": "v1," + base64.b64encode(digest).decode()}


@pytest.mark.parametrize("case", sorted(CASES))
def test_usage_example_runs(case: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    spec_path, module_path, page_path = CASES[case]
    loaded = spec.load(spec_path)
    import_path(module_path, case)
    text = page_path.read_text(encoding="utf-8")
    blocks = re.findall(r"^```python\n(.*?)^```$", text, flags=re.M | re.S)
    assert len(blocks) == 1
    namespace: dict[str, Any] = {"__name__": "usage_example"}
    exec(compile(blocks[0], f"{page_path}:usage", "exec"), namespace)
    handle = namespace["handle"]

    key = b"k" * 32
    monkeypatch.setenv("WEBHOOK_SECRET", "whsec_" + base64.b64encode(key).decode())
    caplog.set_level(logging.INFO, logger="usage_example")
    assert loaded.entry is not None
    for i, member in enumerate(loaded.entry.members):
        body = json.dumps(example(member.object, loaded, i)).encode()
        assert handle(body, signed(body, key)) == 200, member.tag
    unknown = json.dumps({loaded.entry.discriminator: "something.new"}).encode()
    assert handle(unknown, signed(unknown, key)) == 200
    assert "unknown event type something.new" in caplog.text
    assert handle(unknown, signed(unknown, b"another key")) == 400
    assert "rejected" in caplog.text
    broken = json.dumps({loaded.entry.discriminator: loaded.entry.members[0].tag}).encode()
    assert handle(broken, signed(broken, key)) == 400
    assert "bad payload at $." in caplog.text
