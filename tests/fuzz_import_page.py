"""Fuzzed specs through the page importer: spec -> CLI page -> imported spec -> CLI page, byte for byte.

Specs come from two generators: the docs fuzzer's hostile text (descriptions, JSON keys and values
made to break out of Markdown, tests/fuzz_docs.py) and the spec fuzzer's mutations of the kitchen
sink (tests/fuzz_specs.py; the ones the loader refuses are skipped). Each is imported from its CLI
page alone and with its Python page; both imports must load and give the same CLI page again, and
the one with the Python page the same Python page too.

    python tests/fuzz_import_page.py --cases 1000 --seed 0     (make fuzz runs it)
"""

from __future__ import annotations

import argparse
import random
import sys
import traceback
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import fuzz_docs  # noqa: E402
import fuzz_specs  # noqa: E402

from generator import model, render, spec  # noqa: E402
from generator.importers import page  # noqa: E402
from generator.problems import SpecError  # noqa: E402
from generator.targets import docs_cli, docs_python  # noqa: E402
from generator.targets.base import RenderError  # noqa: E402


@dataclass
class Stats:
    checked: int = 0
    skipped: int = 0  # mutated specs the loader refuses
    failures: list[str] = field(default_factory=list)


def pages(loaded: model.Spec) -> tuple[str, str]:
    files = render.render(loaded, targets=(docs_cli.TARGET, docs_python.TARGET))
    return files[docs_cli.path(loaded)], files[docs_python.path(loaded)]


def load(text: str) -> model.Spec:
    return spec.parse(text, "s.yaml", "s.yaml", checks=render.checks())


def round_trip(loaded: model.Spec) -> list[str]:
    """What differs after importing the spec's pages (empty: nothing)."""
    cli, py = pages(loaded)
    problems = []
    for python_page in (None, py):
        with_py = "with" if python_page is not None else "without"
        try:
            imported, _ = page.read(cli, python_page, page=loaded.page)
            again = load(page.dump(imported, "index.md"))
            cli2, py2 = pages(again)
        except (page.PageError, SpecError, RenderError) as e:
            problems.append(f"import {with_py} the Python page failed: {e}")
            continue
        if cli2 != cli:
            problems.append(f"the CLI page differs after an import {with_py} the Python page")
        if python_page is not None and py2 != py:
            problems.append("the Python page differs after an import with it")
    return problems


def hostile_spec(rng: random.Random) -> str:
    descriptions = [fuzz_docs.hostile_description(rng) for _ in range(rng.randint(1, 6))]
    keys = rng.sample(fuzz_docs.KEYS, rng.randint(0, len(fuzz_docs.KEYS)))
    values = rng.sample(fuzz_docs.VALUES, rng.randint(1, len(fuzz_docs.VALUES)))
    title = fuzz_docs.hostile_description(rng)
    return fuzz_docs.spec_text(title, descriptions, keys, values)


def check_one(text: str, stats: Stats) -> None:
    try:
        loaded = load(text)
        pages(loaded)
    except (SpecError, RenderError):
        stats.skipped += 1
        return
    try:
        problems = round_trip(loaded)
    except Exception:  # a traceback is a bug of the importer
        problems = [traceback.format_exc()]
    stats.checked += 1
    if problems:
        stats.failures.append("\n".join(problems) + f"\n--- spec ---\n{text}")


def run(cases: int, seed: int) -> Stats:
    rng = random.Random(seed)
    stats = Stats()
    fixture = fuzz_specs.FIXTURE.read_text(encoding="utf-8")
    for n in range(cases):
        text = hostile_spec(rng) if n % 2 == 0 else fuzz_specs.mutate(fixture, rng)
        check_one(text, stats)
    return stats


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=200)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    stats = run(args.cases, args.seed)
    print(f"{stats.checked} specs round-tripped through their pages, {stats.skipped} mutations refused by the loader")
    for failure in stats.failures[:5]:
        print(failure, file=sys.stderr)
    return 1 if stats.failures else 0


if __name__ == "__main__":
    sys.exit(main())
