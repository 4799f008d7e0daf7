from __future__ import annotations

import atexit
import functools
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from types import ModuleType

import pytest

sys.dont_write_bytecode = True  # keep generated/ and tests/golden/ free of __pycache__

# Every path is relative to this file, so the suite runs the same in a copy of the repository.
ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "spec" / "openai_webhooks.yaml"
GENERATED = ROOT / "generated"
REFERENCE = ROOT / "tests" / "reference"
REFERENCE_SPEC = REFERENCE / "openai_webhooks.yaml"  # frozen: the spec the vendor's page documents
REFERENCE_PAGE = REFERENCE / "webhooks_page.scrape.txt"  # the vendor's page, scraped
KITCHEN = ROOT / "tests" / "golden" / "kitchen_sink"  # the fixture that uses every construct
KITCHEN_SPEC = KITCHEN / "spec.yaml"
# Other vendors' specs, by vendor (`lithic` for spec/examples/lithic_webhooks.yaml); their samples and
# provenance are under tests/fixtures/<vendor>/. Their outputs are not committed: vendor_outputs().
VENDOR_SPECS = {p.name.removesuffix("_webhooks.yaml"): p for p in sorted((ROOT / "spec" / "examples").glob("*_webhooks.yaml"))}

# Hypothesis example counts are scaled by this (tests/test_spec_changes.py reruns the spec-driven
# tests on a copy of the repository with a smaller scale, to stay quick).
EXAMPLES_SCALE = float(os.environ.get("WEBHOOKGEN_EXAMPLES_SCALE", "1"))


def scaled_examples(n: int) -> int:
    """`n` hypothesis examples, scaled by WEBHOOKGEN_EXAMPLES_SCALE (at least 2)."""
    return max(2, round(n * EXAMPLES_SCALE))


# Things worth knowing that are not failures (event types only one side knows, ...), printed at the end.
NOTES: list[str] = []


def note(text: str) -> None:
    if text not in NOTES:
        NOTES.append(text)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if NOTES:
        terminalreporter.section("notes")
        for text in NOTES:
            terminalreporter.write_line(text)


def import_path(path: Path, name: str) -> ModuleType:
    """Import a generated module from its file, under `name` (registered so dataclasses resolve it)."""
    existing = sys.modules.get(name)
    if existing is not None:
        assert Path(existing.__file__ or "").resolve() == path.resolve(), f"{name} is already {existing.__file__}"
        return existing
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@functools.cache
def reference_module() -> ModuleType:
    """The module rendered from the frozen REFERENCE_SPEC with the current templates, imported as
    `openai_webhooks_reference` (from memory: nothing is written)."""
    from generator import render, spec

    loaded = spec.load(REFERENCE_SPEC)
    source = render.render(loaded)[f"python/{loaded.module}.py"]
    name = "openai_webhooks_reference"
    module = ModuleType(name)
    module.__file__ = f"<{REFERENCE_SPEC.name} rendered>"
    sys.modules[name] = module
    exec(compile(source, module.__file__, "exec"), module.__dict__)  # noqa: S102 - our own generated code
    return module


# -- the CLI as users run it, in a copy of the project ------------------------------------------

SPEC_ARGS = ("--spec", "spec/openai_webhooks.yaml", "--out", "generated")  # inside `project`


def run(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "generator", *args], cwd=cwd, env=full_env, capture_output=True, text=True, timeout=120
    )


@functools.cache
def vendor_outputs(spec_path: Path) -> Path:
    """Every output of a spec, generated once a run with the CLI as a user runs it (`generate --spec S
    --out O`), into a temporary folder removed when the run ends."""
    folder = Path(tempfile.mkdtemp(prefix="webhookgen-vendor-"))
    atexit.register(shutil.rmtree, folder, True)
    out = folder / "out"
    done = run("generate", "--spec", str(spec_path), "--out", str(out), cwd=folder)
    assert done.returncode == 0, done.stdout + done.stderr
    return out


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {
        str(p.relative_to(folder)): (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(folder.rglob("*")) if p.is_file()
    }


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the shipped spec and generated/ that a test may change."""
    (tmp_path / "spec").mkdir()
    shutil.copy(SPEC, tmp_path / "spec" / SPEC.name)
    shutil.copytree(GENERATED, tmp_path / "generated")
    return tmp_path
