"""The generated modules pass `mypy --strict` and import with the standard library alone on every
installed Python from 3.10 up (interpreters that are absent are skipped, not failed)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import GENERATED, SPEC
from examples import events, example
from generator import spec

MODULES = [
    GENERATED / "python" / f"{spec.load(SPEC).module}.py",
    Path(__file__).parent / "golden" / "kitchen_sink" / "expected" / "python" / "kitchen_sink.py",
]
VERSIONS = ("3.10", "3.11", "3.12", "3.13")


@pytest.mark.parametrize("module", [pytest.param(m, id=m.stem, marks=pytest.mark.spec_driven if m.parent.parent == GENERATED else ()) for m in MODULES])
def test_mypy_strict(module: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--cache-dir", os.devnull, str(module)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "type: ignore" not in module.read_text()


def interpreter(version: str) -> str | None:
    """The newest pyenv build of `version`, else python<version> from PATH (pyenv's shims skipped:
    they only answer for the selected version)."""
    root = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    builds = sorted(
        (p for p in root.glob(f"{version}.*") if re.fullmatch(rf"{re.escape(version)}\.\d+", p.name)),
        key=lambda p: int(p.name.rsplit(".", 1)[1]),
    )
    for build in reversed(builds):
        candidate = build / "bin" / "python3"
        if candidate.exists():
            return str(candidate)
    found = shutil.which(f"python{version}")
    return found if found and "/shims/" not in found else None


PROBE = """
import importlib, json, sys
sys.path.insert(0, sys.argv[1])
w = importlib.import_module(sys.argv[4])
assert not [m for m in sys.modules if m.split(".")[0] in ("yaml", "jinja2", "pydantic", "openai")]
event = w.parse_event(sys.argv[2].encode())
try:
    w.parse_event(sys.argv[3].encode())
except w.WebhookDecodeError as e:
    path = e.path
print(json.dumps({"version": sys.version_info[:2], "class": type(event).__name__, "back": event.to_dict(), "path": path}))
"""


@pytest.mark.spec_driven
@pytest.mark.parametrize("version", VERSIONS)
def test_imports_with_stdlib_only(version: str) -> None:
    python = interpreter(version)
    if python is None:
        pytest.skip(f"Python {version} is not installed here")
    loaded = spec.load(SPEC)
    member = max(events(loaded), key=lambda m: len(m.object.nested))  # the event with the most nested classes
    payload = {**example(member.object, loaded, 1), "x": 1}
    # A required key missing from the payload: its path is reported.
    required = next(f.key for f in member.object.fields if not f.optional and f.key != loaded.entry.discriminator)  # type: ignore[union-attr]
    broken = {k: v for k, v in payload.items() if k != required}
    # -I: isolated (no user site, no PYTHON* env); -S: no site-packages at all
    result = subprocess.run(
        [python, "-I", "-S", "-B", "-c", PROBE, str(GENERATED / "python"), json.dumps(payload), json.dumps(broken), loaded.module],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["version"] == [int(x) for x in version.split(".")]
    assert out["class"] == member.object.name.pascal
    assert out["back"] == payload
    assert out["path"] == f"$.{required}"
