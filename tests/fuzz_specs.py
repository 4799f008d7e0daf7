"""Hostile specs through the generator: mutated copies of the kitchen-sink fixture, loaded, checked
and rendered by every target in-process. Only the documented outcomes may happen: the outputs, or a
SpecError / RenderError whose every line is `file:line:col: message` (or one line naming a template).
Every Python module rendered is black's output (black changes nothing in it), whether the built-in
layout laid a chunk of it out or left a line of it for black (names long enough to force that are
among the mutations).
Each spec that renders is also an edit of the one before: where the pydantic target's output can be
patched from the previous one, the patch must equal a run of datamodel-code-generator on the whole;
and the tool's output must have the shape a cached one must have to be used (see pydantic.py).

    python tests/fuzz_specs.py --cases 1000 --seed 0     (make fuzz runs it after the payload fuzzer)
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from generator import formatting, model, render, spec  # noqa: E402
from generator.problems import SpecError  # noqa: E402
from generator.targets import msgspec as msgspec_target  # noqa: E402
from generator.targets import pydantic as pydantic_target  # noqa: E402
from generator.targets import python as python_target  # noqa: E402
from generator.targets.base import RenderError  # noqa: E402

FIXTURE = Path(__file__).resolve().parent / "golden" / "kitchen_sink" / "spec.yaml"
LOCATED = re.compile(r"^s\.yaml:\d+:\d+: \S")

# Text a mutation may insert: YAML features the language refuses, values of the wrong kind, odd text.
SNIPPETS = [
    "&a", "*a", "!!int abc", "!!timestamp x", "!!python/object:os.system", "2024-02-30", "0x_", "1:30",
    "yes", "~", "null", "1e400", "9" * 60, "[", "]", "{", "}", ": ", "- ", "#", "`tick`", "'", '"',
    '"\\ud800"', '"\\x00"', "\t", "é", "\u2028", "x" * 300, "__slots__", "class", "from", "type", "raw",
    "{type: string}", "{literal: a}", "{enum: []}", "{items: {items: nope}}", "{fields: {}}", "{values: address}",
    "optional: true", "nullable: maybe", "open: true", "json: content-type", "standalone: true", "name: Bad Name",
    "'a''b\"c'", "{literal: 'it''s \"q\" \\'}", "{enum: ['x''y\"z', b]}",
    # names too long for the layout's rules on one line (still within the spec's limit)
    "long_" * 12 + "name", "longer_" * 13 + "name", "{type: " + "long_" * 12 + "name}",
]


@dataclass
class Stats:
    rendered: int = 0
    refused: int = 0
    patched: int = 0  # renders whose pydantic output was also derived from the previous one
    left_for_black: int = 0  # renders where the layout left a line for black that the fixture's output does not have
    left_in_fixture: set[str] = field(default_factory=set)  # the module header, fixed runtime code with long lines
    failures: list[str] = field(default_factory=list)
    previous: tuple[dict[str, Any], str, str] | None = None  # the last rendered schema, output, spec


def mutate(text: str, rng: random.Random) -> str:
    lines = text.split("\n")
    for _ in range(rng.randint(1, 4)):
        i = rng.randrange(len(lines))
        op = rng.randrange(8)
        if op == 0:
            del lines[i]
        elif op == 1:
            lines.insert(i, lines[rng.randrange(len(lines))])
        elif op == 2:
            j = rng.randrange(len(lines))
            lines[i], lines[j] = lines[j], lines[i]
        elif op == 3:  # a value replaced
            head, sep, _ = lines[i].partition(": ")
            lines[i] = head + (sep or ": ") + rng.choice(SNIPPETS)
        elif op == 4:  # text inserted anywhere in the line
            k = rng.randint(0, len(lines[i]))
            lines[i] = lines[i][:k] + rng.choice(SNIPPETS) + lines[i][k:]
        elif op == 5:  # indentation changed
            lines[i] = " " * rng.choice((0, 1, 2, 3, 4, 6, 8, 12)) + lines[i].lstrip(" ")
        elif op == 6:  # a key renamed
            head, sep, rest = lines[i].partition(":")
            lines[i] = head.replace(head.strip(), rng.choice(SNIPPETS)) + sep + rest if head.strip() else lines[i]
        else:  # a word of the line lengthened everywhere: a name too long for the layout's rules, still valid
            words = re.findall(r"\b[a-z][a-z0-9_]{2,}\b", lines[i])
            if words:
                word = rng.choice(words)
                longer = "_".join([word] * max(2, 90 // (len(word) + 1)))[:100].rstrip("_")
                lines = [re.sub(rf"\b{word}\b", longer, line) for line in lines]
    return "\n".join(lines)


def check_one(text: str, stats: Stats) -> None:
    try:
        loaded = spec.parse(text, "s.yaml", "s.yaml", checks=render.checks())
        files = render.render(loaded)
    except SpecError as e:
        bad = [p for p in str(e).split("\n") if not LOCATED.match(p)]
        if bad or not e.problems:
            stats.failures.append(f"unlocated problem {bad!r}\n--- spec ---\n{text}")
        stats.refused += 1
        return
    except RenderError as e:
        if "\n" in str(e).strip():
            stats.failures.append(f"a render error of several lines: {e}\n--- spec ---\n{text}")
        stats.refused += 1
        return
    except Exception:  # anything else is a bug: a traceback the user would see
        stats.failures.append(f"{traceback.format_exc()}\n--- spec ---\n{text}")
        return
    if not files or any(not isinstance(body, str) or not body for body in files.values()):
        stats.failures.append(f"rendered without output\n--- spec ---\n{text}")
    stats.rendered += 1
    check_black(loaded, files, text, stats)
    check_patch(loaded, text, stats)


def check_black(loaded: model.Spec, files: dict[str, str], text: str, stats: Stats) -> None:
    """Black (through the chunk cache, which holds only its output) changes no Python module."""
    for rel, body in files.items():
        if rel.endswith(".py") and formatting.format_str(body) != body:
            stats.failures.append(f"black changes {rel}\n--- spec ---\n{text}")
    if left_for_black(loaded) - stats.left_in_fixture:
        stats.left_for_black += 1


def left_for_black(loaded: model.Spec) -> set[str]:
    """The chunks of the Python modules where the layout left a line for black."""
    env = render.environment()
    raws = [raw for target in (python_target.TARGET, msgspec_target.TARGET) for raw in target.render(loaded, env).values()]
    return {chunk for raw in raws for chunk in formatting.split(raw)[1:] if formatting.left_for_black(chunk)}  # past the header


def check_patch(loaded: model.Spec, text: str, stats: Stats) -> None:
    document, _ = pydantic_target.cache_key(loaded)
    header = pydantic_target.header(loaded)
    whole = pydantic_target.run_generator(document, header)
    if not pydantic_target.plain_models(whole, header):  # the cache would never serve it
        stats.failures.append(f"the tool's output has a shape a cache entry may not have\n--- spec ---\n{text}")
    if stats.previous is not None:
        before, output, before_text = stats.previous
        patch = pydantic_target.patched(before, output, document, header)
        if patch is not None:
            stats.patched += 1
            if patch != whole:
                stats.failures.append(f"a patched pydantic module differs\n--- from ---\n{before_text}\n--- to ---\n{text}")
    stats.previous = (document, whole, text)


def run(cases: int, seed: int) -> Stats:
    rng = random.Random(seed)
    base = FIXTURE.read_text(encoding="utf-8")
    stats = Stats(left_in_fixture=left_for_black(spec.load(FIXTURE)))
    for _ in range(cases):
        check_one(mutate(base, rng), stats)
        if len(stats.failures) >= 5:
            break
    return stats


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    started = time.monotonic()
    stats = run(args.cases, args.seed)
    print(f"{args.cases} mutated specs in {time.monotonic() - started:.1f} s: {stats.rendered} rendered, {stats.refused} refused with located errors ({stats.patched} pydantic patches checked, {stats.left_for_black} with a line left for black), {len(stats.failures)} failures")
    for failure in stats.failures:
        print("\n" + failure)
    return 1 if stats.failures else 0


if __name__ == "__main__":
    sys.exit(main())
