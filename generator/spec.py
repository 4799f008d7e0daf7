"""Load a YAML spec and validate it into the model, reporting every problem with file:line:col.

Only the safe loader is used. The YAML is composed into nodes (which keep their marks) and
walked once; problems are collected, not raised one at a time, so one run reports them all.
"""

from __future__ import annotations

import difflib
import hashlib
import re
from dataclasses import replace
from collections.abc import Callable, Sequence
from pathlib import Path, PurePosixPath
from typing import Literal, assert_never

import yaml

from . import DEFAULT_SPEC, formats, model, naming
from .problems import Problem, SpecError

__all__ = ["Problem", "SpecError", "load", "parse"]

DEFAULT = DEFAULT_SPEC  # the shipped spec, in a checkout
SCALARS: dict[str, model.Type] = {
    "string": model.String(),
    "integer": model.Integer(),
    "float": model.Float(),
    "boolean": model.Boolean(),
    "json": model.Json(),
    "object": model.Map(model.Json()),  # an object with no declared fields: any keys, any JSON values
}
TOP_KEYS = ("title", "page", "module", "entry", "site", "signature", "types")
SITE_KEYS = ("name", "home")
SIGNATURE_KEYS = ("header_prefix", "secret_prefix", "unprefixed_secret", "tolerance")
UNPREFIXED_SECRET = ("utf8", "base64")
HEADER_PREFIX = re.compile(r"[a-z0-9][a-z0-9_-]{0,31}")  # lower case: the modules look headers up so
SECRET_PREFIX = re.compile(r"[A-Za-z0-9_.-]{1,32}")
MAX_TOLERANCE = 10**9
VENDOR_FORMAT = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
OBJECT_KEYS = ("description", "fields", "other_values", "extends", "standalone", "deprecated")
ALIAS_KEYS = ("description", "type", "enum", "open", "standalone")  # a named scalar or enum
ALIAS_SCALARS = ("string", "integer", "float", "boolean")  # what `type:` of a named scalar may be
UNION_KEYS = ("description", "union", "discriminator", "standalone")
TYPE_KEYS: tuple[str, ...] = ("type", "literal", "enum", "open", "fields", "items", "values", "one_of", "nullable")
TYPE_KEYS += (
    "name",
    "format",
    "vendor_format",
    "other_values",
)  # format: on a scalar `type:` (String formats in spec/README.md)
ELEMENT_KEYS = TYPE_KEYS + ("description",)  # `items:` and `values:`
FIELD_KEYS = ELEMENT_KEYS + ("optional", "json", "deprecated")
Shape = Literal["type", "literal", "enum", "fields", "items", "values", "one_of"]  # the keys that declare a type
SHAPES: tuple[Shape, ...] = ("type", "literal", "enum", "fields", "items", "values", "one_of")
INTEGER = re.compile(r"-?(0|[1-9][0-9]{0,17})")  # bounded, so every target's integer type holds it
# What YAML read an enum value as, when it is neither a string nor a decimal integer.
ENUM_VALUE_KINDS = {
    "tag:yaml.org,2002:float": "a float",
    "tag:yaml.org,2002:bool": "a boolean",
    "tag:yaml.org,2002:null": "null",
    "tag:yaml.org,2002:int": "an integer that is not decimal or has more than 18 digits",
    "tag:yaml.org,2002:timestamp": "a date",
}
MAX_NAME = 100  # type, module and field names: keeps every output path within filesystem limits
MAX_PAGE_PART = 100
# Levels of objects, arrays and maps in an event, through `type:` references too: pydantic builds a
# model's validator recursively (at 150 levels its module fails to import), as every target's
# decoder recurses per level. A type that refers to itself is not deeper for it: each target names
# the cycle.
MAX_DEPTH = 32
# A one_of's members are each compared with every earlier one (could it ever be chosen?): bounded, so
# that check stays small. Vendors' unions without a discriminator list a handful.
MAX_ONE_OF = 64
# "Did you mean" compares a name with every type name: offered on this many problems, not on more.
MAX_SUGGESTIONS = 20


Check = Callable[[model.Spec], list[Problem]]


def load(path: Path, display: str | None = None, checks: Sequence[Check] = ()) -> model.Spec:
    """Read the spec at `path`; `display` is how errors name the file (default: as given).

    `checks` (the targets' naming rules) run on what was built even when the loader found problems,
    so one run reports everything.
    """
    shown = display if display is not None else str(path)
    try:
        data = path.read_bytes()
    except OSError as e:
        raise SpecError([Problem(shown, 1, 1, f"cannot read spec: {e}")]) from None
    try:
        text = data.decode("utf-8")  # no newline translation: the sha256 is of the file as it is
    except UnicodeDecodeError as e:
        before = data[: e.start].decode("utf-8")
        line, column = line_column(before, len(before))
        message = f"the spec is not UTF-8: byte 0x{data[e.start]:02x} {e.reason}; save the file as UTF-8"
        raise SpecError([Problem(shown, line, column, message)]) from None
    return parse(text, shown, source=path.name, checks=checks)


def compose(text: str) -> yaml.Node | None:
    """The YAML node tree: through libyaml when PyYAML has it (several times faster on big specs),
    else, and for any error (so messages read the same either way), through the pure-Python parser."""
    fast = getattr(yaml, "CSafeLoader", None)
    if fast is not None:
        try:
            return yaml.compose(text, Loader=fast)
        except (yaml.YAMLError, RecursionError, ValueError):
            pass
    return yaml.compose(text, Loader=yaml.SafeLoader)


def parse(text: str, shown: str, source: str, checks: Sequence[Check] = ()) -> model.Spec:
    try:
        plain_yaml(text, shown)
        root = compose(text)
    except RecursionError:
        raise SpecError([Problem(shown, 1, 1, "spec is nested too deeply")]) from None
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        message = f"YAML syntax error: {e.problem}{yaml_hint(text, e)}"
        if "nesting depth" in (e.problem or ""):  # libyaml's limit; the pure-Python parser recurses instead
            message = "spec is nested too deeply"
        raise SpecError([Problem(shown, line, col, message)]) from None
    except yaml.reader.ReaderError as e:
        raise SpecError([unacceptable_character(text, shown, e)]) from None
    except yaml.YAMLError as e:
        raise SpecError([Problem(shown, 1, 1, f"YAML error: {e}")]) from None
    if root is None:
        raise SpecError([Problem(shown, 1, 1, "spec is empty")])
    builder = _Builder(shown, source, hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest())
    try:
        spec = builder.build(root)
    except RecursionError:
        raise SpecError([Problem(shown, 1, 1, "spec is nested too deeply")]) from None
    problems = list(builder.problems)
    if spec is not None:
        for check in checks:
            problems += check(spec)
    if problems or spec is None:
        raise SpecError(list(dict.fromkeys(problems)))
    return spec


def plain_yaml(text: str, shown: str) -> None:
    """The spec language uses plain YAML only. Anchors and aliases would let a small file expand
    without bound (reuse a type with `type: <name>` instead); tags would build values the language
    has no kind for. Both are refused before anything is built, as is YAML nested deeper than any
    spec within MAX_DEPTH can be (so nothing after recurses without bound)."""
    fast = getattr(yaml, "CSafeLoader", None)
    try:
        problems = plain_yaml_problems(text, shown, fast or yaml.SafeLoader)
    except (yaml.YAMLError, ValueError):
        if fast is None:
            raise
        # Broken YAML: the pure-Python parser raises the error, so messages read the same everywhere.
        problems = plain_yaml_problems(text, shown, yaml.SafeLoader)
    if problems:
        raise SpecError(problems)


# Two levels of YAML (`fields:` and the field's mapping) make a level of nesting; the rest is margin.
MAX_YAML_DEPTH = 4 * MAX_DEPTH + 16


def plain_yaml_problems(text: str, shown: str, loader: type[yaml.SafeLoader] | type[yaml.CSafeLoader]) -> list[Problem]:
    problems = []
    depth = 0
    for event in yaml.parse(text, Loader=loader):  # streamed: a deep spec stops here before the parser's own limit
        mark = event.start_mark
        where = (shown, mark.line + 1, mark.column + 1) if mark is not None else (shown, 1, 1)
        tag = getattr(event, "tag", None) if isinstance(event, (yaml.ScalarEvent, yaml.CollectionStartEvent)) else None
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_YAML_DEPTH:
                problems.append(Problem(*where, f"spec is nested too deeply: types nest at most {MAX_DEPTH} levels"))
                break
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
        if isinstance(event, yaml.AliasEvent):
            problems.append(
                Problem(*where, "YAML aliases (*name) are not part of the spec language; refer to a type by name")
            )
        elif getattr(event, "anchor", None) is not None:
            problems.append(
                Problem(*where, "YAML anchors (&name) are not part of the spec language; refer to a type by name")
            )
        elif tag is not None:
            problems.append(
                Problem(
                    *where, f"YAML tags ({tag}) are not part of the spec language; quote the value to make it a string"
                )
            )
        if len(problems) >= 50:
            break
    return problems


def line_column(text: str, index: int) -> tuple[int, int]:
    """The 1-based line and column of `text[index]` (`index` may be `len(text)`), counting line
    breaks as YAML does, so they agree with the marks of every other problem."""
    breaks = list(YAML_BREAK.finditer(text, 0, index))
    start = breaks[-1].end() if breaks else 0
    return len(breaks) + 1, index - start + 1


YAML_BREAK = re.compile(r"\r\n|[\r\n\x85\u2028\u2029]")


def unacceptable_character(text: str, shown: str, error: yaml.reader.ReaderError) -> Problem:
    """A character YAML refuses anywhere in a file (a control character, U+FFFE), where it is.
    PyYAML's message names only its offset, on a second line."""
    code = int(error.character)
    line, column = line_column(text, error.position)
    escape = f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
    return Problem(
        shown,
        line,
        column,
        f"character U+{code:04X} is not allowed in YAML; in a double-quoted string, write it as {escape}",
    )


def yaml_hint(text: str, error: yaml.MarkedYAMLError) -> str:
    """What usually causes the error PyYAML reports, said in the spec's terms."""
    problem = error.problem or ""
    mark = error.problem_mark
    if "mapping values are not allowed here" in problem:
        return "; quote this value: it contains ': ' (e.g. description: \"Note: ...\")"
    if "cannot start any token" in problem and mark is not None:
        char = text[mark.index] if mark.index < len(text) else ""
        return f"; quote this value: it starts with {char!r}"
    if "found unexpected ':'" in problem or "could not find expected ':'" in problem:
        return "; a value with ': ' or a leading '{', '[', '*', '&', '!', '|', '>', '%' or '@' must be quoted"
    return ""


def refs(t: model.Type) -> set[str]:
    """The names of the top-level types `t` refers to (nested objects' fields included)."""
    match t:
        case model.Ref(name=name) | model.Named(name=name):
            return {name.snake}
        case model.Array(item=inner) | model.Map(value=inner) | model.Nullable(inner=inner):
            return refs(inner)
        case model.OneOf(members=members):
            return set().union(*(refs(m) for m in members))
        case model.Object(fields=fields, other=other):
            return set().union(*(refs(f.type) for f in fields), refs(other) if other is not None else set())
        case (
            model.String()
            | model.Integer()
            | model.Float()
            | model.Boolean()
            | model.Json()
            | model.Literal()
            | model.Enum()
        ):
            return set()
        case _:
            assert_never(t)


def member_text(t: model.Type) -> str:
    """How a one_of member is named in a message: its type name, literal or class."""
    match t:
        case model.String():
            return "string"
        case model.Integer():
            return "integer"
        case model.Float():
            return "float"
        case model.Boolean():
            return "boolean"
        case model.Json():
            return "json"
        case model.Literal(value=value):
            return "literal " + (str(value).lower() if isinstance(value, bool) else repr(value))
        case model.Enum():
            return "enum"
        case model.Array():
            return "items"
        case model.Map():
            return "values"
        case model.Nullable(inner=inner):
            return member_text(inner) + " or null"
        case model.OneOf():
            return "one_of"
        case model.Ref(name=name) | model.Object(name=name) | model.Named(name=name):
            return name.snake
        case _:
            assert_never(t)


def covers(first: model.Type, later: model.Type) -> bool:
    """Whether every value `later` decodes, `first` decodes too (so, tried first, it always wins)."""
    if isinstance(later, model.Named):  # a named enum or scalar decodes as the type it names
        return covers(first, later.type)
    if first == later:
        return True
    match first:
        case model.Named(type=inner):
            return covers(inner, later)
        case model.Float():
            return isinstance(later, model.Integer) or integers(later)
        case model.Integer():
            return integers(later)
        case model.String(format=str()):  # a string of a format takes only the strings of that form
            return False
        case model.String() | model.Enum(open=True):
            return (
                isinstance(later, model.String)
                or (isinstance(later, model.Enum) and not later.integers)
                or (isinstance(later, model.Literal) and type(later.value) is str)
            )
        case model.Boolean():
            return isinstance(later, model.Literal) and type(later.value) is bool
        case model.Map(value=model.Json()):
            return isinstance(later, (model.Map, model.Object, model.Ref))  # a named type is an object too
        case model.Array(item=model.Json()):
            return isinstance(later, model.Array)
        case (
            model.String()
            | model.Integer()
            | model.Boolean()
            | model.Json()
            | model.Literal()
            | model.Enum()
            | model.Array()
            | model.Map()
            | model.Nullable()
            | model.OneOf()
            | model.Ref()
            | model.Object()
        ):
            return False
        case _:
            assert_never(first)


def integers(t: model.Type) -> bool:
    """An integer literal or an enum of integers."""
    return (isinstance(t, model.Enum) and t.integers) or (isinstance(t, model.Literal) and type(t.value) is int)


def loc(node: yaml.Node) -> model.Loc:
    return model.Loc(node.start_mark.line + 1, node.start_mark.column + 1)


class _Builder:
    def __init__(self, shown: str, source: str, sha256: str = ""):
        self.shown = shown
        self.source = source
        self.sha256 = sha256
        self.problems: list[Problem] = []
        self.kinds: dict[str, str] = {}  # top-level name -> "object" | "union" | "alias"
        self.bare: set[str] = set()  # objects without `fields:` (that extend others)
        self.aliases: dict[str, model.Alias] = {}  # the named scalars and enums built so far
        self.extends: dict[str, tuple[yaml.Node, list[yaml.Node]]] = {}  # object -> `extends:` and its items
        self.locs: dict[str, model.Loc] = {}  # top-level name -> where it is defined
        self.standalone: set[str] = set()  # types marked `standalone: true`
        self.listed: set[str] = set()  # object types a union lists
        self.tags: dict[tuple[str, str], None] = {}  # (object, field) pairs a union dispatches on
        self.suggestions = 0  # "did you mean" offered so far (see `suggest`)

    # -- reporting -------------------------------------------------------------------------

    def problem(self, node: yaml.Node, message: str) -> None:
        mark = node.start_mark
        self.problems.append(Problem(self.shown, mark.line + 1, mark.column + 1, message))

    def problem_at(self, where: model.Loc, message: str) -> None:
        self.problems.append(Problem(self.shown, where.line, where.column, message))

    def mapping(
        self, node: yaml.Node, allowed: tuple[str, ...], what: str, also: tuple[str, ...] = ()
    ) -> dict[str, tuple[yaml.Node, yaml.Node]] | None:
        """A mapping node as {key: (key node, value node)}; reports duplicates and unknown keys (with
        a suggestion among `allowed`, or the keys of another kind of thing it may have meant, `also`)."""
        if not isinstance(node, yaml.MappingNode):
            self.problem(node, f"{what} must be a mapping")
            return None
        out: dict[str, tuple[yaml.Node, yaml.Node]] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.problem(key_node, f"{what}: keys must be plain strings")
                continue
            key = key_node.value
            if key in out:
                first = out[key][0].start_mark
                self.problem(key_node, f"duplicate key {key!r} (first at line {first.line + 1})")
                continue
            if allowed and key not in allowed:
                close = difflib.get_close_matches(key, allowed, n=1) or difflib.get_close_matches(key, also, n=1)
                hint = f"; did you mean {close[0]!r}?" if close else f"; expected one of: {', '.join(allowed)}"
                self.problem(key_node, f"unknown key {key!r} in {what}{hint}")
                continue
            out[key] = (key_node, value_node)
        return out

    def text(self, node: yaml.Node, what: str) -> str | None:
        """A scalar's source text, verbatim (descriptions stay exactly as written)."""
        if not isinstance(node, yaml.ScalarNode) or node.tag == "tag:yaml.org,2002:null":
            self.problem(node, f"{what} must be a string")
            return None
        text: str = node.value
        surrogate = next((c for c in text if 0xD800 <= ord(c) <= 0xDFFF), None)
        if surrogate is not None:
            self.problem(node, f"{what} contains a lone surrogate (\\u{ord(surrogate):04x}), which is not a character")
            return None
        return text

    def flag(self, node: yaml.Node, what: str) -> bool:
        if isinstance(node, yaml.ScalarNode) and not node.style and node.value in ("true", "false"):
            return bool(node.value == "true")
        self.problem(node, f"{what} must be true or false")
        return False

    def top_text(self, top: dict[str, tuple[yaml.Node, yaml.Node]], root: yaml.Node, key: str) -> str | None:
        value = self.require(top, root, key, "spec")
        return self.text(value, key) if value is not None else None

    def description(self, m: dict[str, tuple[yaml.Node, yaml.Node]]) -> str | None:
        return self.text(m["description"][1], "description") if "description" in m else None

    def require(
        self, m: dict[str, tuple[yaml.Node, yaml.Node]], node: yaml.Node, key: str, what: str
    ) -> yaml.Node | None:
        if key not in m:
            self.problem(node, f"{what} is missing required key {key!r}")
            return None
        return m[key][1]

    # -- the spec --------------------------------------------------------------------------

    def build(self, root: yaml.Node) -> model.Spec | None:
        top = self.mapping(root, TOP_KEYS, "spec")
        if top is None:
            return None
        title = self.top_text(top, root, "title")
        if title is not None and not title.isprintable():
            # A heading, a docstring's first line and a comment's: a line break would start a
            # Markdown section, end the comment early, or confuse datamodel-code-generator.
            self.problem(
                top["title"][1], "title must be one line of printable text (no line breaks or control characters)"
            )
            title = None
        page = self.top_text(top, root, "page")
        if page is not None and not self.page_ok(page):
            self.problem(
                top["page"][1],
                f"page {page!r} must be a relative path to a .md file, without '..', '\\' or control "
                f"characters, each part at most {MAX_PAGE_PART} characters",
            )
        module = self.top_text(top, root, "module")
        if module is not None and (not naming.SNAKE.match(module) or len(module) > MAX_NAME):
            self.problem(
                top["module"][1],
                f"module {module!r} must be a snake_case Python module name of at most {MAX_NAME} characters",
            )
        types_node = self.require(top, root, "types", "spec")
        definitions: list[model.Definition] = []
        if types_node is not None:
            definitions = self.definitions(types_node)
        entry = None
        if "entry" in top:
            entry_node = top["entry"][1]
            entry_name = self.text(entry_node, "entry")
            entry = next((d for d in definitions if isinstance(d, model.Union_) and d.name.snake == entry_name), None)
            if entry_name is not None and entry is None:
                self.problem(
                    entry_node,
                    f"entry {entry_name!r} is not a union defined under types{self.suggest(entry_name, 'union')}",
                )
        self.unreferenced(definitions, entry)
        self.too_deep(definitions)
        site = self.site(top["site"][1]) if "site" in top else model.Site()
        signature = self.signature(top["signature"][1]) if "signature" in top else model.Signature()
        if title is None or page is None or module is None:
            return None
        entry_loc = loc(top["entry"][1]) if "entry" in top else model.Loc()
        module_loc = loc(top["module"][1])
        return model.Spec(
            self.source,
            title,
            page,
            module,
            entry,
            tuple(definitions),
            self.shown,
            entry_loc,
            self.sha256,
            module_loc,
            site,
            signature,
            tuple(self.aliases.values()),
        )

    def site(self, node: yaml.Node) -> model.Site:
        """`site:`, the docs site's own text: every key optional."""
        m = self.mapping(node, SITE_KEYS, "site")
        if m is None:
            return model.Site()
        name = self.text(m["name"][1], "site name") if "name" in m else None
        if name is not None and (not name.isprintable() or not name.strip()):
            # The site's header and the browser tab show it on one line.
            self.problem(
                m["name"][1],
                "site name must be one line of printable text, not empty (no line breaks or control characters)",
            )
            name = None
        home = self.text(m["home"][1], "site home") if "home" in m else None
        return model.Site(name, home)

    def signature(self, node: yaml.Node) -> model.Signature:
        """`signature:`, how deliveries are signed: every key optional, Standard Webhooks' by default."""
        m = self.mapping(node, SIGNATURE_KEYS, "signature")
        default = model.Signature()
        if m is None:
            return default
        header_prefix = default.header_prefix
        if "header_prefix" in m:
            value = self.text(m["header_prefix"][1], "signature header_prefix")
            if value is not None and not HEADER_PREFIX.fullmatch(value):
                self.problem(
                    m["header_prefix"][1],
                    f"signature header_prefix {value!r} must be lower-case letters, digits, '-' or '_' "
                    "(at most 32), as in 'webhook-' or 'svix-'",
                )
            elif value is not None:
                header_prefix = value
        secret_prefix = default.secret_prefix
        if "secret_prefix" in m:
            value = self.text(m["secret_prefix"][1], "signature secret_prefix")
            if value is not None and not SECRET_PREFIX.fullmatch(value):
                self.problem(
                    m["secret_prefix"][1],
                    f"signature secret_prefix {value!r} must be 1 to 32 letters, digits, '_', '-' or '.', "
                    "as in 'whsec_'",
                )
            elif value is not None:
                secret_prefix = value
        unprefixed = default.unprefixed_secret
        if "unprefixed_secret" in m:
            value = self.text(m["unprefixed_secret"][1], "signature unprefixed_secret")
            if value is not None and value not in UNPREFIXED_SECRET:
                close = difflib.get_close_matches(value, UNPREFIXED_SECRET, n=1)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                self.problem(
                    m["unprefixed_secret"][1],
                    f"signature unprefixed_secret {value!r} must be one of: {', '.join(UNPREFIXED_SECRET)}{hint}",
                )
            elif value is not None:
                unprefixed = value
        tolerance = default.tolerance
        if "tolerance" in m:
            node = m["tolerance"][1]
            if (
                isinstance(node, yaml.ScalarNode)
                and not node.style
                and re.fullmatch(r"0|[1-9][0-9]{0,9}", node.value)
                and int(node.value) <= MAX_TOLERANCE
            ):
                tolerance = int(node.value)
            else:
                self.problem(node, f"signature tolerance must be a whole number of seconds, from 0 to {MAX_TOLERANCE}")
        return model.Signature(header_prefix, secret_prefix, unprefixed, tolerance)

    def unreferenced(self, definitions: list[model.Definition], entry: model.Union_ | None) -> None:
        """A type that no union holds and nothing refers to is usually a slip (a member left out of
        the union); one meant to stand alone says so with `standalone: true`."""
        used = ({entry.name.snake} if entry is not None else set()) | self.listed
        for d in definitions:
            if isinstance(d, model.Union_):
                used |= {m.object.name.snake for m in d.members}
            else:
                used |= {b.snake for b in d.extends}
                for obj in (*d.nested, d):
                    for f in obj.fields:
                        used |= refs(f.type)
        for t in (*definitions, *self.aliases.values()):
            if t.name.snake not in used and t.name.snake not in self.standalone:
                self.problem_at(
                    t.loc,
                    f"type {t.name.snake!r} is in no union and nothing refers to it; add it to a union, "
                    "refer to it, or mark it `standalone: true`",
                )

    def too_deep(self, definitions: list[model.Definition]) -> None:
        """Report, once for each outermost type that holds it, where nesting passes MAX_DEPTH levels."""
        by_name = {d.name.snake: d for d in definitions}
        memo: dict[tuple[str, int], int] = {}
        active: set[str] = set()  # the references being followed: one back to them closes a cycle

        def levels(t: model.Type | model.Union_, budget: int) -> int:
            """How many levels `t` nests, or budget + 1 if more (it looks no deeper than that)."""
            match t:
                case model.Object(fields=fields, other=other):
                    inner = [f.type for f in fields] + ([other] if other is not None else [])
                    return 1 + (max((levels(i, budget - 1) for i in inner), default=0) if budget else 0)
                case model.Array(item=inner) | model.Map(value=inner):
                    return 1 + (levels(inner, budget - 1) if budget else 0)
                case model.Nullable(inner=inner):
                    return levels(inner, budget)
                case model.OneOf(members=members):
                    return max(levels(m, budget) for m in members)
                case model.Union_(members=members):
                    return max((levels(m.object, budget) for m in members), default=0)
                case model.Ref(name=name) if name.snake in by_name and name.snake not in active:
                    if (name.snake, budget) not in memo:
                        active.add(name.snake)
                        memo[name.snake, budget] = levels(by_name[name.snake], budget)
                        active.discard(name.snake)
                    return memo[name.snake, budget]
                case _:
                    return 0

        def crossing(t: model.Type | model.Union_, budget: int) -> list[model.Field]:
            """The fields from `t` down to the level past the budget (where `levels` found it)."""
            match t:
                case model.Object(fields=fields) if budget:
                    f = next((f for f in fields if levels(f.type, budget - 1) == budget), None)
                    return [f, *crossing(f.type, budget - 1)] if f is not None else []
                case model.Array(item=inner) | model.Map(value=inner) if budget:
                    return crossing(inner, budget - 1)
                case model.Nullable(inner=inner):
                    return crossing(inner, budget)
                case model.Union_(members=members):
                    member = next((m.object for m in members if levels(m.object, budget) > budget), None)
                    return crossing(member, budget) if member is not None else []
                case model.Ref(name=name) if name.snake in by_name:
                    return crossing(by_name[name.snake], budget)
                case _:
                    return []

        deep = [d for d in definitions if isinstance(d, model.Object) and levels(d, MAX_DEPTH) > MAX_DEPTH]
        inside = set().union(*(refs(f.type) for d in deep for f in d.fields))
        for d in [d for d in deep if d.name.snake not in inside] or deep[:1]:
            path = crossing(d, MAX_DEPTH)
            if not path:
                continue
            keys = [f.ident for f in path]
            shown = ".".join(keys) if len(keys) <= 6 else ".".join(keys[:3]) + "..." + ".".join(keys[-2:])
            self.problem_at(
                path[-1].loc,
                f"type {d.name.snake!r} nests objects, arrays and maps more than {MAX_DEPTH} levels deep "
                f"(through {shown}); types nest at most {MAX_DEPTH} levels",
            )

    @staticmethod
    def page_ok(page: str) -> bool:
        path = PurePosixPath(page)
        return (
            page.endswith(".md")
            and not path.is_absolute()
            and ".." not in path.parts
            and "\\" not in page
            and page.isprintable()
            and path.name != ".md"
            and all(len(part) <= MAX_PAGE_PART for part in path.parts)
            and len(path.parts) <= 10
        )

    def suggest(self, name: str, kind: str | None = None) -> str:
        """`; did you mean 'x'?` among the names of `kind` (default: every type name), never `name` itself;
        offered on the first MAX_SUGGESTIONS problems that ask (each compares with every name)."""
        if self.suggestions >= MAX_SUGGESTIONS:
            return ""
        self.suggestions += 1
        candidates = [n for n, k in self.kinds.items() if kind is None or k == kind]
        if kind is None:
            candidates += list(SCALARS)
        close = difflib.get_close_matches(name, [c for c in candidates if c != name], n=1)
        return f"; did you mean {close[0]!r}?" if close else ""

    def definitions(self, node: yaml.Node) -> list[model.Definition]:
        types = self.mapping(node, (), "types")
        if not types:
            if types is not None:
                self.problem(node, "types must define at least one type")
            return []
        # First pass: names, kinds and the discriminator of each union, so that objects
        # built in the second pass know which of their fields is a union's tag.
        for name, (key_node, value_node) in types.items():
            if not naming.SNAKE.match(name) or len(name) > MAX_NAME:
                self.problem(
                    key_node,
                    f"type name {name!r} must be snake_case (e.g. batch_cancelled_webhook_event), at most "
                    f"{MAX_NAME} characters",
                )
            if name in SCALARS:
                self.problem(
                    key_node, f"type name {name!r} is a built-in type ({', '.join(SCALARS)}); choose another name"
                )
            keys = (
                {k.value for k, _ in value_node.value if isinstance(k, yaml.ScalarNode)}
                if isinstance(value_node, yaml.MappingNode)
                else set()
            )
            if "union" in keys:
                self.kinds[name] = "union"
            elif keys & {"enum", "type"} and not keys & {"fields", "extends"}:
                self.kinds[name] = "alias"
            else:
                self.kinds[name] = "object"
            self.locs[name] = loc(key_node)
        for name, (_, value_node) in types.items():
            if self.kinds[name] == "union":
                self.prescan_union(value_node)
        # Second pass: named scalars and enums first (fields use them), then objects (unions hold
        # them; an object's inherited fields are added once all are built), then unions, in spec order.
        for name, (_, value_node) in types.items():
            if self.kinds[name] == "alias":
                alias = self.alias(name, value_node)
                if alias is not None:
                    self.aliases[name] = alias
        built: dict[str, model.Definition] = {}
        for name, (_, value_node) in types.items():
            if self.kinds[name] == "object":
                obj = self.object_definition(name, value_node)
                if obj is not None:
                    built[name] = obj
        self.inherit(built)
        for name, (_, value_node) in types.items():
            if self.kinds[name] == "union":
                union = self.union(name, value_node, built)
                if union is not None:
                    built[name] = union
        return [built[name] for name in types if name in built]

    def prescan_union(self, node: yaml.Node) -> None:
        """Note which field each member's union dispatches on. Reports nothing: union() does."""
        if not isinstance(node, yaml.MappingNode):
            return
        m = {k.value: v for k, v in node.value if isinstance(k, yaml.ScalarNode)}
        if "discriminator" not in m or "union" not in m:
            return
        disc = m["discriminator"]
        members = m["union"]
        if isinstance(disc, yaml.ScalarNode) and isinstance(members, yaml.SequenceNode):
            for entry in members.value:
                for member in entry.value if isinstance(entry, yaml.SequenceNode) else [entry]:
                    if isinstance(member, yaml.ScalarNode):
                        self.tags[(member.value, disc.value)] = None

    def object_definition(self, name: str, node: yaml.Node) -> model.Object | None:
        m = self.mapping(node, OBJECT_KEYS, f"type {name!r}", ALIAS_KEYS + UNION_KEYS)
        if m is None:
            return None
        if "standalone" in m and self.flag(m["standalone"][1], "standalone"):
            self.standalone.add(name)
        description = self.description(m)
        if "extends" in m:
            items = m["extends"][1]
            if isinstance(items, yaml.SequenceNode) and items.value:
                self.extends[name] = (m["extends"][0], list(items.value))
            else:
                self.problem(items, "extends must be a non-empty list of object type names")
        fields: tuple[model.Field, ...] = ()
        if "fields" not in m:
            self.bare.add(name)
        if "fields" in m or name not in self.extends:  # an object that extends others may add no fields
            fields_node = self.require(m, node, "fields", f"type {name!r}")
            if fields_node is None:
                return None
            fields = self.fields(name, fields_node)
        deprecated = self.deprecated(m)
        other, about = self.other_values(m, name)
        return model.Object(
            model.Name(name), description, fields, self.locs[name], deprecated, other=other, other_description=about
        )

    def other_values(
        self, m: dict[str, tuple[yaml.Node, yaml.Node]], name: str
    ) -> tuple[model.Type | None, str | None]:
        """`other_values:` beside `fields:`, the type of every key the object does not declare (an open
        object): a type name or a mapping as `values:` takes. A nested object there is `<object>_other_value`."""
        if "other_values" not in m:
            return None, None
        return self.type_node(m["other_values"][1], name + "_other_value", "other_values")

    def alias(self, name: str, node: yaml.Node) -> model.Alias | None:
        """A named scalar (`type: string`) or enum (`enum: [...]`), which fields name with `type:`."""
        m = self.mapping(node, ALIAS_KEYS, f"type {name!r}")
        if m is None:
            return None
        if "standalone" in m and self.flag(m["standalone"][1], "standalone"):
            self.standalone.add(name)
        description = self.description(m)
        if "type" in m and "enum" in m:
            self.problem(m["enum"][0], f"type {name!r} has both 'type' and 'enum'; use one")
            return None
        if "open" in m and "enum" not in m:
            self.problem(m["open"][0], "'open' only applies to an enum")
        t: model.Type | None
        if "enum" in m:
            is_open = self.flag(m["open"][1], "open") if "open" in m else False
            t = self.enum(m["enum"][1], is_open, m["open"][0] if "open" in m else None)
        else:
            value = m["type"][1]
            scalar = value.value if isinstance(value, yaml.ScalarNode) else None
            if scalar in ALIAS_SCALARS:
                t = SCALARS[scalar]
            else:
                close = difflib.get_close_matches(str(scalar), ALIAS_SCALARS, n=1)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                self.problem(
                    value,
                    f"named type {name!r} must be an enum or one of {', '.join(ALIAS_SCALARS)} (an object type "
                    f"has `fields:`), not {repr(scalar) if scalar is not None else 'a list or a mapping'}{hint}",
                )
                t = None
        if t is None:
            return None
        return model.Alias(model.Name(name), description, t, self.locs[name])

    def inherit(self, built: dict[str, model.Definition]) -> None:
        """Give every object that `extends:` others their fields, in order, before its own (flattened).
        A field it redefines keeps its place and must keep its type."""
        done: dict[str, model.Object] = {}

        def resolve(name: str, chain: tuple[str, ...]) -> model.Object | None:
            own = built.get(name)
            if not isinstance(own, model.Object) or name not in self.extends:
                return own if isinstance(own, model.Object) else None
            if name in done:
                return done[name]
            chain = (*chain, name)
            fields: dict[str, model.Field] = {}  # by JSON key, in order
            origin: dict[str, str] = {}  # JSON key -> the type it came from
            bases: list[model.Name] = []
            seen_bases: set[str] = set()  # bases' names: a repeat found in one lookup, however many
            for item in self.extends[name][1]:
                base = item.value if isinstance(item, yaml.ScalarNode) else None
                kind = self.kinds.get(base) if base is not None else None
                if base is None or kind is None:
                    shown = base if base is not None else "?"
                    self.problem(
                        item, f"type {name!r} extends {shown!r}, which is not a type{self.suggest(shown, 'object')}"
                    )
                    continue
                if kind != "object":
                    what = "a union" if kind == "union" else "a named scalar or enum"
                    self.problem(
                        item, f"type {name!r} extends {base!r}, which is {what}: only an object type can be extended"
                    )
                    continue
                if base == name:
                    self.problem(item, f"type {name!r} extends itself")
                    continue
                if base in chain:
                    cycle = " -> ".join((*chain[chain.index(base) :], base))
                    self.problem(item, f"type {name!r} extends {base!r}, which extends it in turn ({cycle})")
                    continue
                if base in seen_bases:
                    self.problem(item, f"type {name!r} extends {base!r} twice")
                    continue
                parent = resolve(base, chain)
                if parent is None:
                    continue
                bases.append(parent.name)
                seen_bases.add(base)
                for f in parent.fields:
                    if f.key in fields and fields[f.key].type != f.type:
                        self.problem(
                            item,
                            f"type {name!r} inherits field {f.ident!r} from {origin[f.key]!r} and from {base!r} "
                            "with different types",
                        )
                    elif f.key not in fields:
                        fields[f.key], origin[f.key] = self.inherited(name, f, item), base
            for f in own.fields:
                if f.key in fields and fields[f.key].type != f.type:
                    first = fields[f.key]
                    self.problem_at(
                        f.loc,
                        f"field {f.ident!r} of {name!r} redefines the field inherited from {origin[f.key]!r} "
                        f"(line {first.loc.line}) with another type; an inherited field keeps its type",
                    )
                else:
                    fields[f.key] = f
            idents: dict[str, str] = {}
            for f in fields.values():
                if f.ident in idents and idents[f.ident] != f.key:
                    self.problem_at(
                        f.loc,
                        f"type {name!r} has two fields named {f.ident!r} (JSON keys {idents[f.ident]!r} and {f.key!r})",
                    )
                idents.setdefault(f.ident, f.key)
            if not fields and not own.fields and name in self.bare:
                self.problem(self.extends[name][0], f"type {name!r} has no fields: it extends no object with any")
            obj = replace(own, fields=tuple(fields.values()), extends=tuple(bases))
            if own.other is None:  # an open object's other values are inherited too, the first base's
                parent_other = next((p for p in map(lambda b: resolve(b.snake, chain), bases) if p and p.open), None)
                if parent_other is not None:
                    obj = replace(obj, other=parent_other.other, other_description=parent_other.other_description)
            done[name] = obj
            return obj

        for name in list(built):
            obj = resolve(name, ())
            if obj is not None:
                built[name] = obj

    def inherited(self, owner: str, f: model.Field, item: yaml.Node) -> model.Field:
        """A field as the object that inherits it has it: its own union's tag, or not one."""
        is_tag = (owner, f.key) in self.tags
        if is_tag and (f.optional or not isinstance(f.type, model.Literal) or not isinstance(f.type.value, str)):
            self.problem(
                item,
                f"field {f.ident!r}, inherited by {owner!r}, is the discriminator of a union, so it must be a "
                "required string literal",
            )
        return replace(f, is_discriminator=is_tag)

    def deprecated(self, m: dict[str, tuple[yaml.Node, yaml.Node]]) -> str | None:
        """`deprecated: true` (""), `deprecated: false` or absent (None), or the reason as a string."""
        if "deprecated" not in m:
            return None
        node = m["deprecated"][1]
        if isinstance(node, yaml.ScalarNode) and not node.style and node.value in ("true", "false"):
            return "" if node.value == "true" else None
        if not isinstance(node, yaml.ScalarNode) or node.tag != "tag:yaml.org,2002:str" or not node.value.strip():
            self.problem(node, "deprecated must be true, false or a message (a non-empty string saying what to use)")
            return None
        return self.text(node, "deprecated")

    def fields(self, owner: str, node: yaml.Node) -> tuple[model.Field, ...]:
        fields_map = self.mapping(node, (), f"fields of {owner!r}")
        if fields_map is None:
            return ()
        if not fields_map:
            self.problem(
                node, f"{owner!r} must have at least one field (an object with no declared fields is `type: object`)"
            )
        out = []
        json_keys: dict[str, str] = {}
        for key, (key_node, value_node) in fields_map.items():
            if not naming.FIELD_KEY.match(key) or key.startswith("__") or len(key) > MAX_NAME:
                self.problem(
                    key_node,
                    f"field key {key!r} must be snake_case, at most {MAX_NAME} characters, and not start with "
                    "'__' (use `json:` for the key on the wire)",
                )
            field = self.field(owner, key, key_node, value_node)
            if field is not None:
                if field.key in json_keys:
                    self.problem(
                        key_node, f"fields {json_keys[field.key]!r} and {key!r} have the same JSON key {field.key!r}"
                    )
                json_keys[field.key] = key
                out.append(field)
        return tuple(out)

    def field(self, owner: str, key: str, key_node: yaml.Node, node: yaml.Node) -> model.Field | None:
        what = f"field {key!r}"
        m = self.mapping(node, FIELD_KEYS, what)
        if m is None:
            return None
        description = self.description(m)
        deprecated = self.deprecated(m)
        optional = self.flag(m["optional"][1], "optional") if "optional" in m else False
        t = self.type_of(m, node, f"{owner}_{key}", what, description)
        if t is None:
            return None
        named = t.inner if isinstance(t, model.Nullable) else t
        if description is None and isinstance(named, model.Named):  # a named type's description, unless its own
            description = self.aliases[named.name.snake].description
        json_key = key
        if "json" in m:
            written = self.text(m["json"][1], "json")
            json_key = written if written is not None else key
            if (
                not json_key
                or len(json_key) > MAX_NAME
                or any(c in json_key for c in '"\\')
                or not json_key.isprintable()
            ):
                self.problem(
                    m["json"][1], f"json key must be 1 to {MAX_NAME} printable characters, without '\"' or '\\'"
                )
        # A union dispatches on the JSON key: a field is its tag whether the spec names it so or `json:` does.
        is_tag = (owner, key) in self.tags or (owner, json_key) in self.tags
        if is_tag and (optional or not isinstance(t, model.Literal) or not isinstance(t.value, str)):
            self.problem(node, f"{what} is the discriminator of a union, so it must be a required string literal")
        if is_tag and "json" in m:
            self.problem(
                m["json"][0], f"{what} is the discriminator of a union: its key is the JSON key, without 'json:'"
            )
        if is_tag and deprecated is not None:
            self.problem(m["deprecated"][0], f"{what} is the discriminator of a union, which cannot be deprecated")
        return model.Field(json_key, t, description, optional, is_tag, loc(key_node), key, deprecated)

    def type_node(self, node: yaml.Node, default_name: str, what: str) -> tuple[model.Type | None, str | None]:
        """An `items:` or `values:` type and its description: a mapping like a field's, or just a type name."""
        if isinstance(node, yaml.ScalarNode):
            return self.named_type(node, node.value), None
        m = self.mapping(node, ELEMENT_KEYS, what)
        if m is None:
            return None, None
        description = self.description(m)
        return self.type_of(m, node, default_name, what, description), description

    def type_of(
        self,
        m: dict[str, tuple[yaml.Node, yaml.Node]],
        node: yaml.Node,
        default_name: str,
        what: str,
        description: str | None = None,
    ) -> model.Type | None:
        """The type a field (or `items:`/`values:`) declares; a nested object takes the field's description."""
        shapes = [k for k in SHAPES if k in m]
        if not shapes:
            self.problem(node, f"{what} needs one of: {', '.join(SHAPES)}")
            return None
        if len(shapes) > 1:
            self.problem(m[shapes[1]][0], f"{what} has both {shapes[0]!r} and {shapes[1]!r}; use one")
            return None
        shape = shapes[0]
        value = m[shape][1]
        if "open" in m and shape != "enum":
            self.problem(m["open"][0], "'open' only applies to an enum")
        if "name" in m and shape != "fields":
            self.problem(m["name"][0], "'name' only applies to a nested object (fields)")
        if "other_values" in m and shape != "fields":
            self.problem(
                m["other_values"][0],
                "'other_values' only applies to an object with fields (a map of one value type is `values:`)",
            )
        t: model.Type | None
        match shape:
            case "type":
                t = self.named_type(value, value.value if isinstance(value, yaml.ScalarNode) else None)
            case "literal":
                t = self.literal(value)
            case "enum":
                is_open = self.flag(m["open"][1], "open") if "open" in m else False
                t = self.enum(value, is_open, m["open"][0] if "open" in m else None)
            case "fields":
                name = default_name
                if "name" in m:
                    name = self.text(m["name"][1], "name") or name
                    if not naming.SNAKE.match(name):
                        self.problem(m["name"][1], f"name {name!r} must be snake_case")
                fields = self.fields(name, value)
                other, about = self.other_values(m, name)
                t = model.Object(model.Name(name), description, fields, loc(node), other=other, other_description=about)
            case "items":
                item, about = self.type_node(value, naming.singular(default_name), "items")
                t = model.Array(item, about) if item is not None else None
            case "values":
                inner, about = self.type_node(value, default_name + "_value", "values")
                t = model.Map(inner, about) if inner is not None else None
            case "one_of":
                t = self.one_of(value, default_name)
            case _:
                assert_never(shape)
        if "format" in m:
            t = self.string_format(m["format"], t)
        if "vendor_format" in m:
            self.vendor_format(m["vendor_format"], t)
        if t is not None and "nullable" in m and self.flag(m["nullable"][1], "nullable"):
            if isinstance(t, model.Json):
                self.problem(m["nullable"][0], "'nullable' does not apply to json: null is a JSON value already")
            t = model.Nullable(t)
        return t

    def one_of(self, node: yaml.Node, default_name: str) -> model.OneOf | None:
        """`one_of: [string, integer, {fields: ...}]`: two or more members, each a type name or a
        mapping as `items:` takes; an inline object is named `<field>_<n>` (n from 1) unless it has
        a `name:`. A member that could never be chosen is an error: `json`, a nullable member (write
        `nullable: true` beside `one_of`), a `one_of` inside one, and one that an earlier member
        always wins over (`integer` after `float`, a string literal after `string`, a repeat)."""
        if not isinstance(node, yaml.SequenceNode) or len(node.value) < 2:
            self.problem(node, "one_of must be a list of at least two types")
            return None
        if len(node.value) > MAX_ONE_OF:
            self.problem(
                node,
                f"one_of lists {len(node.value)} types, more than {MAX_ONE_OF}; a union with a discriminator takes "
                "any number",
            )
            return None
        members: list[model.Type] = []
        for i, item in enumerate(node.value, 1):
            t, _ = self.type_node(item, f"{default_name}_{i}", "one_of member")
            if t is None:
                continue
            if isinstance(t, model.Json):
                self.problem(
                    item, "one_of member 'json' takes every value, so no other member is ever chosen; use `type: json`"
                )
                continue
            if isinstance(t, model.Nullable):
                self.problem(item, "a one_of member cannot be nullable; write `nullable: true` beside `one_of`")
                continue
            if isinstance(t, model.OneOf):
                self.problem(item, "a one_of member cannot be a one_of; list its members in the outer one")
                continue
            earlier = next((j for j, m in enumerate(members, 1) if covers(m, t)), None)
            if earlier is not None:
                self.problem(
                    item,
                    f"one_of member {i} is never chosen: member {earlier} ({member_text(members[earlier - 1])}) "
                    "accepts every value it does, and the first member that decodes a value wins",
                )
                continue
            members.append(t)
        return model.OneOf(tuple(members)) if len(members) >= 2 else None

    def string_format(self, key_value: tuple[yaml.Node, yaml.Node], t: model.Type | None) -> model.Type | None:
        """`format:` on `type: string`: one of the formats every decoder checks (generator/formats.py)."""
        key_node, node = key_value
        name = self.text(node, "format")
        if name is None:
            return t
        if name not in formats.FORMATS:
            close = difflib.get_close_matches(name, list(formats.FORMATS), n=1, cutoff=0.5)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            self.problem(
                node,
                f"unknown format {name!r}{hint} (formats: {', '.join(formats.FORMATS)}; a vendor's own format, "
                "which no decoder checks, is written `vendor_format: <name>`)",
            )
            return t
        if t is not None and not isinstance(t, model.String):
            self.problem(key_node, "'format' only applies to a string (type: string)")
            return t
        return model.String(name) if t is not None else None

    def vendor_format(self, key_value: tuple[yaml.Node, yaml.Node], t: model.Type | None) -> None:
        """`vendor_format:` records a format the vendor names (`unixtime`) on a string or a number: an
        annotation for the spec's readers, which no output checks or shows (spec/README.md)."""
        key_node, node = key_value
        name = self.text(node, "vendor_format")
        if name is not None and not VENDOR_FORMAT.fullmatch(name):
            self.problem(node, "vendor_format must be a format's name: 1 to 64 letters, digits, '-', '_' or '.'")
        if t is not None and not isinstance(t, (model.String, model.Integer, model.Float)):
            self.problem(key_node, "'vendor_format' only applies to a string, an integer or a float (type: ...)")

    def named_type(self, node: yaml.Node, name: str | None) -> model.Type | None:
        if name is None or not isinstance(node, yaml.ScalarNode):
            self.problem(node, "type must be a type name")
            return None
        if name in SCALARS:
            return SCALARS[name]
        if self.kinds.get(name) == "alias":
            alias = self.aliases.get(name)
            return model.Named(alias.name, alias.type) if alias is not None else None  # else reported
        if name in self.kinds:
            return model.Ref(model.Name(name))
        self.problem(node, f"unknown type {name!r}{self.suggest(name)}")
        return None

    def literal(self, node: yaml.Node) -> model.Literal | None:
        """A string (any quoted scalar, or a plain one YAML reads as a string), a decimal integer
        of at most 18 digits, or true/false. Anything else YAML would turn into another kind of
        value (a date, a float, 0x1f, 1:30, yes) must be quoted to be a string."""
        if not isinstance(node, yaml.ScalarNode):
            self.problem(node, "literal must be a string, an integer or a boolean")
            return None
        text = node.value
        if node.style or node.tag == "tag:yaml.org,2002:str":  # quoted (libyaml marks plain as "", PyYAML as None)
            return model.Literal(text) if self.text(node, "literal") is not None else None
        if text in ("true", "false"):
            return model.Literal(text == "true")
        if INTEGER.fullmatch(text):
            return model.Literal(int(text))
        kind = {
            "tag:yaml.org,2002:timestamp": "a date",
            "tag:yaml.org,2002:float": "a float",
            "tag:yaml.org,2002:null": "null",
        }
        what = kind.get(node.tag, "not a string, a decimal integer (18 digits at most) or true/false")
        self.problem(node, f'literal {text!r} is {what} in YAML; quote it to make it a string (literal: "{text}")')
        return None

    def enum(self, node: yaml.Node, is_open: bool, open_node: yaml.Node | None = None) -> model.Enum | None:
        """A list of strings, or of decimal integers (at most 18 digits); never both, never floats
        (Python's `Literal` and msgspec hold no floats)."""
        if not isinstance(node, yaml.SequenceNode) or not node.value:
            self.problem(node, "enum must be a non-empty list of strings or of integers")
            return None
        strings: list[str] = []
        integers: list[int] = []
        seen: set[str | int] = set()  # both lists' values: a repeat found in one lookup, however long the enum
        first: yaml.Node | None = None  # the first value: the enum's kind
        for item in node.value:
            value: str | int
            if (
                isinstance(item, yaml.ScalarNode)
                and item.tag == "tag:yaml.org,2002:int"
                and INTEGER.fullmatch(item.value)
            ):
                value = int(item.value)
            elif not isinstance(item, yaml.ScalarNode) or item.tag != "tag:yaml.org,2002:str":
                what = ENUM_VALUE_KINDS.get(item.tag, "not a string") if isinstance(item, yaml.ScalarNode) else "a list"
                self.problem(
                    item,
                    "enum values must be strings (quote them) or decimal integers of at most 18 digits; "
                    f"this one is {what} in YAML",
                )
                continue
            elif self.text(item, "an enum value") is None:
                continue  # not text (a lone surrogate): reported by text()
            else:
                value = item.value
            if first is None:
                first = item
            kind = type(strings[0] if strings else integers[0] if integers else value)
            if type(value) is not kind:
                self.problem(
                    item,
                    f"enum mixes strings and integers (the first value, line {first.start_mark.line + 1}, is "
                    f"{'a string' if kind is str else 'an integer'}); quote the integers to make them all strings",
                )
            elif value in seen:
                self.problem(item, f"duplicate enum value {value!r}")
            elif isinstance(value, int):
                integers.append(value)
                seen.add(value)
            else:
                strings.append(value)
                seen.add(value)
        if integers and is_open and open_node is not None:
            self.problem(open_node, "'open' only applies to an enum of strings")
        if integers:
            return model.Enum(tuple(integers), False)
        return model.Enum(tuple(strings), is_open)

    def union_member(
        self,
        name: str,
        item: yaml.Node,
        disc: str | None,
        built: dict[str, model.Definition],
        taken: set[str],
        also_taken: set[str] | None = None,
    ) -> tuple[model.Object, str] | None:
        """One name in a union's list (or in a list of variants): the object and its tag. `taken`:
        the names of the members before it (`also_taken`: and of the variants before it in its list)."""
        member_name = item.value if isinstance(item, yaml.ScalarNode) else None
        if member_name is None or self.kinds.get(member_name) != "object":
            shown = member_name if member_name is not None else "?"
            if isinstance(item, yaml.SequenceNode):
                self.problem(item, "variants cannot be nested in variants; list them all in one list")
                return None
            self.problem(
                item,
                f"union member {shown!r} is not an object type defined under types{self.suggest(str(shown), 'object')}",
            )
            return None
        obj = built.get(member_name)
        self.listed.add(member_name)  # in a union, even if refused there: not also reported as unused
        if not isinstance(obj, model.Object) or disc is None:
            return None
        if member_name in taken or (also_taken is not None and member_name in also_taken):
            self.problem(item, f"duplicate union member {member_name!r}")
            return None
        tag = obj.discriminator_value(disc)
        if tag is None:
            self.problem(item, f"union member {member_name!r} has no literal field {disc!r} (the discriminator)")
            return None
        return obj, tag

    def repeated_tag(
        self,
        name: str,
        obj: model.Object,
        tag: str,
        disc: str,
        built: dict[str, model.Definition],
        seen: dict[str, str],
    ) -> bool:
        """Report a tag an earlier member (or list of variants) of the union has already."""
        if tag not in seen:
            return False
        first = seen[tag]
        repeat = next(f for f in obj.fields if f.key == disc)
        first_object = built.get(first)
        first_line = 0
        if isinstance(first_object, model.Object):
            first_line = next(f for f in first_object.fields if f.key == disc).loc.line
        self.problem_at(
            repeat.loc,
            f"duplicate discriminator value {tag!r} in union {name!r}: {obj.name.snake!r} repeats "
            f"{first!r} (line {first_line}); to accept several shapes of one event, list them together "
            f"as variants: [{first}, {obj.name.snake}]",
        )
        return True

    def variants(
        self,
        name: str,
        node: yaml.SequenceNode,
        disc: str | None,
        built: dict[str, model.Definition],
        taken: set[str],
        seen: dict[str, str],
    ) -> list[model.UnionMember]:
        """`[b_kyb, b_kyc, b_legacy]` in a union's list: two or more objects with one tag, tried in
        the order written when a value has it. `taken`: the names of the members before them."""
        if len(node.value) < 2:
            shown = node.value[0].value if node.value and isinstance(node.value[0], yaml.ScalarNode) else "a type"
            self.problem(
                node,
                f"a list of variants needs at least two object types with one discriminator value; "
                f"write {shown!r} without brackets",
            )
            return []
        out: list[model.UnionMember] = []
        mine: set[str] = set()  # the names in `out`
        for item in node.value:
            found = self.union_member(name, item, disc, built, taken, mine)
            if found is None or disc is None:
                continue
            obj, tag = found
            if out and tag != out[0].tag:
                self.problem(
                    item,
                    f"variant {obj.name.snake!r} has {disc} {tag!r}, but {out[0].object.name.snake!r} before it has "
                    f"{out[0].tag!r}: variants share one discriminator value; list {obj.name.snake!r} on its own",
                )
                continue
            if not out and self.repeated_tag(name, obj, tag, disc, built, seen):
                return []
            out.append(model.UnionMember(obj, tag))
            mine.add(obj.name.snake)
        if out:
            seen[out[0].tag] = out[0].object.name.snake
        return out

    def union(self, name: str, node: yaml.Node, built: dict[str, model.Definition]) -> model.Union_ | None:
        m = self.mapping(node, UNION_KEYS, f"union {name!r}")
        if m is None:
            return None
        if "standalone" in m and self.flag(m["standalone"][1], "standalone"):
            self.standalone.add(name)
        description = self.description(m)
        disc_node = self.require(m, node, "discriminator", f"union {name!r}")
        members_node = m["union"][1]
        disc = self.text(disc_node, "discriminator") if disc_node is not None else None
        if disc is not None and disc_node is not None and not naming.FIELD_KEY.match(disc):
            self.problem(disc_node, f"discriminator {disc!r} must be a snake_case field key of the members")
            disc = None
        if not isinstance(members_node, yaml.SequenceNode) or not members_node.value:
            self.problem(members_node, "union must be a non-empty list of type names")
            return None
        members: list[model.UnionMember] = []
        taken: set[str] = set()  # the members' names: a repeat found in one lookup, however long the union
        seen_tags: dict[str, str] = {}
        for entry in members_node.value:
            if isinstance(entry, yaml.SequenceNode):
                variants = self.variants(name, entry, disc, built, taken, seen_tags)
                members += variants
                taken.update(v.object.name.snake for v in variants)
                continue
            found = self.union_member(name, entry, disc, built, taken)
            if found is None or disc is None:
                continue
            obj, tag = found
            if self.repeated_tag(name, obj, tag, disc, built, seen_tags):
                continue
            seen_tags[tag] = obj.name.snake
            members.append(model.UnionMember(obj, tag))
            taken.add(obj.name.snake)
        if disc is None:
            return None
        return model.Union_(model.Name(name), description, disc, tuple(members), self.locs[name])
