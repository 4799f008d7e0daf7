"""The Python family's code writer: what the stdlib and msgspec modules print, laid out as black
lays it out, so that black's pass over the built-in templates' output changes nothing.

The mappers build small trees: expressions (`Call`, `Subscript`, `IfElse`, ...; str() of one is its
text on one line) and statements (`Assign`, `Declare`, `Def`, ...). A view holds the statements
placed with a `PyWriter` (one per rendered file); the template prints each where it belongs, and
`PyWriter.finish` lays every one out at the column the template printed it at: on one line when it
fits, else split as black splits it. So the indentation is the template's, the splitting the
writer's, and no number of spaces is decided anywhere else. The statements the templates write
themselves never depend on the spec's names, so they are in black's layout as written.

Where black would split in a way not covered here, a line stays whole and black splits it
(formatting.left_for_black finds it): the output is black's either way, only slower.
Only the Python family (python, msgspec, pydantic, docs_python) imports this module, and black.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable, Sequence, assert_never

from black.parsing import InvalidInput
from black.strings import fix_multiline_docstring, normalize_string_quotes, str_width

from .. import formatting
from .base import RenderError, char_escape

# -- text ---------------------------------------------------------------------------------------


def lit(value: object) -> str:
    """A Python literal; a string in the quotes black chooses (double, unless that takes more
    backslashes), so that black has nothing to change."""
    text = repr(value)
    if not isinstance(value, str):
        return text
    if text[0] == "'" and '"' not in text and "\\" not in text:
        return f'"{value}"'  # what normalize_string_quotes gives, without its regular expressions
    return normalize_string_quotes(text)


def py_escape(text: str) -> str:
    """Text for the inside of a triple-quoted Python string: any description, and the code stays valid.

    Backslashes are doubled, characters that are not printable become escapes, and a quote is escaped
    when another quote or the closing quotes follow it, so no run of quotes can end the string early.
    """
    if "\\" not in text and '"' not in text and text.replace("\n", "").replace("\t", "").isprintable():
        return text  # nothing to escape (most descriptions): no walk character by character
    out = []
    for i, ch in enumerate(text):
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"' if i + 1 == len(text) or text[i + 1] == '"' else ch)
        elif ch.isprintable() or ch in "\n\t":
            out.append(ch)
        else:
            out.append(char_escape(ch))
    return "".join(out)


def py_docstring(text: str) -> str:
    """A string statement of its own (a field's documentation): black leaves it as it is."""
    return f'"""{py_escape(text)}"""'


# -- expressions and how black splits them ------------------------------------------------------


@dataclass(frozen=True)
class Call:
    func: str
    args: tuple[Expr, ...]

    def __str__(self) -> str:
        return f"{self.func}({', '.join(map(str, self.args))})"


@dataclass(frozen=True)
class Subscript:
    name: str
    items: tuple[Expr, ...]

    def __str__(self) -> str:
        return f"{self.name}[{', '.join(map(str, self.items))}]"


@dataclass(frozen=True)
class Display:
    """A tuple or set display, `(a, b)` or `{a, b}`: split, black puts each item on a line of its own."""

    brackets: str  # "()" or "{}"
    items: tuple[Expr, ...]

    def __str__(self) -> str:
        return f"{self.brackets[0]}{', '.join(map(str, self.items))}{self.brackets[1]}"


@dataclass(frozen=True)
class Comprehension:
    """`[element clause]` or `{element clause}`, the clause being `for ... in ...`."""

    brackets: str  # "[]" or "{}"
    element: Expr
    clause: str

    def __str__(self) -> str:
        return f"{self.brackets[0]}{self.element} {self.clause}{self.brackets[1]}"


@dataclass(frozen=True)
class Test:
    """Operands joined by `op`: `and`, `or`, a comparison (`in`, `is`, `is not`), or `|` in an annotation."""

    operands: tuple[Expr, ...]
    op: str = "and"

    def __str__(self) -> str:
        return f" {self.op} ".join(map(str, self.operands))


@dataclass(frozen=True)
class IfElse:
    value: Expr
    test: Expr
    orelse: Expr

    def __str__(self) -> str:
        return f"{self.value} if {self.test} else {self.orelse}"


@dataclass(frozen=True)
class Parens:
    inner: Expr

    def __str__(self) -> str:
        return f"({self.inner})"


Expr = str | Call | Subscript | Display | Comprehension | Test | IfElse | Parens


def either(*parts: Expr) -> Test:
    """The union `a | b | ...`, flattened: black splits a union at each `|` alike."""
    return Test(tuple(o for p in parts for o in (p.operands if isinstance(p, Test) and p.op == "|" else (p,))), "|")


def fits(line: str, indent: int) -> bool:
    """Whether `line` fits within black's line length at `indent` (a wide character counts twice)."""
    return indent + str_width(line) <= formatting.MODE.line_length


# A name (dotted or not) or a string literal: black leaves it whole, past the line length if need be.
UNSPLITTABLE = re.compile(r"""[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*|"[^"\\\n]*"|'[^'\\\n]*'""", re.ASCII)


# A comprehension's clause over a name, or a method of it called with nothing: black leaves it whole.
UNSPLITTABLE_CLAUSE = re.compile(r"for \w+(?:, \w+)* in [A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*(?:\(\))?", re.ASCII)


# What may come before a name or a string black leaves whole on its line: nothing, or a Test's operator.
OPERATORS = frozenset({"", "and", "or", "in", "is", "is not", "|"})


def unsplittable(text: str) -> bool:
    return UNSPLITTABLE.fullmatch(text) is not None


def join(lines: Sequence[str], indent: int) -> str:
    """Lines indented relative to the first, as one text for a template line indented by `indent`."""
    return ("\n" + " " * indent).join(lines)


def indented(lines: Sequence[str]) -> list[str]:
    return ["    " + line for line in lines]


def split_lines(prefix: str, e: Expr, indent: int, suffix: str = "", long_head: bool = False) -> list[str] | None:
    """`prefix + e + suffix` laid out as black lays out a line of its own inside brackets, at
    `indent`: whole when it fits, else split at its delimiters of the lowest precedence (`if` and
    `else`, then `and`, `or`, `|`, then `in`) or, having none, at its last brackets. `prefix` is a
    keyword like `else `, no place to split; `suffix` ends the last line. The lines after the first
    are indented relative to it. `long_head`: split at the last brackets even where the line up to
    them does not fit (black leaves that line long, as when a name is too long). None where black
    would split otherwise than this covers."""
    flat = f"{prefix}{e}{suffix}"
    if fits(flat, indent) or (
        isinstance(e, str) and prefix.strip() in OPERATORS and suffix in ("", ",") and unsplittable(e)
    ):
        return [flat]
    parts: list[list[str] | None]
    match e:
        case IfElse() if not prefix and not suffix:
            parts = [
                split_lines("", e.value, indent),
                split_lines("if ", e.test, indent),
                split_lines("else ", e.orelse, indent),
            ]
        case Test():
            last = len(e.operands) - 1
            parts = [
                split_lines(e.op + " " if i else prefix, o, indent, suffix if i == last else "")
                for i, o in enumerate(e.operands)
            ]
        case Call():
            parts = [bracket_lines(f"{prefix}{e.func}(", e.args, ")" + suffix, indent, long_head=long_head)]
        case Subscript():
            parts = [bracket_lines(f"{prefix}{e.name}[", e.items, "]" + suffix, indent, long_head=long_head)]
        case Display():
            head, tail = prefix + e.brackets[0], e.brackets[1] + suffix
            parts = [bracket_lines(head, e.items, tail, indent, explode=True, long_head=long_head)]
        case Comprehension():  # inside its brackets, split before `for`; a clause black cannot split may stay long
            head, tail = prefix + e.brackets[0], e.brackets[1] + suffix
            inner = f"{e.element} {e.clause}"
            body: list[str] | None = None
            if fits(inner, indent + 4):
                body = [inner]
            elif fits(str(e.element), indent + 4) and (
                fits(e.clause, indent + 4) or UNSPLITTABLE_CLAUSE.fullmatch(e.clause) is not None
            ):
                body = [str(e.element), e.clause]
            ends = (long_head or fits(head, indent)) and fits(tail, indent)
            parts = [[head, *indented(body), tail] if body is not None and ends else None]
        case Parens():
            parts = [bracket_lines(prefix + "(", (e.inner,), ")" + suffix, indent)]
        case _:
            return None
    return None if any(part is None for part in parts) else [line for part in parts for line in part or ()]


def bracket_lines(
    head: str, items: Sequence[Expr], tail: str, indent: int, explode: bool = False, long_head: bool = False
) -> list[str] | None:
    """`head` (ending with an opening bracket), `items` and `tail` (starting with the closing one)
    split at the brackets: the items on a line of their own when they fit (unless `explode`: a
    display), else one a line, each with a comma (a single one without). `long_head`: the head may
    not fit (black leaves it long)."""
    body: list[str] | None
    if not items:  # black does not split empty brackets
        return None
    if len(items) == 1:
        body = split_lines("", items[0], indent + 4)
    elif not explode and fits(", ".join(map(str, items)), indent + 4):
        body = [", ".join(map(str, items))]
    else:
        lines = [split_lines("", item, indent + 4, ",") for item in items]
        body = None if None in lines else [line for item in lines for line in item or ()]
    if body is None or not (long_head or fits(head, indent)) or not fits(tail, indent):
        return None
    return [head, *indented(body), tail]


def all_fit(lines: list[str] | None, indent: int) -> list[str] | None:
    """`lines` (indented relative to the first) if each fits at `indent`: black's second opinion on
    a statement whose first line does not fit, in parentheses, is taken only then."""
    return lines if lines is not None and all(fits(line, indent) for line in lines) else None


def laid_out(flat: str, indent: int, split: Callable[[], list[str] | None]) -> str:
    """`flat` when it fits at `indent`, else the lines `split` gives, else (None) `flat`, for black."""
    lines = None if fits(flat, indent) else split()
    return flat if lines is None else join(lines, indent)


def call(head: str, args: Sequence[Expr], tail: str, indent: int) -> str:
    """A call statement (a `raise`, a `return`, a `class` line) whose `head` ends with its opening
    bracket: on one line, else split at its brackets."""
    return laid_out(f"{head}{', '.join(map(str, args))}{tail}", indent, lambda: bracket_lines(head, args, tail, indent))


def assignment(target: str, e: Expr, indent: int) -> str:
    """`target = e`: on one line; else a conditional, or a name that then fits, in parentheses; a
    display split at its brackets; a call or a comprehension split at its brackets, or in
    parentheses when that first line would not fit but the value would."""

    def split() -> list[str] | None:
        if isinstance(e, Display):
            return split_lines(f"{target} = ", e, indent)
        if isinstance(e, (Call, Comprehension)):
            at_brackets = split_lines(f"{target} = ", e, indent)
            if at_brackets is not None:
                return at_brackets
            if not fits(f"{target} = {opening(e)}", indent):
                return long_target(target, e, indent)
            if not fits(str(e), indent + 4):
                return None
        elif not isinstance(e, IfElse) and not (unsplittable(str(e)) and fits(str(e), indent + 4)):
            return None
        return bracket_lines(f"{target} = (", (e,), ")", indent, long_head=isinstance(e, IfElse))

    return laid_out(f"{target} = {e}", indent, split)


def long_target(target: str, e: Call | Comprehension, indent: int) -> list[str] | None:
    """`target = e` where the line up to e's bracket does not fit. A target with brackets (a
    subscript) keeps the value in parentheses while `target = (` fits with a column to spare (black's
    `_prefer_split_rhs_oop_over_rhs`), split as it may be; a plain target (an attribute) is split at
    e's brackets, long, unless in parentheses every line fits (black's second opinion). An annotated
    target (its annotation goes in parentheses) or a long subscripted one (split inside its brackets)
    is left to black."""
    if ":" in target:
        return None
    if "[" in target:
        return bracket_lines(f"{target} = (", (e,), ")", indent) if fits(f"{target} = ( ", indent) else None
    in_parentheses = all_fit(bracket_lines(f"{target} = (", (e,), ")", indent), indent)
    return in_parentheses or split_lines(f"{target} = ", e, indent, long_head=True)


def opening(e: Call | Display | Comprehension | Subscript) -> str:
    """The text of `e` up to its first opening bracket."""
    match e:
        case Call(func=func):
            return func + "("
        case Subscript(name=name):
            return name + "["
        case Display(brackets=brackets) | Comprehension(brackets=brackets):
            return brackets[0]
        case _:
            assert_never(e)


def annotated(name: str, ann: Expr, suffix: str, indent: int) -> str:
    """`name: ann` and `suffix` (` = default,` for a parameter) as black writes it: on one line; else
    a subscript split at its brackets, a union in parentheses. Where the line up to the subscript's
    bracket does not fit (a long name), a statement's annotation goes in parentheses if every line
    then fits (black's second opinion), else (and a parameter's) it is split at its brackets all
    the same."""

    def split() -> list[str] | None:
        if isinstance(ann, Subscript):
            if fits(f"{name}: {opening(ann)}", indent):
                return split_lines(f"{name}: ", ann, indent, suffix)
            if not suffix and (parens := all_fit(bracket_lines(f"{name}: (", (ann,), ")", indent), indent)):
                return parens
            return split_lines(f"{name}: ", ann, indent, suffix, long_head=True)
        if isinstance(ann, Test) and ann.op == "|":  # in parentheses, however long the name
            return bracket_lines(f"{name}: (", (ann,), ")" + suffix, indent, long_head=True)
        return None

    return laid_out(f"{name}: {ann}{suffix}", indent, split)


def annotated_assignment(name: str, ann: Expr, value: str, indent: int) -> str:
    """`name: ann = value`, for a `value` black cannot split (a name): on one line; else the value in
    parentheses, while that first line fits; else the annotation split as `annotated` splits it."""
    if fits(f"{name}: {ann} = (", indent) or not unsplittable(value):
        return assignment(f"{name}: {ann}", value, indent)
    return annotated(name, ann, f" = {value}", indent)


def union_alias(name: str, members: Sequence[str], indent: int) -> str:
    """`name: TypeAlias = Union[...]`, one member a line: the comma after each keeps black from
    joining them, except after a single one (no tuple), which black joins when it fits."""
    one_line = f"{name}: TypeAlias = Union[{members[0]},]"
    if len(members) == 1 and fits(one_line, indent):
        return one_line
    return join([f"{name}: TypeAlias = Union[", *(f"    {member}," for member in members), "]"], indent)


def if_fit(lines: list[str], indent: int) -> list[str] | None:
    """`lines` if each fits at `indent`."""
    return lines if all(fits(line, indent) for line in lines) else None


def block_docstring(text: str, indent: int) -> str:
    """py_docstring(text) as black rewrites the docstring of a block (a class's) at `indent`: the
    first line stripped, the others indented as the block and without trailing spaces, a space
    between a quote and the closing quotes, and those on a line of their own when the last line
    has no room for them (as black.linegen.LineGenerator.visit_STRING does)."""
    escaped = py_escape(text)
    if re.search(r"\\\s*\n", escaped):  # a backslash ending a line: black leaves the docstring alone
        return f'"""{escaped}"""'
    body = fix_multiline_docstring(escaped, " " * indent) if "\n" in escaped else escaped.strip()
    odd_backslashes = False
    if body:
        if body[0] == '"':
            body = " " + body
        if body[-1] == '"':
            body += " "
        odd_backslashes = (len(body) - len(body.rstrip("\\"))) % 2 == 1
        if odd_backslashes:
            body += " "
    elif escaped:
        body = " "
    lines = body.splitlines()
    limit = formatting.MODE.line_length
    if (
        len(lines) > 1
        and len(lines[-1]) + 3 > limit
        and indent + 3 <= limit
        and not odd_backslashes
        and not escaped.endswith("\n")
    ):
        return f'"""{body}\n{" " * indent}"""'
    return f'"""{body}"""'


# -- statements: what a view holds, laid out where the template prints it ------------------------


@dataclass(frozen=True)
class Assign:
    """`target = value`."""

    target: str
    value: Expr


@dataclass(frozen=True)
class AnnAssign:
    """`name: annotation = value`, for a `value` black cannot split (a name)."""

    name: str
    annotation: Expr
    value: str


@dataclass(frozen=True)
class Declare:
    """`name: annotation` and the rest of its line (` = default,` for a parameter)."""

    name: str
    annotation: Expr
    rest: str = ""


@dataclass(frozen=True)
class CallLine:
    """A statement that is a call (a `raise`, a `return`, a `class` line): `head` ends with the
    opening bracket, `tail` starts with the closing one."""

    head: str
    args: tuple[Expr, ...]
    tail: str


@dataclass(frozen=True)
class If:
    """`if test:`."""

    test: Expr


@dataclass(frozen=True)
class Def:
    """`def name(param) -> returns:`, one parameter."""

    name: str
    param: str
    returns: str


@dataclass(frozen=True)
class UnionAlias:
    """`name: TypeAlias = Union[...]`."""

    name: str
    members: tuple[str, ...]


@dataclass(frozen=True)
class DictItem:
    """`key: value,`, an item of a dict display split one item a line."""

    key: str
    value: Expr


@dataclass(frozen=True)
class DictHead:
    """`head annotation] = {`, the first line(s) of an annotated dict display split one item a line;
    `head` ends with the `[` that `annotation` is in."""

    head: str
    annotation: str


@dataclass(frozen=True)
class Docstring:
    """A block's docstring (a class's), which black rewrites."""

    text: str


Statement = Assign | AnnAssign | Declare | CallLine | If | Def | UnionAlias | DictItem | DictHead | Docstring


def lay_out(s: Statement, indent: int) -> str:
    """`s` as black writes it on a line indented by `indent`: its lines after the first indented
    relative to that line."""
    match s:
        case Assign(target, value):
            return assignment(target, value, indent)
        case AnnAssign(name, ann, value):
            return annotated_assignment(name, ann, value, indent)
        case Declare(name, ann, rest):
            return annotated(name, ann, rest, indent)
        case CallLine(head, args, tail):
            return call(head, args, tail, indent)
        case If(test):
            return laid_out(f"if {test}:", indent, lambda: bracket_lines("if (", (test,), "):", indent))
        case Def(name, param, returns):
            return laid_out(
                f"def {name}({param}) -> {returns}:",
                indent,
                lambda: if_fit([f"def {name}(", f"    {param},", f") -> {returns}:"], indent),
            )
        case UnionAlias(name, members):
            return union_alias(name, members, indent)
        case DictItem(key, value):
            return laid_out(
                f"{key}: {value},", indent, lambda: split_lines(f"{key}: ", value, indent, ",", long_head=True)
            )
        case DictHead(head, ann):
            # a dict whose items end with a comma is always split; when its first line is too long, its annotation too
            return laid_out(f"{head}{ann}] = {{", indent, lambda: if_fit([head, f"    {ann}", "] = {"], indent))
        case Docstring(text):
            return block_docstring(text, indent)
        case _:
            assert_never(s)


@dataclass(frozen=True)
class Placed:
    """A statement in a view: prints as a mark, which `PyWriter.finish` replaces with its layout."""

    statement: Statement
    index: int

    def __str__(self) -> str:
        return f"\x00{self.index}\x00"


@dataclass
class PyWriter:
    """The statements of one rendered file, numbered as they are placed (called with one)."""

    placed: list[Statement] = field(default_factory=list)

    def __call__(self, statement: Statement) -> Placed:
        self.placed.append(statement)
        return Placed(statement, len(self.placed) - 1)

    def finish(self, text: str) -> str:
        """`text` with each statement's mark replaced by the statement laid out at the indentation of
        the line the template printed it on. (No spec text can hold a mark: NUL is escaped wherever
        spec text lands in Python.)"""

        def one(m: re.Match[str]) -> str:
            index = int(m[1])
            if index >= len(self.placed):
                return m[0]
            line_start = text.rfind("\n", 0, m.start()) + 1
            line = text[line_start : m.start()]
            return lay_out(self.placed[index], len(line) - len(line.lstrip(" ")))

        return _MARK.sub(one, text)


_MARK = re.compile("\x00(\\d+)\x00")


# -- the formatting step ---------------------------------------------------------------------------


def format_python(
    source: str, template: str, laid_out: bool = False, layout: Callable[[str], str | None] | None = None
) -> str:
    """black's output for `source`, which CPython's compiler accepts (in top-level chunks, cached
    and in parallel: see formatting.py). `laid_out`: the built-in templates wrote `source`, in
    black's layout, so black runs only on the chunks where a line was left for it."""
    try:
        return formatting.format_str(source, laid_out, template if laid_out or layout is not None else "", layout)
    except InvalidInput as e:
        raise RenderError(f"{template}: rendered code does not parse: {e}") from None
    except (SyntaxError, ValueError) as e:
        line = f":{e.lineno}" if isinstance(e, SyntaxError) and e.lineno else ""
        raise RenderError(
            f"{template}{line}: rendered code does not compile: {e.msg if isinstance(e, SyntaxError) else e}"
        ) from None
