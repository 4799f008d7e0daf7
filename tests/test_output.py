"""The output folder: orphans, hand edits, all-or-nothing writes, kill -9, locks, byte-exact files."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from generator import output
from conftest import ROOT, SPEC_ARGS, run, snapshot



def rename_module(project: Path, new: str) -> None:
    spec_file = project / "spec" / "openai_webhooks.yaml"
    spec_file.write_text(spec_file.read_text().replace("module: openai_webhooks", f"module: {new}"))


def test_a_renamed_output_leaves_no_orphan_behind(project: Path) -> None:
    rename_module(project, "openai_hooks")
    check = run("check", *SPEC_ARGS, cwd=project)
    assert check.returncode == 1
    assert "no longer generated: python/openai_webhooks.py" in check.stderr
    generate = run("generate", *SPEC_ARGS, cwd=project)
    assert generate.returncode == 0, generate.stderr
    assert not (project / "generated/python/openai_webhooks.py").exists()
    assert not (project / "generated/schema/openai_webhooks.schema.json").exists()
    assert (project / "generated/python/openai_hooks.py").is_file()
    assert run("check", *SPEC_ARGS, cwd=project).returncode == 0


def test_files_the_generator_did_not_write_are_never_removed(project: Path) -> None:
    mine = project / "generated" / "python" / "notes.txt"
    mine.write_text("mine")
    rename_module(project, "openai_hooks")
    assert run("generate", *SPEC_ARGS, cwd=project).returncode == 0
    assert mine.read_text() == "mine"


def test_a_hand_edit_is_not_overwritten_without_force(project: Path) -> None:
    module = project / "generated" / "python" / "openai_webhooks.py"
    module.write_text(module.read_text() + "\n# a local patch\n")
    before = snapshot(project / "generated")
    generate = run("generate", *SPEC_ARGS, cwd=project)
    assert generate.returncode == 1
    assert "generated/python/openai_webhooks.py: edited by hand since it was generated" in generate.stderr
    assert snapshot(project / "generated") == before
    check = run("check", *SPEC_ARGS, cwd=project)
    assert "stale: python/openai_webhooks.py (edited by hand)" in check.stderr
    forced = run("generate", *SPEC_ARGS, "--force", cwd=project)
    assert forced.returncode == 0, forced.stderr
    assert "# a local patch" not in module.read_text()
    assert run("check", *SPEC_ARGS, cwd=project).returncode == 0


def test_a_hand_edited_orphan_is_kept_without_force(project: Path) -> None:
    module = project / "generated" / "python" / "openai_webhooks.py"
    module.write_text(module.read_text() + "\n# a local patch\n")
    rename_module(project, "openai_hooks")
    assert run("generate", *SPEC_ARGS, cwd=project).returncode == 1
    assert module.is_file()


def test_check_advice_names_the_command_for_that_folder(project: Path) -> None:
    (project / "generated" / "docs" / "cli" / "resources" / "webhooks" / "index.md").write_text("old\n")
    check = run("check", *SPEC_ARGS, cwd=project)
    assert check.returncode == 1
    assert "run `python -m generator generate --spec spec/openai_webhooks.yaml --out generated`" in check.stderr


@pytest.mark.parametrize("make_out", ["a file", "below a file"])
def test_an_unusable_output_folder_is_one_clear_line(project: Path, make_out: str) -> None:
    (project / "occupied").write_text("x")
    out = "occupied" if make_out == "a file" else "occupied/sub"
    for command in ("generate", "check"):
        result = run(command, "--spec", "spec/openai_webhooks.yaml", "--out", out, cwd=project)
        assert result.returncode == 2, result.stderr
        assert "Traceback" not in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
        assert result.stderr.startswith("occupied")


def test_a_description_with_a_carriage_return_round_trips(project: Path) -> None:
    spec_file = project / "spec" / "openai_webhooks.yaml"
    text = spec_file.read_text()
    spec_file.write_text(text.replace("description: Sent when a batch API request has expired.", 'description: "Sent when a batch\\r\\nAPI request has expired."', 1))
    assert run("generate", *SPEC_ARGS, cwd=project).returncode == 0
    assert b"Sent when a batch\r\n" in (project / "generated/docs/cli/resources/webhooks/index.md").read_bytes()
    check = run("check", *SPEC_ARGS, cwd=project)
    assert check.returncode == 0, check.stderr


def test_a_failed_rename_puts_everything_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    out.mkdir()
    old = {"a.txt": b"old a\n", "b/c.txt": b"old c\n"}
    for rel, data in old.items():
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_bytes(data)
    new = {"a.txt": b"new a\n", "b/c.txt": b"new c\n", "d.txt": b"new d\n"}
    plan = output.plan(new, out)
    real_replace = os.replace
    calls = []

    def failing_replace(src: str, dst: str | Path) -> None:
        calls.append(dst)
        if len(calls) == 3:
            raise PermissionError(13, "Permission denied", str(dst))
        real_replace(src, dst)

    monkeypatch.setattr(output.os, "replace", failing_replace)
    with pytest.raises(output.OutputError, match="nothing was changed"):
        output.write_all(out, new, plan, 0o644)
    monkeypatch.undo()
    files = {str(p.relative_to(out)): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert files == old


KILLER = textwrap.dedent(
    """
    import os, sys, time
    from pathlib import Path
    from generator import output
    real_fsync = os.fsync
    def slow_fsync(fd):
        real_fsync(fd)
        print("writing", flush=True)
        time.sleep(30)  # killed here, after the first temporary file is on disk
    output.os.fsync = slow_fsync
    out = Path(sys.argv[1])
    files = {"a.txt": b"new a\\n", "b.txt": b"new b\\n"}
    output.write_all(out, files, output.plan(files, out), 0o644)
    """
)


def test_kill_9_in_the_middle_of_a_write_leaves_the_old_outputs(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "a.txt").write_bytes(b"old a\n")
    (out / "b.txt").write_bytes(b"old b\n")
    proc = subprocess.Popen(
        [sys.executable, "-c", KILLER, str(out)], cwd=ROOT, stdout=subprocess.PIPE, env={**os.environ, "PYTHONPATH": str(ROOT)}
    )
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline() == b"writing\n"
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    assert (out / "a.txt").read_bytes() == b"old a\n"
    assert (out / "b.txt").read_bytes() == b"old b\n"
    leftovers = [p.name for p in out.iterdir() if output.TMP_MARK in p.name]
    assert leftovers, "the kill should have left a temporary file for the next run to clean"
    output.remove_stale_temporaries(out)
    assert not [p for p in out.iterdir() if output.TMP_MARK in p.name]


def test_a_killed_generate_is_cleaned_up_by_the_next(project: Path) -> None:
    stray = project / "generated" / "python" / f".openai_webhooks.py{output.TMP_MARK}abc123"
    stray.write_text("half a module")
    assert run("generate", *SPEC_ARGS, cwd=project).returncode == 0
    assert not stray.exists()


def test_two_concurrent_generates_are_serialized(project: Path) -> None:
    rename_module(project, "openai_hooks")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [
        subprocess.Popen([sys.executable, "-m", "generator", "generate", *SPEC_ARGS], cwd=project, env=env, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    deadline = time.monotonic() + 120
    for p in procs:
        p.wait(timeout=max(1, deadline - time.monotonic()))
    assert [p.returncode for p in procs] == [0, 0], [p.stderr.read() if p.stderr else "" for p in procs]
    assert run("check", *SPEC_ARGS, cwd=project).returncode == 0
    assert not [p for p in (project / "generated").rglob(f"*{output.TMP_MARK}*")]
