"""Open objects (`other_values:` beside `fields:`, spec/README.md "Open objects"): what the loader
makes of them and the errors it reports at their place. Decoding them is in the agreement corpus
(tests/corpus.py), which the kitchen sink's open objects feed at every depth."""

from __future__ import annotations

import pytest

from generator import model, spec

HEAD = "title: T\npage: p.md\nmodule: m\ntypes:\n"


def load(types: str) -> model.Spec:
    return spec.parse(HEAD + types, "t.yaml", "t.yaml")


def test_a_nested_and_a_top_level_open_object_load_with_their_types() -> None:
    loaded = load(
        "  base:\n    standalone: true\n    fields:\n      id: {type: string}\n"
        "      meta:\n        fields:\n          n: {type: integer}\n"
        "        other_values:\n          description: One note.\n          fields:\n            text: {type: string}\n"
        "    other_values: {type: integer, nullable: true, description: A count.}\n"
    )
    base = loaded.definition(model.Name("base"))
    assert isinstance(base, model.Object)
    assert base.other == model.Nullable(model.Integer()) and base.other_description == "A count."
    meta = base.fields[1].type
    assert isinstance(meta, model.Object) and isinstance(meta.other, model.Object)
    assert meta.other.name.snake == "base_meta_other_value" and meta.other.description == "One note."
    # the object under other_values is a class of its own, before the object that holds it
    names = [o.name.snake for o in loaded.objects]
    assert names.index("base_meta_other_value") < names.index("base_meta") < names.index("base")


def test_an_object_that_extends_an_open_one_inherits_its_other_values() -> None:
    loaded = load(
        "  base:\n    standalone: true\n    fields:\n      id: {type: string}\n    other_values: string\n"
        "  child:\n    standalone: true\n    extends: [base]\n    fields:\n      n: {type: integer}\n"
        "  own:\n    standalone: true\n    extends: [base]\n    fields:\n      n: {type: integer}\n    other_values: integer\n"
    )
    child, own = loaded.definition(model.Name("child")), loaded.definition(model.Name("own"))
    assert isinstance(child, model.Object) and child.other == model.String()
    assert isinstance(own, model.Object) and own.other == model.Integer()


@pytest.mark.parametrize(
    ("types", "where", "message"),
    [
        (
            "  a:\n    standalone: true\n    fields:\n      id: {type: string}\n    other_value: string\n",
            "t.yaml:9:5",
            "unknown key 'other_value' in type 'a'; did you mean 'other_values'?",
        ),
        (
            "  a:\n    standalone: true\n    fields:\n      m: {items: string, other_values: string}\n",
            "t.yaml:8:26",
            "'other_values' only applies to an object with fields",
        ),
        (
            "  a:\n    standalone: true\n    fields:\n      m: {fields: {x: {type: string}}, other_values: strng}\n",
            "t.yaml:8:54",
            "unknown type 'strng'; did you mean 'string'?",
        ),
        (
            "  a:\n    standalone: true\n    fields:\n      m: {fields: {x: {type: string}}, other_values: {type: string, optional: true}}\n",
            "t.yaml:8:",
            "unknown key 'optional' in other_values",
        ),
    ],
)
def test_misuse_is_a_located_error(types: str, where: str, message: str) -> None:
    with pytest.raises(spec.SpecError) as info:
        load(types)
    text = str(info.value)
    assert message in text and where in text, text
