"""`webhookgen generate|check`: load -> check names -> render -> format -> write (or diff).

Exit status: 0 done (or up to date), 1 `check` found stale files or `generate` refused to overwrite
a file changed by hand, 2 the spec, a template or the output folder is unusable (one located line
per problem, no traceback), a file the generator did not write among them.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from . import DEFAULT_SPEC, __version__, standby

if TYPE_CHECKING:
    import argparse

# The rest of the generator is imported where it is used, after `main` has started the standby
# process (generator/standby.py): its import then overlaps ours.

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "generated"
IN_CHECKOUT = DEFAULT_SPEC.is_file()  # run from the repository, not from an installed wheel
# The spec language's reference: spec/README.md, which the wheel ships inside the package under this name.
SPEC_HELP = "spec_language.md"


def shown(path: Path) -> str:
    """A path as messages show it: relative to the working directory when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except (ValueError, OSError):
        return str(path)


def by_make(args: argparse.Namespace) -> bool:
    """Whether this is the checkout's own spec and output folder, which `make generate` regenerates."""
    return (
        IN_CHECKOUT
        and args.spec.resolve() == DEFAULT_SPEC
        and args.out.resolve() == DEFAULT_OUT
        and args.templates is None
    )


def fix_command(prog: str, args: argparse.Namespace, force: bool = False) -> str:
    """The command that brings this output folder up to date; with `force`, one that overwrites
    files edited by hand or not written by the generator (`generate` refuses to, otherwise)."""
    if by_make(args):
        return "make generate FORCE=1" if force else "make generate"
    words = ["generate", "--spec", shown(args.spec), "--out", shown(args.out)]
    if args.templates is not None:
        words += ["--templates", shown(args.templates)]
    if force:
        words.append("--force")
    import shlex

    return f"{prog} {shlex.join(words)}"


def spec_help() -> str:
    """The spec language's reference: shipped in the package, or read from the checkout."""
    for path in (Path(__file__).resolve().parent / SPEC_HELP, ROOT / "spec" / "README.md"):
        if path.is_file():
            return path.read_text(encoding="utf-8")
    raise FileNotFoundError(SPEC_HELP)


def parser(prog: str) -> argparse.ArgumentParser:
    import argparse

    from . import diff
    from .importers import page as page_importer

    p = argparse.ArgumentParser(
        prog=prog,
        description=__doc__,
        epilog=f"The spec language (what a spec may say, and a guide to editing one): `{prog} spec-help` prints it.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--version", action="version", version=f"webhookgen {__version__}")
    sub = p.add_subparsers(dest="command", required=True)
    for name, help_text in (
        ("generate", "render every output from the spec and write the changed files"),
        ("check", "render in memory, write nothing; exit 1 and show a diff when the output folder is stale"),
    ):
        s = sub.add_parser(name, help=help_text)
        for flag, default, what in (
            ("--spec", DEFAULT_SPEC, "the YAML spec"),
            ("--out", DEFAULT_OUT, "the output folder"),
        ):
            if IN_CHECKOUT:
                s.add_argument(flag, type=Path, default=default, help=f"{what} (default: %(default)s)")
            else:
                s.add_argument(flag, type=Path, required=True, help=f"{what} (required)")
        s.add_argument(
            "--templates", type=Path, default=None, help="a folder of templates that override the built-in ones"
        )
        if name == "generate":
            s.add_argument(
                "--force",
                action="store_true",
                help="overwrite or remove generated files even if they were edited by hand",
            )
    sub.add_parser(
        "spec-help",
        help="print the spec language's reference (Markdown): every construct, and a guide to editing a spec",
    )
    importing = sub.add_parser("import", help="write a spec from what a vendor publishes")
    sources = importing.add_subparsers(dest="source", required=True)
    openapi_parser = sources.add_parser(
        "openapi",
        help="an OpenAPI 3.x document's webhooks (YAML or JSON) -> a spec",
        description="Every entry of the document's top-level `webhooks:` becomes a member of the entry union; "
        "schemas under components.schemas become types named as the vendor names them. What the spec language "
        "cannot express is reported as `FILE: <JSON pointer>: message` (all at once, exit 2, nothing written); "
        "what it cannot keep (formats, examples, ...) as notes on stderr.",
        epilog=f"example:\n  {prog} import openapi openapi.yaml --out spec/vendor_webhooks.yaml",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    openapi_parser.add_argument("file", type=Path, help="the OpenAPI document (.json is read as JSON, else YAML)")
    openapi_parser.add_argument("--out", type=Path, default=None, help="the spec to write (default: stdout)")
    page_importer.add_page_import(sources, prog)
    d = sub.add_parser(
        "diff",
        help="what regenerating from NEW changes for a receiver built from OLD: breaking and safe changes",
        description=diff.__doc__,
        epilog=(
            f"example: {prog} diff old.yaml new.yaml --format markdown > comment.md\n"
            "exit status: 1 when a change of the --fail-on class is found, 0 when none, 2 when a spec is unusable"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    d.add_argument("old", type=Path, metavar="OLD", help="the spec the receiver was generated from")
    d.add_argument("new", type=Path, metavar="NEW", help="the spec to regenerate from")
    d.add_argument("--format", choices=("text", "markdown", "json"), default="text", help="default: %(default)s")
    d.add_argument(
        "--fail-on",
        choices=("breaking", "any", "never"),
        default="breaking",
        help="exit 1 when a change of this class is found (default: %(default)s)",
    )
    return p


def main(argv: list[str] | None = None, prog: str = "python -m generator") -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    with standby.started(spec_to_render(argv)) as tool:  # datamodel-code-generator imports meanwhile
        return run(argv, prog, tool)


def spec_to_render(argv: list[str]) -> Path | None:
    """The spec `generate` or `check` will render, read from the arguments before they are parsed
    (the parser imports much of the generator); None for the other commands. It only decides
    whether a standby process starts: a wrong answer costs time, never changes an output."""
    if not argv or argv[0] not in ("generate", "check"):
        return None
    found, words = DEFAULT_SPEC, argv[1:]
    for i, word in enumerate(words):  # the last one counts, as for the parser
        if word == "--spec" and i + 1 < len(words):
            found = Path(words[i + 1])
        elif word.startswith("--spec="):
            found = Path(word.removeprefix("--spec="))
    return found


def run(argv: list[str], prog: str, tool: standby.Standby | None) -> int:
    from . import output, render, spec

    args = parser(prog).parse_args(argv)
    if args.command == "spec-help":
        return show(spec_help())
    if args.command == "import":
        if args.source == "openapi":
            return import_openapi(args.file, args.out)
        return int(args.handler(args))
    if args.command == "diff":
        return spec_diff(args)
    if args.templates is not None and not args.templates.is_dir():
        print(f"{shown(args.templates)}: --templates is not a folder", file=sys.stderr)
        return 2
    try:
        loaded = spec.load(args.spec, shown(args.spec), checks=render.checks())
        rendered = render.render(loaded, args.templates, names_checked=True, tool=tool.run if tool else None)
        standby.remember(loaded.sha256)
        files = {rel: text.encode("utf-8") for rel, text in rendered.items()}
        if args.command == "check":
            return check(files, args, prog)
        with output.locked(args.out):
            return generate(files, args)
    except (spec.SpecError, render.RenderError, output.OutputError) as e:
        print(e, file=sys.stderr)
        return 2


def import_openapi(source: Path, out: Path | None) -> int:
    """`import openapi FILE [--out SPEC]`: the spec on stdout or in SPEC; notes and warnings on stderr."""
    from .importers import openapi

    try:
        result = openapi.import_file(source, shown(source))
    except openapi.ImportFailed as e:
        print(e, file=sys.stderr)
        return 2
    for line in result.messages(shown(source)):
        print(line, file=sys.stderr)
    if out is None:
        return show(result.text)
    try:
        openapi.write(out, result.text)
    except OSError as e:
        print(f"{shown(out)}: cannot write: {e.strerror or e}", file=sys.stderr)
        return 2
    print(f"wrote {shown(out)}", file=sys.stderr)
    return 0


def spec_diff(args: argparse.Namespace) -> int:
    """`diff OLD NEW`: the report on stdout; every problem of both specs, located, on stderr (exit 2)."""
    from . import diff, spec
    from .importers import openapi

    loaded, problems = [], []
    for path in (args.old, args.new):
        try:
            loaded.append(diff.load(path, shown(path)))
        except spec.SpecError as e:
            problems.append(str(e))
        except openapi.ImportFailed as e:
            problems.append(str(e))
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 2
    changes = diff.diff(loaded[0], loaded[1])
    show(diff.report(changes, shown(args.old), shown(args.new), args.format))
    return 1 if diff.failing(changes, args.fail_on) else 0


def show(text: str) -> int:
    """`text` on stdout; a reader that stops early (`| head`) is no error."""
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at exit
    return 0


def check(files: dict[str, bytes], args: argparse.Namespace, prog: str) -> int:
    from . import output

    p = output.plan(files, args.out)
    interrupted = (args.out / output.JOURNAL).exists()
    if interrupted:
        print(
            f"{shown(args.out / output.JOURNAL)}: a generate is running or was interrupted; the next generate finishes "
            "or rolls it back",
            file=sys.stderr,
        )
    if not p.stale and not p.orphans and not interrupted:
        print(f"{shown(args.out)} is up to date ({len(files)} files)", file=sys.stderr)
        return 0
    sys.stdout.write(output.unified_diff(files, p))
    # `generate` refuses to overwrite these without --force: the advice says so, and what it costs.
    force = bool(p.edited or p.unknown or p.foreign)
    costs = []
    if p.edited:
        costs.append("discards the edits by hand")
    if p.unknown or p.foreign:
        costs.append("replaces the files the generator may not have written")
    flag = "FORCE=1" if by_make(args) else "--force"
    why = f" ({flag} {' and '.join(costs)}, marked below; move a change you want into the spec or a template first)"
    print(
        f"\n{shown(args.out)} is out of date; run `{fix_command(prog, args, force)}`{why if force else ''}:",
        file=sys.stderr,
    )
    for rel in p.stale:
        note = (
            " (edited by hand)"
            if rel in p.edited
            else (
                " (not known to be generated: no manifest)"
                if rel in p.unknown
                else " (not written by the generator)" if rel in p.foreign else ""
            )
        )
        print(f"  stale: {rel}{note}", file=sys.stderr)
    for rel in p.orphans:
        print(f"  no longer generated: {rel}{' (edited by hand)' if rel in p.edited else ''}", file=sys.stderr)
    return 1


def generate(files: dict[str, bytes], args: argparse.Namespace) -> int:
    from . import output

    recovered = output.recover(args.out)
    if recovered:
        print(recovered, file=sys.stderr)
    p = output.plan(files, args.out)
    if p.foreign and not args.force:
        for rel in p.foreign:
            print(
                f"{shown(args.out / rel)}: exists, and the generator did not write it ({output.MANIFEST} does not list "
                "it); not overwritten",
                file=sys.stderr,
            )
        print("Nothing was written. Move the file away, or pass --force to replace it.", file=sys.stderr)
        return 2
    if (p.edited or p.unknown) and not args.force:
        for rel in p.edited:
            print(f"{shown(args.out / rel)}: edited by hand since it was generated; not overwritten", file=sys.stderr)
        for rel in p.unknown:
            print(
                f"{shown(args.out / rel)}: differs, and {output.MANIFEST} is missing or unreadable, so it may not be "
                "a generated file; not overwritten",
                file=sys.stderr,
            )
        print("Move the change into the spec or a template, or pass --force to discard it.", file=sys.stderr)
        return 1
    manifest_stale = output.read(args.out / output.MANIFEST) != output.manifest_bytes(files)
    if p.stale or p.orphans or manifest_stale:
        umask = os.umask(0)
        os.umask(umask)
        output.write_all(args.out, files, p, 0o666 & ~umask)
    removed = f", removed {len(p.orphans)} no longer generated" if p.orphans else ""
    print(f"wrote {len(p.stale)} of {len(files)} files under {shown(args.out)}{removed}", file=sys.stderr)
    return 0


def console() -> None:
    """The `webhookgen` console script."""
    sys.exit(main(prog="webhookgen"))
