"""The output folder: orphans, hand edits, all-or-nothing writes, kill -9, locks, byte-exact files."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import fuzz_writes
from generator import output
from conftest import KITCHEN, KITCHEN_SPEC, ROOT, SPEC_ARGS, run, snapshot



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
    # the file was changed by hand: generate needs --force (tests/test_check_advice.py covers every state)
    assert "run `python -m generator generate --spec spec/openai_webhooks.yaml --out generated --force`" in check.stderr


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


@pytest.mark.parametrize("failing", range(1, 8))  # 3 saves of the journal, 4 renames (the manifest too)
def test_a_failed_rename_puts_everything_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: int) -> None:
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
        if len(calls) == failing:
            raise PermissionError(13, "Permission denied", str(dst))
        real_replace(src, dst)

    monkeypatch.setattr(output.os, "replace", failing_replace)
    with pytest.raises(output.OutputError, match="nothing was changed"):
        output.write_all(out, new, plan, 0o644)
    monkeypatch.undo()
    files = {str(p.relative_to(out)): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert files == old


def test_a_regeneration_killed_at_every_step_ends_all_old_or_all_new() -> None:
    stats = fuzz_writes.run(cases=60, seed=20261202)
    assert not stats.failures, "\n\n".join(stats.failures)
    assert stats.killed >= 60 and stats.old > 0 and stats.new > 0  # kills before, during and after the renames


def killed_regeneration(out: Path, old: dict[str, bytes], new: dict[str, bytes], kill_at: int) -> None:
    out.mkdir()
    assert fuzz_writes.generate(out, old)[0] == 0
    _, status = fuzz_writes.in_child(lambda: fuzz_writes.generate(out, new), kill_at)
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL


def test_after_a_kill_check_says_so_and_the_next_generate_rolls_back(project: Path) -> None:
    old = fuzz_writes.generation(project / "generated")
    new = {rel: data + b"\n" for rel, data in old.items()}
    out = project / "killed"
    killed_regeneration(out, old, new, kill_at=len(old) * 3)  # after the journal, among the renames
    assert (out / output.JOURNAL).is_file()
    check = run("check", "--spec", "spec/openai_webhooks.yaml", "--out", "killed", cwd=project)
    assert check.returncode == 1
    assert "killed/.webhookgen-journal.json: a generate is running or was interrupted" in check.stderr
    generate = run("generate", "--spec", "spec/openai_webhooks.yaml", "--out", "killed", cwd=project)
    assert generate.returncode == 0, generate.stderr
    assert "rolled back an interrupted generate" in generate.stderr
    assert fuzz_writes.on_disk(out) == fuzz_writes.expected(old)  # the shipped spec's files: the old ones


@pytest.mark.skipif(shutil.which("strace") is None, reason="strace is not installed")
@pytest.mark.parametrize("when", [3, 11])  # the first file's rename (after two of the journal); the journal's last
def test_the_cli_killed_at_a_rename_by_strace_is_rolled_back_by_the_next_run(tmp_path: Path, when: int) -> None:
    env = {"WEBHOOKGEN_CACHE_DIR": str(tmp_path / "cache")}
    edited = tmp_path / "b.yaml"
    edited.write_text(KITCHEN_SPEC.read_text().replace("A postal address, referenced by name.", "An edited address."))
    assert run("generate", "--spec", "b.yaml", "--out", "warm", cwd=tmp_path, env=env).returncode == 0  # no cache writes below
    assert run("generate", "--spec", str(KITCHEN_SPEC), "--out", "o", cwd=tmp_path, env=env).returncode == 0
    old = snapshot(tmp_path / "o")
    command = [sys.executable, "-m", "generator", "generate", "--spec", "b.yaml", "--out", "o"]
    killed = subprocess.run(
        ["strace", "-f", "-o", os.devnull, "-e", "trace=rename", "-e", f"inject=rename:signal=SIGKILL:when={when}", *command],
        cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(ROOT), **env}, capture_output=True, timeout=120,
    )
    if b"ptrace" in killed.stderr:
        pytest.skip("strace cannot trace here")
    assert b"wrote" not in killed.stderr  # killed before it finished
    again = run("generate", "--spec", str(KITCHEN_SPEC), "--out", "o", cwd=tmp_path, env=env)
    assert again.returncode == 0, again.stderr
    assert {rel: data for rel, (data, _) in snapshot(tmp_path / "o").items()} == {rel: data for rel, (data, _) in old.items()}


def test_a_file_the_manifest_does_not_list_is_never_replaced_without_force(tmp_path: Path) -> None:
    assert run("generate", "--spec", str(KITCHEN_SPEC), "--out", "u", cwd=tmp_path).returncode == 0
    mine = tmp_path / "u" / "python" / "kitchen_sink_c.py"
    mine.write_text("mine\n")
    spec_c = tmp_path / "c.yaml"
    spec_c.write_text(KITCHEN_SPEC.read_text().replace("module: kitchen_sink\n", "module: kitchen_sink_c\n"))
    before = snapshot(tmp_path / "u")
    result = run("generate", "--spec", "c.yaml", "--out", "u", cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert "u/python/kitchen_sink_c.py: exists, and the generator did not write it" in result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot(tmp_path / "u") == before  # nothing written, the old module not removed either
    check = run("check", "--spec", "c.yaml", "--out", "u", cwd=tmp_path)
    assert "stale: python/kitchen_sink_c.py (not written by the generator)" in check.stderr
    forced = run("generate", "--spec", "c.yaml", "--out", "u", "--force", cwd=tmp_path)
    assert forced.returncode == 0, forced.stderr
    assert mine.read_text() != "mine\n"
    assert run("check", "--spec", "c.yaml", "--out", "u", cwd=tmp_path).returncode == 0


def test_temporaries_not_in_a_journal_are_never_removed(project: Path) -> None:
    lookalikes = [
        project / "generated" / "node_modules" / "pkg" / f".index.js{output.TMP_MARK}abc123",
        project / "generated" / ".venv" / "lib" / f".site.py{output.TMP_MARK}x",
        project / "generated" / "python" / f".openai_webhooks.py{output.TMP_MARK}abc123",  # no journal names it
    ]
    for path in lookalikes:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("not the generator's")
    rename_module(project, "openai_hooks")
    assert run("generate", *SPEC_ARGS, cwd=project).returncode == 0
    assert [path.read_text() for path in lookalikes] == ["not the generator's"] * 3


def test_generate_never_lists_the_output_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # `--out /` once walked into /proc: a run reads and writes only the paths of its outputs.
    old = fuzz_writes.generation(KITCHEN / "expected")
    new = {rel.replace("kitchen_sink", "kitchen_sink_b"): data + b"\n" for rel, data in old.items()}
    out = tmp_path / "out"
    killed_regeneration(out, old, new, kill_at=len(old) * 3)

    def no_listing(*args: object, **kwargs: object) -> None:
        raise AssertionError("the output folder was listed")

    for name in ("scandir", "listdir", "walk"):
        monkeypatch.setattr(os, name, no_listing)
    monkeypatch.setattr(Path, "iterdir", no_listing)
    code, err = fuzz_writes.generate(out, new)
    monkeypatch.undo()
    assert code == 0, err
    assert fuzz_writes.on_disk(out) == fuzz_writes.expected(new)


@pytest.mark.parametrize("rel", ["../victim.txt", "an absolute path", "link/victim.txt", output.JOURNAL])
def test_a_journal_naming_a_path_it_could_not_write_is_refused(tmp_path: Path, rel: str) -> None:
    rel = str(tmp_path / "victim.txt") if rel == "an absolute path" else rel
    out = tmp_path / "out"
    out.mkdir()
    (tmp_path / "elsewhere").mkdir()
    os.symlink(tmp_path / "elsewhere", out / "link")
    token = "0123456789abcdef"
    victims = [tmp_path / "victim.txt", tmp_path / "elsewhere" / "victim.txt"]
    for victim in victims:
        victim.write_text("keep me")
        (victim.parent / f".victim.txt{output.TMP_MARK}{token}").write_text("keep me too")
    journal = {"generator": "webhookgen", "phase": "renaming", "token": token, "removes": {},
               "writes": {rel: {"old": None, "new": output.digest(b"keep me")}}}
    (out / output.JOURNAL).write_text(json.dumps(journal))
    with pytest.raises(output.OutputError, match="not a journal this generator wrote; nothing was changed"):
        fuzz_writes.generate(out, {"a.txt": b"a\n"})  # the CLI prints it and exits 2
    assert [v.read_text() for v in victims] == ["keep me"] * 2
    assert len(list(tmp_path.rglob(f"*{output.TMP_MARK}*"))) == 2
    assert not (out / "a.txt").exists()


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
