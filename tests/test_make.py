"""`make generate` as a user runs it, in a copy of the repository: a broken spec gives the one
located error line of the generator (no traceback from the Makefile reading the module's name), and
a sound spec names the copies after its module."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, SPEC
from generator import spec as spec_module

COPIED = ("Makefile", "generator", "templates", "spec", "generated", "pyproject.toml", "requirements.lock")
LOCATED = re.compile(r"^spec/openai_webhooks\.yaml:\d+:\d+: \S")
MAKE_FAILED = re.compile(r"^make(\[\d+\])?: \*\*\* \[.*\] Error 2$")


def copy(tmp_path: Path) -> Path:
    """The repository's files `make generate` reads, with the stamp of an installed .venv (the
    interpreter is this one, passed as PY)."""
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    work = tmp_path / "repo"
    work.mkdir()
    for name in COPIED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, work / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(source, work / name)
    (work / ".venv").mkdir()
    stamp = work / ".venv" / ".installed-stamp"
    stamp.touch()
    newest = max((work / "pyproject.toml").stat().st_mtime, (work / "requirements.lock").stat().st_mtime)
    os.utime(stamp, (newest + 60, newest + 60))  # up to date: make does not reinstall
    return work


def make(work: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    return subprocess.run(
        ["make", *args, f"PY={sys.executable}"], cwd=work, capture_output=True, text=True, timeout=300, env=env
    )


def files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize(
    "breakage",
    [
        "  unclosed: [\n",  # YAML syntax
        "no_such_kind:\n  union: 7\n",  # the spec language
    ],
    ids=["yaml", "spec-language"],
)
def test_make_generate_on_a_broken_spec_prints_one_located_line_and_exits_2(tmp_path: Path, breakage: str) -> None:
    work = copy(tmp_path)
    spec = work / "spec" / "openai_webhooks.yaml"
    spec.write_text(spec.read_text(encoding="utf-8") + breakage, encoding="utf-8")
    before = files(work / "generated")
    result = make(work, "generate")
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    lines = result.stderr.splitlines()
    # The generator's one line, then make's own note that the recipe failed; nothing else.
    ours = [line for line in lines if not MAKE_FAILED.match(line)]
    assert len(ours) == 1 and LOCATED.match(ours[0]), result.stderr
    assert len(lines) == 2, result.stderr
    # stdout holds only the commands make echoes: the generator's run, and no copy was attempted.
    assert [line for line in result.stdout.splitlines() if "-m generator generate" not in line] == [], result.stdout
    assert files(work / "generated") == before


def test_make_generate_names_the_copies_after_the_spec_module(tmp_path: Path) -> None:
    work = copy(tmp_path)
    dry = make(work, "-n", "generate")
    assert dry.returncode == 0, dry.stderr
    copies = [line for line in dry.stdout.splitlines() if line.startswith("cp ")]
    module = spec_module.load(SPEC).module
    assert copies and all(f"/{module}." in line for line in copies), dry.stdout
    assert dry.stderr == ""


def test_make_generate_force_1_passes_force_to_the_generator(tmp_path: Path) -> None:
    """`check` advises `make generate FORCE=1` in the checkout when a file was edited by hand."""
    work = copy(tmp_path)
    plain = make(work, "-n", "generate")
    forced = make(work, "-n", "generate", "FORCE=1")
    assert plain.returncode == 0 and forced.returncode == 0, plain.stderr + forced.stderr
    runs = [line for line in plain.stdout.splitlines() if "-m generator generate" in line]
    assert len(runs) == 1 and not runs[0].endswith("--force"), plain.stdout
    forced_runs = [line for line in forced.stdout.splitlines() if "-m generator generate" in line]
    assert forced_runs == [runs[0] + " --force"], forced.stdout
