"""Formatting in chunks, cached and in parallel, gives exactly black's output for the whole text."""

from __future__ import annotations

import difflib
import gc
import re
import sys
from pathlib import Path
from typing import Callable

import black
import pytest
from black.parsing import InvalidInput

from conftest import KITCHEN_SPEC, ROOT, SPEC
from generator import formatting, naming, render, spec
from generator.targets import python

sys.path.insert(0, str(ROOT / "bench"))
import synthetic  # noqa: E402



def rendered(path: Path) -> str:
    loaded = spec.load(path)
    return python.module_text(loaded, render.environment())[0]


@pytest.fixture(scope="module")
def sources(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    big = synthetic.write(tmp_path_factory.mktemp("specs"), 25)
    return {"openai": rendered(SPEC), "kitchen_sink": rendered(KITCHEN_SPEC), "synthetic_25": rendered(big)}


def squeezed(text: str) -> str:
    """The text with runs of blank lines cut to two (what the chunks' joints keep)."""
    return re.sub(r"\n{3,}", "\n\n\n", text).strip()


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("WEBHOOKGEN_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


@pytest.mark.parametrize("name", ["openai", "kitchen_sink", "synthetic_25"])
def test_chunks_cached_and_parallel_give_the_bytes_of_black_on_the_whole(
    name: str, sources: dict[str, str], cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = sources[name]
    whole = black.format_str(source, mode=formatting.MODE)
    chunks = formatting.split(source)
    assert len(chunks) > 10 and squeezed("\n\n".join(chunks)) == squeezed(source)
    monkeypatch.setattr(formatting, "PARALLEL_MIN_CHARS", 10**9)
    assert formatting.format_str(source) == whole  # serial, cold cache
    assert formatting.format_str(source) == whole  # every chunk from the cache
    monkeypatch.setenv("WEBHOOKGEN_CACHE_DIR", "")
    monkeypatch.setattr(formatting, "PARALLEL_MIN_CHARS", 0)
    assert formatting.format_str(source) == whole  # in parallel, no cache


def test_a_corrupt_cache_entry_is_ignored_and_replaced(sources: dict[str, str], cache_dir: Path) -> None:
    source = sources["kitchen_sink"]
    whole = black.format_str(source, mode=formatting.MODE)
    assert formatting.format_str(source) == whole
    entries = sorted(p for p in cache_dir.rglob("*") if p.is_file())
    assert entries and not [p for p in entries if p.name.startswith(".tmp-")]
    entries[0].write_bytes(b"not a digest\nclass Broken:\n")
    entries[1].write_bytes(entries[1].read_bytes()[:-5])  # torn write
    entries[2].write_bytes(b"\xff\xfe")
    assert formatting.format_str(source) == whole
    cache = formatting.Cache(cache_dir)
    for chunk in formatting.split(source):
        assert cache.get(chunk) is not None  # every entry readable again


INJECTED = '__import__("os").system("echo from the cache")'


@pytest.mark.parametrize(
    "tamper",
    [
        lambda chunk, formatted: formatted + f"{INJECTED}\n",  # code added after the piece
        lambda chunk, formatted: f"{INJECTED}\n" + formatted,  # ... before it
        lambda chunk, formatted: formatted.replace("(", f"({INJECTED} or ", 1),  # ... inside it
        lambda chunk, formatted: formatted.replace("# ", "# -*- coding: utf-7 -*- from the cache ", 1),  # a comment
        lambda chunk, formatted: formatted + "if False:\n    import os\n",  # dead code, which the compiler drops
    ],
    ids=["after", "before", "inside", "comment", "dead code"],
)
def test_a_tampered_cache_entry_never_lands_in_the_output(
    sources: dict[str, str], cache_dir: Path, tamper: Callable[[str, str], str]
) -> None:
    # Whoever can write to the cache can also write entries whose hashes match: the Cache's own
    # put() writes them here, exactly as the generator would.
    source = sources["kitchen_sink"]
    whole = black.format_str(source, mode=formatting.MODE)
    assert formatting.format_str(source) == whole
    cache = formatting.Cache(cache_dir)
    chunks = formatting.split(source)
    for chunk in chunks:
        formatted = cache.get(chunk)
        assert formatted is not None
        cache.put(chunk, tamper(chunk, formatted))
    assert formatting.format_str(source) == whole
    assert "from the cache" not in formatting.format_str(source)


def test_what_black_wrote_passes_the_check_on_the_cache(
    sources: dict[str, str], cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # datamodel-code-generator does not write black's layout: its pieces come back from the cache
    # changed, and must still be found the same code as what was rendered.
    from generator.targets import pydantic

    texts = [sources["kitchen_sink"], pydantic.source(spec.load(KITCHEN_SPEC))]
    formatted = [formatting.format_str(text) for text in texts]
    assert any(chunk not in formatted[1] for chunk in formatting.split(texts[1]))  # black changed pieces

    def no_formatting(chunks: list[str]) -> list[str]:
        assert not chunks, f"{len(chunks)} cached pieces were not trusted"
        return []

    monkeypatch.setattr(formatting, "format_many", no_formatting)
    assert [formatting.format_str(text) for text in texts] == formatted


def test_checking_cached_pieces_in_parallel_gives_the_same_verdicts(sources: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    chunks = formatting.split(sources["kitchen_sink"])
    pairs = [(chunk, chunk if i % 3 else chunk + f"{INJECTED}\n") for i, chunk in enumerate(chunks)]
    serial = formatting.check_many(pairs)
    assert serial == [bool(i % 3) for i in range(len(chunks))]
    monkeypatch.setattr(formatting, "CHECK_PARALLEL_MIN_CHARS", 0)
    monkeypatch.setattr(formatting, "usable_cpus", lambda: 2)
    assert formatting.check_many(pairs) == serial


def test_dead_code_the_compiler_drops_is_refused_too() -> None:
    chunk = "def f(x):\n    return len(x)\n"
    cached = chunk + "    len(x)\n"  # after the return: no bytecode at all
    assert formatting.same_bytecode(compile(chunk, "<a>", "exec"), compile(cached, "<b>", "exec"))
    assert not formatting.same_code(chunk, cached)
    assert formatting.same_code(chunk, "def f(x):\n    return len(\n        x\n    )\n")  # a layout of its own is fine


def test_a_cache_entry_stored_for_another_input_is_ignored(sources: dict[str, str], cache_dir: Path) -> None:
    source = sources["kitchen_sink"]
    whole = black.format_str(source, mode=formatting.MODE)
    assert formatting.format_str(source) == whole
    cache = formatting.Cache(cache_dir)
    first, second = formatting.split(source)[1:3]
    cache.path(second).write_bytes(cache.path(first).read_bytes())  # a whole, well-formed entry
    assert cache.get(second) is None
    assert formatting.format_str(source) == whole


def test_a_cached_piece_that_does_not_compile_is_not_trusted(cache_dir: Path) -> None:
    # An entry may claim that black leaves a piece as it is; the piece must still compile.
    source = "x = 1\n\n\ndef f():\n    return 2\n\n\ndef g():\n    return 'a\x00b'\n"
    cache = formatting.Cache(cache_dir)
    for chunk in formatting.split(source):
        cache.put(chunk, chunk)
    with pytest.raises((SyntaxError, ValueError)):
        formatting.format_str(source)


def test_a_cut_inside_a_string_falls_back_to_the_whole_text(cache_dir: Path) -> None:
    source = 'x = 1\n\n\ndef f():\n    """A docstring\n\n\ndef g(): with a line like a def"""\n\n\nclass A:\n  y=1\n'
    assert len(formatting.split(source)) == 4
    assert formatting.format_str(source) == black.format_str(source, mode=formatting.MODE)


def test_unparsable_text_raises_what_black_raises_on_the_whole(cache_dir: Path) -> None:
    source = "x = 1\n\n\ndef f():\n    return (\n\n\ndef g():\n    pass\n"
    with pytest.raises(InvalidInput) as whole:
        black.format_str(source, mode=formatting.MODE)
    with pytest.raises(InvalidInput) as ours:
        formatting.format_str(source)
    assert str(ours.value) == str(whole.value)


def test_the_collector_is_restored_even_on_error() -> None:
    assert gc.isenabled()
    with pytest.raises(InvalidInput):
        formatting.format_batch(["def f(:\n"])
    assert gc.isenabled() and gc.get_freeze_count() == 0
    gc.disable()
    try:
        formatting.format_batch(["x = 1\n"])
        assert not gc.isenabled()  # left as it was found
    finally:
        gc.enable()


def test_chunks_end_in_one_newline_so_black_style_text_is_left_alone(sources: dict[str, str]) -> None:
    for source in sources.values():
        for chunk in formatting.split(source):
            assert chunk.endswith("\n") and not chunk.endswith("\n\n")


def test_a_chunk_the_compiler_refuses_is_reported_at_its_line_in_the_whole_text_and_not_cached(cache_dir: Path) -> None:
    # black accepts a NUL inside a string literal; CPython does not (ValueError or SyntaxError by version).
    source = "x = 1\n\n\ndef f():\n    return 2\n\n\ndef g():\n    return 'a\x00b'\n"
    assert len(formatting.split(source)) == 3
    with pytest.raises((SyntaxError, ValueError)) as ours:
        formatting.format_str(source)
    with pytest.raises((SyntaxError, ValueError)) as whole:
        compile(black.format_str(source, mode=formatting.MODE), "<formatted>", "exec", dont_inherit=True)
    assert type(ours.value) is type(whole.value) and str(ours.value) == str(whole.value)
    cache = formatting.Cache(cache_dir)
    assert cache.get(formatting.split(source)[2]) is None  # only what compiles is cached


@pytest.mark.parametrize("target", ["python", "msgspec"])
@pytest.mark.parametrize("name", ["openai", "kitchen_sink", "synthetic_25"])
def test_the_templates_already_write_blacks_style(name: str, target: str, tmp_path: Path) -> None:
    """black formats a text twice when its first pass changes it: the templates and the targets'
    layout helpers write what black would, so generation pays one pass. A template edit that is not
    in black's style fails here (the output stays right, only slower): write it as black would."""
    from generator.targets import msgspec

    paths = {"openai": SPEC, "kitchen_sink": KITCHEN_SPEC, "synthetic_25": synthetic.write(tmp_path, 25)}
    # a target's render is its text before its formatting step
    (rendered,) = {"python": python, "msgspec": msgspec}[target].TARGET.render(spec.load(paths[name]), render.environment()).values()
    changed = []
    for chunk in formatting.split(rendered):
        formatted = black.format_str(chunk, mode=formatting.MODE)
        if formatted != chunk:
            changed.append("".join(difflib.unified_diff(chunk.splitlines(True), formatted.splitlines(True), "rendered", "black")))
    assert not changed, f"{len(changed)} chunks black changes; the first:\n{changed[0]}"


# -- black is the oracle: the built-in layout is trusted where it laid a chunk out, and checked --------

GOLDEN_SPECS = sorted((ROOT / "tests" / "golden").glob("*/spec.yaml"))


@pytest.mark.parametrize("path", [SPEC, *GOLDEN_SPECS], ids=lambda p: p.parent.name if p.name == "spec.yaml" else p.stem)
def test_black_changes_no_generated_python_file(path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WEBHOOKGEN_CACHE_DIR", str(tmp_path))  # every chunk formatted now or trusted
    files = render.render(spec.load(path))
    python_files = {rel: text for rel, text in files.items() if rel.endswith(".py")}
    assert len(python_files) >= 3  # the stdlib, msgspec and pydantic modules
    for rel, text in python_files.items():
        formatted = black.format_str(text, mode=formatting.MODE)
        assert formatted == text, "".join(difflib.unified_diff(text.splitlines(True), formatted.splitlines(True), rel, "black"))


def black_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []
    real = black.format_str
    monkeypatch.setattr(formatting.black, "format_str", lambda source, mode: calls.append(source) or real(source, mode=mode))
    monkeypatch.setattr(formatting, "PARALLEL_MIN_CHARS", 10**9)  # in this process, where the calls are seen
    monkeypatch.setenv("WEBHOOKGEN_CACHE_DIR", "")
    return calls


@pytest.mark.parametrize("target", ["python", "msgspec"])
def test_black_runs_only_on_the_chunks_the_layout_left_for_it(target: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from generator.targets import msgspec

    chosen = {"python": python, "msgspec": msgspec}[target].TARGET
    loaded = spec.load(KITCHEN_SPEC)
    (raw,) = chosen.render(loaded, render.environment()).values()
    chunks = formatting.split(raw)
    left = [chunk for chunk in chunks if formatting.left_for_black(chunk)]
    assert len(left) < len(chunks) // 4
    calls = black_calls(monkeypatch)
    (text,) = render.render(loaded, targets=(chosen,)).values()
    assert calls == left
    assert text == black.format_str(raw, mode=formatting.MODE)


def test_what_black_leaves_long_does_not_send_a_chunk_to_it() -> None:
    docstring = 'class A:\n    x: int\n    """' + "word " * 30 + '"""\n    # ' + "comment " * 15 + "\n"
    assert not formatting.left_for_black(docstring)
    assert formatting.left_for_black(docstring.replace('    """', '    y = """'))  # a string in code
    assert formatting.left_for_black(docstring.replace('    """', '    """a""" """'))  # two strings
    assert formatting.left_for_black(docstring.replace("    # ", "    z = 1  # "))  # a comment after code


def test_a_user_template_sends_the_output_it_reaches_through_black(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An override of a template the module's template imports, written in another style."""
    folder = tmp_path / "templates" / "python"
    folder.mkdir(parents=True)
    builtin = (render.BUILTIN_TEMPLATES / "python" / "union.py.j2").read_text(encoding="utf-8")
    (folder / "union.py.j2").write_text(builtin + "{# a user's copy #}\n", encoding="utf-8")
    (tmp_path / "templates" / "docs").mkdir()
    (tmp_path / "templates" / "docs" / "page.md.j2").write_text("{{ page.title }}\n", encoding="utf-8")
    env = render.environment(tmp_path / "templates")
    users = render.user_templates(tmp_path / "templates")
    assert users == {"python/union.py.j2", "docs/page.md.j2"}
    assert not render.builtin_only(env, python.TARGET.templates, users)
    from generator.targets import msgspec

    assert render.builtin_only(env, msgspec.TARGET.templates, users)
    assert render.builtin_only(render.environment(), python.TARGET.templates, frozenset())
    loaded = spec.load(KITCHEN_SPEC)
    calls = black_calls(monkeypatch)
    (text,) = render.render(loaded, tmp_path / "templates", targets=(python.TARGET,)).values()
    assert len(calls) == len(formatting.split(text))  # every chunk
    assert text == render.render(loaded, targets=(python.TARGET,))["python/kitchen_sink.py"]
    # written in another style: black formats it
    (tmp_path / "templates" / "msgspec").mkdir()
    (tmp_path / "templates" / "msgspec" / "module.py.j2").write_text("x  =  ( 1,\n  2 )\n", encoding="utf-8")
    (text,) = render.render(loaded, tmp_path / "templates", targets=(msgspec.TARGET,)).values()
    assert text == "x = (1, 2)\n"


def test_a_name_too_long_for_the_layout_leaves_its_line_to_black(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    long_name = "very_long_" * 9 + "event"
    text = KITCHEN_SPEC.read_text(encoding="utf-8").replace("order_cancelled_event", long_name)
    assert long_name in text
    (tmp_path / "spec.yaml").write_text(text, encoding="utf-8")
    loaded = spec.load(tmp_path / "spec.yaml")
    (raw,) = python.TARGET.render(loaded, render.environment()).values()
    left = [chunk for chunk in formatting.split(raw)[1:] if formatting.left_for_black(chunk)]
    assert any(naming.pascal(long_name) in chunk for chunk in left)
    calls = black_calls(monkeypatch)
    (out,) = render.render(loaded, targets=(python.TARGET,)).values()
    assert calls[1:] == left
    assert out == black.format_str(raw, mode=formatting.MODE) != raw


def test_objects_of_few_fields_are_laid_out_in_blacks_style(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An object without required fields (to_dict starts from `{}`), a union member with a
    description and no field but its tag (the struct's body is its docstring and its tag)."""
    text = KITCHEN_SPEC.read_text(encoding="utf-8")
    text = text.replace("      last4: {type: string, description: Last four digits.}\n", "")
    text = text.replace("street: {type: string,", "street: {type: string, optional: true,").replace("city: {type: string}", "city: {type: string, optional: true}")
    (tmp_path / "spec.yaml").write_text(text, encoding="utf-8")
    loaded = spec.load(tmp_path / "spec.yaml")
    shapes = {o.name.snake: o.fields for o in loaded.objects}
    assert all(f.optional for f in shapes["address"]) and [f.key for f in shapes["card_payment"]] == ["kind"]
    monkeypatch.setenv("WEBHOOKGEN_CACHE_DIR", str(tmp_path / "cache"))
    from generator.targets import msgspec

    for chosen in (python.TARGET, msgspec.TARGET):
        (out,) = render.render(loaded, targets=(chosen,)).values()
        assert black.format_str(out, mode=formatting.MODE) == out, chosen.name


def test_strings_with_both_quotes_are_in_the_quotes_black_chooses(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = KITCHEN_SPEC.read_text(encoding="utf-8")
    text = text.replace("kind: {literal: card}", "kind: {literal: 'it''s \"x\" \\\\ y'}")
    text = text.replace("enum: [s, m, l]", "enum: [s, \"m'\\\"\", 'l\\', '\"q\"']")
    (tmp_path / "spec.yaml").write_text(text, encoding="utf-8")
    loaded = spec.load(tmp_path / "spec.yaml")
    values = {v for o in loaded.objects for f in o.fields for v in getattr(f.type, "values", (getattr(f.type, "value", None),))}
    assert {"it's \"x\" \\\\ y", "m'\"", '"q"'} <= values  # both quotes, backslashes
    monkeypatch.setenv("WEBHOOKGEN_CACHE_DIR", str(tmp_path / "cache"))
    from generator.targets import msgspec

    for chosen in (python.TARGET, msgspec.TARGET):
        (out,) = render.render(loaded, targets=(chosen,)).values()
        assert black.format_str(out, mode=formatting.MODE) == out, chosen.name


def test_laid_out_chunks_that_passed_in_the_previous_run_are_not_tested_again(
    sources: dict[str, str], cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = sources["synthetic_25"]
    whole = black.format_str(source, mode=formatting.MODE)
    assert formatting.format_str(source, laid_out=True, name="python/module.py.j2") == whole
    added = "\n\ndef added_after_an_edit() -> int:\n    return 1\n"
    tested: list[str] = []
    real = formatting.compiles
    monkeypatch.setattr(formatting, "compiles", lambda chunk: tested.append(chunk) or real(chunk))
    edited = source + added
    assert formatting.format_str(edited, laid_out=True, name="python/module.py.j2") == black.format_str(
        edited, mode=formatting.MODE
    )
    assert tested == [added.lstrip("\n")]  # only the new chunk; the others passed in the run before
    tested.clear()
    assert formatting.format_str(source, laid_out=True, name="python/msgspec.py.j2") == whole
    assert len(tested) > 1  # another module's entry is its own


def test_chunks_a_layout_styled_that_passed_in_the_previous_run_are_styled_again_but_not_tested(
    sources: dict[str, str], cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = sources["synthetic_25"]  # black's layout already: a layout that returns each chunk is black's
    whole = black.format_str(source, mode=formatting.MODE)
    styled: list[str] = []

    def layout(chunk: str) -> str | None:
        styled.append(chunk)
        return None if chunk.startswith("#") else chunk  # the header is left to black

    assert formatting.format_str(source, layout=layout, name="pydantic/module.py") == whole
    added = "\n\ndef added_after_an_edit() -> int:\n    return 1\n"
    tested: list[str] = []
    real = formatting.compiles
    monkeypatch.setattr(formatting, "compiles", lambda chunk: tested.append(chunk) or real(chunk))
    styled.clear()
    edited = source + added
    assert formatting.format_str(edited, layout=layout, name="pydantic/module.py") == black.format_str(
        edited, mode=formatting.MODE
    )
    assert tested == [added.lstrip("\n")]  # only the new chunk is tested; the others passed before
    assert len(styled) == len(formatting.split(edited))  # and every chunk's text is the layout's, this run
    tested.clear()
    assert formatting.format_str(source, layout=layout, name="pydantic/other.py") == whole
    assert len(tested) > 1  # another module's entry is its own
