"""Fuzzed specs through the page importer: spec -> CLI page -> imported spec -> CLI page, byte for byte.

Specs come from three generators: the docs fuzzer's hostile text (descriptions, JSON keys and values
made to break out of Markdown, tests/fuzz_docs.py), the spec fuzzer's mutations of the kitchen
sink (tests/fuzz_specs.py; the ones the loader refuses are skipped), and random events built from
the constructs the page shows only as paragraphs or summaries (`construct_spec`: deprecated events
and fields, descriptions of array items and map values, integer enums, integer and boolean literals,
`json` and `object`, nested in arrays, maps and nullables, with descriptions that look like the
notes the page writes). Each is imported from its CLI
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
    constructs: int = 0  # of `checked`: specs from construct_spec


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


# Paragraphs the page itself writes around a description: a description may hold them too.
LOOKALIKES = ["Deprecated.", "Deprecated: x", "Each item: y", "Each value: z", "Each item of each value: w", ""]


def construct_text(rng: random.Random) -> str:
    """A description: hostile Markdown, the page's own note paragraphs, or both, as paragraphs."""
    parts = [
        rng.choice(LOOKALIKES) if rng.random() < 0.4 else fuzz_docs.hostile_description(rng)
        for _ in range(rng.randint(1, 3))
    ]
    return "\n\n".join(parts) or "x"


def integer_values(rng: random.Random) -> list[int]:
    pool = [0, 1, -1, 2, 7, 10, 42, -300, 10**17, -(10**17)]
    return rng.sample(pool, rng.randint(1, 7))


class ConstructBuilder:
    """Random fields of the constructs, as spec YAML (flow style, double-quoted text)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def q(self, text: str) -> str:
        return fuzz_docs.yaml_quoted(text)

    def described(self, parts: list[str]) -> list[str]:
        if self.rng.random() < 0.5:
            parts.append(f"description: {self.q(construct_text(self.rng))}")
        return parts

    def element(self, depth: int) -> str:
        """An `items:` or `values:` mapping, a description on it half the time."""
        inner = self.shape(depth + 1, element=True)
        return "{" + ", ".join(self.described(inner)) + "}"

    def shape(self, depth: int, element: bool = False) -> list[str]:
        """The keys that declare a type (and `nullable:`), without a description."""
        rng = self.rng
        choices = ["json", "object", "integer", "float", "boolean", "string", "int_enum", "str_enum", "literal"]
        if depth < 3:
            choices += ["items", "values", "items", "values", "fields"]
        kind = rng.choice(choices)
        nullable = rng.random() < 0.25 and kind != "json"
        match kind:
            case "json" | "object" | "integer" | "float" | "boolean" | "string":
                parts = [f"type: {kind}"]
            case "int_enum":
                parts = [f"enum: [{', '.join(map(str, integer_values(rng)))}]"]
            case "str_enum":
                values = rng.sample(["a", "b or c", "d", "<e>", "1", "true"], rng.randint(2, 6))
                parts = [f"enum: [{', '.join(self.q(v) for v in values)}]"]
                if rng.random() < 0.4:
                    parts.append("open: true")
            case "literal":
                value = rng.choice([str(rng.choice(integer_values(rng))), "true", "false", self.q("lit")])
                parts = [f"literal: {value}"]
            case "items" | "values":
                parts = [f"{kind}: {self.element(depth)}"]
            case "fields":
                fields = ", ".join(
                    f"n{k}: {self.field(depth + 1)}" for k in range(rng.randint(1, 3))
                )
                parts = [f"fields: {{{fields}}}"]
            case _:
                raise AssertionError(kind)
        return parts + (["nullable: true"] if nullable else [])

    def field(self, depth: int = 0) -> str:
        rng = self.rng
        parts = self.shape(depth)
        if rng.random() < 0.3:
            parts.append("optional: true")
        deprecated = rng.random()
        if deprecated < 0.2:
            parts.append("deprecated: true")
        elif deprecated < 0.4:
            reason = construct_text(rng)
            parts.append(f"deprecated: {self.q(reason if reason.strip() else 'x')}")
        return "{" + ", ".join(self.described(parts)) + "}"


def construct_spec(rng: random.Random) -> str:
    """Events (one to three, some deprecated) of random fields over the constructs, in one union."""
    build = ConstructBuilder(rng)
    events = []
    for n in range(rng.randint(1, 3)):
        lines = [f"  e{n}_event:"]
        if rng.random() < 0.5:
            lines.append(f"    description: {build.q(construct_text(rng))}")
        if rng.random() < 0.4:
            lines.append("    deprecated: " + rng.choice(["true", build.q(construct_text(rng).strip() or "x")]))
        lines.append("    fields:")
        lines.append(f"      type: {{literal: e{n}, description: {build.q(construct_text(rng))}}}")
        lines += [f"      f{k}: {build.field()}" for k in range(rng.randint(1, 6))]
        events.append("\n".join(lines))
    union = ", ".join(f"e{n}_event" for n in range(len(events)))
    return (
        "title: Constructs\npage: constructs/index.md\nmodule: constructs\nentry: any_event\ntypes:\n"
        + "\n".join(events)
        + f"\n  any_event:\n    discriminator: type\n    union: [{union}]\n"
    )


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
        if n % 3 == 2:
            before = stats.checked
            check_one(construct_spec(rng), stats)
            stats.constructs += stats.checked - before
            continue
        text = hostile_spec(rng) if n % 3 == 0 else fuzz_specs.mutate(fixture, rng)
        check_one(text, stats)
    return stats


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=200)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    stats = run(args.cases, args.seed)
    print(
        f"{stats.checked} specs round-tripped through their pages ({stats.constructs} of the constructs' specs), "
        f"{stats.skipped} refused by the loader"
    )
    for failure in stats.failures[:5]:
        print(failure, file=sys.stderr)
    return 1 if stats.failures else 0


if __name__ == "__main__":
    sys.exit(main())
