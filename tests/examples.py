"""Example JSON values built from the spec model, so tests cover every type the spec defines."""

from __future__ import annotations

from typing import Any

from generator import model


def example(t: model.Type | model.Definition, spec: model.Spec, variant: int = 0) -> Any:
    """A valid JSON value of type `t`; `variant` varies the choices (absent optionals, nulls, lengths)."""
    if isinstance(t, model.String):
        return f"s{variant}"
    if isinstance(t, model.Integer):
        return 1700000000 + variant
    if isinstance(t, model.Float):
        return 1.5 + variant
    if isinstance(t, model.Boolean):
        return variant % 2 == 0
    if isinstance(t, model.Literal):
        return t.value
    if isinstance(t, model.Enum):
        return t.values[variant % len(t.values)] if not (t.open and variant % 3 == 2) else "something-new"
    if isinstance(t, model.Array):
        return [example(t.item, spec, variant + i) for i in range(variant % 3)]
    if isinstance(t, model.Map):
        return {f"k{i}": example(t.value, spec, variant + i) for i in range(variant % 3)}
    if isinstance(t, model.Nullable):
        return None if variant % 2 else example(t.inner, spec, variant)
    if isinstance(t, model.Ref):
        target = next(d for d in spec.definitions if d.name == t.name)
        return example(target, spec, variant)
    if isinstance(t, model.Union_):
        return example(t.members[variant % len(t.members)].object, spec, variant)
    out = {}
    for i, f in enumerate(t.fields):
        if f.optional and (variant + i) % 2:
            continue
        out[f.key] = example(f.type, spec, variant + i)
    return out
