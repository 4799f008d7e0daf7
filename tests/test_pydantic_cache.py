"""The pydantic target's cache: the same bytes with and without it, and a bad entry is a miss."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import SPEC
from generator import formatting, spec
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
    (entry,) = [p for p in (tmp_path / "datamodel-code-generator").rglob("*") if p.is_file()]
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
