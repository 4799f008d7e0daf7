"""The Python family's code writer: a statement placed in a view is laid out at the indentation of
the line the template prints it on, in black's layout, whether it fits on its line or not."""

from __future__ import annotations

import dataclasses
import re

import black
import jinja2
import pytest

from generator import formatting, model, spec
from generator.targets import python
from generator.targets.python_writer import (
    AnnAssign,
    Assign,
    Call,
    CallLine,
    Declare,
    Def,
    DictHead,
    DictItem,
    Display,
    Docstring,
    IfElse,
    PyWriter,
    Statement,
    Subscript,
    Test as Operands,
    If,
    UnionAlias,
    either,
)

LONG = "a_name_that_grows_with_the_spec"

# Each statement with the lines a template would print around it (relative to its own).
CASES: dict[str, tuple[Statement, str]] = {
    "assign": (
        Assign(f"o.{LONG}", IfElse("x", Operands((f"type(x) is str", "x in y")), Call("_fail", ('"a string"', "x")))),
        "{s}",
    ),
    "assign-call": (Assign(f"{LONG}_target", Call("frozenset", (Display("{}", ('"a"', f'"{LONG}"', f'"{LONG}2"')),))), "{s}"),
    "annotated-assign": (
        AnnAssign(LONG, Subscript("ClassVar", (Subscript("Type", (LONG.title() * 2,)),)), LONG.title()),
        "{s}",
    ),
    "declare": (Declare(LONG, either(Subscript("tuple", (LONG.title() * 2, "...")), "None")), "{s}"),
    "call": (CallLine("raise _bad_tag(", ("tag", f"_{LONG.upper()}_DECODERS", f'"{LONG}"'), ")"), "{s}"),
    "if": (If(Operands((f"self.{LONG} is not None", f'"{LONG}" in self.explicit_nulls'), "or")), "{s}\n    pass"),
    "def": (Def(f"_decode_{LONG}", "d: Any", LONG.title()), "{s}\n    pass"),
    "union": (UnionAlias(LONG.title(), (LONG.title() + "A", LONG.title() + "B")), "{s}"),
    "dict-item": (DictItem(f'"{LONG}"', Call("_encode", (f"self.{LONG}", f"self.{LONG}"))), "x = {\n    {s}\n}"),
    "dict-head": (DictHead(f"_{LONG.upper()}_DECODERS: Final[", f"dict[str, Callable[[Any], {LONG.title()}]]"), '{s}\n    "k": v,\n}'),
    "docstring": (Docstring("  A description\n  on two lines, the second one long enough to need the closing quotes on a line of their own " + "x" * 20), "{s}"),
}


@pytest.mark.parametrize("name", CASES)
@pytest.mark.parametrize("depth", [0, 2, 6])
def test_a_placed_statement_is_laid_out_as_black_lays_it_out(name: str, depth: int) -> None:
    """Printed in a method, `depth` blocks deeper (8 to 32 columns): split, or not, as black splits it."""
    statement, around = CASES[name]
    w = PyWriter()
    view = {"s": w(statement)}
    indent = " " * (8 + 4 * depth)
    lines = ["class A:", "    def f(self) -> None:", *(" " * (8 + 4 * i) + "def g() -> None:" for i in range(depth))]
    lines += [indent + line for line in around.replace("{s}", "{{ s }}").split("\n")]
    text = w.finish(jinja2.Template("\n".join(lines) + "\n", keep_trailing_newline=True).render(**view))
    assert "\x00" not in text
    if depth < 6:
        assert not formatting.left_for_black(text), text
    # deeper, a line that does not fit even split is left whole, for black to split
    assert black.format_str(text, mode=formatting.MODE) == text or formatting.left_for_black(text), text


def test_a_statement_is_split_only_where_it_does_not_fit() -> None:
    statement = Assign("x", Call("f", ("a", "b")))
    w = PyWriter()
    placed = w(statement)
    assert w.finish(f"{placed}\n") == "x = f(a, b)\n"
    long = Assign("x", Call("f", (LONG, LONG, LONG)))
    w = PyWriter()
    text = w.finish("        " + str(w(long)) + "\n")
    assert text.splitlines() == ["        x = f(", *[f"            {LONG}," for _ in range(3)], "        )"]  # 88 columns
    w = PyWriter()
    text = w.finish("        " + str(w(Assign("x", Call("f", (LONG, LONG[:20], LONG[:20]))))) + "\n")
    assert text.splitlines() == ["        x = f(", f"            {LONG}, {LONG[:20]}, {LONG[:20]}", "        )"]


# -- the mappers' statements for arrays and maps of enums, at name lengths that force splits ----------

ENUM_FIELDS = """
title: Enum Arrays
page: e/index.md
module: enum_arrays
entry: any_event
types:
  currency: {enum: [usd, eur]}
  level: {enum: [1, 2, 3]}
  carrier: {enum: [ups, dhl], open: true}
  an_event:
    fields:
      type: {literal: an.event}
      codes: {items: {enum: [1, 2, 3]}}
      words: {items: {enum: [first_long_value, second_long_value, third_long_value]}}
      currencies: {items: currency}
      levels: {items: level, optional: true}
      carriers: {items: carrier}
      nullable_items: {items: {enum: [a, b], nullable: true}}
      nullable_named: {items: {type: currency, nullable: true}}
      nested: {items: {items: {enum: [x, y]}}}
      nested_named: {items: {items: currency}}
      by_name: {values: {enum: ["on", "off"]}}
      by_name_named: {values: currency}
      map_of_arrays: {values: {items: level}}
      choice: {one_of: [integer, {items: {enum: [p, q]}}, {values: currency}]}
      literals: {items: {literal: fixed}}
      tags: {items: {enum: [red, green]}, optional: true, nullable: true}
  any_event:
    discriminator: type
    union: [an_event]
"""


def enum_fields() -> list[model.Field]:
    loaded = spec.parse(ENUM_FIELDS, "enum_arrays.yaml", source="enum_arrays.yaml")
    (event,) = [o for o in loaded.objects if o.name.snake == "an_event"]
    return [f for f in event.fields if f.key != "type"]


def mapper_statements(f: model.Field, length: int) -> dict[str, tuple[Statement, str]]:
    """What python.field_view places for `f`, its name lengthened to `length` characters."""
    key = f.key + "_" + "n" * max(0, length - len(f.key) - 1)
    f = dataclasses.replace(f, key=key, name=key)
    w = PyWriter()
    view = python.field_view(f, w)
    around = {"attribute": "class B:\n    {s}", "parameter": "def h(\n    self,\n    {s}\n) -> None:\n    pass"}
    around |= {"store": "{s}", "item": "x = {\n    {s}\n}"}
    around |= {"present": "{s}\n    pass", "write": "{s}"}
    return {name: (getattr(view, name).statement, text) for name, text in around.items() if getattr(view, name) is not None}


LENGTHS = [10, 40, 60, 75, 85, 98]


@pytest.mark.parametrize("length", LENGTHS)
@pytest.mark.parametrize("field", [f.key for f in enum_fields()])
def test_arrays_and_maps_of_enums_are_laid_out_as_black_lays_them_out(field: str, length: int) -> None:
    """Every statement the mappers place for such a field (the decoder's line holds runtime calls,
    no lambda), with names up to the spec's limit: black changes nothing the writer wrote; where a
    name is too long for any line, the line stays long in black's output too."""
    (f,) = [f for f in enum_fields() if f.key == field]
    for name, (statement, around) in mapper_statements(f, length).items():
        if name == "write" and length >= 70:
            continue  # `out["<key>"] = ...`: black splits the target inside its brackets, which the writer leaves to it
        for depth in (0, 2):
            text = placed_in_a_method(statement, around, depth)
            assert "lambda" not in text
            assert black.format_str(text, mode=formatting.MODE) == text, f"{name}:\n{text}"
            if length <= 40 and depth == 0:  # deeper, the error message of `words` is a string past the limit
                assert not formatting.left_for_black(text), text


def placed_in_a_method(statement: Statement, around: str, depth: int) -> str:
    w = PyWriter()
    view = {"s": w(statement)}
    indent = " " * (8 + 4 * depth)
    lines = ["class A:", "    def f(self) -> None:", *(" " * (8 + 4 * i) + "def g() -> None:" for i in range(depth))]
    lines += [indent + line for line in around.replace("{s}", "{{ s }}").split("\n")]
    return w.finish(jinja2.Template("\n".join(lines) + "\n", keep_trailing_newline=True).render(**view))


def lengthened(text: str, length: int) -> str:
    """ENUM_FIELDS with each field's key (but the tag's) grown to `length` characters."""
    keys = {f.key for f in enum_fields()}
    grow = lambda m: m[1] + m[2] + "_" + "n" * max(0, length - len(m[2]) - 1) + ":"  # noqa: E731
    return re.sub(r"(?m)^(      )(\w+):", lambda m: grow(m) if m[2] in keys else m[0], text)


@pytest.mark.parametrize("length", [60, 85, 98])
def test_a_module_with_long_names_is_blacks_whether_a_chunk_is_trusted_or_not(length: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """The stdlib and msgspec modules for arrays and maps of enums, with long keys: no chunk the
    writer laid out is trusted (written without black) unless it is what black writes; so the
    formatted module is black's, and most chunks are trusted."""
    from generator import render
    from generator.targets import msgspec

    monkeypatch.setenv("WEBHOOKGEN_CACHE_DIR", "")
    text = lengthened(ENUM_FIELDS, length)
    assert "codes_" + "n" * (length - 6) + ":" in text
    loaded = spec.parse(text, "enum_arrays.yaml", source="enum_arrays.yaml")
    for target in (python.TARGET, msgspec.TARGET):
        (raw,) = target.render(loaded, render.environment()).values()
        trusted = [c for c in formatting.split(raw) if not formatting.left_for_black(c)]
        assert [c for c in trusted if black.format_str(c, mode=formatting.MODE) != c] == [], target.name
        assert len(trusted) > len(formatting.split(raw)) // 2
        assert formatting.format_str(raw, laid_out=True) == black.format_str(raw, mode=formatting.MODE)
