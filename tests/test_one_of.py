"""one_of (spec/README.md, "One of several types"): the first member that decodes a value wins in
every Python module but pydantic (README's table), and an error names why each member failed."""

from __future__ import annotations

import json
from pathlib import Path
from types import ModuleType

import pytest

import examples
from conftest import KITCHEN, import_path
from generator import render, spec
from generator.targets import msgspec as msgspec_target
from generator.targets import pydantic as pydantic_target
from generator.targets import python as python_target

SPEC = """\
title: One Of
page: one/index.md
module: one_of_{target}
entry: one_event
types:
  address:
    fields:
      street: {{type: string}}
  one_event:
    discriminator: type
    union: [thing]
  thing:
    fields:
      type: {{literal: thing}}
      place:
        one_of: [address, {{name: full_address, fields: {{street: {{type: string}}, zip: {{type: string, optional: true}}}}}}, integer, float]
"""


def module(target: str, tmp_path: Path) -> ModuleType:
    loaded = spec.parse(SPEC.format(target=target), "one.yaml", "one.yaml")
    chosen = {"python": python_target, "msgspec": msgspec_target, "pydantic": pydantic_target}[target]
    ((rel, text),) = render.render(loaded, targets=(chosen.TARGET,)).items()
    path = tmp_path / Path(rel).name
    path.write_text(text, encoding="utf-8")
    return import_path(path, path.stem)


@pytest.mark.parametrize("target", ["python", "msgspec"])
def test_the_first_member_that_decodes_wins(target: str, tmp_path: Path) -> None:
    m = module(target, tmp_path)
    for place, cls in (({"street": "s", "zip": "1"}, "Address"), ({"zip": "1", "street": "s"}, "Address"), (1, "int"), (2.5, "float")):
        event = m.parse_event(json.dumps({"type": "thing", "place": place}), strict=True)
        assert type(event.place).__name__ == cls
        assert event.to_dict() == {"type": "thing", "place": place} or target == "msgspec"  # msgspec drops unknown keys


def test_pydantic_picks_the_member_with_the_most_fields_set(tmp_path: Path) -> None:
    """README's table: pydantic's smart union mode, not the first member; the same JSON either way."""
    m = module("pydantic", tmp_path)
    payload = {"type": "thing", "place": {"street": "s", "zip": "1"}}
    event = m.OneEvent.model_validate_json(json.dumps(payload))
    assert type(event.root.place).__name__ == "FullAddress", "pydantic now picks the first member: drop the difference"
    assert event.model_dump(mode="json", by_alias=True, exclude_unset=True) == payload


def test_an_error_names_why_each_member_failed() -> None:
    loaded = spec.load(KITCHEN / "spec.yaml")
    m = import_path(KITCHEN / "expected" / "python" / f"{loaded.module}.py", loaded.module)
    # a valid event of the type that has the kitchen sink's `refund_to` one_of, whatever else it requires
    (owner,) = (m for m in examples.events(loaded) if "refund_to" in {f.key for f in m.object.fields})
    payload = examples.example(owner.object, loaded)
    with pytest.raises(m.WebhookDecodeError) as e:
        m.parse_event(json.dumps({**payload, "refund_to": {"kind": "card"}}), strict=True)
    assert e.value.path == "$.refund_to"
    assert e.value.message == (
        "expected Address or CardPayment or StoreCredit, but each failed ("
        "Address: $.refund_to.street: required key is missing; "
        "CardPayment: $.refund_to.last4: required key is missing; "
        "StoreCredit: $.refund_to.credit_id: required key is missing)"
    )
    with pytest.raises(m.WebhookDecodeError) as e:
        m.parse_event(json.dumps({**payload, "data": {**payload["data"], "codes": [1, "x"]}}), strict=True)
    assert e.value.path == "$.data.codes[1]"
    assert e.value.message.startswith('expected an integer or one of "none", "unknown", but each failed (an integer: ')
