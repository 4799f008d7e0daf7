"""What every target shares: the Target record, name-collision checks, escaping and formatting."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Callable, Iterator, Sequence

import jinja2
from black.parsing import InvalidInput
from black.strings import fix_multiline_docstring, str_width

from generator import formatting, model
from generator.problems import Problem


class RenderError(Exception):
    """A template failed, or produced code the formatter cannot parse (a custom template's bug)."""


@dataclass(frozen=True)
class Target:
    """One output of the spec: its own name checks, and the files it renders."""

    name: str
    check: Callable[[model.Spec], list[Problem]]
    render: Callable[[model.Spec, jinja2.Environment], dict[str, str]]
    # For a target whose work is slow and cached (datamodel-code-generator): whether this spec's
    # output is in the cache. When it is not, the target renders in a process of its own, in
    # parallel with the others.
    cached: Callable[[model.Spec], bool] | None = None


# -- naming checks, run after loading with each target's spelling ---------------------------


def problem(spec: model.Spec, loc: model.Loc, message: str) -> Problem:
    return Problem(spec.shown or spec.source, max(loc.line, 1), max(loc.column, 1), message)


def named_things(spec: model.Spec) -> Iterator[tuple[model.Name, model.Loc, str]]:
    """Every definition, then every nested object: its name, where the spec writes it, how to call it."""
    for d in spec.definitions:
        yield d.name, d.loc, f"type {d.name.snake!r}"
    for obj in spec.objects:
        for f in obj.fields:
            inner = f.type
            while isinstance(inner, (model.Array, model.Map, model.Nullable)):
                inner = inner.item if isinstance(inner, model.Array) else inner.value if isinstance(inner, model.Map) else inner.inner
            if isinstance(inner, model.Object):
                yield inner.name, inner.loc, f"the object of field {f.key!r}"


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
                    f"{label} and {seen[spelled]} would both be {language} {spelled}; rename one (nested objects take `name:`)",
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
                problems.append(problem(spec, f.loc, f"fields {seen[spelled]!r} and {f.ident!r} would both be {language} {spelled!r}"))
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
        elif ord(ch) < 0x100:
            out.append(f"\\x{ord(ch):02x}")
        elif ord(ch) < 0x10000:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(f"\\U{ord(ch):08x}")
    return "".join(out)


def py_docstring(text: str) -> str:
    return f'"""{py_escape(text)}"""'


def indent_block(text: str, width: int) -> str:
    """Indent every non-empty line, splitting on "\\n" only (str.splitlines would also split on
    characters like \\x1e or \\u2028 and so change a description)."""
    pad = " " * width
    return "\n".join(pad + line if line else line for line in text.split("\n"))


# -- black's layout ---------------------------------------------------------------------------
# black formats a text a second time whenever its first pass changed it, so text that is already in
# black's style costs half. The targets lay out the lines whose length depends on the spec's names,
# keys and values as black would split them, with the helpers below; a line they have no layout for
# stays whole and black splits it (the output is black's either way).


def fits(line: str, indent: int) -> bool:
    """Whether `line` fits within black's line length at `indent` (a wide character counts twice)."""
    return indent + str_width(line) <= formatting.MODE.line_length


def layout(indent: int, flat: str, *choices: Sequence[str] | None) -> str:
    """`flat` when it fits at `indent`; else the first of `choices` (lines, indented relative to the
    first) whose every line fits, joined at `indent`; else `flat`, for black to split."""
    if not fits(flat, indent):
        for lines in choices:
            if lines is not None and all(fits(line, indent) for line in lines):
                return join(lines, indent)
    return flat


def join(lines: Sequence[str], indent: int) -> str:
    """Lines indented relative to the first, as one text for a template line indented by `indent`."""
    return ("\n" + " " * indent).join(lines)


def indented(lines: Sequence[str]) -> list[str]:
    """`lines` one level deeper."""
    return ["    " + line for line in lines]


def bracketed(head: str, body: str, tail: str) -> list[str]:
    """black's split at a pair of brackets: `head` ends with the opening one, `tail` starts with the
    closing one, and `body` goes on a line of its own between them."""
    return [head, "    " + body, tail]


def exploded(head: str, items: Sequence[str], tail: str) -> list[str]:
    """One item a line, each with a trailing comma: black's split of a collection, or of arguments
    that do not fit on one line."""
    return [head, *("    " + item + "," for item in items), tail]


def call(head: str, args: Sequence[str], tail: str, indent: int) -> str:
    """A call whose `head` ends with its opening bracket (a statement, or the value assigned to a
    target without brackets): on one line, else the arguments on a line of their own, else one a line."""
    body = ", ".join(args)
    return layout(indent, head + body + tail, bracketed(head, body, tail), exploded(head, args, tail))


def assignment(target: str, value: str, indent: int) -> str:
    """`target = value` for a `value` without brackets (a name): on one line, else the value in
    parentheses (when that first line does not fit either, black splits a target with brackets
    instead, a layout left to it)."""
    return layout(indent, f"{target} = {value}", [f"{target} = (", "    " + value, ")"])


def frozenset_constant(name: str, items: Sequence[str]) -> str:
    """`name: Final = frozenset({items})` at the top level: on one line, else the set on a line of
    its own, else one item a line."""
    head, inner = f"{name}: Final = frozenset(", "{" + ", ".join(items) + "}"
    one_a_line = [head, "    {", *(f"        {item}," for item in items), "    }", ")"] if len(items) > 1 else None
    return layout(0, head + inner + ")", bracketed(head, inner, ")"), one_a_line)


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
    if len(lines) > 1 and len(lines[-1]) + 3 > limit and indent + 3 <= limit and not odd_backslashes and not escaped.endswith("\n"):
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


def format_python(source: str, template: str) -> str:
    """black's output for `source` (in top-level chunks, cached and in parallel: see formatting.py),
    then CPython's own compiler: black accepts some code CPython refuses (a NUL byte)."""
    try:
        formatted = formatting.format_str(source)
    except InvalidInput as e:
        raise RenderError(f"{template}: rendered code does not parse: {e}") from None
    try:
        compile(formatted, template, "exec", dont_inherit=True)
    except (SyntaxError, ValueError) as e:
        line = f":{e.lineno}" if isinstance(e, SyntaxError) and e.lineno else ""
        raise RenderError(f"{template}{line}: rendered code does not compile: {e}") from None
    return formatted
