"""What every target shares: the Target record, name-collision checks, escaping and formatting."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Iterator, Sequence, assert_never

import jinja2
from black.parsing import InvalidInput
from black.strings import fix_multiline_docstring, str_width

from .. import formatting, model
from ..problems import Problem

if TYPE_CHECKING:
    from . import Prepared


class RenderError(Exception):
    """A template failed, or produced code the formatter cannot parse (a custom template's bug)."""


@dataclass(frozen=True)
class Target:
    """One output of the spec, as the contract in generator/targets/__init__.py describes it."""

    name: str
    check: Callable[[model.Spec], list[Problem]]
    mapper: Callable[[model.Type], object]
    render: Callable[[model.Spec, jinja2.Environment], dict[str, str]]
    format: Callable[[str, str, bool], str] | None = None
    templates: tuple[str, ...] = ()
    prepare: Callable[[model.Spec], Prepared] | None = None


# -- naming checks, run after loading with each target's spelling ---------------------------


def problem(spec: model.Spec, loc: model.Loc, message: str) -> Problem:
    return Problem(spec.shown or spec.source, max(loc.line, 1), max(loc.column, 1), message)


def named_things(spec: model.Spec) -> Iterator[tuple[model.Name, model.Loc, str]]:
    """Every definition, then every nested object: its name, where the spec writes it, how to call it."""
    for d in spec.definitions:
        yield d.name, d.loc, f"type {d.name.snake!r}"
    for obj in spec.objects:
        for f in obj.fields:
            inner = inline_object(f.type)
            if inner is not None:
                yield inner.name, inner.loc, f"the object of field {f.key!r}"


def inline_object(t: model.Type) -> model.Object | None:
    """The object a field's type defines in place, inside any arrays, maps and nullables."""
    match t:
        case model.Object():
            return t
        case model.Array(item=inner) | model.Map(value=inner) | model.Nullable(inner=inner):
            return inline_object(inner)
        case (
            model.String()
            | model.Integer()
            | model.Float()
            | model.Boolean()
            | model.Literal()
            | model.Enum()
            | model.Ref()
        ):
            return None
        case _:
            assert_never(t)


def distinct_class_names(
    spec: model.Spec,
    spell: Callable[[model.Name], str],
    reserved: frozenset[str],
    language: str,
    owner: str,
) -> list[Problem]:
    """Each type needs a name of its own in the target: `a_b` and `ab` would both be `AB`."""
    problems = []
    seen: dict[str, str] = {}
    for name, loc, label in named_things(spec):
        spelled = spell(name)
        if spelled in reserved:
            problems.append(problem(spec, loc, f"{label} would be {language} {spelled}, a name {owner} already uses"))
        elif spelled in seen:
            problems.append(
                problem(
                    spec,
                    loc,
                    f"{label} and {seen[spelled]} would both be {language} {spelled}; rename one (nested "
                    "objects take `name:`)",
                )
            )
        else:
            seen[spelled] = label
    return problems


def distinct_attributes(spec: model.Spec, spell: Callable[[str], str], language: str) -> list[Problem]:
    """Two keys of one object must not become the same attribute (`from` and `from_` in Python)."""
    problems = []
    for obj in spec.objects:
        seen: dict[str, str] = {}
        for f in obj.fields:
            spelled = spell(f.ident)
            if spelled in seen:
                problems.append(
                    problem(
                        spec, f.loc, f"fields {seen[spelled]!r} and {f.ident!r} would both be {language} {spelled!r}"
                    )
                )
            seen[spelled] = f.ident
    return problems


# -- text --------------------------------------------------------------------------------------


def json_text(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def py_escape(text: str) -> str:
    """Text for the inside of a triple-quoted Python string: any description, and the code stays valid.

    Backslashes are doubled, characters that are not printable become escapes, and a quote is escaped
    when another quote or the closing quotes follow it, so no run of quotes can end the string early.
    """
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


def char_escape(ch: str) -> str:
    """A character as the escape Python (and, below U+10000, JavaScript) reads it as."""
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def comment_text(text: str) -> str:
    """Text for a one-line comment (`#` or `//`) in a generated file's header, such as the spec's
    file name, which may hold any character but `/` and NUL. Backslashes are doubled and characters
    that are not printable (line breaks among them) become escapes, so the text stays on its line;
    and `coding:` loses its colon, so the comment is never the encoding declaration Python reads in
    a module's first two lines (`# -*- coding: latin-1 -*-` would change how the module decodes)."""
    escaped = "".join("\\\\" if ch == "\\" else ch if ch.isprintable() else char_escape(ch) for ch in text)
    return _ENCODING_DECLARATION.sub(lambda m: "coding" + char_escape(m[1]), escaped)


_ENCODING_DECLARATION = re.compile(r"coding([:=])")  # PEP 263's pattern, whose match is case-sensitive


def py_docstring(text: str) -> str:
    return f'"""{py_escape(text)}"""'


def indent_block(text: str, width: int) -> str:
    """Indent every non-empty line, splitting on "\\n" only (str.splitlines would also split on
    characters like \\x1e or \\u2028 and so change a description)."""
    pad = " " * width
    return "\n".join(pad + line if line else line for line in text.split("\n"))


# -- black's layout ---------------------------------------------------------------------------
# black formats a text a second time whenever its first pass changed it, so text already in black's
# style costs half. The targets print the lines whose length depends on the spec's names, keys and
# values as black splits them when they are too long, with what follows: annotations and
# expressions are small trees for it (str() of one is its text on one line), laid out the way
# black.linegen does for the few shapes the templates emit. Where black would split in a way not
# covered here, a line stays whole and black splits it: the output is black's either way, only
# slower.


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
    """Operands joined by `op`: `and`, `or`, `in`, or `|` in an annotation."""

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


def unsplittable(text: str) -> bool:
    return UNSPLITTABLE.fullmatch(text) is not None


def join(lines: Sequence[str], indent: int) -> str:
    """Lines indented relative to the first, as one text for a template line indented by `indent`."""
    return ("\n" + " " * indent).join(lines)


def indented(lines: Sequence[str]) -> list[str]:
    return ["    " + line for line in lines]


def split_lines(prefix: str, e: Expr, indent: int, suffix: str = "") -> list[str] | None:
    """`prefix + e + suffix` laid out as black lays out a line of its own inside brackets, at
    `indent`: whole when it fits, else split at its delimiters of the lowest precedence (`if` and
    `else`, then `and`, `or`, `|`, then `in`) or, having none, at its last brackets. `prefix` is a
    keyword like `else `, no place to split; `suffix` ends the last line. The lines after the first
    are indented relative to it. None where black would split otherwise than this covers."""
    flat = f"{prefix}{e}{suffix}"
    if fits(flat, indent) or (isinstance(e, str) and not prefix and suffix in ("", ",") and unsplittable(e)):
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
            parts = [bracket_lines(f"{prefix}{e.func}(", e.args, ")" + suffix, indent)]
        case Subscript():
            parts = [bracket_lines(f"{prefix}{e.name}[", e.items, "]" + suffix, indent)]
        case Display():
            parts = [bracket_lines(prefix + e.brackets[0], e.items, e.brackets[1] + suffix, indent, explode=True)]
        case Comprehension():  # inside its brackets, split before `for`
            inner = f"{e.element} {e.clause}"
            body = [inner] if fits(inner, indent + 4) else if_fit([str(e.element), e.clause], indent + 4)
            head_tail = if_fit([prefix + e.brackets[0], e.brackets[1] + suffix], indent)
            parts = [None] if body is None or head_tail is None else [[head_tail[0], *indented(body), head_tail[1]]]
        case Parens():
            parts = [bracket_lines(prefix + "(", (e.inner,), ")" + suffix, indent)]
        case _:
            return None
    return None if any(part is None for part in parts) else [line for part in parts for line in part or ()]


def bracket_lines(head: str, items: Sequence[Expr], tail: str, indent: int, explode: bool = False) -> list[str] | None:
    """`head` (ending with an opening bracket), `items` and `tail` (starting with the closing one)
    split at the brackets: the items on a line of their own when they fit (unless `explode`: a
    display), else one a line, each with a comma (a single one without)."""
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
    if body is None or not fits(head, indent) or not fits(tail, indent):
        return None
    return [head, *indented(body), tail]


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
        if isinstance(e, (Call, Display, Comprehension)):
            at_brackets = split_lines(f"{target} = ", e, indent)
            if at_brackets is not None or isinstance(e, Display) or not fits(str(e), indent + 4):
                return at_brackets
        elif not isinstance(e, IfElse) and not (unsplittable(str(e)) and fits(str(e), indent + 4)):
            return None
        return bracket_lines(f"{target} = (", (e,), ")", indent)

    return laid_out(f"{target} = {e}", indent, split)


def annotated(name: str, ann: Expr, suffix: str, indent: int) -> str:
    """`name: ann` and `suffix` (` = default,` for a parameter) as black writes it: on one line; else
    a subscript split at its brackets, a union in parentheses."""

    def split() -> list[str] | None:
        if isinstance(ann, Subscript):
            return split_lines(f"{name}: ", ann, indent, suffix)
        if isinstance(ann, Test) and ann.op == "|":
            return bracket_lines(f"{name}: (", (ann,), ")" + suffix, indent)
        return None

    return laid_out(f"{name}: {ann}{suffix}", indent, split)


def annotated_assignment(name: str, ann: Expr, value: str, indent: int) -> str:
    """`name: ann = value`, for a `value` black cannot split (a name): on one line; else the value in
    parentheses, while that first line fits; else the annotation split as `annotated` splits it."""
    if fits(f"{name}: {ann} = (", indent) or not unsplittable(value):
        return assignment(f"{name}: {ann}", value, indent)
    return annotated(name, ann, f" = {value}", indent)


def if_line(test: Expr, indent: int) -> str:
    """`if test:`: on one line, else the test in parentheses."""
    return laid_out(f"if {test}:", indent, lambda: bracket_lines("if (", (test,), "):", indent))


def def_line(name: str, param: str, returns: str, indent: int) -> str:
    """`def name(param) -> returns:`, one parameter: on one line, else split at its parentheses,
    with a comma after the parameter."""
    return laid_out(
        f"def {name}({param}) -> {returns}:",
        indent,
        lambda: if_fit([f"def {name}(", f"    {param},", f") -> {returns}:"], indent),
    )


def union_alias(name: str, members: Sequence[str]) -> str:
    """`name: TypeAlias = Union[...]` at the top level, one member a line: the comma after each keeps
    black from joining them, except after a single one (no tuple), which black joins when it fits."""
    one_line = f"{name}: TypeAlias = Union[{members[0]},]"
    if len(members) == 1 and fits(one_line, 0):
        return one_line
    return join([f"{name}: TypeAlias = Union[", *(f"    {member}," for member in members), "]"], 0)


def if_fit(lines: list[str], indent: int) -> list[str] | None:
    """`lines` if each fits at `indent`."""
    return lines if all(fits(line, indent) for line in lines) else None


def py_block_docstring(text: str, indent: int) -> str:
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


# -- rendering -----------------------------------------------------------------------------------


def render_template(env: jinja2.Environment, template: str, **context: Any) -> str:
    """Templates are code (Jinja runs them unsandboxed): any error in one is reported at its line."""
    try:
        return env.get_template(template).render(**context)
    except RecursionError:
        raise RenderError(f"{template}: the spec's types are nested too deeply to render") from None
    except UnicodeDecodeError as e:
        raise RenderError(f"{template}: a template is not UTF-8 ({e.reason} at byte {e.start})") from None
    except jinja2.TemplateError as e:
        raise RenderError(f"{template_location(e, template)}: {type(e).__name__}: {e}") from None
    except Exception as e:  # a template's own bug: 1/0, a call with the wrong arguments, ...
        raise RenderError(f"{template_location(e, template)}: {type(e).__name__}: {e}") from None


def template_location(error: BaseException, fallback: str) -> str:
    """`file:line` of the template line that failed (syntax errors carry it; runtime errors
    only in the traceback, where Jinja puts the template's own frames)."""
    if isinstance(error, jinja2.TemplateSyntaxError):
        return f"{error.filename or error.name or fallback}:{error.lineno}"
    tb = error.__traceback__
    location = fallback
    while tb is not None:
        if tb.tb_frame.f_code.co_filename.endswith(".j2"):
            location = f"{tb.tb_frame.f_code.co_filename}:{tb.tb_lineno}"
        tb = tb.tb_next
    return location


def format_python(source: str, template: str, laid_out: bool = False) -> str:
    """black's output for `source`, which CPython's compiler accepts (in top-level chunks, cached
    and in parallel: see formatting.py). `laid_out`: the built-in templates wrote `source`, in
    black's layout, so black runs only on the chunks where a line was left for it."""
    try:
        return formatting.format_str(source, laid_out)
    except InvalidInput as e:
        raise RenderError(f"{template}: rendered code does not parse: {e}") from None
    except (SyntaxError, ValueError) as e:
        line = f":{e.lineno}" if isinstance(e, SyntaxError) and e.lineno else ""
        raise RenderError(
            f"{template}{line}: rendered code does not compile: {e.msg if isinstance(e, SyntaxError) else e}"
        ) from None
