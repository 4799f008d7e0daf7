"""The installable tool: a wheel, installed into a fresh venv, runs `webhookgen` from an empty folder.
The package installs as `webhookgen` (its folder in the checkout is generator/, a name too common to
claim in anyone's site-packages): `python -m webhookgen` and the console script both work.

The wheel is built without network (hatchling comes with the dev environment) and installed without
its dependencies, which the fresh venv borrows from the test environment's site-packages. What is
tested is the wheel itself: the package, its templates as package data, and the console script.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

from conftest import ROOT

SPEC = """\
title: My Hooks
page: hooks/index.md
module: my_hooks
entry: my_event
types:
  order_paid:
    description: Sent when an order is paid.
    fields:
      id: {type: string}
      type: {literal: order.paid}
  my_event:
    discriminator: type
    union: [order_paid]
"""


def test_the_wheel_works_from_an_empty_folder(tmp_path: Path) -> None:
    source = tmp_path / "source"  # a clean copy: the build must not see generated/ or .venv
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(".venv", "node_modules", ".git", "generated", "site", "site-generator", "*.pyc", "__pycache__"))
    dist = tmp_path / "dist"
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--quiet", "-w", str(dist), str(source)],
        capture_output=True, text=True, timeout=300,
    )
    assert build.returncode == 0, build.stderr
    (wheel,) = dist.glob("webhookgen-*.whl")

    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    install = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--quiet", str(wheel)],
        capture_output=True, text=True, timeout=300,
    )
    assert install.returncode == 0, install.stderr
    site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], capture_output=True, text=True, check=True).stdout.strip())
    (site / "borrowed-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")

    work = tmp_path / "empty"
    work.mkdir()
    (work / "my.yaml").write_text(SPEC)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    result = subprocess.run([str(env_dir / "bin" / "webhookgen"), "generate", "--spec", "my.yaml", "--out", "gen"], cwd=work, capture_output=True, text=True, timeout=300, env=env)
    assert result.returncode == 0, result.stderr
    assert (work / "gen" / "python" / "my_hooks.py").is_file()
    assert (work / "gen" / "docs" / "hooks" / "index.md").read_text().startswith("# My Hooks\n")
    where = subprocess.run([str(python), "-c", "import webhookgen, webhookgen.render as r; print(webhookgen.__file__); print(r.BUILTIN_TEMPLATES)"], cwd=work, capture_output=True, text=True, env=env, check=True).stdout.split("\n")
    assert where[0].startswith(str(env_dir)) and where[1].startswith(str(env_dir)), where
    assert Path(where[1]) == Path(where[0]).parent / "templates"
    # no top-level package of another name: only webhookgen and its metadata
    installed = {p.name for p in site.iterdir()} - {"borrowed-dependencies.pth", "_virtualenv.py", "_virtualenv.pth", "__pycache__"}
    assert {name for name in installed if not name.startswith("webhookgen-")} == {"webhookgen"}, installed
    # The development checkout may still be importable through the borrowed dependencies (its
    # editable install); the wheel itself must bring no `generator` package.
    find = "import importlib.util as u; s = u.find_spec('generator'); print(s.origin if s else '')"
    origin = subprocess.run([str(python), "-c", find], cwd=work, capture_output=True, text=True, env=env, timeout=60, check=True).stdout.strip()
    assert not origin.startswith(str(env_dir)), origin
    as_module = subprocess.run([str(python), "-m", "webhookgen", "generate", "--spec", "my.yaml", "--out", "gen_m"], cwd=work, capture_output=True, text=True, timeout=300, env=env)
    assert as_module.returncode == 0, as_module.stderr
    assert contents(work / "gen_m") == contents(work / "gen")
    usage = subprocess.run([str(python), "-m", "webhookgen", "--help"], cwd=work, capture_output=True, text=True, timeout=60, env=env)
    assert usage.returncode == 0 and usage.stdout.startswith("usage: python -m webhookgen "), usage.stdout
    check = subprocess.run([str(env_dir / "bin" / "webhookgen"), "check", "--spec", "my.yaml", "--out", "gen"], cwd=work, capture_output=True, text=True, timeout=300, env=env)
    assert check.returncode == 0, check.stderr
    # `import page` reads the generated page back into a spec that renders the same page.
    imported = subprocess.run([str(env_dir / "bin" / "webhookgen"), "import", "page", "gen/docs/hooks/index.md", "--python-page", "gen/docs/python/hooks/index.md", "--out", "imported.yaml"], cwd=work, capture_output=True, text=True, timeout=60, env=env)
    assert imported.returncode == 0, imported.stderr
    again = subprocess.run([str(env_dir / "bin" / "webhookgen"), "generate", "--spec", "imported.yaml", "--out", "gen_i"], cwd=work, capture_output=True, text=True, timeout=300, env=env)
    assert again.returncode == 0, again.stderr
    assert (work / "gen_i" / "docs" / "hooks" / "index.md").read_bytes() == (work / "gen" / "docs" / "hooks" / "index.md").read_bytes()
    # Outside the checkout there is no default spec: the flags are required, and say so.
    bare = subprocess.run([str(env_dir / "bin" / "webhookgen"), "generate"], cwd=work, capture_output=True, text=True, timeout=60, env=env)
    assert bare.returncode == 2 and "--spec" in bare.stderr and "Traceback" not in bare.stderr
    flags = subprocess.run([str(env_dir / "bin" / "webhookgen"), "generate", "--help"], cwd=work, capture_output=True, text=True, timeout=60, env=env)
    words = " ".join(flags.stdout.split())
    assert flags.returncode == 0 and "--spec SPEC the YAML spec (required)" in words and "--out OUT the output folder (required)" in words, flags.stdout
    assert "default: None" not in words
    # The spec language's reference is in the wheel, and the help says how to read it.
    top = subprocess.run([str(env_dir / "bin" / "webhookgen"), "--help"], cwd=work, capture_output=True, text=True, timeout=60, env=env)
    assert "`webhookgen spec-help`" in " ".join(top.stdout.split()), top.stdout
    reference = subprocess.run([str(env_dir / "bin" / "webhookgen"), "spec-help"], cwd=work, capture_output=True, text=True, timeout=60, env=env)
    assert reference.returncode == 0, reference.stderr
    assert reference.stdout == (ROOT / "spec" / "README.md").read_text(encoding="utf-8")
    assert (Path(where[0]).parent / "spec_language.md").is_file()  # from the package, not the checkout
    # `import openapi` from the wheel: the vendor's document to a spec that generates.
    shutil.copy(ROOT / "tests" / "fixtures" / "openai" / "openapi-webhooks.yaml", work / "vendor.yaml")
    imported = subprocess.run([str(env_dir / "bin" / "webhookgen"), "import", "openapi", "vendor.yaml", "--out", "imported.yaml"], cwd=work, capture_output=True, text=True, timeout=120, env=env)
    assert imported.returncode == 0, imported.stderr
    regenerated = subprocess.run([str(env_dir / "bin" / "webhookgen"), "generate", "--spec", "imported.yaml", "--out", "gen_imported"], cwd=work, capture_output=True, text=True, timeout=300, env=env)
    assert regenerated.returncode == 0, regenerated.stderr
    # diff, in the empty folder: two specs, the report, the exit status; its help shows an example.
    (work / "changed.yaml").write_text(SPEC.replace("{type: string}", "{type: string, optional: true}"))
    changed = subprocess.run([str(env_dir / "bin" / "webhookgen"), "diff", "my.yaml", "changed.yaml", "--format", "json"], cwd=work, capture_output=True, text=True, timeout=60, env=env)
    assert changed.returncode == 1, changed.stderr
    assert [(c["kind"], c["path"], c["class"]) for c in json.loads(changed.stdout)["changes"]] == [("made-optional", "$.id", "breaking")]
    help_text = subprocess.run([str(python), "-m", "webhookgen", "diff", "--help"], cwd=work, capture_output=True, text=True, timeout=60, env=env)
    assert "example: python -m webhookgen diff old.yaml new.yaml" in help_text.stdout, help_text.stdout


def contents(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}
