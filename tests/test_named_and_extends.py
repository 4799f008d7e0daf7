"""Named enums and scalars (`types: {currency: {enum: ...}}`, `type: currency`) and objects that
extend others (`extends: [a, b]`): the loader's errors, each target's spelling, and the docs pages,
which show the written-out, flattened form (so `import page` gives a spec that renders them again)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import import_path
from generator import cli, model, render, spec
from generator.targets import docs_cli, docs_python, json_schema, msgspec, pydantic, python, typescript

SPEC = """\
title: Shop
page: shop/index.md
module: shop_hooks
entry: shop_event
types:
  currency:
    description: An ISO 4217 code.
    enum: [usd, eur]
  note:
    type: string
  base_event:
    fields:
      id: {type: string, description: The event ID.}
      kind: {literal: paid}
  money:
    fields:
      amount: {type: float}
      currency: {type: currency}
  paid:
    extends: [base_event, money]
    fields:
      memo: {type: note, optional: true, description: A memo.}
      before: {type: currency, nullable: true}
      id: {type: string, description: The payment's event ID.}
  refunded:
    extends: [money]
    fields:
      kind: {literal: refunded}
      id: {type: string}
  shop_event:
    discriminator: kind
    union: [paid, refunded]
"""


def load(text: str = SPEC) -> model.Spec:
    return spec.parse(text, "shop.yaml", "shop.yaml")


def test_extends_flattens_in_order_and_keeps_a_redefined_field_in_place() -> None:
    loaded = load()
    paid = loaded.definition(model.Name("paid"))
    assert isinstance(paid, model.Object)
    assert [f.key for f in paid.fields] == ["id", "kind", "amount", "currency", "memo", "before"]
    assert paid.extends == (model.Name("base_event"), model.Name("money"))
    fields = {f.key: f for f in paid.fields}
    assert fields["id"].description == "The payment's event ID."  # its own, in the inherited place
    assert fields["kind"].is_discriminator  # inherited, and the union dispatches `paid` on it
    base = loaded.definition(model.Name("base_event"))
    assert isinstance(base, model.Object) and not any(f.is_discriminator for f in base.fields)
    currency = model.Named(model.Name("currency"), model.Enum(("usd", "eur")))
    assert fields["currency"].type == currency and fields["currency"].description == "An ISO 4217 code."
    assert fields["before"].type == model.Nullable(currency)
    assert fields["memo"].type == model.Named(model.Name("note"), model.String()) and fields["memo"].description == "A memo."
    assert [a.name.snake for a in loaded.aliases] == ["currency", "note"]


@pytest.mark.parametrize(
    "old,new,message",
    [
        ("      before: {type: currency, nullable: true}", "      before: {type: curency}", "23:22: unknown type 'curency'; did you mean 'currency'?"),
        ("    extends: [base_event, money]", "    extends: [base_evnt, money]", "20:15: type 'paid' extends 'base_evnt', which is not a type; did you mean 'base_event'?"),
        ("    extends: [money]\n", "    extends: [currency]\n", "26:15: type 'refunded' extends 'currency', which is a named scalar or enum: only an object type can be extended"),
        ("    extends: [money]\n", "    extends: [shop_event]\n", "26:15: type 'refunded' extends 'shop_event', which is a union: only an object type can be extended"),
        ("    extends: [money]\n", "    extends: [refunded]\n", "26:15: type 'refunded' extends itself"),
        ("    extends: [money]\n", "    extends: [money, money]\n", "26:22: type 'refunded' extends 'money' twice"),
        ("      id: {type: string}\n  shop_event", "      id: {type: string}\n      amount: {type: integer}\n  shop_event", "30:7: field 'amount' of 'refunded' redefines the field inherited from 'money' (line 17) with another type"),
        ("      amount: {type: float}", "      amount: {type: float}\n      id: {type: integer}", "21:27: type 'paid' inherits field 'id' from 'base_event' and from 'money' with different types"),
        ("    type: string", "    type: json", "10:11: named type 'note' must be an enum or one of string, integer, float, boolean"),
        ("    type: string", "    type: currency", "10:11: named type 'note' must be an enum or one of string, integer, float, boolean (an object type has `fields:`), not 'currency'"),
        ("    enum: [usd, eur]", "    enum: [usd, eur]\n    type: string", "8:5: type 'currency' has both 'type' and 'enum'; use one"),
        ("    enum: [usd, eur]", "    enum: [usd, eur]\n    nullable: true", "9:5: unknown key 'nullable' in type 'currency'"),
        ("    enum: [usd, eur]", "    enum: [usd, eur]\n    opne: true", "9:5: unknown key 'opne' in type 'currency'; did you mean 'open'?"),
        ("    enum: [usd, eur]", "    enm: [usd, eur]", "8:5: unknown key 'enm' in type 'currency'; did you mean 'enum'?"),
        ("    extends: [money]\n", "    extend: [money]\n", "26:5: unknown key 'extend' in type 'refunded'; did you mean 'extends'?"),
        ("  money:\n    fields:", "  money:\n    extends: [paid]\n    fields:", "21:27: type 'paid' extends 'money', which extends it in turn (money -> paid -> money)"),
    ],
)
def test_misuse_is_a_located_error(old: str, new: str, message: str) -> None:
    assert old in SPEC
    with pytest.raises(spec.SpecError) as e:
        load(SPEC.replace(old, new, 1))
    assert f"shop.yaml:{message}" in str(e.value), str(e.value)


def test_an_unused_named_type_is_an_error_unless_standalone() -> None:
    text = SPEC.replace("  note:\n    type: string\n", "  note:\n    type: string\n  unused:\n    type: integer\n")
    with pytest.raises(spec.SpecError) as e:
        load(text)
    assert "shop.yaml:11:3: type 'unused' is in no union and nothing refers to it" in str(e.value)
    load(text.replace("    type: integer\n", "    type: integer\n    standalone: true\n"))


def test_each_target_spells_a_named_type_as_its_language_names_one() -> None:
    loaded = load()
    files = render.render(loaded)
    py = files[python.path(loaded)]
    assert 'Currency: TypeAlias = Literal["usd", "eur"]\n"""An ISO 4217 code."""' in py
    assert "Note: TypeAlias = str\n" in py and '"Currency",' in py  # exported
    assert "    currency: Currency\n" in py and "    before: Currency | None\n" in py
    ms = files[msgspec.path(loaded)]
    assert 'Currency: TypeAlias = Literal["usd", "eur"]' in ms and "    currency: Currency\n" in ms
    ts = files[typescript.path(loaded)]
    assert '/**\n * An ISO 4217 code.\n */\nexport type Currency = "usd" | "eur";' in ts and "export type Note = string;" in ts
    assert "  readonly currency: Currency;" in ts and "  readonly before: Currency | null;" in ts
    schema = json.loads(files[json_schema.path(loaded)])
    assert schema["$defs"]["Currency"] == {"title": "Currency", "description": "An ISO 4217 code.", "type": "string", "enum": ["usd", "eur"]}
    assert schema["$defs"]["Paid"]["properties"]["currency"] == {"$ref": "#/$defs/Currency", "description": "An ISO 4217 code."}
    assert schema["$defs"]["Paid"]["properties"]["before"]["anyOf"][0] == {"$ref": "#/$defs/Currency"}
    assert list(schema["$defs"]["Paid"]["properties"]) == ["id", "kind", "amount", "currency", "memo", "before"]  # flattened
    pyd = files[pydantic.path(loaded)]
    assert "class Currency" not in pyd and 'currency: Literal["usd", "eur"]' in pyd  # written out: plain strings
    cli_page, python_page = files[docs_cli.path(loaded)], files[docs_python.path(loaded)]
    assert '  - `currency: "usd" or "eur"`\n\n    An ISO 4217 code.\n\n    - `"usd"`' in cli_page
    assert '  - `currency: Literal["usd", "eur"]`' in python_page and "Currency" not in python_page.split("## Domain Types")[1]


def test_the_python_modules_decode_through_the_alias(tmp_path: Path) -> None:
    loaded = load()
    files = render.render(loaded, targets=(python.TARGET, msgspec.TARGET, pydantic.TARGET))
    good = {"kind": "paid", "id": "e1", "amount": 2, "currency": "eur", "before": None}
    for rel, text in files.items():
        path = tmp_path / Path(rel).name
        path.write_text(text, encoding="utf-8")
        module = import_path(path, path.stem)
        if rel.startswith("pydantic/"):
            assert module.ShopEvent.model_validate_json(json.dumps(good)).model_dump(mode="json", exclude_unset=True) == good
            with pytest.raises(Exception):
                module.ShopEvent.model_validate_json(json.dumps({**good, "currency": "gbp"}))
            continue
        event = module.parse_event(json.dumps(good), strict=True)
        assert type(event).__name__ == "Paid" and event.currency == "eur" and event.to_dict() == good
        with pytest.raises(module.WebhookDecodeError) as e:
            module.parse_event(json.dumps({**good, "before": "gbp"}), strict=True)
        assert e.value.path == "$.before"


def test_import_page_gives_the_written_out_flattened_spec_that_renders_the_same_pages(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    loaded = load()
    pages = render.render(loaded, targets=(docs_cli.TARGET, docs_python.TARGET))
    cli_page, python_page = tmp_path / "cli.md", tmp_path / "python.md"
    cli_page.write_bytes(pages[docs_cli.path(loaded)].encode("utf-8"))
    python_page.write_bytes(pages[docs_python.path(loaded)].encode("utf-8"))
    out = tmp_path / "imported.yaml"
    code = cli.main(["import", "page", str(cli_page), "--python-page", str(python_page), "--out", str(out), "--page", loaded.page])
    assert code == 0, capsys.readouterr().err
    imported = spec.load(out)
    assert imported.aliases == () and all(not o.extends for o in imported.objects)  # the page shows neither
    again = render.render(imported, targets=(docs_cli.TARGET, docs_python.TARGET))
    assert again == pages


def test_an_inherited_inline_object_is_one_class(tmp_path: Path) -> None:
    """Two types that extend one with an inline object share that object's class (no name clash)."""
    text = SPEC.replace("      id: {type: string, description: The event ID.}\n", "      id: {type: string, description: The event ID.}\n      meta: {fields: {a: {type: string}}}\n", 1)
    text = text.replace("    extends: [money]\n", "    extends: [money, base_event]\n").replace("      kind: {literal: refunded}\n      id: {type: string}\n", "      kind: {literal: refunded}\n")
    text = text.replace("      kind: {literal: paid}\n", "").replace("      memo: {type: note", "      kind: {literal: paid}\n      memo: {type: note")
    text = text.replace("      kind: {literal: refunded}\n", "      kind: {literal: refunded}\n", 1)
    loaded = load(text)
    assert [o.name.snake for o in loaded.objects].count("base_event_meta") == 1
    files = render.render(loaded, targets=(python.TARGET, typescript.TARGET, json_schema.TARGET))
    assert files[python.path(loaded)].count("\nclass BaseEventMeta(") == 1
    assert files[typescript.path(loaded)].count("export interface BaseEventMeta ") == 1
    path = tmp_path / "shop_hooks.py"
    path.write_text(files[python.path(loaded)], encoding="utf-8")
    module = import_path(path, "shop_hooks_nested")
    event = module.parse_event(json.dumps({"kind": "refunded", "amount": 1, "currency": "usd", "id": "e", "meta": {"a": "x"}}), strict=True)
    assert type(event.meta).__name__ == "BaseEventMeta"
