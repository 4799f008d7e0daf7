"""The standby process (generator/standby.py): datamodel-code-generator imported while the generator
starts, then run on request, with what an in-process run gives; started only where it may be needed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from conftest import KITCHEN_SPEC, ROOT
from generator import cli, datamodel_tool, spec, standby
from generator.targets import pydantic as pydantic_target

STANDS_BY = hasattr(os, "fork") and standby.usable_cpus() > 1
pytestmark = pytest.mark.skipif(not STANDS_BY, reason="no standby where it cannot fork or has one core")


def test_a_run_in_the_standby_is_the_run_in_this_process_and_its_errors_come_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WEBHOOKGEN_CACHE_DIR", str(tmp_path / "cache"))  # no hint from an earlier run
    loaded = spec.load(KITCHEN_SPEC)
    document, header = pydantic_target.generator_input(loaded), pydantic_target.header(loaded)
    with standby.started(KITCHEN_SPEC) as process:
        assert process is not None
        assert process.run(document, header) == datamodel_tool.run(document, header)
        refused = {"type": "object", "properties": {"a": {"$ref": "no-such-schema.json"}}}  # not in the checkout
        with pytest.raises(Exception) as remote:  # a schema the tool refuses: its own error, as it raised it
            process.run(refused, header)
        with pytest.raises(Exception) as local:
            datamodel_tool.run(refused, header)
        assert type(remote.value) is type(local.value) and str(remote.value) == str(local.value)
        assert process.run(document, header) == datamodel_tool.run(document, header)  # it still serves
    assert not process.alive


def generate(spec_path: Path, out: Path, cache: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "WEBHOOKGEN_CACHE_DIR": str(cache)}
    return subprocess.run(
        [sys.executable, "-m", "generator", "generate", "--spec", str(spec_path), "--out", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_a_cold_run_with_the_standby_writes_the_golden_files_and_a_second_run_starts_none(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    done = generate(KITCHEN_SPEC, tmp_path / "out", cache)
    assert done.returncode == 0, done.stderr
    expected = ROOT / "tests" / "golden" / "kitchen_sink" / "expected"
    for path in expected.rglob("*"):
        if path.is_file():
            assert (tmp_path / "out" / path.relative_to(expected)).read_bytes() == path.read_bytes(), path
    monkeypatch.setenv("WEBHOOKGEN_CACHE_DIR", str(cache))
    with standby.started(KITCHEN_SPEC) as again:
        assert again is None  # rendered before, its pydantic output cached: nothing to import for
    edited = tmp_path / "edited.yaml"
    edited.write_text(
        KITCHEN_SPEC.read_text(encoding="utf-8").replace("Paid by card.", "Paid by card (edited)."), encoding="utf-8"
    )
    with standby.started(edited) as after_edit:
        assert after_edit is not None
    assert not after_edit.alive


def test_a_wrong_hint_changes_no_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A hint for a spec whose pydantic output is not cached (written by hand here): no standby, and
    the tool runs where the target renders, with the same output."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("WEBHOOKGEN_CACHE_DIR", str(cache))
    standby.remember(spec.load(KITCHEN_SPEC).sha256)
    with standby.started(KITCHEN_SPEC) as process:
        assert process is None
    done = generate(KITCHEN_SPEC, tmp_path / "out", cache)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "out" / "pydantic" / "kitchen_sink_pydantic.py").read_bytes() == (
        ROOT / "tests" / "golden" / "kitchen_sink" / "expected" / "pydantic" / "kitchen_sink_pydantic.py"
    ).read_bytes()


def test_a_spec_that_does_not_load_ends_the_standby(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WEBHOOKGEN_CACHE_DIR", str(tmp_path / "cache"))
    broken = tmp_path / "broken.yaml"
    broken.write_text(KITCHEN_SPEC.read_text(encoding="utf-8") + "\n  bad: {fields: {x: {type: nowhere}}}\n")
    started: list[standby.Standby] = []
    real = standby.Standby.__init__

    def remembered(self: standby.Standby) -> None:
        real(self)
        started.append(self)

    monkeypatch.setattr(standby.Standby, "__init__", remembered)
    assert cli.main(["generate", "--spec", str(broken), "--out", str(tmp_path / "out")]) == 2
    assert len(started) == 1 and not started[0].alive
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["generate"], spec.DEFAULT),
        (["check", "--spec", "a.yaml"], Path("a.yaml")),
        (["generate", "--spec=a.yaml", "--out", "o"], Path("a.yaml")),
        (["generate", "--spec", "a.yaml", "--spec", "b.yaml"], Path("b.yaml")),
        (["generate", "--spec"], spec.DEFAULT),  # the parser reports it
        (["diff", "a.yaml", "b.yaml"], None),
        (["import", "openapi", "x.yaml"], None),
        ([], None),
    ],
)
def test_the_spec_is_read_from_the_arguments_before_they_are_parsed(argv: list[str], expected: Path | None) -> None:
    assert cli.spec_to_render(argv) == expected


def test_the_standby_ends_when_the_generator_is_killed(tmp_path: Path) -> None:
    """kill -9 of the generator while its standby imports: the standby ends by itself, once it
    finds its connection closed, rather than waiting for a request forever."""
    script = textwrap.dedent(
        f"""
        import sys, time
        sys.path.insert(0, {str(ROOT)!r})
        from pathlib import Path
        from generator import standby
        with standby.started(Path({str(KITCHEN_SPEC)!r})) as process:
            print(process.pid, flush=True)
            time.sleep(60)
        """
    )
    env = {**os.environ, "WEBHOOKGEN_CACHE_DIR": str(tmp_path / "cache")}
    parent = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, env=env)
    assert parent.stdout is not None
    child = int(parent.stdout.readline())
    parent.send_signal(signal.SIGKILL)
    parent.wait(timeout=10)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            os.kill(child, 0)
        except ProcessLookupError:
            return
        try:  # reaped by init once it exits; a zombie still answers kill(0)
            if Path(f"/proc/{child}/stat").read_text().split()[2] == "Z":
                return
        except OSError:
            return
        time.sleep(0.1)
    pytest.fail(f"the standby {child} outlived its generator")


def test_a_spec_read_from_a_pipe_is_read_once(tmp_path: Path) -> None:
    """`--spec <(...)`: the standby's hint must not read the pipe the loader reads."""
    shipped = ROOT / "spec" / "openai_webhooks.yaml"
    read, write = os.pipe()
    env = {**os.environ, "WEBHOOKGEN_CACHE_DIR": str(tmp_path / "cache")}
    out = tmp_path / "out"
    process = subprocess.Popen(
        [sys.executable, "-m", "generator", "generate", "--spec", f"/dev/fd/{read}", "--out", str(out)],
        cwd=ROOT,
        env=env,
        pass_fds=(read,),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    os.close(read)
    with os.fdopen(write, "wb") as pipe:
        pipe.write(shipped.read_bytes())
    _, err = process.communicate(timeout=300)
    assert process.returncode == 0, err
    loaded = spec.load(shipped)
    module = (out / "python" / f"{loaded.module}.py").read_text(encoding="utf-8")
    assert loaded.entry is not None
    assert all(f'"{member.tag}"' in module for member in loaded.entry.members)


def test_after_an_edit_the_patch_made_through_the_standby_is_a_whole_run(tmp_path: Path) -> None:
    """The edit's pydantic output is patched from the previous one, the tool's runs on the edited
    part sent to the standby; it equals a run from nothing on the edited spec."""
    cache, out = tmp_path / "cache", tmp_path / "out"
    edited = tmp_path / "spec.yaml"
    text = KITCHEN_SPEC.read_text(encoding="utf-8")
    edited.write_text(text, encoding="utf-8")
    assert generate(edited, out, cache).returncode == 0
    edited.write_text(text.replace("Paid by card.", "Paid by card (edited)."), encoding="utf-8")
    done = generate(edited, out, cache)
    assert done.returncode == 0, done.stderr
    fresh = generate(edited, tmp_path / "fresh", tmp_path / "fresh-cache")
    assert fresh.returncode == 0, fresh.stderr
    for path in (tmp_path / "fresh").rglob("*"):
        if path.is_file():
            assert (out / path.relative_to(tmp_path / "fresh")).read_bytes() == path.read_bytes(), path
    assert "Paid by card (edited)." in (out / "pydantic" / "kitchen_sink_pydantic.py").read_text(encoding="utf-8")


def group_alive(group: int) -> list[int]:
    """The processes of a process group still running (a zombie is done)."""
    alive = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == group and fields[0] != "Z":
            alive.append(int(stat.parent.name))
    return alive


def big_run(tmp_path: Path) -> subprocess.Popen[str]:
    """`generate` on a spec big enough for the workers (the pydantic one, the one for the fast
    targets) and the standby, in a process group of its own."""
    sys.path.insert(0, str(ROOT / "bench"))
    import synthetic

    big = synthetic.write(tmp_path, 150)
    return subprocess.Popen(
        [sys.executable, "-m", "generator", "generate", "--spec", str(big), "--out", str(tmp_path / "out")],
        cwd=ROOT,
        env={**os.environ, "WEBHOOKGEN_CACHE_DIR": str(tmp_path / "cache")},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def left_behind(group: int, seconds: float) -> list[int]:
    """The processes of `group` still running after up to `seconds` (killed, so none outlives the test)."""
    deadline = time.monotonic() + seconds
    while group_alive(group) and time.monotonic() < deadline:
        time.sleep(0.2)
    left = group_alive(group)
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    return left


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads the process table from /proc")
@pytest.mark.parametrize("after", [0.3, 0.8, 1.5])
def test_kill_9_of_the_generator_leaves_no_process_behind(after: float, tmp_path: Path) -> None:
    """A kill -9 of a big run at any moment: every process of the run ends by itself."""
    process = big_run(tmp_path)
    time.sleep(after)
    process.kill()
    process.wait(timeout=10)  # not its stderr: a process left behind would hold that open
    assert left_behind(process.pid, 60) == []


def test_a_standby_that_is_gone_leaves_the_run_to_this_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WEBHOOKGEN_CACHE_DIR", str(tmp_path / "cache"))
    loaded = spec.load(KITCHEN_SPEC)
    document, header = pydantic_target.generator_input(loaded), pydantic_target.header(loaded)
    with standby.started(KITCHEN_SPEC) as process:
        assert process is not None
        os.kill(process.pid, signal.SIGKILL)  # its socket closes as it dies; close() reaps it
        assert process.run(document, header) == datamodel_tool.run(document, header)
        assert process.run(document, header) == datamodel_tool.run(document, header)


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads the process table from /proc")
@pytest.mark.parametrize("after", [0.2, 0.5, 1.0])
def test_ctrl_c_ends_every_process_and_the_standby_prints_nothing(after: float, tmp_path: Path) -> None:
    """SIGINT to the whole process group of a big run, as a terminal sends it: no traceback from
    the standby, and no process left."""
    process = big_run(tmp_path)
    time.sleep(after)
    os.killpg(process.pid, signal.SIGINT)
    _, err = process.communicate(timeout=60)
    assert left_behind(process.pid, 30) == []
    assert "warm_up" not in err and "_serve" not in err, err
    if process.returncode == 0:  # it had finished: all of it is there
        assert (tmp_path / "out" / "python" / "kitchen_sink.py").is_file()
