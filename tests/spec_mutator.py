"""A seeded mutator of specs, for the diff's tests: each edit is one a vendor might make (events and
fields added or removed, required/nullable flipped, fields retyped, enum values added or removed,
literals and descriptions changed, members of a nested union added or removed, events and fields
deprecated or no longer, descriptions of array items and map values changed), over every kind of
type (integer enums, integer and boolean literals, `json` and `object` too), a string's format
added, removed or changed, applied to the spec's
YAML as data and written back as YAML. Nothing here names an event of any fixture."""

from __future__ import annotations

import copy
import functools
import random
from collections.abc import Callable, Iterator
from typing import Any

import yaml

SCALARS = ("string", "integer", "float", "boolean", "json", "object")
SHAPE_KEYS = ("type", "literal", "enum", "open", "fields", "items", "values", "nullable", "name", "format", "vendor_format")
FORMATS = ("date-time", "date", "uri", "email", "uuid")


LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


@functools.lru_cache(maxsize=8)
def _parsed(text: str) -> dict[str, Any]:
    data = yaml.load(text, Loader=LOADER)  # noqa: S506 - the safe loader (libyaml's when built)
    assert isinstance(data, dict)
    return data


def read(text: str) -> dict[str, Any]:
    """The spec's YAML as data (a fresh copy: the caller may change it)."""
    return copy.deepcopy(_parsed(text))


def write(data: dict[str, Any]) -> str:
    return yaml.dump(data, Dumper=DUMPER, sort_keys=False, allow_unicode=True, width=1000)


class Mutator:
    def __init__(self, data: dict[str, Any], rng: random.Random):
        self.d = data
        self.rng = rng
        self.types: dict[str, Any] = data["types"]
        self.counter = 0

    # -- what the spec has ---------------------------------------------------------------------

    def unions(self) -> dict[str, dict[str, Any]]:
        return {n: t for n, t in self.types.items() if isinstance(t, dict) and "union" in t}

    def objects(self) -> list[str]:
        return [n for n, t in self.types.items() if isinstance(t, dict) and "fields" in t]

    def tags(self) -> set[tuple[int, str]]:
        """(id of a member's fields mapping, key) of every discriminator field: left alone."""
        out = set()
        for u in self.unions().values():
            for member in flat(u["union"]):
                t = self.types.get(member)
                if isinstance(t, dict) and "fields" in t:
                    out.add((id(t["fields"]), u["discriminator"]))
        return out

    def sites(self) -> Iterator[tuple[dict[str, Any], str]]:
        """(a `fields:` mapping, a key of it) for every field at any depth, discriminators left out."""
        tags = self.tags()

        def walk_type(t: Any) -> Iterator[tuple[dict[str, Any], str]]:
            if not isinstance(t, dict):
                return
            if isinstance(t.get("fields"), dict):
                for key in list(t["fields"]):
                    if (id(t["fields"]), key) not in tags:
                        yield t["fields"], key
                    yield from walk_type(t["fields"][key])
            for k in ("items", "values"):
                yield from walk_type(t.get(k))

        for t in self.types.values():
            yield from walk_type(t)

    def type_dicts(self) -> list[dict[str, Any]]:
        """Every mapping that declares a type (a field's, an `items:`'s, a `values:`'s)."""
        out: list[dict[str, Any]] = []
        for fields, key in self.sites():
            out.append(fields[key])
            t = fields[key]
            for k in ("items", "values"):
                if isinstance(t.get(k), dict):
                    out.append(t[k])
        return out

    def fresh(self, base: str) -> str:
        self.counter += 1
        return f"{base}{self.counter}_{self.rng.randrange(1000)}"

    def random_type(self, depth: int = 0) -> dict[str, Any]:
        r = self.rng.random()
        named = [n for n in self.types if n != self.d.get("entry")]
        if r < 0.35 or depth > 1:
            t: dict[str, Any] = {"type": self.rng.choice(SCALARS)}
            if t["type"] == "string" and self.rng.random() < 0.3:
                t["format"] = self.rng.choice(FORMATS)
        elif r < 0.45:
            t = {"literal": self.rng.choice(["on", 3, -2, 0, True, False, "x.y"])}
        elif r < 0.6:
            if self.rng.random() < 0.35:
                t = {"enum": self.rng.sample([1, 2, 3, -4, 10], self.rng.randint(1, 3))}
            else:
                t = {"enum": self.rng.sample(["a", "b", "c", "d"], self.rng.randint(1, 3))}
                if self.rng.random() < 0.3:
                    t["open"] = True
        elif r < 0.7:
            t = {"items": self.element(depth)}
        elif r < 0.78:
            t = {"values": self.element(depth)}
        elif r < 0.9:
            t = {"fields": {self.fresh("f"): self.random_type(depth + 1)}}
        else:
            t = {"type": self.rng.choice(named)}
        if self.rng.random() < 0.2 and t.get("type") != "json":  # null is a JSON value already
            t["nullable"] = True
        return t

    def element(self, depth: int) -> dict[str, Any]:
        """An `items:` or `values:` type, with a description of its own now and then."""
        t = self.random_type(depth + 1)
        if self.rng.random() < 0.3:
            t["description"] = self.rng.choice(["One of them.", "Each `one` <i>here</i>."])
        return t

    # -- edits ---------------------------------------------------------------------------------

    def add_event(self) -> str:
        entry = self.types[self.d["entry"]]
        name = self.fresh("added_event_")
        tag = name.replace("_", ".")
        fields: dict[str, Any] = {entry["discriminator"]: {"literal": tag}}
        for _ in range(self.rng.randint(1, 3)):
            fields[self.fresh("f")] = self.random_type()
        self.types[name] = {"description": "Added.", "fields": fields}
        entry["union"].append(name)
        return f"add event {tag}"

    def remove_event(self) -> str | None:
        entry = self.types[self.d["entry"]]
        if len(entry["union"]) < 2:
            return None
        name = entry["union"].pop(self.rng.randrange(len(entry["union"])))
        for n in flat([name]):  # an event, or all its variants
            self.types[n]["standalone"] = True
        return f"remove event {name}"

    def add_member(self) -> str | None:
        nested = [n for n in self.unions() if n != self.d["entry"]]
        if not nested:
            return None
        u = self.types[self.rng.choice(nested)]
        name = self.fresh("added_member_")
        self.types[name] = {"fields": {u["discriminator"]: {"literal": name}, self.fresh("f"): self.random_type()}}
        u["union"].append(name)
        return f"add member {name}"

    def remove_member(self) -> str | None:
        nested = [n for n in self.unions() if n != self.d["entry"] and len(self.types[n]["union"]) > 1]
        if not nested:
            return None
        u = self.types[self.rng.choice(nested)]
        name = u["union"].pop(self.rng.randrange(len(u["union"])))
        for n in flat([name]):
            self.types[n]["standalone"] = True
        return f"remove member {name}"

    def add_variant(self) -> str | None:
        """Another shape of a union member, with its tag: the two (or more) become variants."""
        u = self.types[self.rng.choice(sorted(self.unions()))]
        i = self.rng.randrange(len(u["union"]))
        group = u["union"][i] if isinstance(u["union"][i], list) else [u["union"][i]]
        first = self.types[group[0]]["fields"]
        name = self.fresh("added_variant_")
        fields = {k: copy.deepcopy(v) for k, v in first.items() if k == u["discriminator"] or self.rng.random() < 0.5}
        fields[self.fresh("f")] = self.random_type()
        self.types[name] = {"fields": fields}
        group.insert(self.rng.randrange(len(group) + 1), name)
        u["union"][i] = group
        return f"add variant {name}"

    def remove_or_reorder_variant(self) -> str | None:
        groups = [(u, i) for u in self.unions().values() for i, g in enumerate(u["union"]) if isinstance(g, list)]
        if not groups:
            return None
        u, i = self.rng.choice(groups)
        group = u["union"][i]
        if self.rng.random() < 0.5:
            group.reverse()
            return f"reorder variants {group}"
        name = group.pop(self.rng.randrange(len(group)))
        self.types[name]["standalone"] = True
        if len(group) == 1:
            u["union"][i] = group[0]
        return f"remove variant {name}"

    def add_field(self) -> str | None:
        sites = list(self.sites())
        holders = [fields for fields, _ in sites] + [self.types[n]["fields"] for n in self.objects()]
        fields = self.rng.choice(holders)
        key = self.fresh("added_")
        t = self.random_type()
        if self.rng.random() < 0.5:
            t["optional"] = True
        fields[key] = t
        return f"add field {key}"

    def remove_field(self) -> str | None:
        sites = [(f, k) for f, k in self.sites() if len(f) > 1]
        if not sites:
            return None
        fields, key = self.rng.choice(sites)
        del fields[key]
        return f"remove field {key}"

    def flip(self, flag: str) -> str | None:
        sites = list(self.sites())
        if not sites:
            return None
        fields, key = self.rng.choice(sites)
        t = fields[key]
        if t.get(flag):
            del t[flag]
        else:
            t[flag] = True
        return f"flip {flag} of {key}"

    def retype(self) -> str | None:
        targets = self.type_dicts()
        if not targets:
            return None
        t = self.rng.choice(targets)
        for k in SHAPE_KEYS:
            t.pop(k, None)
        t.update(self.random_type())
        return "retype"

    def enum_edit(self) -> str | None:
        enums = [t for t in self.type_dicts() if "enum" in t]
        if not enums:
            return None
        t = self.rng.choice(enums)
        r = self.rng.random()
        integers = isinstance(t["enum"][0], int)
        if r < 0.45:
            t["enum"] = [*t["enum"], max(t["enum"]) + self.rng.randint(1, 5) if integers else self.fresh("v")]
            return "enum value added"
        if r < 0.9 and len(t["enum"]) > 1:
            t["enum"] = [v for v in t["enum"] if v != self.rng.choice(t["enum"])]
            return "enum value removed"
        if integers:  # an enum of integers is never open: it becomes one of strings
            t["enum"] = [str(v) for v in t["enum"]]
            return "enum of integers made one of strings"
        t["open"] = not t.get("open", False)
        return "enum open flipped"

    def literal_edit(self) -> str | None:
        literals = [t for t in self.type_dicts() if "literal" in t]
        if not literals:
            return None
        t = self.rng.choice(literals)
        v = t["literal"]
        t["literal"] = (not v) if isinstance(v, bool) else v + 1 if isinstance(v, int) else v + "2"
        return "literal changed"

    def deprecate(self) -> str | None:
        """A field (never a discriminator) or an object deprecated, with or without a reason, or no longer."""
        holders: list[dict[str, Any]] = [fields[key] for fields, key in self.sites()]
        holders += [self.types[n] for n in self.objects()]
        if not holders:
            return None
        t = self.rng.choice(holders)
        if "deprecated" in t and self.rng.random() < 0.5:
            del t["deprecated"]
            return "no longer deprecated"
        t["deprecated"] = self.rng.choice([True, "Use `other` instead.", "A <b>new</b> reason."])
        return "deprecated"

    def describe_element(self) -> str | None:
        """The description of a field's array items or map values added, changed or removed."""
        holders = []
        for t in self.type_dicts():
            for k in ("items", "values"):
                if k in t:
                    if not isinstance(t[k], dict):
                        t[k] = {"type": t[k]}  # `items: string` as a mapping, to describe it
                    holders.append(t[k])
        if not holders:
            return None
        t = self.rng.choice(holders)
        if "description" in t and self.rng.random() < 0.4:
            del t["description"]
            return "element description removed"
        t["description"] = self.rng.choice(["Each one.", "A `new` one | with\na line."])
        return "element description changed"

    def format_edit(self) -> str | None:
        strings = [t for t in self.type_dicts() if t.get("type") == "string"]
        if not strings:
            return None
        t = self.rng.choice(strings)
        if "format" not in t:
            t["format"] = self.rng.choice(FORMATS)
            return "format added"
        if self.rng.random() < 0.5:
            del t["format"]
            return "format removed"
        t["format"] = self.rng.choice([f for f in FORMATS if f != t["format"]])
        return "format changed"

    def describe(self) -> str | None:
        holders: list[dict[str, Any]] = [t for t in self.types.values() if isinstance(t, dict)] + self.type_dicts()
        t = self.rng.choice(holders)
        t["description"] = self.rng.choice(["Changed.", "A `new` <b>text</b> | with [a](javascript:x)\nand a line."])
        return "description changed"

    EDITS: tuple[tuple[str, float], ...] = (
        ("add_event", 1),
        ("remove_event", 1),
        ("add_member", 0.5),
        ("remove_member", 0.5),
        ("add_variant", 0.5),
        ("remove_or_reorder_variant", 0.5),
        ("add_field", 2),
        ("remove_field", 2),
        ("flip_optional", 2),
        ("flip_nullable", 2),
        ("retype", 3),
        ("enum_edit", 2),
        ("literal_edit", 1),
        ("format_edit", 1),
        ("describe", 1),
        ("deprecate", 1),
        ("describe_element", 1),
    )

    def edit(self) -> str | None:
        names = [n for n, _ in self.EDITS]
        weights = [w for _, w in self.EDITS]
        name = self.rng.choices(names, weights)[0]
        action: Callable[[], str | None]
        if name.startswith("flip_"):
            flag = name.removeprefix("flip_")
            action = lambda: self.flip(flag)  # noqa: E731
        else:
            action = getattr(self, name)
        return action()


def flat(members: list[Any]) -> list[str]:
    """A union's members, its variants' lists flattened."""
    return [n for m in members for n in (m if isinstance(m, list) else [m])]


def mutate(text: str, rng: random.Random, edits: int = 1) -> tuple[str, list[str]]:
    """`text` with `edits` random edits, and what they were."""
    data = read(text)
    m = Mutator(data, rng)
    done = []
    for _ in range(edits * 4):
        what = m.edit()
        if what is not None:
            done.append(what)
        if len(done) == edits:
            break
    return write(data), done
