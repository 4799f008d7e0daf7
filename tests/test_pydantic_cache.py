"""The pydantic target's cache: the same bytes with and without it, and a bad entry is a miss."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest
import yaml

from conftest import KITCHEN_SPEC, SPEC
from generator import formatting, model, spec
from generator.problems import SpecError
from generator.targets import pydantic as pydantic_target


def test_cached_output_equals_a_fresh_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    loaded = spec.load(SPEC)
    monkeypatch.setenv("WEBHOOKGEN_CACHE_DIR", "")  # no cache at all
    fresh = pydantic_target.source(loaded)
    monkeypatch.setenv("WEBHOOKGEN_CACHE_DIR", str(tmp_path))
    first = pydantic_target.source(loaded)  # a miss: runs datamodel-code-generator, stores the result
    entries = list((tmp_path / "datamodel-code-generator").rglob("*"))
    assert any(p.is_file() for p in entries)
    second = pydantic_target.source(loaded)  # a hit
    assert fresh == first == second


def test_a_corrupt_entry_is_ignored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    loaded = spec.load(SPEC)
    monkeypatch.setenv("WEBHOOKGEN_CACHE_DIR", str(tmp_path))
    good = pydantic_target.source(loaded)
    entries = [p for p in (tmp_path / "datamodel-code-generator").rglob("*") if p.is_file()]
    assert len(entries) == 2  # the output, and the record a later edit is patched from
    for entry in entries:
        entry.write_bytes(entry.read_bytes()[:-10] + b"tampered!\n")
    assert pydantic_target.source(loaded) == good
    cache = formatting.Cache.default("datamodel-code-generator", salt=pydantic_target.cache_salt())
    assert cache is not None and cache.folder == tmp_path


def test_rendering_in_a_worker_process_gives_the_same_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from generator import render

    loaded = spec.load(SPEC)
    monkeypatch.setenv("WEBHOOKGEN_CACHE_DIR", str(tmp_path))
    assert not pydantic_target.cached(loaded)
    apart = render.render(loaded)  # a miss: datamodel-code-generator runs in a worker process
    assert pydantic_target.cached(loaded)
    together = render.render(loaded)  # a hit: everything in this process
    assert apart == together
    assert list(apart) == [p for t in render.TARGETS for p in t.render(loaded, render.environment())]


# -- regenerating after an edit: the previous output patched, or the whole schema run ----------------



def edits(data: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Edits a user makes, derived from the spec: descriptions, fields added, reordered and
    removed, a type added, a union's members changed."""
    types = data["types"]
    for name, t in types.items():
        edited = copy.deepcopy(data)
        edited["types"][name]["description"] = f"{t.get('description', '')} Edited."
        yield f"describe {name}", edited
        if "fields" in t:
            edited = copy.deepcopy(data)
            edited["types"][name]["fields"]["added_key"] = {"type": "string", "optional": True}
            yield f"add a field to {name}", edited
            edited = copy.deepcopy(data)
            edited["types"][name]["fields"]["added_flag"] = {"type": "boolean"}
            yield f"add a boolean to {name}", edited
            edited = copy.deepcopy(data)
            edited["types"][name]["fields"] = dict(reversed(t["fields"].items()))
            yield f"reorder the fields of {name}", edited
            last = list(t["fields"])[-1]
            edited = copy.deepcopy(data)
            del edited["types"][name]["fields"][last]
            yield f"remove {name}.{last}", edited
        if "union" in t and len(t["union"]) > 1:
            edited = copy.deepcopy(data)
            edited["types"][name]["union"] = t["union"][:-1]
            dropped = t["union"][-1]
            for member in dropped if isinstance(dropped, list) else [dropped]:  # an event, or its variants
                if member not in {n for m in edited["types"][name]["union"] for n in (m if isinstance(m, list) else [m])}:
                    edited["types"][member]["standalone"] = True
            yield f"drop a member of {name}", edited
    edited = copy.deepcopy(data)
    edited["types"]["extra_note"] = {"standalone": True, "fields": {"text": {"type": "string"}}}
    yield "add a type", edited


def loaded_as(folder: Path, data: dict[str, Any]) -> model.Spec:
    folder.mkdir(exist_ok=True)
    path = folder / "spec.yaml"  # one file name for all: the header names it
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return spec.load(path)


@pytest.mark.parametrize("fixture", [KITCHEN_SPEC, SPEC], ids=["kitchen_sink", "openai"])
def test_a_patched_output_is_the_output_of_a_whole_run(fixture: Path, tmp_path: Path) -> None:
    data = yaml.safe_load(fixture.read_text(encoding="utf-8"))
    before = loaded_as(tmp_path / "before", data)
    document, _ = pydantic_target.cache_key(before)
    output = pydantic_target.run_generator(document, pydantic_target.header(before))
    outcomes = {}
    for i, (what, edited) in enumerate(edits(data)):
        try:
            after = loaded_as(tmp_path / str(i), edited)
        except SpecError:
            continue  # an edit this spec refuses (removing a discriminator, say)
        new_document, _ = pydantic_target.cache_key(after)
        whole = pydantic_target.run_generator(new_document, pydantic_target.header(after))
        patch = pydantic_target.patched(document, output, new_document, pydantic_target.header(after))
        assert patch is None or patch == whole, what
        outcomes[what] = patch is not None
    # Every description edit is patched but the root union's (it sits at the top of the schema);
    # a new type is not.
    described = {what: patched for what, patched in outcomes.items() if what.startswith("describe ")}
    assert described.pop(f"describe {data['entry']}") is False
    assert all(described.values()), described
    assert not outcomes["add a type"]
    assert sum(outcomes.values()) > len(outcomes) // 2, outcomes


def test_after_an_edit_only_the_edited_classes_are_run_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    monkeypatch.setenv("WEBHOOKGEN_CACHE_DIR", str(tmp_path / "cache"))
    pydantic_target.source(loaded_as(tmp_path / "before", data))
    name = next(n for n, t in data["types"].items() if "fields" in t)
    data["types"][name]["description"] = "Edited."
    after = loaded_as(tmp_path / "after", data)
    runs: list[int] = []
    real = pydantic_target.run_generator
    monkeypatch.setattr(pydantic_target, "run_generator", lambda d, h: runs.append(len(d["$defs"])) or real(d, h))
    patched = pydantic_target.source(after)
    total = len(pydantic_target.cache_key(after)[0]["$defs"])
    assert runs and all(n < total for n in runs)  # never the whole schema
    monkeypatch.setenv("WEBHOOKGEN_CACHE_DIR", "")
    assert patched == real(*[pydantic_target.cache_key(after)[0], pydantic_target.header(after)])


def test_a_part_the_tool_refuses_falls_back_to_the_whole_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = yaml.safe_load(KITCHEN_SPEC.read_text(encoding="utf-8"))
    before = loaded_as(tmp_path / "before", data)
    document, _ = pydantic_target.cache_key(before)
    output = pydantic_target.run_generator(document, pydantic_target.header(before))
    data["types"]["address"]["description"] = "Edited."
    after = loaded_as(tmp_path / "after", data)
    new_document, _ = pydantic_target.cache_key(after)
    whole = pydantic_target.run_generator(new_document, pydantic_target.header(after))
    assert pydantic_target.patched(document, output, new_document, pydantic_target.header(after)) == whole

    def refuses(document: dict[str, Any], header: str) -> str:
        raise ValueError("refused")

    monkeypatch.setattr(pydantic_target, "run_generator", refuses)
    assert pydantic_target.patched(document, output, new_document, pydantic_target.header(after)) is None


# -- a cache entry is not trusted: whoever can write the cache folder can also make its hashes match --


def in_first_model(line: str) -> Callable[[str], str]:
    """A tampering that adds `line` to the body of the output's first model (Address, which an edit
    of odd_keys leaves as it was, so a patch would keep it)."""

    def tamper(text: str) -> str:
        at = text.index("    model_config = ConfigDict(")
        return text[:at] + f"    {line}\n" + text[at:]

    return tamper


TAMPERINGS: dict[str, Callable[[str], str]] = {
    "a call in a default": in_first_model('pid: int = __import__("os").getpid()'),
    "code in a string annotation": in_first_model("""pid: "__import__('os').getpid()\""""),
    "a default factory": in_first_model("pid: int = Field(default_factory=breakpoint)"),
    "a statement": lambda text: text + '\n__import__("os").system("echo from the cache")\n',
    "a decorator": lambda text: text.replace("\n\n\nclass ", "\n\n\n@print\nclass ", 1),
    "another import": lambda text: text.replace("from typing import", "from os import system\nfrom typing import", 1),
}


def stored(monkeypatch: pytest.MonkeyPatch) -> dict[str, tuple[formatting.Cache, str]]:
    """What the pydantic target stores from now on, by what it is: {"output" or "previous": (its
    cache, the entry's key)}; the test then rewrites entries with the Cache's own put(), as anyone
    who can write the cache folder could (every hash in an entry is computable)."""
    keys: dict[str, tuple[formatting.Cache, str]] = {}
    real_put = formatting.Cache.put

    def put(cache: formatting.Cache, chunk: str, text: str) -> None:
        if cache.kind == "datamodel-code-generator":
            keys["previous" if text.startswith("{") else "output"] = (cache, chunk)
        real_put(cache, chunk, text)

    monkeypatch.setattr(formatting.Cache, "put", put)
    return keys


@pytest.mark.parametrize("tamper", TAMPERINGS.values(), ids=TAMPERINGS)
def test_a_cached_output_with_code_of_its_own_is_a_miss(
    tamper: Callable[[str], str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    loaded = spec.load(KITCHEN_SPEC)
    monkeypatch.setenv("WEBHOOKGEN_CACHE_DIR", str(tmp_path))
    keys = stored(monkeypatch)
    good = pydantic_target.source(loaded)
    assert pydantic_target.cached(loaded)  # the tool's own output passes the check
    assert tamper(good) != good
    cache, key = keys["output"]
    cache.put(key, tamper(good))
    assert not pydantic_target.cached(loaded)
    assert pydantic_target.source(loaded) == good


@pytest.mark.parametrize("tamper", [t for name, t in TAMPERINGS.items() if name != "a statement"], ids=[n for n in TAMPERINGS if n != "a statement"])
def test_a_previous_output_with_code_of_its_own_is_not_patched_from(
    tamper: Callable[[str], str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = yaml.safe_load(KITCHEN_SPEC.read_text(encoding="utf-8"))
    monkeypatch.setenv("WEBHOOKGEN_CACHE_DIR", str(tmp_path / "cache"))
    keys = stored(monkeypatch)
    pydantic_target.source(loaded_as(tmp_path / "before", data))
    cache, key = keys["previous"]
    previous = json.loads(cache.get(key) or "")
    cache.put(key, json.dumps({**previous, "output": tamper(previous["output"])}))
    data["types"]["odd_keys"]["description"] = "Edited."
    after = loaded_as(tmp_path / "after", data)
    whole = pydantic_target.run_generator(pydantic_target.cache_key(after)[0], pydantic_target.header(after))
    assert pydantic_target.source(after) == whole


@pytest.fixture(scope="module")
def tool_outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
    import synthetic

    big = synthetic.write(tmp_path_factory.mktemp("specs"), 25)
    outputs = {}
    for name, path in {"openai": SPEC, "kitchen_sink": KITCHEN_SPEC, "synthetic_25": big}.items():
        loaded = spec.load(path)
        document, _ = pydantic_target.cache_key(loaded)
        outputs[name] = pydantic_target.run_generator(document, pydantic_target.header(loaded))
    return outputs


@pytest.mark.parametrize("name", ["openai", "kitchen_sink", "synthetic_25"])
def test_the_tools_classes_in_blacks_layout_are_blacks_output(name: str, tool_outputs: dict[str, str]) -> None:
    import black

    chunks = formatting.split(tool_outputs[name])
    styled = [(chunk, text) for chunk in chunks if (text := pydantic_target.black_style(chunk)) is not None]
    assert len(styled) > len(chunks) // 2  # most classes skip black
    for chunk, text in styled:
        assert text == black.format_str(chunk, mode=formatting.MODE)
    assert pydantic_target.format_module(tool_outputs[name], "x.py", False) == black.format_str(
        tool_outputs[name], mode=formatting.MODE
    )


@pytest.mark.parametrize(
    "line",
    [
        "    x: Literal[u'a']",  # black drops the prefix
        "    x: StrictFloat = .5",  # black writes 0.5
        "    x: StrictInt = 0XFF",  # black changes the case
        "    x: Literal['a',]",  # a magic trailing comma: black splits the line
        "    x: Literal['a' 'b']",  # two strings together
        "    x: Literal['a\\'b']",  # an escape
        "    x:Literal['a']",  # spaced otherwise
        "    x: Literal[ 'a']",
        "    x: A  # a comment",
        "    x: Annotated[StrictInt, Field(ge=- 1)]",
        "    x = {'a': 1}",
        "    class B(A):",
        "",
    ],
)
def test_a_class_of_another_shape_goes_through_black(line: str) -> None:
    chunk = f'class A(BaseModel):\n    """\n    Doc.\n    """\n{line}\n    y: StrictInt\n'
    assert pydantic_target.black_style(chunk) is None


@pytest.mark.parametrize(
    "doc",
    [
        "    A \\ b.",  # an escape black may change
        "    Hex \\x4A.",  # black writes \\x4a
        "    Named \\N{EM DASH}.",
        "    Ends in \\\\",  # a backslash ending a line: black leaves the docstring unindented
        '    Three """ quotes.',
        "    Trailing. ",
        "    A\ttab.",
        "        All indented.",
        "    \u00a0space.",
    ],
)
def test_a_docstring_black_may_change_sends_its_class_through_black(doc: str) -> None:
    chunk = f'class A(BaseModel):\n    """\n{doc}\n    """\n    y: StrictInt\n'
    assert pydantic_target.black_style(chunk) is None
    plain = f'class A(BaseModel):\n    """\n    Doc.\n    """\n    y: StrictInt\n'
    assert pydantic_target.black_style(plain) == "class A(BaseModel):\n    \"\"\"\n    Doc.\n    \"\"\"\n\n    y: StrictInt\n"


@pytest.mark.parametrize(
    "doc",
    [
        '    Say "hi".',
        '    Escaped \\"quotes\\" and back\\\\slashes, \\"\\"\\"three\\"\\"\\".',
        '    "Quoted at both ends"',
        "    A docstring line longer than black's limit, which black leaves as it is: " + "word " * 30 + "end.",
    ],
)
def test_a_docstring_with_quotes_escapes_or_long_lines_is_laid_out_as_black_does(doc: str) -> None:
    import black

    chunk = f'class A(BaseModel):\n    """\n    Doc.\n{doc}\n    """\n    y: StrictInt\n'
    assert pydantic_target.black_style(chunk) == black.format_str(chunk, mode=formatting.MODE)
