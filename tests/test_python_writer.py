"""The Python family's code writer: a statement placed in a view is laid out at the indentation of
the line the template prints it on, in black's layout, whether it fits on its line or not."""

from __future__ import annotations

import black
import jinja2
import pytest

from generator import formatting
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
