"""Spec text into the docs pages' Markdown, so that no spec can put HTML or script on a page.

Three places, three rules (the docs templates use them as filters):

- `code_span`: a label (``- `key: string` ``) is code: its fence is one backtick longer than the
  longest run of backticks inside (CommonMark's rule), so no JSON key or literal ends it early.
- `plain_text`: a title or heading is text, not Markdown: what Markdown would read as markup is
  escaped.
- `description`: a description is Markdown as the vendor writes it (code spans, emphasis, lists,
  links), except what could reach a reader's browser as markup or script. Raw HTML and character
  references are escaped (`<` and `&` as `&lt;`, `&amp;`), so they read as the text they are. A link
  or image whose destination is not http(s) or relative (`javascript:`, `data:`), and any link
  reference definition, reads as text: its `]` is escaped. A code span is kept only when its content
  holds neither `<` nor such a link: a renderer that does not see the span (a GFM table row splits
  it at `|`) reads the content as Markdown, so that content must be harmless either way.

Every backslash escape added here is one both CommonMark and Python-Markdown (the docs site's
renderer, which knows fewer escapes) read as the character itself. Control characters become
U+FFFD (CommonMark does so for NUL; Python-Markdown drops some, which would join what they
separate), and a CR not followed by LF becomes LF: Markdown ends a line there, and the page indents
a description after each LF (a CRLF stays as it is).

One test, `md_list` (`holds_list`): after a description that may hold a list, the page puts a blank
HTML comment before the bullet's children, the separator CommonMark documents for two lists in a row
(the docs site reads it as one too); without it the description's items and the children would
render as one list.
"""

from __future__ import annotations

import bisect
import re

ASCII_PUNCTUATION = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
ENTITIES = {"<": "&lt;", "&": "&amp;"}
SAFE_SCHEMES = frozenset({"http", "https"})
SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")
LONE_CR = re.compile(r"\r(?!\n)")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # all but tab, LF and CR
LINE_BREAK = re.compile(r"\r?\n")
BACKTICKS = re.compile(r"`+")
DESTINATION_LIMIT = 2048  # how far a link's `)` is looked for: bounds the work per `]`
# In a title or heading, the characters Markdown would read as markup; CommonMark and Python-Markdown
# both read each escaped with a backslash as the character itself.
PLAIN_SPECIAL = frozenset("\\`*_[]#")
# A line that starts a list item, in either renderer (a bullet, or a number with `.` or `)`).
LIST_ITEM = re.compile(r"^[ \t]*(?:[-*+]|[0-9]{1,9}[.)])(?:[ \t]|$)", re.M)


def normalise(text: str) -> str:
    return CONTROL.sub("\ufffd", LONE_CR.sub("\n", text))


def holds_list(text: str) -> bool:
    """Whether a description may hold a Markdown list: then the page puts a separator between it and
    the bullets that follow, or both renderers would read them as one list (spec/README.md)."""
    return LIST_ITEM.search(normalise(text)) is not None


def code_span(text: str) -> str:
    """`text` as one inline code span, shown exactly (a line break shows as a space, as CommonMark
    renders one inside a code span)."""
    text = LINE_BREAK.sub(" ", normalise(text))
    longest = max((len(run) for run in BACKTICKS.findall(text)), default=0)
    fence = "`" * (longest + 1)
    # CommonMark strips one space from each end of a span that has one at both ends.
    padded = text[:1] == "`" or text[-1:] == "`" or (text[:1] == " " and text[-1:] == " " and text.strip(" ") != "")
    pad = " " if padded else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def plain_text(text: str) -> str:
    """A title or heading: one line, every character shown as it is, nothing read as markup."""
    out = []
    for c in LINE_BREAK.sub(" ", normalise(text)):
        if c in ENTITIES:
            out.append(ENTITIES[c])
        elif c in PLAIN_SPECIAL:
            out.append("\\" + c)
        else:
            out.append(c)
    return "".join(out)


def unsafe_bracket(text: str, i: int) -> bool:
    """Whether the `]` at `i` could close a link or image to somewhere other than http(s) or a
    relative address, or end the label of a link reference definition (refused whatever it points to).

    Both renderers want the `(` or `:` right after the `]`. The destination is read conservatively:
    up to the first `)` (within DESTINATION_LIMIT characters; further than that, or with no `)`, the
    `]` is refused, which costs nothing as no link could follow), without any whitespace (Python-
    Markdown skips Unicode whitespace before it, and a browser drops tabs and line breaks inside a
    URL: `java<TAB>script:` is `javascript:`), and refused when what would be its scheme holds a
    character reference, an escape or a percent sign, since those are decoded before it is read.
    """
    after = text[i + 1 : i + 2]
    if after == ":":
        return True
    if after != "(":
        return False
    end = text.find(")", i + 2, i + 2 + DESTINATION_LIMIT)
    if end < 0:
        return True
    destination = "".join(c for c in text[i + 2 : end] if not c.isspace())
    if destination.startswith("<"):
        return True
    scheme_part = re.split(r"[:/?#]", destination, maxsplit=1)[0]
    if any(c in scheme_part for c in "&\\%"):
        return True
    scheme = SCHEME.match(destination)
    return scheme is not None and scheme.group(0)[:-1].lower() not in SAFE_SCHEMES


class BacktickRuns:
    """Where each run of backticks of a text starts, by its length: found once, so that finding
    the run that closes each code span costs a lookup, not a scan of the rest of the text (which,
    repeated for every unclosed opener, grows faster than the text)."""

    def __init__(self, text: str) -> None:
        self.starts: dict[int, list[int]] = {}
        for run in BACKTICKS.finditer(text):
            self.starts.setdefault(len(run.group(0)), []).append(run.start())

    def closing(self, start: int, length: int) -> int | None:
        """Where the run of exactly `length` backticks that closes a code span opened before
        `start` begins (`start` is not inside a run: the opener's run is whole)."""
        starts = self.starts.get(length, [])
        at = bisect.bisect_left(starts, start)
        return starts[at] if at < len(starts) else None


def harmless_code(text: str, start: int, end: int) -> bool:
    """Whether text[start:end], a code span's content, reads harmlessly even as Markdown."""
    content = text[start:end]
    return "<" not in content and not any(unsafe_bracket(text, start + k) for k, c in enumerate(content) if c == "]")


def description(text: str) -> str:
    """A description as Markdown in which no spec text is HTML, script or a link elsewhere than http(s)."""
    text = normalise(text)
    runs = BacktickRuns(text)
    out: list[str] = []
    i = 0
    while i < len(text):
        c = text[i]
        if c == "\\" and i + 1 < len(text) and text[i + 1] in ASCII_PUNCTUATION:
            escaped = text[i + 1]
            if escaped in ENTITIES:
                out.append(ENTITIES[escaped])  # `\<` means `<`, which Python-Markdown would not read so
            else:
                out.append(c + escaped)
            i += 2
        elif c == "`":
            run = BACKTICKS.match(text, i)
            assert run is not None
            length = len(run.group(0))
            close = runs.closing(i + length, length)
            if close is not None and harmless_code(text, i + length, close):
                out.append(text[i : close + length])
                i = close + length
            else:
                out.append("\\`" * length)  # no span: literal backticks, and none a renderer could pair
                i += length
        elif c in ENTITIES:
            out.append(ENTITIES[c])
            i += 1
        elif c == "]" and unsafe_bracket(text, i):
            out.append("\\]")
            i += 1
        else:
            out.append(c)
            i += 1
    return "".join(out)
