"""The diff's classification, checked against the decoders generated from both specs.

For OLD and NEW (stdlib Python modules rendered in memory): every payload of NEW's corpus that NEW
decodes to one of its event classes must decode under OLD too, to the class of the same event,
unless the diff reports a breaking change for that event at (or above) the path OLD's error names;
an event OLD does not know reaches it as UnknownWebhookEvent, and the diff must say it was added.
Every breaking change has a witness that NEW decodes to the event's class and OLD rejects.
The model-level decoder twin (`diff.Side`) must agree with NEW's module on every payload.
"""

from __future__ import annotations

import functools
import itertools
import json
import random
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from corpus import corpus
from generator import diff, model, render, spec
from generator.targets import python as python_target
from spec_mutator import mutate

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = (ROOT / "spec" / "openai_webhooks.yaml", ROOT / "tests" / "golden" / "kitchen_sink" / "spec.yaml")
_counter = itertools.count()


@functools.cache
def _environment() -> Any:
    """One template environment for every render: Jinja compiles each template once."""
    return render.environment()


def module_of(loaded: model.Spec) -> ModuleType:
    """The stdlib module rendered from `loaded`, executed in memory (nothing written)."""
    source = render.produce(python_target.TARGET, loaded, _environment(), True)[f"python/{loaded.module}.py"]
    name = f"_diff_oracle_{next(_counter)}"
    module = ModuleType(name)
    module.__file__ = f"<{name}>"
    sys.modules[name] = module  # the classes' machinery looks their module up
    try:
        exec(compile(source, module.__file__, "exec"), module.__dict__)  # noqa: S102 - our own generated code
    finally:
        del sys.modules[name]
    return module


def cyclic(loaded: model.Spec) -> bool:
    """Whether a type refers back to itself (the corpus's example values would not end)."""
    by_name = {d.name.snake: d for d in loaded.definitions}

    def reach(name: str) -> set[str]:
        if name not in by_name:  # a named scalar or enum refers to nothing
            return set()
        d = by_name[name]
        objects = [m.object for m in d.members] if isinstance(d, model.Union_) else [d]
        return set().union(*(spec.refs(f.type) for o in objects for f in o.fields)) | (
            {m.object.name.snake for m in d.members} if isinstance(d, model.Union_) else set()
        )

    for start in by_name:
        seen, todo = set(), list(reach(start))
        while todo:
            name = todo.pop()
            if name == start:
                return True
            if name not in seen:
                seen.add(name)
                todo.extend(reach(name))
    return False


def event_classes(loaded: model.Spec) -> dict[str, set[str]]:
    """tag -> the Python class names of that event (several: its variants)."""
    assert loaded.entry is not None
    out: dict[str, set[str]] = {}
    for m in loaded.entry.members:
        out.setdefault(m.tag, set()).add(python_target.class_name(m.object.name))
    return out


def decode(module: ModuleType, payload: Any) -> tuple[str, str]:
    """("class", name) | ("unknown", tag) | ("rejected", error path)."""
    try:
        event = module.parse_event(json.dumps(payload))
    except module.WebhookDecodeError as e:
        return "rejected", e.path
    if isinstance(event, module.UnknownWebhookEvent):
        return "unknown", ""
    return "class", type(event).__name__


def pattern(steps: diff.Steps) -> re.Pattern[str]:
    """The decoder's error paths at or below the change's path."""
    out = r"\$"
    for s in steps:
        if isinstance(s, diff.Key):
            out += re.escape(diff.shown_key(s.key))
        elif isinstance(s, diff.Item):
            out += r"\[\d+\]"
        elif isinstance(s, diff.Entry):
            out += r'(\.[^.\[]+|\["(\\.|[^"\\])*"\])'
    return re.compile(out + r"($|[.\[])")


@dataclass
class Tally:
    pairs: int = 0
    changes: int = 0
    breaking: int = 0
    witnesses: int = 0
    payloads: int = 0
    rejected_by_old: int = 0
    kinds: dict[str, int] = field(default_factory=dict)


def check(old: model.Spec, old_module: ModuleType, new: model.Spec, new_module: ModuleType, tally: Tally) -> list[str]:
    """Every way the diff from `old` to `new` disagrees with the two decoders (empty: none)."""
    problems: list[str] = []
    changes = diff.diff(old, new)
    tally.pairs += 1
    tally.changes += len(changes)
    for c in changes:
        tally.kinds[f"{c.kind} {c.severity}"] = tally.kinds.get(f"{c.kind} {c.severity}", 0) + 1
    new_classes, old_classes = event_classes(new), event_classes(old)
    twin = diff.Side(new)
    for case in corpus(new, variants=3):
        got = decode(new_module, case.payload)
        tag = case.payload.get(new.entry.discriminator) if isinstance(case.payload, dict) and new.entry else None
        mirrored = twin.decode_event(case.payload)
        expected = tag if got[0] == "class" else "" if got[0] == "unknown" else None
        if mirrored != expected:
            problems.append(f"diff.Side says {mirrored!r}, the module {got} for {case.name}: {case.payload}")
        if got[0] != "class":
            continue
        tally.payloads += 1
        assert got[1] in new_classes[tag], (got, tag)
        verdict, detail = decode(old_module, case.payload)
        if verdict == "class":
            # a tag's variants: the same class, unless the diff says the event's variants changed
            if detail not in old_classes.get(tag, set()) or (
                detail != got[1] and not any(c.event == tag and c.breaking for c in changes)
            ):
                problems.append(f"{case.name}: OLD decodes it as {detail}, not {got[1]}")
            continue
        if verdict == "unknown":
            said = any(c.event == tag and (c.kind == "event-added" or c.kind == "discriminator-changed") for c in changes)
            if (tag in old_classes and old.entry.discriminator == new.entry.discriminator) or not said:
                problems.append(f"{case.name}: OLD reads it as an unknown event, and the diff does not say added")
            continue
        tally.rejected_by_old += 1
        blamed = [c for c in changes if c.breaking and c.event in (tag, None)]
        if not blamed:
            problems.append(f"{case.name}: OLD rejects it at {detail}, and the diff has no breaking change for {tag}")
        elif not any(pattern(c.steps).match(detail) for c in blamed):
            paths = ", ".join(c.path for c in blamed)
            problems.append(f"{case.name}: OLD rejects it at {detail}, outside every breaking change ({paths})")
    for c in changes:
        if not c.breaking:
            continue
        tally.breaking += 1
        if c.event is None:
            continue
        if c.witness is None:
            problems.append(f"no witness for breaking {c}")
            continue
        tally.witnesses += 1
        new_verdict = decode(new_module, c.witness)
        old_verdict = decode(old_module, c.witness)
        if new_verdict[0] != "class" or new_verdict[1] not in new_classes[c.event]:
            problems.append(f"witness of {c.kind} at {c.path} ({c.event}): NEW gives {new_verdict}: {c.witness}")
        if c.kind == "variants-changed" and old_verdict[0] == "class" and (c.steps or old_verdict[1] != new_verdict[1]):
            pass  # decoded by OLD as another variant's class (of the event, or of a union inside it)
        elif old_verdict[0] != "rejected":
            problems.append(f"witness of {c.kind} at {c.path} ({c.event}): OLD gives {old_verdict}: {c.witness}")
    return problems


def run(cases: int, seed: int, log: Any = None) -> tuple[Tally, list[str], int]:
    """`cases` random edits of the fixtures, each checked both ways (base -> edit, edit -> base).
    Returns the tally, the failures, and how many edits the loader refused (not counted)."""
    rng = random.Random(seed)
    bases = []
    for path in FIXTURES:
        text = path.read_text(encoding="utf-8")
        loaded = spec.parse(text, path.name, path.name)
        bases.append((text, loaded, module_of(loaded)))
    tally, failures, refused = Tally(), [], 0
    done = 0
    while done < cases:
        # the kitchen sink is small and uses every construct: most edits go there
        text, base, base_module = bases[0] if rng.random() < 0.3 else bases[1]
        edited, what = mutate(text, rng, edits=rng.choice((1, 1, 1, 2, 3)))
        try:
            new = spec.parse(edited, "edited.yaml", "edited.yaml", checks=render.checks((python_target.TARGET,)))
        except spec.SpecError:
            refused += 1
            continue
        if cyclic(new):
            refused += 1
            continue
        done += 1
        new_module = module_of(new)
        for a, am, b, bm in ((base, base_module, new, new_module), (new, new_module, base, base_module)):
            problems = check(a, am, b, bm, tally)
            if problems:
                failures.append(f"edit #{done} ({'; '.join(what)}), {a.source} -> {b.source}:\n  " + "\n  ".join(problems[:5]) + "\n" + edited)
        if log is not None and done % 100 == 0:
            print(f"{done} edits, {len(failures)} failures", file=log, flush=True)
    return tally, failures, refused
