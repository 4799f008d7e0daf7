"""`check` names a command that brings the output folder up to date, in every state it reports:
run as advised, that command succeeds and `check` passes after it. Where `generate` would refuse (a
file edited by hand, a file it may not have written), the command carries `--force` and the advice
says what forcing discards. Also the CLI's help: required flags, and the spec language's reference."""

from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Callable

import pytest

import fuzz_writes
from conftest import ROOT, SPEC_ARGS, run
from generator import cli, output

def manifest(out: Path) -> dict[str, str]:
    files: dict[str, str] = json.loads((out / output.MANIFEST).read_text())["files"]
    return files


def write_manifest(out: Path, files: dict[str, str]) -> None:
    (out / output.MANIFEST).write_text(json.dumps({"generator": "webhookgen", "files": files}))


def some_file(out: Path) -> str:
    """A generated file of the folder (the first the manifest lists): no name assumed."""
    return sorted(manifest(out))[0]


def stale(out: Path) -> None:
    (out / some_file(out)).unlink()


def edited(out: Path) -> None:
    path = out / some_file(out)
    path.write_bytes(path.read_bytes() + b"\n# a local patch\n")


def unknown(out: Path) -> None:
    edited(out)
    (out / output.MANIFEST).unlink()


def foreign(out: Path) -> None:
    rel = some_file(out)
    files = manifest(out)
    del files[rel]
    write_manifest(out, files)
    (out / rel).write_text("mine\n")


def orphan(out: Path) -> None:
    (out / "python" / "renamed_away.py").write_text("# generated once\n")
    write_manifest(out, {**manifest(out), "python/renamed_away.py": output.digest(b"# generated once\n")})


def edited_orphan(out: Path) -> None:
    orphan(out)
    (out / "python" / "renamed_away.py").write_text("# generated once, then edited\n")


def interrupted(out: Path) -> None:
    old = fuzz_writes.generation(out)
    new = {rel: data + b"\n" for rel, data in old.items()}
    fuzz_writes.in_child(lambda: fuzz_writes.generate(out, new), len(old) * 3)  # killed among the renames
    assert (out / output.JOURNAL).is_file()


def edited_and_foreign(out: Path) -> None:
    first, second = sorted(manifest(out))[:2]
    path = out / first
    path.write_bytes(path.read_bytes() + b"\n# a local patch\n")
    files = manifest(out)
    del files[second]
    write_manifest(out, files)
    (out / second).write_text("mine\n")


# state -> (how to make it, what check's list says, what forcing costs or None when no force is needed)
STATES: dict[str, tuple[Callable[[Path], None], str, str | None]] = {
    "stale": (stale, "  stale: ", None),
    "edited by hand": (edited, "(edited by hand)", "--force discards the edits by hand"),
    "no manifest": (unknown, "(not known to be generated: no manifest)", "--force replaces the files the generator may not have written"),
    "not written by the generator": (foreign, "(not written by the generator)", "--force replaces the files the generator may not have written"),
    "orphan": (orphan, "no longer generated: python/renamed_away.py", None),
    "edited orphan": (edited_orphan, "no longer generated: python/renamed_away.py (edited by hand)", "--force discards the edits by hand"),
    "interrupted": (interrupted, "a generate is running or was interrupted", None),
    "edited and foreign": (edited_and_foreign, "(not written by the generator)", "--force discards the edits by hand and replaces the files the generator may not have written"),
}


@pytest.mark.parametrize("state", sorted(STATES))
def test_the_command_check_advises_works_in_every_state(project: Path, state: str) -> None:
    make_state, reported, cost = STATES[state]
    out = project / "generated"
    make_state(out)
    check = run("check", *SPEC_ARGS, cwd=project)
    assert check.returncode == 1, check.stderr
    assert reported in check.stderr, check.stderr
    advice = re.search(r"is out of date; run `([^`]+)`(.*):$", check.stderr, re.MULTILINE)
    assert advice is not None, check.stderr
    words = shlex.split(advice[1])
    assert words[:4] == ["python", "-m", "generator", "generate"], words
    if cost is None:
        assert "--force" not in words and advice[2] == "", advice[0]
    else:
        assert words[-1] == "--force" and cost in advice[2], advice[0]
        # Without --force, generate refuses: the advice needs it.
        refused = run(*words[3:-1], cwd=project)
        assert refused.returncode in (1, 2), refused.stderr
    done = run(*words[3:], cwd=project)
    assert done.returncode == 0, done.stderr
    after = run("check", *SPEC_ARGS, cwd=project)
    assert after.returncode == 0, after.stderr + after.stdout


def test_in_the_checkout_the_advice_is_make_generate_with_force_1_when_needed() -> None:
    args = argparse.Namespace(spec=cli.DEFAULT_SPEC, out=cli.DEFAULT_OUT, templates=None)
    assert cli.fix_command("python -m generator", args) == "make generate"
    assert cli.fix_command("python -m generator", args, force=True) == "make generate FORCE=1"
    # and make passes --force on (tests/test_make.py runs the Makefile's generate)


@pytest.mark.parametrize("in_checkout", [True, False], ids=["checkout", "installed"])
@pytest.mark.parametrize("command", ["generate", "check"])
def test_flags_help_says_required_or_names_the_default(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], in_checkout: bool, command: str) -> None:
    monkeypatch.setattr(cli, "IN_CHECKOUT", in_checkout)
    monkeypatch.setenv("COLUMNS", "1000")  # a long default path is otherwise wrapped, even inside a hyphenated word
    with pytest.raises(SystemExit):
        cli.main([command, "--help"], prog="webhookgen")
    text = " ".join(capsys.readouterr().out.split())  # argparse wraps lines
    assert "None" not in text
    for flag, what, default in (("--spec", "the YAML spec", cli.DEFAULT_SPEC), ("--out", "the output folder", cli.DEFAULT_OUT)):
        assert f"{flag} {flag.strip('-').upper()} {what} ({'default: ' + str(default) if in_checkout else 'required'})" in text, text


def test_spec_help_prints_the_spec_language_reference(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["spec-help"], prog="webhookgen") == 0
    assert capsys.readouterr().out == (ROOT / "spec" / "README.md").read_text(encoding="utf-8")
    with pytest.raises(SystemExit):
        cli.main(["--help"], prog="webhookgen")
    assert "`webhookgen spec-help`" in " ".join(capsys.readouterr().out.split())


def test_spec_help_into_a_closed_pipe_is_no_error() -> None:
    read_end, write_end = os.pipe()
    os.close(read_end)  # every write fails with EPIPE, as after `| head` has quit
    try:
        done = subprocess.run(
            [sys.executable, "-m", "generator", "spec-help"], stdout=write_end, stderr=subprocess.PIPE, cwd=ROOT, text=True, timeout=60
        )
    finally:
        os.close(write_end)
    assert done.returncode == 0 and done.stderr == "", done.stderr
