"""`import page`: a docs page in the vendor's CLI flavour (the format `docs_cli` writes) back to a spec.

The page is read in two steps. First its layout: `# Title`, `## Domain Types`, then per type a
`### Heading` and one bullet; a bullet is `- `label``, then (each after a blank line, two spaces
deeper) its description and its children. Then the meaning of each bullet, from its label's type
summary: each construct of the spec language is one branch of `Reader.atom` (reading a summary) and
of `Reader.type_of` (the spec mapping it becomes). Descriptions, titles and labels are unescaped
so that `markdown_text` escapes them to the page's text again: the spec gives the same page, byte
for byte.

What the CLI page cannot carry, and where it comes from instead:

- `integer` or `float`: the page writes `number` for both. With the Python flavour of the same page
  (`--python-page`) each `number` takes the Python annotation's `int` or `float`; without, it is a
  `float` (which accepts every number) and one note on stderr says so.
- `module`: `--module`, else the one the Python page's usage part names, else the title in
  snake_case (`webhooks` when that is no module name).
- `page`: `--page`, else the path below the last `docs/` folder of FILE, else FILE's name.
- `entry`: `--entry`, else the last union no field refers to.
- the union's `discriminator`: the string literal every member has and whose value the page does not
  list as a child bullet (the seed's flavour lists every other literal's value).
- `standalone: true`: a type no union or field uses.
- `name:` on a nested object: the class the Python page shows for it, where that is not the default
  name; without the Python page, every nested object takes its default name.
- `site:`: on neither page; add it by hand.
- `deprecated:`, and the descriptions of array items and map values: the page shows them as
  paragraphs of the bullet's text (`Deprecated.` or `Deprecated: <reason>` first, `Each item: ...`,
  `Each value: ...` last); a description that itself holds such paragraphs is read as them, which
  gives the same pages. A union's tag (a literal whose value is not listed) is never deprecated.
- `type: object` or `values: json`: both are `map[unknown]`, the same type; `type: object` is written
  unless the values have a description.
- `array of X or null`: read as a nullable array (`{items: X, nullable: true}`); the Python page's
  `List[Optional[X]]` says when it is the items that are nullable.

A page the reader does not understand is an error `FILE:line:col: message` (exit 2, nothing written).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Literal, assert_never

import yaml

from .. import formats, model, naming
from ..targets import markdown_text, python

# -- errors ---------------------------------------------------------------------------------------


class PageError(Exception):
    """A page the importer cannot read: `line`, `column` 1-based."""

    def __init__(self, line: int, column: int, message: str) -> None:
        super().__init__(f"{line}:{column}: {message}")
        self.line = line
        self.column = column
        self.message = message

    def located(self, shown: str) -> str:
        return f"{shown}:{self.line}:{self.column}: {self.message}"


# -- unescaping: the inverse of generator/targets/markdown_text.py ---------------------------------

ENTITY_TEXT = {"&lt;": "<", "&amp;": "&"}


def unescape_plain(text: str) -> str:
    """A title or heading as `markdown_text.plain_text` wrote it, back to the text."""
    out: list[str] = []
    i = 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text) and text[i + 1] in markdown_text.PLAIN_SPECIAL:
            out.append(text[i + 1])
            i += 2
            continue
        entity = next((e for e in ENTITY_TEXT if text.startswith(e, i)), None)
        if entity is not None:
            out.append(ENTITY_TEXT[entity])
            i += len(entity)
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def unescape_description(text: str) -> str:
    """A description as `markdown_text.description` wrote it, back to a text it writes the same way.

    The scan mirrors the escaper's: backslash escapes and the code spans it kept (the only bare
    backticks it writes) are copied as they are, `&lt;` and `&amp;` become `<` and `&`. What is left
    ambiguous is a backslash before a backtick or a `]`: the author's, or one the escaper added (a
    backtick that opens no harmless span, a `]` that could close a link elsewhere). `resolve` picks,
    with the escaper as the judge.
    """
    tokens: list[str] = []
    runs = markdown_text.BacktickRuns(text)
    i = 0
    while i < len(text):
        c = text[i]
        if c == "\\" and i + 1 < len(text) and text[i + 1] in markdown_text.ASCII_PUNCTUATION:
            if text[i + 1] == "`" and tokens and is_ticks(tokens[-1]):
                tokens[-1] += "\\`"  # the escaper escapes a run of backticks as one
            else:
                tokens.append(text[i : i + 2])
            i += 2
        elif c == "`":
            run = markdown_text.BACKTICKS.match(text, i)
            assert run is not None
            length = len(run.group(0))
            close = runs.closing(i + length, length)
            # the escaper writes every backtick outside a span it kept as `\\``: a bare run opens one
            if close is not None:
                tokens.append(text[i : close + length])
                i = close + length
            else:
                tokens.append(run.group(0))
                i += length
        else:
            entity = next((e for e in ENTITY_TEXT if text.startswith(e, i)), None)
            if entity is not None:
                tokens.append(ENTITY_TEXT[entity])
                i += len(entity)
            else:
                tokens.append(c)
                i += 1
    return resolve(tokens, text)


def is_ticks(token: str) -> bool:
    """Whether `token` is a run of escaped backticks, `\\``, `\\`\\``, ..."""
    return len(token) >= 2 and token == "\\`" * (len(token) // 2)


def dropped(token: str) -> str:
    """An escaped token without the escaper's backslashes."""
    return token.replace("\\", "")


SEARCH_BUDGET = 400  # escapings tried per description at most: a hostile page cannot make the search quadratic


def resolve(tokens: list[str], page_text: str) -> str:
    """The text whose escaping is `page_text`, from its tokens: each `\\`` run and `\\]` is either
    the author's (kept) or the escaper's (dropped). Two first guesses, backticks kept escaped or all
    bare, with brackets decided right to left (a `]`'s fate depends on the text after it); from each,
    flips of one token or two neighbours that bring the escaper's output closer to the page, until it
    matches (a bounded search; what the escaper writes is the judge)."""
    ambiguous = [k for k, t in enumerate(tokens) if t == "\\]" or is_ticks(t)]

    def build(keep: dict[int, bool]) -> str:
        return "".join(t if keep.get(k, True) else dropped(t) for k, t in enumerate(tokens))

    budget = [SEARCH_BUDGET]

    def agreement(candidate: str) -> int:
        budget[0] -= 1
        written = markdown_text.description(candidate)
        if written == page_text:
            return len(page_text) + 1
        return next(
            (n for n, (a, b) in enumerate(zip(written, page_text)) if a != b), min(len(written), len(page_text))
        )

    def first_guess(ticks_kept: bool) -> dict[int, bool]:
        keep = {k: ticks_kept for k in ambiguous}
        out: list[str] = []
        for k in reversed(range(len(tokens))):
            if tokens[k] == "\\]":
                after = "".join(reversed(out[-markdown_text.DESTINATION_LIMIT - 2 :]))
                keep[k] = not markdown_text.unsafe_bracket("]" + after, 0)
            out.append(tokens[k] if keep.get(k, True) else dropped(tokens[k]))
        return keep

    moves = [(k,) for k in ambiguous] + list(zip(ambiguous, ambiguous[1:]))
    best, best_score = "", -1
    for ticks_kept in (True, False):
        keep = first_guess(ticks_kept)
        candidate = build(keep)
        score = agreement(candidate)
        for _ in range(2 * len(ambiguous)):
            if score > len(page_text):
                break
            improved = False
            for move in moves:
                if budget[0] <= 0:
                    break
                for k in move:
                    keep[k] = not keep[k]
                flipped = build(keep)
                flipped_score = agreement(flipped)
                if flipped_score > score:
                    candidate, score, improved = flipped, flipped_score, True
                    break
                for k in move:
                    keep[k] = not keep[k]
            if not improved:
                break
        if score > best_score:
            best, best_score = candidate, score
        if best_score > len(page_text):
            break
    return best


def unescape_code(text: str, line: int, column: int) -> str:
    """A label as `markdown_text.code_span` wrote it (the whole line after `- `), back to its text."""
    run = markdown_text.BACKTICKS.match(text)
    if run is None or not text.endswith(run.group(0)) or len(text) < 2 * len(run.group(0)):
        raise PageError(line, column, "expected a label in backticks, as in - `id: string`")
    fence = run.group(0)
    inner = text[len(fence) : len(text) - len(fence)]
    longest = max((len(r) for r in markdown_text.BACKTICKS.findall(inner)), default=0)
    if longest >= len(fence) or inner.endswith("`") and not inner.endswith(" "):
        raise PageError(line, column, "the label's backticks do not close at the end of the line")
    if len(inner) >= 2 and inner[0] == " " and inner[-1] == " " and inner.strip(" ") != "":
        inner = inner[1:-1]
    return inner


# -- the layout: bullets --------------------------------------------------------------------------


@dataclass
class Node:
    """One bullet: its label, and the lines below it (description and children), not yet split,
    since where a description ends depends on whether the label's type has children."""

    label: str
    line: int  # 1-based, of the label
    indent: int  # of the `-`
    content: list[tuple[int, str]]  # (line number, text) after the blank line below the label

    @property
    def column(self) -> int:
        return self.indent + 1

    def split(self, has_children: bool) -> tuple[str | None, list[Node]]:
        """The description (None when there is none) and the child bullets."""
        if not self.content:
            return None, []
        pad = " " * (self.indent + 2)
        start = len(self.content)
        description_end = len(self.content)
        if has_children:
            separator = next((k for k, (_, t) in enumerate(self.content) if t == pad + "<!-- -->"), None)
            if separator is not None:
                start, description_end = separator + 2, separator - 1
            else:
                first = next((k for k, (_, t) in enumerate(self.content) if is_bullet(t, len(pad))), None)
                if first is None:
                    number = self.content[0][0]
                    raise PageError(number, len(pad) + 1, f"`{self.label}` needs child bullets here")
                start, description_end = first, first - 1
        description = None
        if description_end >= 0 and start > 0:
            lines = self.content[: max(description_end, 0)]
            for number, text in lines:
                if text and not text.startswith(pad):
                    raise PageError(number, 1, f"a description is indented {len(pad)} spaces under its bullet")
            description = unescape_description("\n".join(text[len(pad) :] for _, text in lines))
        if start > 0 and description_end >= 0 and start - description_end > 0:
            for _, text in self.content[description_end:start]:
                if text.strip() not in ("", "<!-- -->"):
                    number = self.content[start][0] if start < len(self.content) else self.line
                    raise PageError(number, 1, "expected a blank line before this bullet")
        return description, bullets(self.content[start:], self.indent + 2)


OTHER_KEYS = "other keys: "  # the label of an open object's other keys, after its fields


def is_bullet(text: str, indent: int) -> bool:
    return text[:indent].strip() == "" and text[indent : indent + 2] == "- " and len(text) > indent + 2


def bullets(lines: list[tuple[int, str]], indent: int) -> list[Node]:
    """The bullets at `indent` in `lines`, each after the one before and a blank line."""
    out: list[Node] = []
    i = 0
    while i < len(lines):
        number, text = lines[i]
        if not (text.startswith(" " * indent + "- ") and len(text) > indent + 2):
            raise PageError(number, indent + 1, f"expected a bullet `- ` indented {indent} spaces")
        end = i + 1
        while end < len(lines) and (lines[end][1] == "" or lines[end][1].startswith(" " * (indent + 1))):
            end += 1
        body = lines[i + 1 : end]
        if end < len(lines):  # a sibling follows, after one blank line
            if not body or body[-1][1] != "":
                raise PageError(lines[end][0], 1, "expected a blank line before this bullet")
            body = body[:-1]
        if body and body[0][1] != "":
            raise PageError(body[0][0], 1, "expected a blank line after the bullet")
        label = unescape_code(text[indent + 2 :], number, indent + 3)
        out.append(Node(label, number, indent, body[1:]))
        i = end
    return out


@dataclass
class Section:
    heading: str
    line: int
    bullet: Node


@dataclass
class Layout:
    title: str
    sections: list[Section]
    usage: list[str]  # the lines between the title and `## Domain Types` (the Python flavour's usage part)


def layout(text: str) -> Layout:
    lines = text.split("\n")
    if not lines[0].startswith("# "):
        raise PageError(1, 1, "expected the page's title: `# Title`")
    try:
        domain = lines.index("## Domain Types")
    except ValueError:
        raise PageError(len(lines), 1, "no `## Domain Types` heading") from None
    if lines[-1] != "":
        raise PageError(len(lines), len(lines[-1]) + 1, "the page ends without a line break")
    starts = [k for k in range(domain + 1, len(lines)) if lines[k].startswith("### ")]
    for k in range(domain + 1, starts[0] if starts else len(lines) - 1):
        if lines[k] != "":
            raise PageError(k + 1, 1, "expected a `### Heading` for each type")
    sections = []
    for n, k in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(lines)
        block = [(j + 1, lines[j]) for j in range(k + 1, end)]
        # a blank line after the heading; one blank line (or the end of the file) after the bullet
        if len(block) < 3 or block[0][1] != "" or block[-1][1] != "":
            raise PageError(k + 1, 1, "expected a blank line, one bullet and a blank line after the heading")
        found = bullets(block[1:-1], 0)
        if len(found) != 1:
            raise PageError(found[1].line, 1, "expected one top-level bullet per type")
        sections.append(Section(unescape_plain(lines[k][4:]), k + 1, found[0]))
    return Layout(unescape_plain(lines[0][2:]), sections, lines[1:domain])


# -- the meaning: bullets -> spec ----------------------------------------------------------------

MORE = re.compile(r"(\d+) more")
INTEGER_TEXT = re.compile(r"-?(0|[1-9][0-9]{0,17})")
REF = re.compile(r"[A-Z][A-Za-z0-9]*")
PY_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def first_three(items: list[str], separator: str) -> str:
    shown = items if len(items) <= 4 else items[:3] + [f"{len(items) - 3} more"]
    return separator.join(shown)


Kind = Literal["string", "number", "boolean", "json", "literal", "enum", "array", "map", "ref", "object", "one_of"]
STRING_FORMAT = re.compile(r" \(([a-z-]+)\)")  # after `string`: its format, as docs_cli writes it
SCALAR_KINDS: tuple[tuple[str, Kind], ...] = (
    ("string", "string"),
    ("number", "number"),
    ("boolean", "boolean"),
    ("unknown", "json"),
)
MORE_END = re.compile(r"(\d+) more(?= or null|\]|$)")
DEPRECATED = "Deprecated."
DEPRECATED_BECAUSE = "Deprecated: "


def element_labels(s: Summary) -> list[str]:
    """The paragraphs' openings (`Each item: `, `Each value of each item: `, ...) the descriptions of
    the summary's array items and map values would have, outermost first (model.element_notes)."""
    out: list[str] = []
    parts: list[str] = []
    t: Summary | None = s
    while t is not None and t.kind in ("array", "map"):
        parts.append("item" if t.kind == "array" else "value")
        out.append(f"Each {' of each '.join(reversed(parts))}: ")
        t = t.inner
    return out


@dataclass
class Documented:
    """A bullet's text taken apart (model.documented): the deprecation note's reason (None: not
    deprecated, "": without a reason), the description, the item and value descriptions by level."""

    deprecated: str | None
    description: str | None
    elements: list[str | None]


def taken_apart(
    text: str | None, labels: list[str], may_deprecate: bool = True, known: str | None | Literal[False] = False
) -> Documented:
    """The note first (`Deprecated.` or `Deprecated: <reason>`, a paragraph), then the description,
    then one paragraph per element description in `labels`' order. Where a description itself
    holds such paragraphs the page reads the same either way: the shortest reason and the shortest
    element descriptions are taken, unless the page shows the description on its own (`known`, an
    open enum's closed part; False where it does not), which picks the reading that gives it."""
    if text is None:
        return Documented(None, None, [None] * len(labels))
    readings = note_readings(text, may_deprecate)
    none: list[str | None] = [None] * len(labels)
    if known is not False:
        # first the description as the closed part shows it, where the whole then escapes as the page does
        page_text = markdown_text.description(text).rstrip("\n")
        for deprecated, rest in readings:
            if rest is None:
                continue
            for cut in [len(rest), *reversed(paragraph_breaks(rest))] if known is not None else [-2]:
                elements = notes_only(rest[cut + 2 :], labels, 0) if cut < len(rest) else list(none)
                if elements is None:
                    continue
                notes = tuple(label + e for label, e in zip(labels, elements) if e is not None)
                whole = model.documented(known, deprecated, True, notes)
                if whole is not None and markdown_text.description(whole).rstrip("\n") == page_text:
                    return Documented(deprecated, known, elements)
        for deprecated, rest in readings:
            if rest is None:
                if known is None:
                    return Documented(deprecated, None, [None] * len(labels))
                continue
            # the description, then the notes from one of the paragraph breaks on (or none)
            cuts = paragraph_breaks(rest) if known is not None else [-2]
            for cut in [len(rest), *reversed(cuts)]:
                description = rest[:cut] if cut >= 0 else None
                if not same_on_page(description, known):
                    continue
                after = rest[cut + 2 :]
                elements = notes_only(after, labels, 0) if cut < len(rest) else list(none)
                if elements is not None:
                    return Documented(deprecated, description, elements)
    deprecated, rest = readings[0]
    description, elements = elements_of(rest, labels)
    return Documented(deprecated, description, elements)


def paragraph_breaks(text: str) -> list[int]:
    """Where a `\\n\\n` starts in `text`, overlapping ones too (a paragraph may end with a line break)."""
    return [k for k in range(len(text) - 1) if text[k] == "\n" and text[k + 1] == "\n"]


def same_on_page(a: str | None, b: str | None) -> bool:
    """Whether two descriptions show the same on the page (the end of one merges with the blank
    lines after it)."""
    if a is None or b is None:
        return a is b
    return markdown_text.description(a).rstrip("\n") == markdown_text.description(b).rstrip("\n")


def notes_only(text: str, labels: list[str], level: int) -> list[str | None] | None:
    """`text` read as element notes alone, from `labels[level]` on (by level), or None."""
    for i in range(level, len(labels)):
        if not text.startswith(labels[i]):
            continue
        body = text[len(labels[i]) :]
        cuts = paragraph_breaks(body)
        for cut in reversed(cuts):  # the note ends where a later level's begins
            rest = notes_only(body[cut + 2 :], labels, i + 1)
            if rest is not None:
                rest[i] = body[:cut]
                return rest
        found: list[str | None] = [None] * len(labels)
        found[i] = body
        return found
    return None


def note_readings(text: str, may_deprecate: bool) -> list[tuple[str | None, str | None]]:
    """(reason, rest) for each way `text` can start with the deprecation note, the shortest reason
    first, then (None, text): not deprecated."""
    out: list[tuple[str | None, str | None]] = []
    if may_deprecate:
        if text == DEPRECATED:
            out.append(("", None))
        elif text.startswith(DEPRECATED + "\n\n"):
            out.append(("", text[len(DEPRECATED) + 2 :]))
        elif text.startswith(DEPRECATED_BECAUSE):
            after = text[len(DEPRECATED_BECAUSE) :]
            for cut in paragraph_breaks(after):
                if after[:cut].strip():
                    out.append((after[:cut], after[cut + 2 :]))
            if after.strip():
                out.append((after, None))
    return out + [(None, text)]


def elements_of(rest: str | None, labels: list[str]) -> tuple[str | None, list[str | None]]:
    """The description and the element descriptions (by level) at the end of `rest`, each the
    last paragraph that opens with its label."""
    elements: list[str | None] = [None] * len(labels)
    for level in reversed(range(len(labels))):
        if rest is None:
            break
        label = labels[level]
        if rest.startswith(label) and "\n\n" + label not in rest:
            elements[level], rest = rest[len(label) :], None
            continue
        at = rest.rfind("\n\n" + label)
        if at >= 0:
            elements[level], rest = rest[at + 2 + len(label) :], rest[:at]
    return rest, elements


@dataclass
class Summary:
    """A field's type as its summary reads, before its children are known; `object` marks where an
    object's fields come in (from the bullet's children)."""

    kind: Kind
    value: Any = None  # a literal's value, an enum's first values, a ref's class name
    inner: Summary | None = None  # an array's items, a map's values
    nullable: bool = False
    open: bool = False
    more: int = 0  # enum values (or one_of members) past the first three
    members: list[Summary] = field(default_factory=list)  # a one_of's first members, as its summary names them


def py_numbers(annotation: str) -> list[str]:
    """The `int`s and `float`s of a Python annotation, left to right (string literals skipped)."""
    out = []
    i = 0
    decoder = json.JSONDecoder()
    while i < len(annotation):
        if annotation[i] == '"':
            _, i = decoder.raw_decode(annotation, i)
            continue
        word = PY_WORD.match(annotation, i)
        if word is None:
            i += 1
            continue
        if word.group(0) in ("int", "float"):
            out.append(word.group(0))
        i = word.end()
    return out


@dataclass(frozen=True)
class Place:
    """Where an object sits: in the top-level object `top`, with the default name `name` (a nested
    object's: its parent's and field's), and the class the Python page shows there."""

    top: str
    name: str
    py_class: str | None

    def named(self) -> str | None:
        """The `name:` a nested object needs for the Python page's class, or None (the default)."""
        if self.py_class is None or self.name == self.top:
            return None
        full = naming.pascal(self.name)
        prefix = self.top + "_"
        relative = naming.pascal(self.name[len(prefix) :]) if self.name.startswith(prefix) else None
        if self.py_class in (full, relative):
            return None
        return re.sub(r"(?<!^)(?=[A-Z])", "_", self.py_class).lower()


PY_WRAPPERS = ("List", "Dict", "Optional", "Union", "Literal")


def py_class(annotation: str) -> str | None:
    """The class a Python annotation names (its last capitalised word that is no typing wrapper)."""
    words = [w for w in PY_WORD.findall(re.sub(r'"(?:[^"\\]|\\.)*"', "", annotation)) if w[0].isupper()]
    words = [w for w in words if w not in PY_WRAPPERS and w not in ("True", "False")]
    return words[-1] if words else None


def python_nullability(s: Summary, annotation: str, optional: bool) -> None:
    """`array of X or null` is a nullable array or an array of nullable X: `Optional[List[X]]` or
    `List[Optional[X]]` on the Python page says which. Set on `s` where the page reads the same
    either way (a Python page that disagrees with the CLI page is not followed)."""
    levels: list[bool] = [False]
    rest = annotation
    while True:
        if rest.startswith("Optional["):
            levels[-1] = True
            rest = rest[len("Optional[") : -1]
        elif rest.startswith("List["):
            levels.append(False)
            rest = rest[len("List[") : -1]
        elif rest.startswith("Dict[str, "):
            levels.append(False)
            rest = rest[len("Dict[str, ") : -1]
        else:
            break
    chain = []
    t: Summary | None = s
    while t is not None:
        chain.append(t)
        t = t.inner if t.kind in ("array", "map") else None
    if len(chain) != len(levels):
        return
    before = [x.nullable for x in chain]
    shown = nullable_text(s)
    # one `Optional[...]` says optional, nullable or both: the CLI page's `or null` tells which
    for top in (s.nullable, not s.nullable) if optional else (levels[0],):
        for x, nullable in zip(chain, [top] + levels[1:]):
            x.nullable = nullable
        if nullable_text(s) == shown:
            return
    for x, nullable in zip(chain, before):
        x.nullable = nullable


def nullable_text(s: Summary) -> str:
    """Where a summary says `or null`, as the page writes it (the rest reduced to `T`)."""
    inner = s.inner
    match s.kind:
        case "array" if inner is not None:
            text = f"array of {nullable_text(inner)}"
        case "map" if inner is not None:
            text = f"map[{nullable_text(inner)}]"
        case _:
            text = "T"
    return text + (" or null" if s.nullable else "")


@dataclass
class Reader:
    """Reads a layout's bullets into the spec's mappings."""

    refs: dict[str, str]  # class name -> type name (snake_case), for every top-level type
    python: bool
    floats_guessed: int = 0
    discriminators: dict[str, set[str]] = field(default_factory=dict)  # object -> keys of childless literals

    # -- summaries: one branch per construct

    def summary(self, text: str, at: tuple[int, int]) -> Summary:
        s, rest = self.nullable(text, at)
        if rest:
            raise PageError(at[0], at[1], f"unexpected `{rest}` after the type")
        return s

    def nullable(self, text: str, at: tuple[int, int]) -> tuple[Summary, str]:
        s, rest = self.atom(text, at)
        members = [s]
        more = 0
        while rest.startswith(" or ") and not rest.startswith(" or null"):  # a one_of: `A or B or C or N more`
            counted = MORE.match(rest[len(" or ") :])
            if counted is not None and len(members) == 3:
                more = int(counted.group(1))
                rest = rest[len(" or ") + counted.end() :]
                break
            member, rest = self.atom(rest[len(" or ") :], at)
            members.append(member)
        if len(members) > 1 and all(m.kind == "literal" for m in members):
            raise PageError(at[0], at[1], f"`{text}`: literals joined by `or` (an enum of numbers) cannot be read yet")
        if len(members) > 1:
            s = Summary("one_of", members=members, more=more)
        if rest.startswith(" or null"):
            s.nullable = True
            rest = rest[len(" or null") :]
        return s, rest

    def atom(self, text: str, at: tuple[int, int]) -> tuple[Summary, str]:
        for word, kind in SCALAR_KINDS:
            if text.startswith(word) and text[len(word) : len(word) + 1] in ("", " ", "]"):
                shown = STRING_FORMAT.match(text, len(word)) if kind == "string" else None
                if shown is not None and shown.group(1) in formats.FORMATS:  # `string (date-time)`
                    return Summary(kind, shown.group(1)), text[shown.end() :]
                return Summary(kind), text[len(word) :]
        if text.startswith("array of "):
            inner, rest = self.nullable(text[len("array of ") :], at)
            if inner.nullable and inner.kind == "json":  # null is a JSON value already: the array's
                inner.nullable = False
                rest = " or null" + rest
            elif inner.nullable and rest.startswith(" or null"):
                pass  # `array of X or null or null`: both nullable
            elif inner.nullable:  # the outer one by default (see the module's docstring)
                inner.nullable = False
                rest = " or null" + rest
            return Summary("array", inner=inner), rest
        if text.startswith("map["):
            inner, rest = self.nullable(text[len("map[") :], at)
            if not rest.startswith("]"):
                raise PageError(at[0], at[1], "a map's value type ends with `]`")
            return Summary("map", inner=inner), rest[1:]
        if text.startswith("object { "):
            # only ` or null` and `]` can follow an object's braces (its keys may hold ` }`)
            for close in re.finditer(r" \}", text):
                if re.fullmatch(r"(?: or null|\])*", text[close.end() :]):
                    return Summary("object", text[: close.end()]), text[close.end() :]
            for close in re.finditer(r" \}", text):  # a one_of's member, another after it
                if text.startswith(" or ", close.end()):
                    return Summary("object", text[: close.end()]), text[close.end() :]
            raise PageError(at[0], at[1], "an object's summary ends with ` }`")
        if text.startswith('"'):
            return self.strings(text, at)
        if INTEGER_TEXT.match(text) is not None:
            return self.integers(text)
        for word, value in (("true", True), ("false", False)):
            if text.startswith(word) and text[len(word) : len(word) + 1] in ("", " ", "]"):
                return Summary("literal", value), text[len(word) :]
        ref = REF.match(text)
        if ref is not None and ref.group(0) in self.refs:
            return Summary("ref", self.refs[ref.group(0)]), text[ref.end() :]
        raise PageError(at[0], at[1], f"unknown type `{text}`")

    def strings(self, text: str, at: tuple[int, int]) -> tuple[Summary, str]:
        """`"a"` (a literal) or `"a" or "b" or "c" or N more [or string]` (an enum)."""
        decoder = json.JSONDecoder()
        values: list[str] = []
        rest = text
        while rest.startswith('"'):
            try:
                value, end = decoder.raw_decode(rest)
            except json.JSONDecodeError as e:
                raise PageError(at[0], at[1], f"a string value: {e.msg}") from None
            values.append(value)
            rest = rest[end:]
            if not rest.startswith(' or "'):
                break
            rest = rest[len(" or ") :]
        more = MORE.match(rest[len(" or ") :]) if rest.startswith(" or ") else None
        s = Summary("enum", values, more=int(more.group(1)) if more else 0)
        if more is not None:
            rest = rest[len(" or ") + more.end() :]
        if rest.startswith(" or string"):
            s.open = True
            rest = rest[len(" or string") :]
        elif len(values) == 1:
            s = Summary("literal", values[0])
        return s, rest

    def integers(self, text: str) -> tuple[Summary, str]:
        """`2` (a literal) or `1 or 2 or 3 or N more` (an enum of integers)."""
        values: list[int] = []
        rest = text
        more = 0
        while True:
            number = INTEGER_TEXT.match(rest)
            assert number is not None
            values.append(int(number.group(0)))
            rest = rest[number.end() :]
            if not rest.startswith(" or "):
                break
            after = rest[len(" or ") :]
            counted = MORE_END.match(after)
            if counted is not None and len(values) == 3:
                more = int(counted.group(1))
                rest = after[counted.end() :]
                break
            if INTEGER_TEXT.match(after) is None:
                break
            rest = after
        if len(values) == 1:
            return Summary("literal", values[0]), rest
        return Summary("enum", values, more=more), rest

    # -- fields

    def field_label(self, node: Node) -> tuple[str, bool, Summary]:
        """`key: optional summary`; a key that holds `: ` is split where the rest reads as a type."""
        at = (node.line, node.column + 2)
        start = 0
        error: PageError | None = None
        while True:
            colon = node.label.find(": ", start)
            if colon < 0:
                raise error or PageError(at[0], at[1], "expected `key: type`")
            key, text = node.label[:colon], node.label[colon + 2 :]
            optional = text.startswith("optional ")
            try:
                return key, optional, self.summary(text.removeprefix("optional "), at)
            except PageError as e:
                error = error or e
            start = colon + 1

    def field(self, node: Node, parent: str, top: str, py: Node | None) -> tuple[str, dict[str, Any]]:
        """One field of the object named `parent` (inside the top-level object `top`)."""
        key, optional, s = self.field_label(node)
        annotation = py.label.partition(": ")[2] if py is not None else None
        if annotation is not None:
            python_nullability(
                s, annotation.removeprefix("Optional[").removesuffix("]") if optional else annotation, optional
            )
        has_children = self.has_children(s, node)
        text, children = node.split(has_children)
        tag = s.kind == "literal" and not has_children
        if tag:
            self.discriminators.setdefault(parent, set()).add(key)
        # a tag (a union's discriminator, maybe) is never deprecated: its text is all description
        documented = taken_apart(text, element_labels(s), not tag, self.open_enum_description(s, children))
        description = documented.description
        name = key
        json_key = None
        if not naming.FIELD_KEY.match(key) or key.startswith("__"):
            json_key, name = key, self.snake_key(key, py)
        place = Place(top, f"{parent}_{name}", py_class(annotation) if annotation is not None else None)
        spec_field = self.type_of(s, node, children, py_numbers(annotation or ""), py, place, description)
        described(spec_field, documented.elements)
        spec_field = tidy(spec_field)
        nullable = spec_field.pop("nullable", False)
        if optional:
            spec_field["optional"] = True
        if nullable:
            spec_field["nullable"] = True
        if json_key is not None:
            spec_field["json"] = json_key
        if documented.deprecated is not None:
            spec_field["deprecated"] = documented.deprecated or True
        if description is not None:
            spec_field["description"] = description
        return name, spec_field

    def other_values(self, node: Node, parent: str, top: str, py: Node | None) -> dict[str, Any]:
        """An open object's `other keys: <summary>` bullet (its Python twin `extra_fields: Dict[str, ...]`)
        as `other_values:`, with the description below it."""
        s = self.summary(node.label.removeprefix(OTHER_KEYS), (node.line, node.column + 2))
        annotation = py.label.partition(": ")[2] if py is not None else ""
        annotation = annotation.removeprefix("Dict[str, ").removesuffix("]") if annotation.startswith("Dict[") else ""
        text, children = node.split(self.has_children(s, node))
        description = taken_apart(text, [], may_deprecate=False).description
        place = Place(top, f"{parent}_other_value", py_class(annotation) if annotation else None)
        out = tidy(self.type_of(s, node, children, py_numbers(annotation), py, place, description))
        if out.pop("nullable", False):
            out["nullable"] = True
        if description is not None:
            out["description"] = description
        return out

    def open_enum_description(self, s: Summary, children: list[Node]) -> str | None | Literal[False]:
        """The description an open enum's closed part repeats (the field's own, without the notes
        around it); False where the summary is no open enum or the page does not show it so."""
        while s.inner is not None and s.kind in ("array", "map"):
            s = s.inner
        if s.kind != "enum" or not s.open or not children:
            return False
        try:
            return children[0].split(has_children=True)[0]
        except PageError:
            return False  # reported where the enum is read

    def snake_key(self, key: str, py: Node | None) -> str:
        if py is not None:
            attr = py.label.partition(": ")[0]
            return attr[:-1] if attr.endswith("_") and python.attr(attr[:-1]) == attr else attr
        snake = re.sub(r"[^a-z0-9]+", "_", re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", key).lower()).strip("_")
        return snake if snake and snake[0].isalpha() else f"f_{snake}".rstrip("_")

    def has_children(self, s: Summary, node: Node) -> bool:
        match s.kind:
            case "object" | "enum":
                return True
            case "array" | "map":
                assert s.inner is not None
                return self.has_children(s.inner, node)
            case "literal":
                # the discriminator's value is not listed (the seed's flavour); every other literal's is
                value = json.dumps(s.value, ensure_ascii=False)
                pad = " " * (node.indent + 2)
                return bool(node.content) and node.content[-1][1] == pad + "- " + markdown_text.code_span(value)
            case "one_of":
                return True  # its members, a bullet each
            case "string" | "number" | "boolean" | "json" | "ref":
                return False
            case _:
                assert_never(s.kind)

    def type_of(
        self,
        s: Summary,
        node: Node,
        children: list[Node],
        numbers: list[str],
        py: Node | None,
        place: Place,
        description: str | None,
    ) -> dict[str, Any]:
        """The spec mapping for a summary; one branch per construct."""
        out: dict[str, Any]
        match s.kind:
            case "string" | "boolean" | "json":
                out = {"type": s.kind}
                if s.value is not None:
                    out["format"] = s.value
            case "number":
                if numbers:
                    out = {"type": "integer" if numbers.pop(0) == "int" else "float"}
                else:
                    self.floats_guessed += 1
                    out = {"type": "float"}
            case "literal":
                out = {"literal": s.value}
            case "enum":
                values = self.enum_values(s, node, children, description)
                out = {"enum": values, "open": True} if s.open else {"enum": values}
            case "ref":
                out = {"type": s.value}
            case "array" | "map":
                assert s.inner is not None
                name = naming.singular(place.name) if s.kind == "array" else place.name + "_value"
                inner_place = Place(place.top, name, place.py_class)
                inner = self.type_of(s.inner, node, children, numbers, py, inner_place, description)
                out = {"items" if s.kind == "array" else "values": inner}
            case "object":
                other_node = None  # an open object's last bullet: `other keys: <summary>` (spec/README.md)
                if children and children[-1].label.startswith(OTHER_KEYS):
                    other_node, children = children[-1], children[:-1]
                shown = first_three([self.field_label(c)[0] for c in children], ", ")
                if s.value is not None and s.value != f"object {{ {shown} }}":
                    raise PageError(
                        node.line, node.column + 2, f"the summary should name the fields: object {{ {shown} }}"
                    )
                named = place.named()
                actual = named or place.name
                fields: dict[str, Any] = {}
                py_children = py.split(has_children=True)[1] if py is not None and py.content else []
                for k, child in enumerate(children):
                    key, f = self.field(child, actual, place.top, py_children[k] if k < len(py_children) else None)
                    fields[key] = f
                out = {"name": named, "fields": fields} if named is not None else {"fields": fields}
                if other_node is not None:
                    py_other = py_children[len(children)] if len(py_children) > len(children) else None
                    out["other_values"] = self.other_values(other_node, actual, place.top, py_other)
            case "one_of":
                out = {"one_of": self.one_of_members(s, node, children, numbers, py, place)}
            case _:
                assert_never(s.kind)
        if s.nullable:
            out["nullable"] = True
        return out

    def one_of_members(
        self, s: Summary, node: Node, children: list[Node], numbers: list[str], py: Node | None, place: Place
    ) -> list[dict[str, Any]]:
        """A one_of's members, each a child bullet labelled with its summary (and the Python page's
        annotation), its own children below it; nested objects are named `<field>_<n>`."""
        py_children = py.split(has_children=True)[1] if py is not None and py.content else []
        shown = []
        out = []
        for k, child in enumerate(children):
            member = self.summary(child.label, (child.line, child.column + 2))
            shown.append(member)
            py_member = py_children[k] if k < len(py_children) else None
            member_place = Place(
                place.top, f"{place.name}_{k + 1}", py_class(py_member.label) if py_member is not None else None
            )
            _, member_children = child.split(self.has_children(member, child)) if child.content else (None, [])
            later = [self.summary(c.label, (c.line, c.column + 2)).kind for c in children[k + 1 :]]
            if member.kind == "number" and not numbers and "number" in later:
                # `number or number`: without the Python page, an integer then a float (the other
                # way round, the float would always win)
                out.append({"type": "integer"})
                continue
            out.append(self.type_of(member, child, member_children, numbers, py_member, member_place, None))
        if shown[: len(s.members)] != s.members or len(shown) != len(s.members) + s.more:
            raise PageError(node.line, node.column + 2, "the summary's types are not the ones listed below it")
        return out

    def enum_values(
        self, s: Summary, node: Node, children: list[Node], description: str | None
    ) -> list[str] | list[int]:
        at = (node.line, node.column)
        if s.open:
            if len(children) != 2 or children[1].label != "string":
                raise PageError(at[0], at[1], "an open enum lists its values, then `string`")
            closed_description, values_nodes = children[0].split(has_children=True)
            if not same_on_page(closed_description, description):
                raise PageError(children[0].line, children[0].column, "the closed part repeats the description")
        else:
            values_nodes = children
        integers = isinstance(s.value[0], int)
        kind = "an integer" if integers else "in double quotes"
        values: list[Any] = []
        for child in values_nodes:
            try:
                value = json.loads(child.label)
            except json.JSONDecodeError:
                raise PageError(child.line, child.column, f"expected an enum value {kind}") from None
            if type(value) is not (int if integers else str) or integers and not INTEGER_TEXT.fullmatch(child.label):
                raise PageError(child.line, child.column, f"expected an enum value {kind}")
            values.append(value)
        if values[: len(s.value)] != s.value or len(values) != len(s.value) + s.more:
            raise PageError(at[0], at[1], "the summary's values are not the ones listed below it")
        return values


# -- the whole page ---------------------------------------------------------------------------------


@dataclass
class Imported:
    text: str  # the spec, YAML
    notes: list[str]


def definition_name(node: Node) -> tuple[str, str]:
    name, sep, summary = node.label.partition(": ")
    if not sep or not naming.SNAKE.match(name):
        raise PageError(node.line, node.column + 2, "expected `type_name: ...` with a snake_case name")
    return name, summary


def read(
    cli_text: str,
    python_text: str | None = None,
    *,
    page: str | None = None,
    module: str | None = None,
    entry: str | None = None,
) -> tuple[dict[str, Any], list[str]]:
    """The spec (as mappings) a CLI page describes, and notes on what was guessed.

    Raises PageError for the CLI page; a problem in the Python page is a PythonPageError."""
    cli = layout(cli_text)
    py_layout = None
    if python_text is not None:
        try:
            py_layout = layout(python_text)
        except PageError as e:
            raise PythonPageError(e.line, e.column, e.message) from None
        if len(py_layout.sections) != len(cli.sections):
            raise PythonPageError(1, 1, "the Python page does not show the same types as the CLI page")
        for mine, theirs in zip(py_layout.sections, cli.sections):
            if mine.heading != theirs.heading:
                raise PythonPageError(mine.line, 5, f"the CLI page shows `{theirs.heading}` here (line {theirs.line})")
    names = [definition_name(s.bullet) for s in cli.sections]
    reader = Reader({naming.pascal(n): n for n, _ in names}, python=py_layout is not None)
    types: dict[str, dict[str, Any]] = {}
    unions: dict[str, tuple[Node, list[str]]] = {}
    for k, section in enumerate(cli.sections):
        name, summary = names[k]
        if section.heading != naming.title(name):
            raise PageError(section.line, 5, f"the heading of `{name}` is `{naming.title(name)}`")
        if name in types:
            raise PageError(section.bullet.line, 3, f"`{name}` is shown twice")
        py = py_layout.sections[k].bullet if py_layout is not None else None
        if summary.startswith("object { "):
            text, children = section.bullet.split(True) if section.bullet.content else (None, [])
            documented = taken_apart(text, [])
            description = documented.description
            obj = reader.type_of(
                Summary("object"), section.bullet, children, [], py, Place(name, name, None), description
            )
            types[name] = {"description": description} if description is not None else {}
            if documented.deprecated is not None:
                types[name]["deprecated"] = documented.deprecated or True
            types[name]["fields"] = obj["fields"]
            if "other_values" in obj:
                types[name]["other_values"] = obj["other_values"]
        else:
            description, member_nodes = section.bullet.split(True) if section.bullet.content else (None, [])
            member_names = [definition_name(m)[0] for m in member_nodes]
            if summary != first_three([naming.pascal(m) for m in member_names], " or "):
                raise PageError(section.bullet.line, 3, f"`{name}` is neither an object nor a union of its members")
            types[name] = {"description": description} if description is not None else {}
            unions[name] = (section.bullet, member_names)
    for name, (node, members) in unions.items():
        for m in members:
            if m not in types or "fields" not in types[m]:
                raise PageError(node.line, 3, f"union `{name}`: `{m}` is not an object shown on the page")
        keys = set.intersection(*(reader.discriminators.get(m, set()) for m in members)) if members else set()
        ordered = [k for k in types[members[0]]["fields"] if k in keys] if members else []
        if not ordered:
            raise PageError(
                node.line, 3, f"union `{name}`: no string literal common to its members, shown without its value"
            )
        types[name]["discriminator"] = ordered[0]
        # Members with one value at the discriminator are that tag's variants: a list of their own,
        # at the place of the first (the page lists them next to each other, as the spec writes them).
        by_tag: dict[object, list[str]] = {}
        for m in members:
            by_tag.setdefault(types[m]["fields"][ordered[0]].get("literal"), []).append(m)
        types[name]["union"] = [group if len(group) > 1 else group[0] for group in by_tag.values()]
    used = {m for _, ms in unions.values() for m in ms} | referenced(types)
    unused_unions = [n for n in unions if n not in used]
    chosen_entry = entry if entry is not None else (unused_unions[-1] if unused_unions else None)
    if chosen_entry is not None and chosen_entry not in unions:
        raise PageError(1, 1, f"--entry {chosen_entry}: no union of that name on the page")
    for name in types:
        if name not in used and name != chosen_entry:
            types[name]["standalone"] = True
    notes = []
    if reader.floats_guessed:
        notes.append(
            f"{reader.floats_guessed} `number` type{'s' if reader.floats_guessed != 1 else ''} read as float "
            "(the CLI page writes integers and floats alike; pass --python-page to tell them apart)"
        )
    spec: dict[str, Any] = {
        "title": cli.title,
        "page": page or "index.md",
        "module": module or python_module(py_layout) or default_module(cli.title),
    }
    if chosen_entry is not None:
        spec["entry"] = chosen_entry
    spec["types"] = types
    return spec, notes


def described(t: dict[str, Any], elements: list[str | None]) -> None:
    """Puts the item and value descriptions, outermost first, on the `items:`/`values:` mappings
    (first in each, as a person writes a nested object's)."""
    for about in elements:
        key = "items" if "items" in t else "values"
        if about is not None:
            t[key] = {"description": about, **t[key]}
        t = t[key]


def tidy(t: dict[str, Any]) -> dict[str, Any]:
    """`values: json` with nothing more said is `type: object` (the same type, as a person writes it)."""
    for key in ("items", "values"):
        if key in t:
            t[key] = tidy(t[key])
    if t.get("values") == {"type": "json"}:
        return {("type" if k == "values" else k): ("object" if k == "values" else v) for k, v in t.items()}
    return t


class PythonPageError(PageError):
    """A problem in the Python page (reported at its own file)."""


def python_module(py: Layout | None) -> str | None:
    if py is None:
        return None
    found = re.search(r"Every class below is defined in `([a-z][a-z0-9_]*)\.py`", "\n".join(py.usage))
    return found.group(1) if found else None


def default_module(title: str) -> str:
    """The title in snake_case (`Kitchen Sink` -> `kitchen_sink`); `webhooks` when that is no module name,
    and `<name>_webhooks` when it is a standard library module's (`Code` -> `code_webhooks`)."""
    snake = re.sub(r"[^a-z0-9]+", "_", title.lower()).strip("_")
    if not naming.SNAKE.match(snake) or len(snake) > 60:
        return "webhooks"
    return f"{snake}_webhooks" if snake in sys.stdlib_module_names or snake in TAKEN_MODULES else snake


TAKEN_MODULES = frozenset({"typing_extensions", "msgspec", "pydantic", "jsonschema", "generator"})


def referenced(types: dict[str, dict[str, Any]]) -> set[str]:
    found: set[str] = set()

    def walk(t: Any) -> None:
        if isinstance(t, dict):
            if isinstance(t.get("type"), str) and t["type"] in types:
                found.add(t["type"])
            for key in ("items", "values"):
                if key in t:
                    walk(t[key])
            for member in t.get("one_of", []):
                walk(member)
            for f in t.get("fields", {}).values():
                walk(f)

    for t in types.values():
        walk(t)
    return found


# -- writing the spec: YAML as a person writes it -----------------------------------------------

YAML_SPECIAL = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 _.,;:()/'`*+=?!%-]*$")


def plain_ok(text: str, in_flow: bool = True) -> bool:
    """Whether `text` can be a plain scalar (in a flow mapping too, unless not `in_flow`) that reads
    back as itself."""
    if not text or text != text.strip() or not YAML_SPECIAL.match(text) or ": " in text or " #" in text:
        return False
    if text.endswith(":") or (in_flow and any(c in text for c in ",[]{}")):
        return False
    try:
        block = yaml.safe_load(f"k: {text}") == {"k": text}
        return bool(block and (not in_flow or yaml.safe_load(f"{{k: {text}}}") == {"k": text}))
    except (yaml.YAMLError, ValueError):  # PyYAML's int constructor raises ValueError on `0x_`
        return False


ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t"}


def quoted(text: str) -> str:
    out = []
    for c in text:
        if c in ESCAPES:
            out.append(ESCAPES[c])
        elif " " <= c <= "~" or (
            c.isprintable() and ord(c) > 0xA0 and c not in "\ufeff\ufffe\uffff" and not 0xD800 <= ord(c) < 0xE000
        ):
            out.append(c)
        elif ord(c) < 0x100:
            out.append(f"\\x{ord(c):02x}")
        elif ord(c) < 0x10000:
            out.append(f"\\u{ord(c):04x}")
        else:
            out.append(f"\\U{ord(c):08x}")
    return '"' + "".join(out) + '"'


def scalar(value: Any, in_flow: bool = True) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    assert isinstance(value, str)
    return value if plain_ok(value, in_flow) else quoted(value)


def block_ok(text: str) -> bool:
    """Whether a multi-line description reads well, and back the same, as a `|-` block."""
    if "\n" not in text or text.endswith("\n") or text[:1] in (" ", "\t") or text.startswith("\n"):
        return False
    for line in text.split("\n"):
        if line != line.rstrip() and line.strip() == "":
            return False
        if any(not (c.isprintable() or c == "\t") or c in "\ufeff\u2028\u2029\x85" for c in line) or "\t" in line[:1]:
            return False
    return True


def flow_ok(t: dict[str, Any]) -> bool:
    """A field written on one line: no nested fields, no multi-line description."""
    if "fields" in t or "other_values" in t:
        return False
    if "description" in t and block_ok(t["description"]):
        return False
    return all(flow_ok(t[k]) for k in ("items", "values") if isinstance(t.get(k), dict)) and all(
        flow_ok(m) for m in t.get("one_of", [])
    )


def flow(t: Any) -> str:
    if not isinstance(t, dict):
        return scalar(t)
    parts = []
    for key, value in t.items():
        if key == "enum":
            parts.append(f"enum: [{', '.join(scalar(v) for v in value)}]")
        elif key in ("items", "values"):
            parts.append(f"{key}: {shorthand(value)}")
        elif key == "one_of":
            parts.append(f"one_of: [{', '.join(map(shorthand, value))}]")
        else:
            parts.append(f"{key}: {flow(value)}")
    return "{" + ", ".join(parts) + "}"


def shorthand(t: dict[str, Any]) -> str:
    """`items:`/`values:` take just a type name when that is all there is."""
    return scalar(t["type"]) if list(t) == ["type"] else flow(t)


def emit_type(t: dict[str, Any], indent: int, out: list[str]) -> None:
    """A type's mapping in block style, one key a line; nested fields and items deeper."""
    pad = " " * indent
    for key, value in t.items():
        if key == "fields":
            out.append(f"{pad}fields:")
            for name, f in value.items():
                emit_field(name, f, indent + 2, out)
        elif key in ("items", "values", "other_values"):
            if flow_ok(value):
                out.append(f"{pad}{key}: {shorthand(value)}")
            else:
                out.append(f"{pad}{key}:")
                emit_type(value, indent + 2, out)
        elif key == "enum":
            out.append(f"{pad}enum: [{', '.join(scalar(v) for v in value)}]")
        elif key == "one_of":
            out.append(f"{pad}one_of:")
            for member in value:
                if flow_ok(member):
                    out.append(f"{pad}  - {shorthand(member)}")
                    continue
                lines: list[str] = []
                emit_type(member, indent + 4, lines)
                out.append(f"{pad}  - {lines[0].lstrip()}")
                out.extend(lines[1:])
        elif key == "union":
            shown = (f"[{', '.join(m)}]" if isinstance(m, list) else m for m in value)
            out.append(f"{pad}union: [{', '.join(shown)}]")
        elif key == "description" and block_ok(value):
            out.append(f"{pad}description: |-")
            out.extend(f"{pad}  {line}" if line else "" for line in value.split("\n"))
        else:
            out.append(f"{pad}{key}: {scalar(value, in_flow=False)}")


def emit_field(name: str, f: dict[str, Any], indent: int, out: list[str]) -> None:
    pad = " " * indent
    if flow_ok(f):
        out.append(f"{pad}{name}: {flow(f)}")
    else:
        out.append(f"{pad}{name}:")
        # the description first, as a person writes a nested object
        ordered = {"description": f["description"]} if "description" in f else {}
        ordered.update((k, v) for k, v in f.items() if k != "description")
        emit_type(ordered, indent + 2, out)


def dump(spec: dict[str, Any], source: str) -> str:
    out = [
        f"# Imported from the docs page {source} by `webhookgen import page`.",
        "# The page does not say `module`, `page`, `entry` or `site`: see `webhookgen import page --help`.",
    ]
    for key in ("title", "page", "module", "entry"):
        if key in spec:
            out.append(f"{key}: {scalar(spec[key], in_flow=False)}")
    out.append("")
    out.append("types:")
    for n, (name, t) in enumerate(spec["types"].items()):
        if n:
            out.append("")
        out.append(f"  {name}:")
        emit_type(t, 4, out)
    return "\n".join(out) + "\n"


# -- the command ------------------------------------------------------------------------------------


def default_page(path: Path) -> str:
    parts = path.as_posix().split("/")
    if "docs" in parts[:-1]:
        last = len(parts) - 1 - parts[::-1].index("docs")
        return "/".join(parts[last + 1 :])
    return path.name


def import_page(
    cli_path: Path,
    python_path: Path | None = None,
    *,
    page: str | None = None,
    module: str | None = None,
    entry: str | None = None,
    shown: Callable[[Path], str] = str,
) -> Imported:
    """Read the pages and give the spec's text; PageError's `located` names the file."""
    texts: list[str | None] = []
    for path in (cli_path, python_path):
        if path is None:
            texts.append(None)
            continue
        try:
            texts.append(path.read_bytes().decode("utf-8"))
        except UnicodeDecodeError as e:
            raise Located(f"{shown(path)}:1:1: not UTF-8 (byte {e.start})") from None
        except OSError as e:
            raise Located(f"{shown(path)}: cannot read: {e.strerror or e}") from None
    try:
        spec, notes = read(texts[0] or "", texts[1], page=page or default_page(cli_path), module=module, entry=entry)
    except PythonPageError as e:
        assert python_path is not None
        raise Located(e.located(shown(python_path))) from None
    except PageError as e:
        raise Located(e.located(shown(cli_path))) from None
    return Imported(dump(spec, cli_path.name), notes)


class Located(Exception):
    """An error message already in the `file:line:col: message` form."""


def add_page_import(subparsers: Any, prog: str = "webhookgen") -> None:
    """Registers `import page` under the `import` command's subparsers."""
    p = subparsers.add_parser(
        "page",
        help="a docs page in the vendor's CLI flavour -> a spec",
        description=__doc__,
        epilog=f"example:\n  {prog} import page generated/docs/cli/resources/webhooks/index.md \\\n"
        "      --python-page generated/docs/python/resources/webhooks/index.md --out spec/imported.yaml",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("file", type=Path, help="the CLI-flavour page (Markdown)")
    p.add_argument("--python-page", type=Path, default=None, help="the Python flavour of the same page: int or float")
    p.add_argument("--out", type=Path, default=None, help="the spec to write (default: stdout)")
    p.add_argument("--page", default=None, help="the spec's `page:` (default: FILE's path below docs/, or its name)")
    p.add_argument("--module", default=None, help="the spec's `module:` (default: the Python page's, else the title)")
    p.add_argument("--entry", default=None, help="the entry union (default: the last union no field uses)")
    p.set_defaults(handler=run)


def shown(path: Path) -> str:
    """A path as messages show it: relative to the working directory when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except (ValueError, OSError):
        return str(path)


def run(args: argparse.Namespace) -> int:
    """`import page FILE [--python-page FILE] [--out SPEC]`: the spec on stdout or in SPEC, notes on stderr."""
    try:
        result = import_page(
            args.file, args.python_page, page=args.page, module=args.module, entry=args.entry, shown=shown
        )
    except Located as e:
        print(e, file=sys.stderr)
        return 2
    for note in result.notes:
        print(f"{shown(args.file)}: note: {note}", file=sys.stderr)
    if args.out is None:
        try:
            sys.stdout.write(result.text)
            sys.stdout.flush()
        except BrokenPipeError:
            pass
        return 0
    try:
        args.out.write_text(result.text, encoding="utf-8")
    except OSError as e:
        print(f"{shown(args.out)}: cannot write: {e.strerror or e}", file=sys.stderr)
        return 2
    print(f"wrote {shown(args.out)}", file=sys.stderr)
    return 0
