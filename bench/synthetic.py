"""Synthetic specs of any size, built from the kitchen-sink fixture so that every construct appears.

`spec_text(n)` is a YAML spec with `n` event types: event i copies the fixture's rich event (every
field shape) when i is a multiple of 10 and its small one (a nested object, a nullable) otherwise,
each under its own name and `type` literal; the shared types (an address, a nested union of payments, keys
that are Python keywords) appear once. `spec_text(n, edit=i)` is the same spec with event i's description
changed, for timing a regeneration after a small edit.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

KITCHEN = Path(__file__).resolve().parent.parent / "tests" / "golden" / "kitchen_sink" / "spec.yaml"


def spec_data(n: int, edit: int | None = None, kitchen: Path = KITCHEN) -> dict[str, Any]:
    base = yaml.safe_load(kitchen.read_text(encoding="utf-8"))
    types = base["types"]
    rich, small = types.pop("order_placed_event"), types.pop("order_cancelled_event")
    union = types.pop("sink_event")
    members = []
    events: dict[str, Any] = {}
    for i in range(n):
        shape = copy.deepcopy(rich if i % 10 == 0 else small)
        kind = "placed" if i % 10 == 0 else "cancelled"
        shape["fields"]["type"] = {"literal": f"order.{kind}.{i}", "description": f"Always `order.{kind}.{i}`."}
        shape["fields"].get("warehouses", {}).get("values", {})["name"] = f"stock_level_{i}"
        if edit == i:
            shape["description"] = shape["description"] + " Edited."
        name = f"order_{kind}_{i}_event"
        events[name] = shape
        members.append(name)
    others = [n for m in union["union"] for n in (m if isinstance(m, list) else [m])]  # variants' lists flattened
    for other in others:  # the fixture's other events stay, once, as types of their own
        if other in types:
            types[other]["standalone"] = True
    union["union"] = members
    return {**{k: v for k, v in base.items() if k != "types"}, "types": {**types, **events, "sink_event": union}}


def spec_text(n: int, edit: int | None = None, kitchen: Path = KITCHEN) -> str:
    return "# Synthetic spec built by bench/synthetic.py from the kitchen-sink fixture.\n" + yaml.safe_dump(
        spec_data(n, edit, kitchen), sort_keys=False, allow_unicode=True, width=100
    )


def write(folder: Path, n: int, edit: int | None = None, kitchen: Path = KITCHEN) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"synthetic_{n}.yaml"
    path.write_text(spec_text(n, edit, kitchen), encoding="utf-8")
    return path
