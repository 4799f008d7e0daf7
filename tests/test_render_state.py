"""Rendering keeps no state in modules: what a forked worker renders, and what the pydantic target
computed of a spec, are objects passed where they are used."""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
import textwrap
from pathlib import Path
from typing import Any

import jinja2
import pytest

from conftest import KITCHEN_SPEC
from generator import formatting, model, render, spec
from generator.targets import base, json_schema
from generator.targets import pydantic as pydantic_target

FORKS = "fork" in multiprocessing.get_all_start_methods()


@dataclasses.dataclass(frozen=True)
class Begun:
    """A slow target's work begun: `render` says which process rendered it."""

    cached: bool
    fail: bool = False

    def render(self, env: jinja2.Environment) -> dict[str, str]:
        if self.fail:
            raise base.RenderError("slow/module.j2:3: the work failed")
        return {"pid.txt": str(os.getpid())}


def slow_target(begun: Begun) -> base.Target:
    """A target of this test's own, not one of generator.targets.TARGETS."""

    def render_directly(s: model.Spec, env: jinja2.Environment) -> dict[str, str]:
        return begun.render(env)

    return base.Target("slow", lambda s: [], str, render_directly, prepare=lambda s, tool: begun)


@pytest.mark.skipif(not FORKS, reason="renders in this process where it cannot fork")
def test_a_slow_target_not_cached_renders_in_a_worker_that_inherits_it() -> None:
    loaded = spec.load(KITCHEN_SPEC)
    apart = render.render(loaded, targets=(slow_target(Begun(cached=False)),))
    assert apart["pid.txt"] != str(os.getpid())
    together = render.render(loaded, targets=(slow_target(Begun(cached=True)),))
    assert together["pid.txt"] == str(os.getpid())


def test_an_error_in_the_worker_comes_back_as_it_is() -> None:
    loaded = spec.load(KITCHEN_SPEC)
    with pytest.raises(base.RenderError) as e:
        render.render(loaded, targets=(slow_target(Begun(cached=False, fail=True)),))
    assert str(e.value) == "slow/module.j2:3: the work failed"


def module_state() -> dict[str, dict[str, int]]:
    """The id of every global of the modules that render, by module."""
    from generator.targets import msgspec, python

    return {m.__name__: {k: id(v) for k, v in vars(m).items()} for m in (render, base, formatting, pydantic_target, python, msgspec, json_schema)}


def test_rendering_leaves_every_module_s_globals_as_they_were(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WEBHOOKGEN_CACHE_DIR", str(tmp_path))
    loaded = spec.load(KITCHEN_SPEC)
    before = module_state()
    cold = render.render(loaded)  # the pydantic target in a worker
    warm = render.render(loaded)  # from its cache, in this process
    assert cold == warm
    assert module_state() == before


def test_the_pydantic_job_reads_the_cache_once_and_renders_from_what_it_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WEBHOOKGEN_CACHE_DIR", str(tmp_path))
    loaded = spec.load(KITCHEN_SPEC)
    cold = pydantic_target.prepare(loaded)
    assert not cold.cached
    output = cold.render(render.environment())
    reads: list[str] = []
    real_get = formatting.Cache.get

    def counted(self: formatting.Cache, chunk: str) -> str | None:
        reads.append(chunk)
        return real_get(self, chunk)

    monkeypatch.setattr(formatting.Cache, "get", counted)
    job = pydantic_target.prepare(loaded)
    assert job.cached and len(reads) == 1
    assert job.render(render.environment()) == output
    assert len(reads) == 1  # rendering used the hit the job holds


def test_the_pydantic_output_is_cut_into_classes_by_the_parser() -> None:
    """A docstring can hold a line that looks like a class after two blank lines."""
    header = "# header\nfrom pydantic import BaseModel"
    first = textwrap.dedent('''\
        class First(BaseModel):
            """A description


        class Fake(BaseModel):
            x: int
        """

            a: int''')
    second = "class Second(BaseModel):\n    b: First"
    output = "\n\n\n".join([header, first, second]) + "\n"
    assert pydantic_target.classes(output) == (header, {"First": first, "Second": second})
    commented = output.replace("\n\n\nclass Second", "\n\n# a comment between classes\n\nclass Second")
    assert pydantic_target.classes(commented) == (None, {})  # a shape the patch does not know
    assert pydantic_target.classes(output.replace("class Second", "@decorated\nclass Second")) == (None, {})


def test_a_job_is_made_of_what_render_passes_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WEBHOOKGEN_CACHE_DIR", "")
    loaded = spec.load(KITCHEN_SPEC)
    job = pydantic_target.prepare(loaded)
    document, key = pydantic_target.cache_key(loaded)
    assert (job.document, job.key, job.hit) == (document, key, None)
    other: Any = dataclasses.replace(job, hit="# from a cache\n")
    assert other.render(render.environment()) == {pydantic_target.path(loaded): "# from a cache\n"}


def pid_target(name: str, formatted: bool, fail: bool = False) -> base.Target:
    """A target of this test's own that says which process rendered it (or fails, naming itself)."""

    def render_it(s: model.Spec, env: jinja2.Environment) -> dict[str, str]:
        if fail:
            raise base.RenderError(f"{name}.j2:1: failed")
        return {f"{name}.txt": str(os.getpid())}

    return base.Target(name, lambda s: [], str, render_it, (lambda text, n, b: text) if formatted else None)


@pytest.mark.skipif(not FORKS or formatting.usable_cpus() < 2, reason="one process where it cannot fork or has one core")
def test_a_big_spec_renders_the_targets_without_a_formatting_step_in_a_second_process(monkeypatch: pytest.MonkeyPatch) -> None:
    loaded = spec.load(KITCHEN_SPEC)
    targets = (pid_target("a", False), pid_target("b", True), pid_target("c", False))
    monkeypatch.setattr(render, "SPLIT_MIN_OBJECTS", len(loaded.objects) + 1)
    small = render.render(loaded, targets=targets)
    assert set(small.values()) == {str(os.getpid())}
    monkeypatch.setattr(render, "SPLIT_MIN_OBJECTS", len(loaded.objects))
    big = render.render(loaded, targets=targets)
    assert list(big) == list(small)  # target order
    assert big["b.txt"] == str(os.getpid()) and big["a.txt"] == big["c.txt"] != str(os.getpid())


@pytest.mark.parametrize("failing", ["a", "b", "c"])
def test_split_or_not_the_error_reported_is_the_first_target_s_in_order(monkeypatch: pytest.MonkeyPatch, failing: str) -> None:
    loaded = spec.load(KITCHEN_SPEC)
    order = ["a", "b", "c"]
    targets = tuple(pid_target(n, n == "b", fail=order.index(n) >= order.index(failing)) for n in order)
    for threshold in (0, len(loaded.objects) + 1):
        monkeypatch.setattr(render, "SPLIT_MIN_OBJECTS", threshold)
        with pytest.raises(base.RenderError) as e:
            render.render(loaded, targets=targets)
        assert str(e.value) == f"{failing}.j2:1: failed"


def test_the_outputs_are_the_same_rendered_in_one_process_or_two(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WEBHOOKGEN_CACHE_DIR", str(tmp_path))
    loaded = spec.load(KITCHEN_SPEC)
    monkeypatch.setattr(render, "SPLIT_MIN_OBJECTS", len(loaded.objects) + 1)
    one = render.render(loaded)
    monkeypatch.setattr(render, "SPLIT_MIN_OBJECTS", 0)
    two = render.render(loaded)
    assert list(two) == list(one) and two == one


@pytest.mark.skipif(not FORKS or formatting.usable_cpus() < 2, reason="one process where it cannot fork or has one core")
def test_on_a_big_spec_the_slow_target_begins_its_work_in_its_worker(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Checking a cached pydantic output (parsing it whole) happens in the worker, not before the
    other targets can start: this process reads nothing of that target's cache."""
    monkeypatch.setenv("WEBHOOKGEN_CACHE_DIR", str(tmp_path))
    loaded = spec.load(KITCHEN_SPEC)
    first = render.render(loaded)  # fills the cache
    reads: list[str] = []
    real_get = formatting.Cache.get

    def counted(self: formatting.Cache, chunk: str) -> str | None:
        if self.kind == "datamodel-code-generator":
            reads.append(chunk)
        return real_get(self, chunk)

    monkeypatch.setattr(formatting.Cache, "get", counted)
    assert render.render(loaded) == first and len(reads) == 1  # small: checked here, from the cache
    reads.clear()
    monkeypatch.setattr(render, "SPLIT_MIN_OBJECTS", 0)
    assert render.render(loaded) == first and reads == []
