"""black, made fast for big outputs: top-level chunks formatted separately, from a cache when seen
before, in parallel when there are many, with the garbage collector paused; and CPython's compiler
run on what black returns, since black accepts some code CPython refuses (a NUL byte).

black's output for a whole module is its output for each top-level statement, separated by the
blank lines its EmptyLineTracker chooses. Before a top-level `def` or `class` that the rendered text
already precedes with two blank lines, that is always two: so the text splits there into chunks
that format independently, and joining the formatted chunks with two blank lines gives the same
bytes as formatting the whole text (tests/test_formatting.py checks it on every fixture). Any chunk
black rejects sends the whole text through black, for its error message; any chunk CPython rejects
sends the whole formatted text through compile(), for its line number. (A chunk compiles alone
exactly when it compiles in place: chunks are whole top-level statements, and the first one, which
holds any `from __future__` import, starts the file.)

Text the built-in layout wrote (generator/targets/base.py and the built-in templates) is already
black's output, which tests/test_formatting.py and tests/fuzz_specs.py check against black: such a
chunk goes through black only where a line of code in it is longer than black's limit, which is
where the layout left a line for black to split (`left_for_black`). Every chunk goes through
CPython's compiler.

The cache is content-addressed: one file per chunk, named by the SHA-256 of black's version, the
mode, the Python version (whose compiler accepted it) and the chunk's text, holding the formatted
text after its own SHA-256 (an entry that does not match it is ignored). It lives in
$WEBHOOKGEN_CACHE_DIR (empty: no cache), else $XDG_CACHE_HOME/webhookgen, else
~/.cache/webhookgen.
"""

from __future__ import annotations

import ast
import concurrent.futures
import contextlib
import gc
import hashlib
import multiprocessing
import os
import re
import sys
import tempfile
from pathlib import Path
from typing import Iterator

import black
from black.mode import Mode, TargetVersion
from black.parsing import InvalidInput
from black.strings import str_width

MODE = Mode(target_versions={TargetVersion.PY310})

# Below this much text to format, a process pool costs more than it saves.
PARALLEL_MIN_CHARS = 40_000
# Collect the young generation once per this much formatted text (the GC is otherwise off).
COLLECT_EVERY_CHARS = 200_000


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """No automatic collections inside (black allocates millions of objects, and the collector
    would walk them again and again); the objects alive on entry are frozen so that explicit
    young-generation collections skip them. Restored on exit, even on error."""
    was_enabled = gc.isenabled()
    ours = gc.get_freeze_count() == 0  # a caller's own freeze is left alone
    gc.disable()
    if ours:
        gc.freeze()
    try:
        yield
    finally:
        if ours:
            gc.unfreeze()
        if was_enabled:
            gc.enable()


def split(source: str) -> list[str]:
    """The text cut before each line that starts a top-level def, class or decorator after two blank
    lines, each chunk ending in one newline (as black leaves a file). A cut that lands inside a
    string leaves a chunk black cannot parse: the whole text is then formatted at once, so a
    description can never change the output."""
    cuts = [(0, 0)] + [(m.start() + 1, m.end()) for m in _CUT.finditer(source)] + [(len(source), len(source))]
    chunks = (source[start:end].rstrip("\n") for (_, start), (end, _) in zip(cuts, cuts[1:]))
    return [chunk + "\n" for chunk in chunks if chunk.strip()]


_CUT = re.compile(r"\n\n\n(?=def |class |async def |@)")


class _DoesNotCompile(Exception):
    """A formatted chunk that CPython's compiler refuses."""


def format_str(source: str, laid_out: bool = False) -> str:
    """What `black.format_str(source, mode=MODE)` returns, faster, once compile() accepts it.
    `laid_out`: the built-in layout wrote `source`, so a chunk of it that has no line left for
    black (see `left_for_black`) is black's output already, and is only compiled.

    Raises black's InvalidInput, or compile()'s SyntaxError or ValueError for the whole text."""
    chunks = split(source)
    if len(chunks) < 2:
        if laid_out and chunks and not left_for_black(chunks[0]) and compiles(chunks[0]):
            return chunks[0]
        return whole(source)
    cache = Cache.default()
    done: dict[int, str] = {}
    todo: list[int] = []
    for i, chunk in enumerate(chunks):
        if laid_out and not left_for_black(chunk):
            if not compiles(chunk):
                return whole(source)  # raises with the position in the whole text
            done[i] = chunk
            continue
        hit = cache.get(chunk) if cache else None
        if hit is None:
            todo.append(i)
        else:
            done[i] = hit
    try:
        for i, text in zip(todo, format_many([chunks[i] for i in todo])):
            done[i] = text
            if cache:
                cache.put(chunks[i], text)
    except (InvalidInput, _DoesNotCompile):
        return whole(source)  # raises with the position in the whole text
    return "\n\n".join(done[i] for i in range(len(chunks)) if done[i])


def left_for_black(chunk: str) -> bool:
    """Whether a line of code in `chunk` is longer than black's limit. The layout leaves a line
    whole for black to split where its rules do not cover black's split, and then that line does not
    fit; a name or a string too long to split stays past the limit in black's output too, so its
    chunk goes through black all the same. A comment alone on its line, or a string alone on its
    lines (a docstring), does not count: black splits neither."""
    lines = chunk.split("\n")
    long = [n for n, line in enumerate(lines, 1) if str_width(line) > MODE.line_length and not line.lstrip().startswith("#")]
    if not long:
        return False
    try:
        tree = ast.parse(chunk)
    except (SyntaxError, ValueError):
        return True  # black reports it
    strings = {number for node in statements(tree.body) if isinstance(node, ast.Expr) for number in string_lines(node, lines)}
    return any(number not in strings for number in long)


def statements(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """The statements of a block and of the blocks inside it (not the expressions: faster than
    ast.walk; a block missed here only sends a chunk through black)."""
    for node in body:
        yield node
        for name in ("body", "orelse", "finalbody"):
            inner = getattr(node, name, None)
            if isinstance(inner, list):
                yield from statements(inner)


def string_lines(statement: ast.Expr, lines: list[str]) -> range:
    """The lines of `statement` if it is one triple-quoted string literal alone on its lines."""
    end, end_col = statement.end_lineno, statement.end_col_offset
    if end is None or end_col is None or not isinstance(statement.value, ast.Constant) or not isinstance(statement.value.value, str):
        return range(0)
    first, last = lines[statement.lineno - 1].encode(), lines[end - 1].encode()  # the offsets count UTF-8 bytes
    if first[: statement.col_offset].strip() or last[end_col:].strip():
        return range(0)  # code before or after it on a line
    literal = "\n".join(lines[statement.lineno - 1 : end]).strip()
    # the escaping of descriptions leaves no two quotes together inside one literal
    if not (literal.startswith('"""') and literal.endswith('"""') and literal.count('"""') == 2):
        return range(0)
    return range(statement.lineno, end + 1)


def compiles(chunk: str) -> bool:
    try:
        compile(chunk, "<chunk>", "exec", dont_inherit=True)
    except (SyntaxError, ValueError):
        return False
    return True


def whole(source: str) -> str:
    with gc_paused():
        formatted = black.format_str(source, mode=MODE)
    compile(formatted, "<formatted>", "exec", dont_inherit=True)
    return formatted


def format_many(chunks: list[str]) -> list[str]:
    """Each chunk through black: in this process, or across a pool of forked ones when worth it."""
    workers = usable_cpus()
    if workers < 2 or sum(map(len, chunks)) < PARALLEL_MIN_CHARS or "fork" not in multiprocessing.get_all_start_methods():
        return format_batch(chunks)
    batches = [chunks[i::workers * 4] for i in range(workers * 4)]  # interleaved: even sizes
    context = multiprocessing.get_context("fork")  # the children inherit black, already imported
    with concurrent.futures.ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        results = list(pool.map(format_batch, batches))
    out: list[str] = [""] * len(chunks)
    for b, formatted in enumerate(results):
        out[b :: workers * 4] = formatted
    return out


def format_batch(chunks: list[str]) -> list[str]:
    out = []
    since_collect = 0
    with gc_paused():
        for chunk in chunks:
            formatted = black.format_str(chunk, mode=MODE)
            try:
                compile(formatted, "<chunk>", "exec", dont_inherit=True)
            except (SyntaxError, ValueError):
                raise _DoesNotCompile() from None
            out.append(formatted)
            since_collect += len(chunk)
            if since_collect > COLLECT_EVERY_CHARS:
                gc.collect(0)
                since_collect = 0
    return out


def usable_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


class Cache:
    """Formatted chunks on disk, by content; every error reading or writing one is a miss."""

    def __init__(self, folder: Path, kind: str = "black", salt: str | None = None) -> None:
        self.folder = folder
        self.kind = kind  # a subfolder per tool whose output is cached
        if salt is None:
            python = "{}.{}".format(*sys.version_info)
            salt = f"black {getattr(black, '__version__', '?')}\0{MODE.get_cache_key()}\0python {python}"
        self.salt = (salt + "\0").encode()

    @classmethod
    def default(cls, kind: str = "black", salt: str | None = None) -> Cache | None:
        configured = os.environ.get("WEBHOOKGEN_CACHE_DIR")
        if configured is not None:
            return cls(Path(configured), kind, salt) if configured else None
        xdg = os.environ.get("XDG_CACHE_HOME")
        return cls((Path(xdg) if xdg else Path.home() / ".cache") / "webhookgen", kind, salt)

    def path(self, chunk: str) -> Path:
        key = hashlib.sha256(self.salt + chunk.encode("utf-8", "surrogatepass")).hexdigest()
        return self.folder / self.kind / key[:2] / key[2:]

    def get(self, chunk: str) -> str | None:
        try:
            data = self.path(chunk).read_bytes()
        except OSError:
            return None
        digest, _, body = data.partition(b"\n")
        if hashlib.sha256(body).hexdigest().encode() != digest:
            return None  # torn or corrupt: format again
        try:
            return body.decode("utf-8", "surrogatepass")
        except UnicodeDecodeError:
            return None

    def put(self, chunk: str, formatted: str) -> None:
        body = formatted.encode("utf-8", "surrogatepass")
        path = self.path(chunk)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
            try:
                with os.fdopen(fd, "wb") as f:
                    f.write(hashlib.sha256(body).hexdigest().encode() + b"\n" + body)
                os.replace(tmp, path)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
                raise
        except OSError:
            pass  # a cache that cannot be written is only slower
