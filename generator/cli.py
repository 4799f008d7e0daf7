"""`python -m generator generate|check`: load -> validate -> render -> format -> write (or diff)."""

from __future__ import annotations

import argparse
import difflib
import os
import sys
import tempfile
from pathlib import Path

from generator import render, spec

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SPEC = ROOT / "spec" / "openai_webhooks.yaml"
DEFAULT_OUT = ROOT / "generated"


def shown(path: Path) -> str:
    """A path as error messages show it: relative to the working directory when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def stale(files: dict[str, str], out: Path) -> list[str]:
    """The paths whose file on disk is missing or differs from what would be written."""
    result = []
    for rel, text in files.items():
        target = out / rel
        try:
            current = target.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            current = None
        if current != text:
            result.append(rel)
    return result


def unified_diff(files: dict[str, str], out: Path, paths: list[str]) -> str:
    chunks: list[str] = []
    for rel in paths:
        target = out / rel
        old = target.read_text(encoding="utf-8", errors="replace") if target.is_file() else ""
        chunks.extend(
            difflib.unified_diff(
                old.splitlines(keepends=True),
                files[rel].splitlines(keepends=True),
                fromfile=f"a/{rel}",
                tofile=f"b/{rel}",
            )
        )
    return "".join(chunks)


def write_atomically(path: Path, text: str, mode: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        os.chmod(tmp, mode)  # mkstemp makes it private; outputs are meant to be copied and published
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m generator", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    for name, help_text in (
        ("generate", "render every output from the spec and write the changed files"),
        ("check", "render in memory, write nothing; exit 1 and show a diff when the output folder is stale"),
    ):
        p = sub.add_parser(name, help=help_text)
        p.add_argument("--spec", type=Path, default=DEFAULT_SPEC, help="the YAML spec (default: %(default)s)")
        p.add_argument("--out", type=Path, default=DEFAULT_OUT, help="the output folder (default: %(default)s)")
        p.add_argument("--templates", type=Path, default=None, help="a folder of templates that override the built-in ones")
    args = parser.parse_args(argv)
    if args.templates is not None and not args.templates.is_dir():
        print(f"{shown(args.templates)}: --templates is not a folder", file=sys.stderr)
        return 2

    try:
        loaded = spec.load(args.spec, shown(args.spec), checks=[t.check for t in render.TARGETS])
        files = render.render(loaded, args.templates)
    except (spec.SpecError, render.RenderError) as e:
        print(e, file=sys.stderr)
        return 2
    changed = stale(files, args.out)

    if args.command == "check":
        if changed:
            sys.stdout.write(unified_diff(files, args.out, changed))
            print(f"\n{len(changed)} stale file(s) under {shown(args.out)}; run `make generate`:", file=sys.stderr)
            for rel in changed:
                print(f"  {rel}", file=sys.stderr)
            return 1
        print(f"{shown(args.out)} is up to date ({len(files)} files)", file=sys.stderr)
        return 0

    umask = os.umask(0)
    os.umask(umask)
    for rel in changed:
        write_atomically(args.out / rel, files[rel], 0o666 & ~umask)
    print(f"wrote {len(changed)} of {len(files)} files under {shown(args.out)}", file=sys.stderr)
    return 0
