"""pydantic v2 models, produced by datamodel-code-generator from the JSON Schema target's document.

The naming is datamodel-code-generator's (it renames keys that are not identifiers and keeps the
JSON key as the alias); the options below make it strict (Strict* types: no "1" for an integer),
keep unknown keys (`extra='allow'`) and put the entry union at the root, so it becomes a real
discriminated union named like the spec's union rather than a wrapper around it.
"""

from __future__ import annotations

import ast
import functools
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
from black.strings import str_width

from .. import datamodel_tool, formats, formatting, model, naming
from . import base, json_schema, python_writer

if TYPE_CHECKING:
    from . import Tool


def generator_input(spec: model.Spec) -> dict[str, Any]:
    """The schema with the entry union at its root: datamodel-code-generator names the root class
    after its `title`, so the root is the union itself, not a class that wraps a `$ref` to it."""
    document = inline_aliases(json_schema.document(spec), spec)  # a new dict on every call: changing it is safe
    as_patterns(document)
    document.pop("$ref", None)
    document.pop("title", None)
    if spec.entry is not None:
        entry = json_schema.def_name(spec.entry.name)
        lifted = document["$defs"].pop(entry)
        if f'"#/$defs/{entry}"' in json.dumps(document):
            document["$defs"][entry] = lifted  # other types refer to it: leave it where they look
            document["$ref"] = f"#/$defs/{entry}"
        else:
            document.update(lifted)
    return document


def inline_aliases(document: dict[str, Any], spec: model.Spec) -> dict[str, Any]:
    """The schema with each named scalar or enum written out where it is used: the tool would make
    each a `RootModel` class, whose values are not the plain strings and numbers every other Python
    output gives (spec/README.md, "Named enums and scalars")."""
    named = {f"#/$defs/{json_schema.def_name(a.name)}": json_schema.schema(a.type) for a in spec.aliases}
    if not named:
        return document

    def walk(node: Any) -> Any:
        if isinstance(node, list):
            return [walk(x) for x in node]
        if not isinstance(node, dict):
            return node
        out = {k: walk(v) for k, v in node.items()}
        if isinstance(out.get("$ref"), str) and out["$ref"] in named:
            out = {**named[out.pop("$ref")], **out}
        return out

    defs = {k: v for k, v in document["$defs"].items() if f"#/$defs/{k}" not in named}
    return walk({**document, "$defs": defs})  # type: ignore[no-any-return]


def as_patterns(document: dict[str, Any]) -> None:
    """Each string `format` as the `pattern` every other decoder checks (generator/formats.py).
    datamodel-code-generator would map formats to parsed types (AwareDatetime, date, AnyUrl,
    EmailStr, UUID), which change the value (`to_dict()` would not give back the string that came)
    and check other rules; EmailStr also needs the email-validator package. As a pattern, the value
    stays a strict `str`, checked by pydantic's own regular expressions (Rust's) for the same form.

    A property's own string takes the pattern in place (`Annotated[StrictStr, Field(pattern=...)]`,
    a `str` attribute). Anywhere else (an array's items, a map's values, a nullable string) the tool
    would make a class or an alias of its own for it, named after the field, outside the one class
    per definition that the cache and the patching of a small edit rely on: there the string refers
    to a definition of its own per format (`FormatDateTime`, a `RootModel`)."""
    defs: dict[str, Any] = document.setdefault("$defs", {})
    named: dict[str, str] = {}  # format -> its definition's name
    own: set[int] = set()  # the ids of the schemas that are a property's own
    todo: list[Any] = [document]
    while todo:
        node = todo.pop()
        if isinstance(node, dict):
            if node.get("type") == "object" and isinstance(node.get("properties"), dict):
                own |= {id(v) for v in node["properties"].values()}
            name = node.get("format")
            if node.get("type") == "string" and isinstance(name, str) and name in formats.FORMATS:
                f = formats.of(name)
                del node["format"]
                if id(node) in own:
                    node["pattern"] = f"^(?:{f.pattern})$"  # Rust's `$`: the end of the text only
                else:
                    if name not in named:
                        base_name = "Format" + naming.pascal(f.ident)
                        named[name] = next(
                            n for n in (base_name + "_" * i for i in range(len(defs) + 1)) if n not in defs
                        )
                    del node["type"]
                    node["$ref"] = f"#/$defs/{named[name]}"
            todo.extend(node.values())
        elif isinstance(node, list):
            todo.extend(node)
    for f in formats.FORMATS.values():
        if f.name in named:
            defs[named[f.name]] = {
                "type": "string",
                "pattern": f"^(?:{f.pattern})$",
                "description": f"A string of the format `{f.name}` (String formats in the spec language).",
            }


def header(spec: model.Spec) -> str:
    return (
        f"# Code generated by webhookgen from {base.comment_text(spec.source)} (through its JSON Schema and "
        "datamodel-code-generator).\n"
        "# DO NOT EDIT: change the spec and regenerate.\n"
        f'"""{python_writer.py_escape(spec.title)}: pydantic v2 models of every type, strict, unknown keys kept."""'
    )


def cache_key(spec: model.Spec) -> tuple[dict[str, Any], str]:
    """The tool's input, and the cache key of its output."""
    document = generator_input(spec)
    return document, header(spec) + "\0" + json.dumps(document)  # key order matters: it is the fields' order


@dataclass(frozen=True)
class Job:
    """The tool's work on one spec, begun: its input and cache key, computed once, and the cache
    read once. The parent process asks it whether the output is cached; a worker forked from it
    then renders with it, inheriting what it holds."""

    spec: model.Spec
    document: dict[str, Any]
    key: str
    hit: str | None  # the output, from the cache
    tool: Tool | None = None  # the tool's process started ahead, if one was; else it runs here

    @property
    def cached(self) -> bool:
        return self.hit is not None

    def render(self, env: jinja2.Environment) -> dict[str, str]:
        return {path(self.spec): source(self)}


def prepare(spec: model.Spec, tool: Tool | None = None) -> Job:
    document, key = cache_key(spec)
    cache = formatting.Cache.default("datamodel-code-generator", salt=cache_salt())
    hit = cache.get(key) if cache is not None else None
    if hit is not None and not plain_models(hit, header(spec)):
        hit = None  # not the shape of the tool's output: run the tool
    return Job(spec, document, key, hit, tool)


def cached(spec: model.Spec) -> bool:
    return prepare(spec).cached


def source(job: Job | model.Spec) -> str:
    """datamodel-code-generator's module for the spec, from the content-addressed cache when this
    schema was seen before with the same generator version and options (its import alone costs
    about half a second); else patched from the previous run's output after a small edit (see
    `patched`); else from a run on the whole schema."""
    if isinstance(job, model.Spec):
        job = prepare(job)
    if job.hit is not None:
        return job.hit
    spec, document, key = job.spec, job.document, job.key
    header_text = header(spec)
    cache = formatting.Cache.default("datamodel-code-generator", salt=cache_salt())
    previous_key = f"previous\0{path(spec)}\0{header_text}"
    previous = cache.get(previous_key) if cache is not None else None
    generated = None
    before = previous_run(previous, header_text) if previous is not None else None
    run = run_generator if job.tool is None else as_target_errors(job.tool)
    if before is not None:
        generated = patched(before["schema"], before["output"], document, header_text, run, before["tree"])
    if generated is None:
        generated = run(document, header_text)
    if cache is not None:
        cache.put(key, generated)
        cache.put(previous_key, json.dumps({"schema": document, "output": generated}))
    return generated


def previous_run(entry: str, header_text: str) -> dict[str, Any] | None:
    """The previous run's schema and output from its cache entry, if the output has the tool's shape,
    with the output's syntax tree (`tree`: parsed once, for that test and for the patch)."""
    try:
        before = json.loads(entry)
    except ValueError:
        return None
    if (
        not isinstance(before, dict)
        or not isinstance(before.get("schema"), dict)
        or not isinstance(before.get("output"), str)
    ):
        return None
    try:
        tree = ast.parse(before["output"])
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    return {**before, "tree": tree} if plain_models(before["output"], header_text, tree) else None


# -- what a cached output may hold -----------------------------------------------------------------
#
# The cache holds the tool's output by its input's hash, but anyone who can write to the cache folder
# could put any text there, and nothing short of running the tool again (what the cache saves) shows
# that the text is the tool's output for this schema. So a cached output, whole or the previous one
# a patch starts from, is used only when it has the shape of what the tool writes for our schemas:
# the header; names imported from pydantic and typing; classes without decorators whose bodies hold
# docstrings, annotated fields, `model_config` and an open object's `__annotations__ = {"__pydantic_extra__":
# <type>}`, whose only calls are Field(...) and ConfigDict(...)
# with constant arguments, and whose strings in annotations are Literal values or class names.
# Importing such a module runs nothing but pydantic building those classes. Anything else is a miss.

PLAIN_IMPORTS = frozenset({"__future__", "pydantic", "typing"})
PLAIN_CALLS = frozenset({"Field", "ConfigDict"})
BUILTIN_TYPES = frozenset({"str", "int", "float", "bool", "bytes", "list", "dict", "tuple", "set", "frozenset"})


def plain_models(text: str, header_text: str, tree: ast.Module | None = None) -> bool:
    """Whether `text` has only the shape of the tool's output (see above); walked without recursion,
    so a union of thousands of members is no deeper for it than one of two. `tree`: `text` parsed
    already."""
    if not text.startswith(header_text + "\n"):
        return False
    if tree is None:
        try:
            tree = ast.parse(text)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return False
    names = set(BUILTIN_TYPES)
    classes = {node.name for node in tree.body if isinstance(node, ast.ClassDef)}
    names |= classes
    todo: list[tuple[ast.AST, str]] = []  # expressions, and what they may be: "type", "literal", "data", "value"
    for node in tree.body:
        if isinstance(node, ast.Expr) and _is_text(node.value):
            continue
        if isinstance(node, ast.ImportFrom):
            if node.module not in PLAIN_IMPORTS or node.level or any(alias.name == "*" for alias in node.names):
                return False
            names.update(alias.asname or alias.name for alias in node.names)
        elif isinstance(node, ast.ClassDef):
            if node.decorator_list or node.keywords or getattr(node, "type_params", None):
                return False
            todo += [(base, "type") for base in node.bases]
            for item in node.body:
                if isinstance(item, ast.Pass) or (isinstance(item, ast.Expr) and _is_text(item.value)):
                    continue
                if isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name) and item.simple:
                    todo.append((item.annotation, "type"))
                    if item.value is not None:
                        todo.append((item.value, "value"))
                elif _typed_extras(item):  # an open object: `__annotations__ = {"__pydantic_extra__": Dict[...]}`
                    assert isinstance(item, ast.Assign) and isinstance(item.value, ast.Dict)
                    todo += [(value, "type") for value in item.value.values]
                elif isinstance(item, ast.Assign) and len(item.targets) == 1 and isinstance(item.targets[0], ast.Name):
                    todo.append((item.value, "value"))
                else:
                    return False
        elif not _is_rebuild(node, classes):
            return False
    while todo:
        expr, what = todo.pop()
        if isinstance(expr, ast.Constant):
            # A string in an annotation is evaluated by pydantic: only a class's name may be one.
            if what == "type" and isinstance(expr.value, str) and not expr.value.isidentifier():
                return False
        elif isinstance(expr, ast.Name):
            if what != "type" or expr.id not in names:
                return False
        elif isinstance(expr, ast.Subscript) and what == "type":
            literal = isinstance(expr.value, ast.Name) and expr.value.id == "Literal"
            todo += [(expr.value, "type"), (expr.slice, "literal" if literal else "type")]
        elif isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.BitOr) and what == "type":
            todo += [(expr.left, "type"), (expr.right, "type")]
        elif isinstance(expr, ast.Call) and what in ("type", "value"):
            if not (isinstance(expr.func, ast.Name) and expr.func.id in PLAIN_CALLS and expr.func.id in names):
                return False
            if any(keyword.arg is None for keyword in expr.keywords):
                return False
            todo += [(arg, "data") for arg in expr.args] + [(keyword.value, "data") for keyword in expr.keywords]
        elif isinstance(expr, (ast.Tuple, ast.List, ast.Set)) and (what != "type" or isinstance(expr, ast.Tuple)):
            todo += [(element, what if what != "value" else "data") for element in expr.elts]
        elif isinstance(expr, ast.Dict) and what in ("data", "value") and None not in expr.keys:
            todo += [(part, "data") for part in [*expr.keys, *expr.values] if part is not None]
        elif (
            isinstance(expr, ast.UnaryOp)
            and isinstance(expr.op, (ast.USub, ast.UAdd))
            and isinstance(expr.operand, ast.Constant)
        ):
            pass
        else:
            return False
    return True


def _typed_extras(item: ast.stmt) -> bool:
    """`__annotations__ = {"__pydantic_extra__": <type>}`, which the tool writes for an object whose
    `additionalProperties` is a schema (an open object): pydantic checks the other keys against it."""
    return (
        isinstance(item, ast.Assign)
        and len(item.targets) == 1
        and isinstance(item.targets[0], ast.Name)
        and item.targets[0].id == "__annotations__"
        and isinstance(item.value, ast.Dict)
        and len(item.value.keys) == 1
        and isinstance(item.value.keys[0], ast.Constant)
        and item.value.keys[0].value == "__pydantic_extra__"
    )


def _is_text(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def _is_rebuild(node: ast.stmt, classes: set[str]) -> bool:
    """`Model.model_rebuild()`, which the tool writes after classes that refer to later ones."""
    if not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Call)):
        return False
    call = node.value
    return (
        isinstance(call.func, ast.Attribute)
        and call.func.attr == "model_rebuild"
        and isinstance(call.func.value, ast.Name)
        and call.func.value.id in classes
        and not call.args
        and not call.keywords
    )


@functools.cache
def cache_salt() -> str:
    """What the output depends on besides the input: the tool's version, its options (the module
    that runs it) and this module (what it does to the tool's output)."""
    from importlib.metadata import version

    return f"datamodel-code-generator {version('datamodel-code-generator')}\0" + "\0".join(
        hashlib.sha256(Path(module).read_bytes()).hexdigest() for module in (datamodel_tool.__file__, __file__)
    )


def run_generator(document: dict[str, Any], header_text: str) -> str:
    """The tool's module for `document`, run in this process (see generator/datamodel_tool.py)."""
    return as_target_errors(datamodel_tool.run)(document, header_text)


def as_target_errors(tool: Tool) -> Tool:
    """`tool`, whose refusal to write one module is a RenderError."""

    def run(document: dict[str, Any], header_text: str) -> str:
        try:
            return tool(document, header_text)
        except datamodel_tool.SeveralModules as e:
            raise base.RenderError(str(e)) from None

    return run


# -- regenerating after a small edit --------------------------------------------------------------
#
# The tool reads the whole schema on every run: about 5 s for 1,000 events, most of a regeneration
# after a one-event edit. Its output is a header with the imports, then one class per definition in
# an order fixed by the class names and what each class refers to; and a class's text depends only
# on the definitions it reaches (tests/test_pydantic_cache.py checks both on whole runs). So when an
# edit leaves the set of definitions, the root and what each definition refers to as they were, the
# previous output stays right except for the edited classes, whose text comes from a run on them,
# the classes that refer to them and what these reach. Every condition is checked; when one fails,
# the whole schema is run as before.


def patched(
    before: dict[str, Any],
    output: str,
    document: dict[str, Any],
    header_text: str,
    run: Tool | None = None,
    tree: ast.Module | None = None,
) -> str | None:
    """`document`'s output from `before`'s `output`, or None when it cannot be derived safely."""
    old, new = before.get("$defs"), document.get("$defs")
    if not isinstance(old, dict) or not isinstance(new, dict) or list(old) != list(new):
        return None
    # Compared as JSON text: dicts compare equal whatever their order, and the order of keys is
    # the order of the fields.
    if json.dumps({**before, "$defs": None}) != json.dumps({**document, "$defs": None}):
        return None  # the root (the entry union, lifted to the top) changed
    edited = [name for name in new if json.dumps(new[name]) != json.dumps(old[name])]
    if not edited or any(shape(old[name]) != shape(new[name]) for name in edited):
        return None
    refers_to = {name: references(definition) for name, definition in new.items()}
    group = set(edited) | {name for name, targets in refers_to.items() if targets & set(edited)}
    reached = reach(refers_to, group)
    referenced = set().union(*(refers_to[name] for name in reached))
    unreferenced = [name for name in new if name in group and name not in referenced]
    if not unreferenced:
        return None  # a cycle: no definition of the group can be the root of a run
    whole_head, whole_classes = classes(output, tree)
    try:
        runs = [
            classes((run or run_generator)(part(defs, reached, unreferenced[0]), header_text)) for defs in (old, new)
        ]
    except Exception:  # the tool refusing a part of the schema: the whole run decides
        return None
    (old_head, old_classes), (new_head, new_classes) = runs
    if whole_head is None or old_head is None or new_head is None or old_head != new_head:
        return None  # unparsable output, or the edit changes the imports
    if not whole_head.startswith(header_text + "\n"):
        return None
    if set(new_classes) != reached or not reached <= set(whole_classes):
        return None
    if any(old_classes[name] != whole_classes[name] for name in reached):
        return None  # the previous output is not what this run gives
    if any(new_classes[name] != whole_classes[name] for name in reached - set(edited)):
        return None  # an edit changed a class it did not touch
    blocks = [new_classes[name] if name in edited else text for name, text in whole_classes.items()]
    return "\n\n\n".join([whole_head, *blocks]) + output[len(output.rstrip("\n")) :]


def shape(definition: dict[str, Any]) -> tuple[Any, ...]:
    """What places a definition's class in the order: its kind and what it refers to."""
    return (sorted(definition), definition.get("type"), sorted(references(definition)))


def references(value: Any) -> set[str]:
    if isinstance(value, dict):
        found = {value["$ref"].rpartition("/")[2]} if isinstance(value.get("$ref"), str) else set()
        return found.union(*(references(v) for v in value.values()))
    if isinstance(value, list):
        return set().union(*(references(v) for v in value))
    return set()


def reach(refers_to: dict[str, set[str]], names: set[str]) -> set[str]:
    seen: set[str] = set()
    todo = list(names)
    while todo:
        name = todo.pop()
        if name not in seen and name in refers_to:
            seen.add(name)
            todo.extend(refers_to[name])
    return seen


def part(defs: dict[str, Any], names: set[str], root: str) -> dict[str, Any]:
    """A schema of `names`, with `root` at the top (so no wrapper class is made for the root)."""
    kept = {name: defs[name] for name in defs if name in names and name != root}
    return {"$schema": json_schema.DIALECT, "$defs": kept, **defs[root]}


def classes(output: str, tree: ast.Module | None = None) -> tuple[str | None, dict[str, str]]:
    """The header and each class's text, in order, where Python's parser puts them (so no text
    inside a class, a docstring's included, can be taken for the start of another); (None, {}) if
    the output has another shape: anything but undecorated classes after the header, or anything
    but two blank lines between them (a comment, say). `tree`: `output` parsed already."""
    if tree is None:
        try:
            tree = ast.parse(output)
        except (SyntaxError, ValueError):
            return None, {}
    first = next((i for i, node in enumerate(tree.body) if isinstance(node, ast.ClassDef)), len(tree.body))
    lines = output.rstrip("\n").split("\n")
    head = "\n".join(lines[: tree.body[first].lineno - 1]).rstrip("\n") if first < len(tree.body) else "\n".join(lines)
    found: dict[str, str] = {}
    for node in tree.body[first:]:
        if not isinstance(node, ast.ClassDef) or node.decorator_list or node.name in found or node.end_lineno is None:
            return None, {}
        found[node.name] = "\n".join(lines[node.lineno - 1 : node.end_lineno])
    if "\n\n\n".join([head, *found.values()]) != "\n".join(lines):
        return None, {}  # lines between the classes, or the parser's lines are not the "\n"-separated ones
    return head, found


def path(spec: model.Spec) -> str:
    return f"pydantic/{spec.module}_pydantic.py"


def render(spec: model.Spec, env: jinja2.Environment) -> dict[str, str]:
    return prepare(spec).render(env)


# -- black's layout of the tool's classes ----------------------------------------------------------
#
# The tool's output goes through black like every other module, which at 1,000 events costs more
# than running the tool (6 s of CPU). A class the tool writes is nearly black's output already:
# black changes only its strings' quotes ('a' to "a") and puts a blank line after the class's
# docstring. `black_style` makes those two changes to a class whose every line has a shape on which
# they are all that black changes, and returns None for any other chunk (it goes through black): a
# class line `class A(B):`; docstrings of plain lines (no tab, trailing space or three quotes, no
# escape but a quote's and a backslash's, the least indented at the docstring's indent); code lines
# of names, plain strings, plain numbers, brackets, `,` `|` `=` `:` `.` and a unary `-`, spaced as
# black spaces them, each line's brackets closed on it but for `model_config = ConfigDict(` ... `)`;
# no blank line, comment or other statement; docstring lines may pass black's limit (it leaves them).
# tests/test_pydantic_cache.py checks it against black on the fixtures' outputs.

_CLASS_LINE = re.compile(r"class [A-Za-z_]\w*\([A-Za-z_]\w*(?:\[[A-Za-z_]\w*\])?\):")  # RootModel[StrictStr] too
_TOKEN = re.compile(r"""[A-Za-z_]\w*|\d+(?:\.\d+)?(?:e[+-]?\d+)?(?![\w.])|'[^'"\\]*'|"[^'"\\]*"|[\[\](),|=:.-]""")
_OPENING, _CLOSING = "([", ")]"
_BEFORE_ATOM = frozenset({"", "[", "(", ",", "=", "|", ":", "-"})


def _is_name(token: str) -> bool:
    return token.isidentifier()


def black_style(chunk: str) -> str | None:
    lines = chunk.split("\n")
    if len(lines) < 3 or lines[-1] != "" or not _CLASS_LINE.fullmatch(lines[0]):
        return None
    out = [lines[0]]
    docstrings: set[int] = set()  # their lines in `out`: black leaves a long one as it is
    i, n = 1, len(lines) - 1
    in_config = False
    first = True
    unsplittable: set[int] = set()
    while i < n:
        line = lines[i]
        if line == '    """':
            end = i + 1
            while end < n and lines[end] != '    """':
                end += 1
            if end == n or not _plain_docstring(lines[i + 1 : end]):
                return None
            docstrings.update(range(len(out), len(out) + end + 1 - i))
            out += lines[i : end + 1]
            i = end + 1
            if first and i < n:
                out.append("")  # black's blank line after a class's docstring
            first = False
            continue
        first = False
        if in_config:
            if line == "    )":
                in_config = False
                out.append(line)
            elif line.startswith("        ") and line.endswith(",") and (code := _code(line[8:-1], 1)) is not None:
                out.append("        " + code + ",")
            else:
                return None
        elif line == "    model_config = ConfigDict(":
            in_config = True
            out.append(line)
        elif (exploded := _long_pattern(line)) is not None:
            out += exploded
            unsplittable.add(len(out) - 3)  # the string, which black leaves past the limit
        elif line.startswith("    ") and (code := _code(line[4:], 0)) is not None:
            out.append("    " + code)
        else:
            return None
        i += 1
    if in_config or any(
        str_width(line) > formatting.MODE.line_length
        for k, line in enumerate(out)
        if k not in unsplittable and k not in docstrings
    ):
        return None
    return "\n".join(out) + "\n"


_LONG_PATTERN = re.compile(r"    (\w+): Annotated\[(\w+(?: \| None)?), Field\(pattern=(.*)\)\]( = None)?")


def _long_pattern(line: str) -> list[str] | None:
    """A string format's pattern (`as_patterns`): `key: Annotated[StrictStr, Field(pattern='...')]`
    (or `StrictStr | None` with `= None`), whose pattern is too long to share a line with anything,
    as black splits it. The pattern is one string literal, written in double quotes as black writes
    it: without a double quote or an escaped quote inside, whatever the quotes it came in."""
    m = _LONG_PATTERN.fullmatch(line)
    if m is None or len(m[3]) < 2 or m[3][0] != m[3][-1] or m[3][0] not in "'\"":
        return None
    body = m[3][1:-1]
    if '"' in body or "\\'" in body or (m[3][0] == "'" and "'" in body) or re.search(r"(?<!\\)(?:\\\\)*\\$", body):
        return None
    argument = f'pattern="{body}"'
    if str_width(f"        Field({argument}),") <= formatting.MODE.line_length:
        return None
    head = [f"    {m[1]}: Annotated[", f"        {m[2]},", "        Field("]
    return head + [f"            {argument}", "        ),", f"    ]{m[4] or ''}"]


def _plain_docstring(content: list[str]) -> bool:
    words = [line for line in content if line]
    if not words or min(len(line) - len(line.lstrip(" ")) for line in words) != 4:
        return False
    return all(
        line[-1] not in " \\"
        and '"""' not in line
        and _DOC_ESCAPES.fullmatch(line) is not None
        and not any(c.isspace() and c != " " for c in line)
        and line.isprintable()
        for line in words
    )


# A docstring line's escapes, as the tool writes a quote or a backslash of a description (`\"`,
# `\\`): black leaves them as they are. Any other escape (`\N{...}`, `\x41`: black changes the
# case of hex digits) or a backslash ending a line (black then leaves the docstring unindented)
# sends the class through black.
_DOC_ESCAPES = re.compile(r'(?:[^\\]|\\[\\"])*')


def _code(text: str, depth: int) -> str | None:
    """`text` (a statement, or at `depth` 1 a keyword argument) spaced and quoted as black writes
    it, if it is made of the tokens above and already spaced that way; else None."""
    tokens: list[str] = []
    at = 0
    while at < len(text):
        if text[at] == " ":
            at += 1
            continue
        m = _TOKEN.match(text, at)
        if m is None:
            return None
        tokens.append(m[0])
        at = m.end()
    out: list[str] = []
    previous = ""
    level = 0
    for k, token in enumerate(tokens):
        if token in _OPENING:
            if not (previous and (previous[-1].isalnum() or previous[-1] == "_" or previous in _CLOSING)):
                return None  # a bracket that is not a call or subscript
            out.append(token)
            level += 1
        elif token in _CLOSING:
            if previous == ",":
                return None  # a magic trailing comma: black splits the line
            level -= 1
            if level < 0:
                return None
            out.append(token)
        elif token == ",":
            out.append(", ")
        elif token == "|":
            out.append(" | ")
        elif token == "=":
            out.append(" = " if depth + level == 0 else "=")
        elif token == ":":
            if depth + level != 0 or k != 1:
                return None  # only an annotation's colon
            out.append(": ")
        elif token == ".":
            if not (_is_name(previous) and k + 1 < len(tokens) and _is_name(tokens[k + 1])):
                return None  # only an attribute (".5" black writes "0.5")
            out.append(".")
        elif token == "-":
            if previous not in ("=", "(", "[", ",", "|"):
                return None  # only a unary minus
            out.append("-")
        else:
            if previous not in _BEFORE_ATOM and not (previous == "." and _is_name(token)):
                return None  # two atoms together (keywords, a string's prefix) or a number after "-"
            if previous == "-" and not token[0].isdigit():
                return None
            out.append('"' + token[1:-1] + '"' if token[0] == "'" else token)
        previous = token
    if level != 0 or not tokens:
        return None
    rebuilt = "".join(out)
    # the line must have been spaced as black spaces it (only quotes may differ)
    if rebuilt.replace('"', "'") != text.replace('"', "'"):
        return None
    return rebuilt


def format_module(source: str, template: str, laid_out: bool) -> str:
    """black's output for the tool's module: its classes in black's layout where `black_style`
    can write it, black on the rest (the header, and any class of another shape)."""
    return python_writer.format_python(source, template, layout=black_style)


# Its classes are named after the schema's definitions: the JSON Schema target's names.
TARGET = base.Target("pydantic", json_schema.check, json_schema.schema, render, format_module, prepare=prepare)
