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

Text the built-in layout wrote (generator/targets/python_writer.py and the built-in templates) is already
black's output, which tests/test_formatting.py and tests/fuzz_specs.py check against black: such a
chunk goes through black only where a line of code in it is longer than black's limit, which is
where the layout left a line for black to split (`left_for_black`). Every chunk goes through
CPython's compiler.

The cache is content-addressed: one file per chunk, named by the SHA-256 of black's version, the
mode, the Python version (whose compiler accepted it) and the chunk's text, holding that name and
the formatted text's own SHA-256, then the text (an entry that does not match both is ignored). It
lives in $WEBHOOKGEN_CACHE_DIR (empty: no cache), else $XDG_CACHE_HOME/webhookgen, else
~/.cache/webhookgen. It is not trusted: anyone who can write there could put any code in an entry,
with hashes that match. So a formatted chunk read from it is used only if it compiles and is the
chunk itself or compiles to the same code (the same bytecode, names and constants; black changes
only the layout) with the same words and comments; else the chunk is formatted again.
"""

from __future__ import annotations

import ast
import collections
import concurrent.futures
import contextlib
import gc
import hashlib
import io
import multiprocessing
import os
import re
import sys
import tempfile
import tokenize
from pathlib import Path
from multiprocessing.connection import Connection
from types import CodeType
from typing import Callable, Iterator

import black
from black.mode import Mode, TargetVersion
from black.parsing import InvalidInput
from black.strings import str_width

from .machine import cache_folder, usable_cpus

MODE = Mode(target_versions={TargetVersion.PY310})

# Below this much text to format, a process pool costs more than it saves.
PARALLEL_MIN_CHARS = 40_000
# Below this much cached text to check, the same.
CHECK_PARALLEL_MIN_CHARS = 1_000_000
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


def format_str(
    source: str, laid_out: bool = False, name: str = "", layout: Callable[[str], str | None] | None = None
) -> str:
    """What `black.format_str(source, mode=MODE)` returns, faster, once compile() accepts it.
    `laid_out`: the built-in layout wrote `source`, so a chunk of it that has no line left for
    black (see `left_for_black`) is black's output already, and is only compiled. `name`: the
    module's name (its template), under which the cache keeps which of its chunks passed that
    test in the previous run, so that only the others are tested again (see `Passed`). `layout`:
    black's output for a chunk, or None when it cannot tell; a chunk it writes is then treated as
    laid out (tested for lines left for black and compiled, or, if it passed in the previous run,
    written as `layout` writes it untested), the others go through black.

    Raises black's InvalidInput, or compile()'s SyntaxError or ValueError for the whole text."""
    chunks = split(source)
    if len(chunks) < 2:
        if laid_out and chunks and not left_for_black(chunks[0]) and compiles(chunks[0]):
            return chunks[0]
        return whole(source)
    cache = Cache.default()
    passed = Passed(cache, name) if (laid_out or layout is not None) and cache is not None and name else None
    done: dict[int, str] = {}
    for i, chunk in enumerate(chunks):
        if passed is not None and chunk in passed:
            if laid_out:
                done[i] = chunk
                continue
            if layout is not None and (styled := layout(chunk)) is not None:
                done[i] = styled  # the layout's own text: only its test is skipped
                continue
        if laid_out and not left_for_black(chunk):
            if not compiles(chunk):
                return whole(source)  # raises with the position in the whole text
            done[i] = chunk
        elif layout is not None and (styled := layout(chunk)) is not None:
            if not left_for_black(styled) and compiles(styled):
                done[i] = styled
    if passed is not None:
        passed.save([chunks[i] for i in done])
    rest = [i for i in range(len(chunks)) if i not in done]
    hits = {i: hit for i in rest if (hit := cache.get(chunks[i])) is not None} if cache else {}
    trusted = check_many([(chunks[i], hit) for i, hit in hits.items()])
    done.update({i: hit for (i, hit), ok in zip(hits.items(), trusted) if ok})
    todo = [i for i in range(len(chunks)) if i not in done]
    try:
        for i, text in zip(todo, format_many([chunks[i] for i in todo])):
            done[i] = text
            if cache:
                cache.put(chunks[i], text)
    except (InvalidInput, _DoesNotCompile):
        return whole(source)  # raises with the position in the whole text
    return "\n\n".join(done[i] for i in range(len(chunks)) if done[i])


class Passed:
    """The laid-out chunks of one module that had no line left for black and compiled, in the
    previous run: one cache entry per module, holding their keys (SHA-256 of the Python version,
    black's version and mode, and the chunk). After a one-event edit, only that event's chunks are
    parsed and compiled again (at 1,000 events the test of every chunk costs a second of CPU).

    Like every entry, it is not trusted, but what it can do is bounded: it only skips the test of a
    chunk the built-in layout wrote in this run, never puts text in the output. A tampered entry can
    make the generator write a chunk as it was rendered without compiling it (output that does not
    import, or a line black would split), not anything but the rendered text.

    The same for a module whose chunks a `layout` function writes in black's style (the pydantic
    module, as datamodel-code-generator emits it): the keys are of the chunks whose styled text
    passed; a chunk found there is written as `layout` styles it in this run, untested."""

    def __init__(self, cache: Cache, name: str) -> None:
        self.cache = Cache(cache.folder, "laid-out", cache.salt.decode()[:-1])
        self.name = f"passed\0{name}"
        entry = self.cache.get(self.name)
        self.keys = frozenset(entry.split("\n")) if entry else frozenset()

    def __contains__(self, chunk: str) -> bool:
        return bool(self.keys) and self.cache.key(chunk) in self.keys

    def save(self, chunks: list[str]) -> None:
        keys = sorted({self.cache.key(chunk) for chunk in chunks})
        if frozenset(keys) != self.keys:
            self.cache.put(self.name, "\n".join(keys))


def same_code(chunk: str, cached: str) -> bool:
    """Whether a formatted chunk read from the cache may stand for black's output on `chunk`: it
    compiles, as every chunk black formats must; and it is the chunk itself (the templates print
    black's layout), or compiles to the same code as the chunk, line numbers aside (black changes
    only the layout), with the same words (so no dead code was added: the compiler drops it) and
    the same comments (a comment can be an encoding declaration)."""
    try:
        code = compile(cached, "<cached>", "exec", dont_inherit=True)
        if cached == chunk:
            return True
        if not same_bytecode(compile(chunk, "<chunk>", "exec", dont_inherit=True), code):
            return False
        if collections.Counter(_WORD.findall(chunk)) != collections.Counter(_WORD.findall(cached)):
            return False
        return ("#" not in chunk and "#" not in cached) or comments(chunk) == comments(cached)
    except Exception:  # unparsable, too deep, ...: black formats it again and reports what it finds
        return False


_WORD = re.compile(r"[^\W\d]\w*")  # names, keywords and the words of strings and comments


def same_bytecode(a: CodeType, b: CodeType) -> bool:
    """The same instructions, names and constants, in every nested code object (lines may differ)."""
    pairs = [(a, b)]
    while pairs:
        x, y = pairs.pop()
        if _shape(x) != _shape(y):
            return False
        for const_x, const_y in zip(x.co_consts, y.co_consts):
            if isinstance(const_x, CodeType) and isinstance(const_y, CodeType):
                pairs.append((const_x, const_y))
            elif type(const_x) is not type(const_y) or repr(const_x) != repr(const_y):  # repr: -0.0 is not 0.0
                return False
    return True


def _shape(code: CodeType) -> tuple[object, ...]:
    return (
        code.co_code,
        code.co_names,
        code.co_varnames,
        code.co_freevars,
        code.co_cellvars,
        code.co_argcount,
        code.co_posonlyargcount,
        code.co_kwonlyargcount,
        code.co_flags,
        code.co_name,
        getattr(code, "co_qualname", None),
        getattr(code, "co_exceptiontable", None),
        len(code.co_consts),
    )


def check_many(pairs: list[tuple[str, str]]) -> list[bool]:
    """same_code for each (chunk, cached text): across forked processes when there is much to check
    (compiling is most of it: a second or two for the 5.6 MB module of 1,000 events). Each process
    has `pairs` from the fork, and sends back only its answers."""
    workers = usable_cpus()
    if (
        workers < 2
        or sum(len(cached) for _, cached in pairs) < CHECK_PARALLEL_MIN_CHARS
        or "fork" not in multiprocessing.get_all_start_methods()
    ):
        return [same_code(chunk, cached) for chunk, cached in pairs]
    context = multiprocessing.get_context("fork")
    slices = [range(i, len(pairs), workers) for i in range(workers)]  # interleaved: even sizes
    pipes = [context.Pipe(duplex=False) for _ in slices]
    processes = [
        context.Process(target=_check_slice, args=(pairs, indexes, send), daemon=True)
        for indexes, (_, send) in zip(slices, pipes)
    ]
    out = [False] * len(pairs)  # a process that fails leaves its chunks unchecked: formatted again
    try:
        for process in processes:
            process.start()
        for _, send in pipes:
            send.close()
        for indexes, (receive, _) in zip(slices, pipes):
            with contextlib.suppress(EOFError, OSError):
                for i, ok in zip(indexes, receive.recv()):
                    out[i] = ok
    finally:
        for process in processes:
            if process.pid is not None:
                process.join()
        for receive, _ in pipes:
            receive.close()
    return out


def _check_slice(pairs: list[tuple[str, str]], indexes: range, send: Connection) -> None:
    """In a forked process: same_code for the pairs at `indexes`, sent as one list."""
    send.send([same_code(*pairs[i]) for i in indexes])
    send.close()


def comments(text: str) -> list[str]:
    """The text of each comment, as black leaves it (it only spaces the start and strips the end)."""
    tokens = tokenize.generate_tokens(io.StringIO(text).readline)
    return [token.string[1:].strip() for token in tokens if token.type == tokenize.COMMENT]


def left_for_black(chunk: str) -> bool:
    """Whether a line of code in `chunk` is longer than black's limit. The layout leaves a line
    whole for black to split where its rules do not cover black's split, and then that line does not
    fit; a name or a string too long to split stays past the limit in black's output too, so its
    chunk goes through black all the same. A comment alone on its line, or a string alone on its
    lines (a docstring), does not count: black splits neither."""
    lines = chunk.split("\n")
    long = [
        n for n, line in enumerate(lines, 1) if str_width(line) > MODE.line_length and not line.lstrip().startswith("#")
    ]
    if not long:
        return False
    try:
        tree = ast.parse(chunk)
    except (SyntaxError, ValueError):
        return True  # black reports it
    strings = {
        number for node in statements(tree.body) if isinstance(node, ast.Expr) for number in string_lines(node, lines)
    }
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
    if (
        end is None
        or end_col is None
        or not isinstance(statement.value, ast.Constant)
        or not isinstance(statement.value.value, str)
    ):
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
    if (
        workers < 2
        or sum(map(len, chunks)) < PARALLEL_MIN_CHARS
        or "fork" not in multiprocessing.get_all_start_methods()
    ):
        return format_batch(chunks)
    batches = [chunks[i :: workers * 4] for i in range(workers * 4)]  # interleaved: even sizes
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
        folder = cache_folder()
        return cls(folder, kind, salt) if folder is not None else None

    def path(self, chunk: str) -> Path:
        key = self.key(chunk)
        return self.folder / self.kind / key[:2] / key[2:]

    def key(self, chunk: str) -> str:
        return hashlib.sha256(self.salt + chunk.encode("utf-8", "surrogatepass")).hexdigest()

    def get(self, chunk: str) -> str | None:
        """The text stored for `chunk`, if the entry is whole and was stored for this very input (an
        entry copied to another name is ignored); what the text says is for the caller to check."""
        try:
            data = self.path(chunk).read_bytes()
        except OSError:
            return None
        head, _, body = data.partition(b"\n")
        if head != f"{self.key(chunk)} {hashlib.sha256(body).hexdigest()}".encode():
            return None  # torn, corrupt, stored for another input or by an older version: format again
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
                    f.write(f"{self.key(chunk)} {hashlib.sha256(body).hexdigest()}\n".encode() + body)
                os.replace(tmp, path)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
                raise
        except OSError:
            pass  # a cache that cannot be written is only slower
