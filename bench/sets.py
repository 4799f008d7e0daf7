"""The benchmark's payload sets, built from the loaded spec (so they exist for any spec, and follow it).

- the mix: one event of each type of the entry union, every key filled (optional ones too), arrays
  with 6 items, nested objects as the spec nests them;
- large arrays: the first event with an array of objects, that array filled with 200, then 1,000
  items built from the spec's item type (skipped when the spec has no array);
- unknown keys: the mix with 50 keys the spec does not define added to every object.

Values are deterministic and JSON-sized like the vendor's (ids of ~36 characters, Unix times).
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from generator import model, spec  # noqa: E402

MIX_ITEMS = 6
UNKNOWN_KEYS = 50


@dataclass(frozen=True)
class PayloadSet:
    name: str  # for the tables: what the set is
    payloads: list[bytes]

    @property
    def size(self) -> str:
        total = sum(map(len, self.payloads))
        per = total / len(self.payloads)
        return f"{per / 1024:.0f} KB" if per >= 10_240 else f"{per:.0f} B"


class Builder:
    """Valid JSON values of the spec's types: every optional key present, arrays of `items` items."""

    def __init__(self, loaded: model.Spec) -> None:
        self.spec = loaded
        self.unknown = 0  # keys the spec does not define, added to every object
        self.long_array: model.Array | None = None  # this array gets `long_items` items, the others MIX_ITEMS
        self.long_items = 0

    def value(self, t: model.Type | model.Definition, key: str, i: int, depth: int = 0) -> Any:
        if isinstance(t, model.String):
            return f"{key[:12]}_{i:08d}_{'0123456789abcdef' * 2}"[:40]
        if isinstance(t, model.Integer):
            return 1_750_000_000 + i
        if isinstance(t, model.Float):
            return 0.25 + i
        if isinstance(t, model.Boolean):
            return i % 2 == 0
        if isinstance(t, model.Literal):
            return t.value
        if isinstance(t, model.Enum):
            return t.values[i % len(t.values)]
        if isinstance(t, model.Array):
            n = self.long_items if t is self.long_array else (MIX_ITEMS if depth < 8 else 0)
            return [self.value(t.item, key, i + j, depth + 1) for j in range(n)]
        if isinstance(t, model.Map):
            return {f"k{j}": self.value(t.value, key, i + j, depth + 1) for j in range(3 if depth < 8 else 0)}
        if isinstance(t, model.Nullable):
            return self.value(t.inner, key, i, depth) if depth < 8 else None
        if isinstance(t, model.Ref):
            return self.value(self.spec.definition(t.name), key, i, depth)
        if isinstance(t, model.Union_):
            return self.value(t.members[i % len(t.members)].object, key, i, depth)
        assert isinstance(t, model.Object), t
        out = {f.key: self.value(f.type, f.key, i, depth + 1) for f in t.fields}
        for j in range(self.unknown):
            out[f"x_unknown_{j}"] = f"extra value {j}" if j % 2 else j
        return out

    def event(self, member: model.UnionMember, i: int) -> bytes:
        return json.dumps(self.value(member.object, "event", i)).encode()


def arrays_of_objects(t: model.Type | model.Definition, loaded: model.Spec, seen: frozenset[str] = frozenset()) -> list[tuple[str, model.Array]]:
    """(key, array) for every array of objects reachable from `t`, outermost first."""
    if isinstance(t, model.Ref):
        if t.name.snake in seen:
            return []
        return arrays_of_objects(loaded.definition(t.name), loaded, seen | {t.name.snake})
    if isinstance(t, model.Nullable):
        return arrays_of_objects(t.inner, loaded, seen)
    if isinstance(t, model.Union_):
        return [a for m in t.members for a in arrays_of_objects(m.object, loaded, seen)]
    if isinstance(t, model.Object):
        found = []
        for f in t.fields:
            inner = f.type.inner if isinstance(f.type, model.Nullable) else f.type
            if isinstance(inner, model.Array):
                item = inner.item
                item = loaded.definition(item.name) if isinstance(item, model.Ref) else item
                if isinstance(item, (model.Object, model.Union_)):
                    found.append((f.key, inner))
            found += arrays_of_objects(f.type, loaded, seen)
        return found
    if isinstance(t, (model.Array, model.Map)):
        return arrays_of_objects(t.item if isinstance(t, model.Array) else t.value, loaded, seen)
    return []


def payload_sets(spec_path: Path = spec.DEFAULT) -> list[PayloadSet]:
    loaded = spec.load(spec_path)
    assert loaded.entry is not None, "the benchmark needs an entry union"
    members = loaded.entry.members
    b = Builder(loaded)
    out = [PayloadSet(f"{len(members)} events, one of each type", [b.event(m, i) for i, m in enumerate(members)])]
    for m in members:
        found = arrays_of_objects(m.object, loaded)
        if found:
            key, b.long_array = found[0]
            for n in (200, 1000):
                b.long_items = n
                out.append(PayloadSet(f"`{m.tag}` with {n:,} `{key}` items", [b.event(m, 0)]))
            b.long_array = None
            break
    b.unknown = UNKNOWN_KEYS
    out.append(PayloadSet(f"{len(members)} events, {UNKNOWN_KEYS} unknown keys in every object", [b.event(m, i) for i, m in enumerate(members)]))
    return out


if __name__ == "__main__":
    for s in payload_sets():
        print(f"{s.name}: {len(s.payloads)} payloads of {s.size}")
