"""Payload fuzzer for the generated modules' `parse_event` and `unwrap`.

    .venv/bin/python tests/fuzz_payloads.py [--cases 100000] [--seed 0]     # what `make fuzz` runs

Payloads are built from the loaded spec (never from a list of today's events): a random valid event
of every member of the entry union, then mutated, structurally (keys deleted or added, values of
another type, booleans for integers, swapped discriminators, nulls) and as text (huge integers,
1e400, NaN and Infinity tokens, duplicate keys, deep nesting, bad UTF-8, truncation, flipped bytes).

Each payload goes through `parse_event` (as bytes, and as str or a mapping when it has one; some
mappings then get a set, a bytes key, a str subclass, NaN and the like) and through `unwrap` with a
correct signature, and its outcome is checked against an oracle written from
the model here, independently of the templates:

- only WebhookDecodeError (and, from `unwrap`, InvalidWebhookSignatureError) may escape;
- a payload is accepted exactly when it is JSON that conforms to the spec, or an object whose `type`
  no member has (UnknownWebhookEvent; `strict=True` then rejects it);
- an accepted payload's `to_dict()` equals `json.loads` of its text, types included (`True` is not
  `1`, `1.0` is not `1`), and its class is the member its `type` names;
- `unwrap` with a correct signature agrees with `parse_event`; with any header changed (removed,
  empty, garbled, lengthened, truncated, a wrong signature, a 5,000-digit timestamp) it raises
  InvalidWebhookSignatureError before decoding anything.

Everything is bounded: strings, arrays, maps and nesting have small maximum sizes, a huge integer has
at most 5,000 digits and deep nesting at most 100,000 brackets. The same seed gives the same cases.
"""

from __future__ import annotations

import argparse
import base64
import copy
import decimal
import hashlib
import hmac
import json
import math
import random
import re
import sys
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType, ModuleType
from typing import Any

TESTS = Path(__file__).resolve().parent
if str(TESTS) not in sys.path:  # run as a script: conftest, and the generator beside tests/
    sys.path.insert(0, str(TESTS))
from conftest import GENERATED, ROOT, SPEC, import_path  # noqa: E402

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
from examples import FORMAT_EXAMPLES  # noqa: E402
from generator import formats, model, spec  # noqa: E402

KITCHEN = TESTS / "golden" / "kitchen_sink"
TARGETS = [  # (spec, generated module, module name)
    (SPEC, GENERATED / "python" / "openai_webhooks.py", "openai_webhooks"),
    (KITCHEN / "spec.yaml", KITCHEN / "expected" / "python" / "kitchen_sink.py", "kitchen_sink"),
]
KEY = b"fuzz-key-0123456789abcdef"
SECRET = "whsec_" + base64.b64encode(KEY).decode()
NOW = 1_750_000_000
MAX_DEPTH = 6  # of generated values, below the spec's own structure
RAW = "\x00raw:"  # a string starting with this is replaced by raw JSON text when serialized


# ------------------------------------------------------------------ the oracle: conformance to the model


class Target:
    """One spec with its generated module: what the fuzzer builds from and checks against."""

    def __init__(self, spec_path: Path, module_path: Path, module_name: str) -> None:
        self.spec = spec.load(spec_path)
        self.module = import_path(module_path, module_name)
        self.name = module_name
        entry = self.spec.entry
        assert entry is not None, f"{spec_path} has no entry union: nothing to fuzz"
        self.entry = entry
        self.definitions: dict[str, model.Definition] = {d.name.snake: d for d in self.spec.definitions}
        self.classes = {m.tag: m.object.name.pascal for m in entry.members}
        self.keys = sorted({f.key for obj in self.spec.objects for f in obj.fields})  # for misplaced keys

    def class_of(self, value: Any) -> str:
        """The class an event decodes as: its tag's member, or the first of its variants that takes it."""
        tag = value.get(self.entry.discriminator)
        return next(m.object.name.pascal for m in self.entry.members if m.tag == tag and self.conforms(value, m.object))

    def resolve(self, t: model.Type | model.Definition) -> model.Type | model.Definition:
        if isinstance(t, model.Named):  # a named scalar or enum: the type it names
            return t.type
        return self.definitions[t.name.snake] if isinstance(t, model.Ref) else t

    def conforms(self, value: Any, t: model.Type | model.Definition) -> bool:
        """Whether a JSON value (from json.loads) matches type `t` of the spec."""
        t = self.resolve(t)
        if isinstance(t, model.Json):
            return finite(value)  # whatever json.loads gives, but a mapping passed in may hold inf or nan
        if isinstance(t, model.Float):
            return type(value) is int or (type(value) is float and math.isfinite(value))
        if isinstance(t, model.String) and t.format is not None:  # spec/README.md, "String formats"
            return type(value) is str and re.fullmatch(formats.of(t.format).pattern, value) is not None
        if isinstance(t, (model.String, model.Integer, model.Boolean)):
            return type(value) is {model.String: str, model.Integer: int, model.Boolean: bool}[type(t)]
        if isinstance(t, model.Literal):
            return type(value) is type(t.value) and value == t.value
        if isinstance(t, model.Enum):
            return type(value) is type(t.values[0]) and (t.open or value in t.values)  # strings or integers
        if isinstance(t, model.Array):
            return type(value) is list and all(self.conforms(v, t.item) for v in value)
        if isinstance(t, model.Map):
            return type(value) is dict and all(self.conforms(v, t.value) for v in value.values())
        if isinstance(t, model.Nullable):
            return value is None or self.conforms(value, t.inner)
        if isinstance(t, model.OneOf):
            return any(self.conforms(value, m) for m in t.members)
        if isinstance(t, model.Union_):
            if type(value) is not dict:
                return False
            # a tag's variants: any of them may take it (the first that does, for the class)
            return any(m.tag == value.get(t.discriminator) and self.conforms(value, m.object) for m in t.members)
        if isinstance(t, model.Object):
            if type(value) is not dict:
                return False
            for f in t.fields:
                if f.key in value:
                    if not self.conforms(value[f.key], f.type):
                        return False
                elif not f.optional:
                    return False
            if t.other is not None:  # an open object checks every key it does not declare
                known = {f.key for f in t.fields}
                return all(self.conforms(v, t.other) for k, v in value.items() if k not in known)
            return True
        raise AssertionError(f"unknown model type {t!r}")

    # -------------------------------------------------------------- valid values, built from the model

    def valid(self, t: model.Type | model.Definition, rng: random.Random, depth: int = 0) -> Any:
        t = self.resolve(t)
        if depth > 4 * MAX_DEPTH:  # a type that contains itself: stop where the spec allows it
            if isinstance(t, (model.Array, model.Map)):
                return [] if isinstance(t, model.Array) else {}
            if isinstance(t, model.Nullable):
                return None
        if isinstance(t, model.String) and t.format is not None:
            return rng.choice(FORMAT_EXAMPLES[t.format])
        if isinstance(t, (model.String, model.Integer, model.Float, model.Boolean)):
            return scalar(SCALAR_NAMES[type(t)], rng)
        if isinstance(t, model.Json):
            return any_json(rng, depth)
        if isinstance(t, model.Literal):
            return t.value
        if isinstance(t, model.Enum):
            if t.open and rng.random() < 0.3:
                return text(rng)
            return rng.choice(t.values)
        if isinstance(t, model.Array):
            return [self.valid(t.item, rng, depth + 1) for _ in range(rng.randrange(4))]
        if isinstance(t, model.Map):
            return {text(rng): self.valid(t.value, rng, depth + 1) for _ in range(rng.randrange(4))}
        if isinstance(t, model.Nullable):
            return None if rng.random() < 0.3 else self.valid(t.inner, rng, depth)
        if isinstance(t, model.OneOf):
            return self.valid(rng.choice(t.members), rng, depth)
        if isinstance(t, model.Union_):
            return self.valid(rng.choice(t.members).object, rng, depth)
        if isinstance(t, model.Object):
            out = {}
            for f in t.fields:
                if not (f.optional and rng.random() < 0.4):
                    out[f.key] = self.valid(f.type, rng, depth + 1)
            if rng.random() < 0.2:  # unknown keys are kept (an open object's, of its other_values: type)
                key = text(rng)
                if key not in {f.key for f in t.fields}:
                    out[key] = any_json(rng, depth + 1) if t.other is None else self.valid(t.other, rng, depth + 1)
            if rng.random() < 0.5:
                keys = list(out)
                rng.shuffle(keys)
                out = {k: out[k] for k in keys}
            return out
        raise AssertionError(f"unknown model type {t!r}")

    def event(self, rng: random.Random) -> Any:
        if rng.random() < 0.05:  # an event type added after the module was generated
            event = self.valid(rng.choice(self.entry.members).object, rng)
            event[self.entry.discriminator] = "future." + text(rng)
            return event
        return self.valid(self.entry, rng)


def finite(value: Any) -> bool:
    """No float in `value` (at any depth) is inf or nan: JSON has none, and the module refuses them."""
    todo = [value]
    while todo:
        x = todo.pop()
        if type(x) is float and not math.isfinite(x):
            return False
        if isinstance(x, (list, tuple)):
            todo.extend(x)
        elif isinstance(x, dict):
            todo.extend(x.values())
    return True


SCALAR_NAMES = {model.String: "string", model.Integer: "integer", model.Float: "float", model.Boolean: "boolean"}


def scalar(name: str, rng: random.Random) -> Any:
    if name == "string":
        return text(rng)
    if name == "integer":
        return rng.choice([0, 1, -1, rng.randrange(-(2**63), 2**63), rng.randrange(10**30), 1_750_000_000])
    if name == "float":
        return rng.choice([0.0, -0.0, 1.5, rng.uniform(-1e9, 1e9), 1e308, 5e-324, rng.randrange(-100, 100)])
    return rng.random() < 0.5


# No lone surrogates: the module refuses a payload holding one (RAW_TOKENS brings them in).
ALPHABET = "abcXYZ019 _-.:/\"\\\n\t\x00\x7f\u00e9\u2028\u20ac\U0001f600"


def text(rng: random.Random) -> str:
    return "".join(rng.choice(ALPHABET) for _ in range(rng.randrange(12)))


def any_json(rng: random.Random, depth: int = 0) -> Any:
    kind = rng.randrange(8 if depth < MAX_DEPTH else 6)
    if kind == 0:
        return None
    if kind == 1:
        return rng.random() < 0.5
    if kind == 2:
        return scalar("integer", rng)
    if kind == 3:
        return scalar("float", rng)
    if kind in (4, 5):
        return text(rng)
    if kind == 6:
        return [any_json(rng, depth + 1) for _ in range(rng.randrange(4))]
    return {text(rng): any_json(rng, depth + 1) for _ in range(rng.randrange(4))}


# ------------------------------------------------------------------ mutations

RAW_TOKENS = [
    "NaN", "Infinity", "-Infinity", "1e400", "-1e400", "1" * 4300, "-" + "9" * 4301, "1" * 5000, "-0",
    "1.0", "1E2", "0.0", "-0.0", "01", "1.", ".5", "+1", "0x10", "true", "null", "[]", "{}",
    "[" * 100_000 + "]" * 100_000, '{"a":' * 50_000 + "1" + "}" * 50_000, '"\\ud800"', '"\\u0000"',
    '"a\\uDC00"', '"\\ud83d\\ude00"', '"\\\\ud800"', '"\\\\\\ud800"',
]  # fmt: skip


def nodes(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Any]]:
    """Every (path, value) in a JSON value, the root first."""
    yield path, value
    if type(value) is dict:
        for k, v in value.items():
            yield from nodes(v, (*path, k))
    elif type(value) is list:
        for i, v in enumerate(value):
            yield from nodes(v, (*path, i))


def replace(root: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    parent = root
    for step in path[:-1]:
        parent = parent[step]
    parent[path[-1]] = new
    return root


def other_type(value: Any, rng: random.Random) -> Any:
    """A value of another JSON type, or a classic near miss of the same one."""
    if value is True or value is False:
        return rng.choice([int(value), float(value), str(value).lower(), None, [value]])
    if type(value) is int:
        return rng.choice([value != 0, float(value), str(value), None, [value], 10**30 + value, -value])
    if type(value) is float:
        return rng.choice([int(value) if math.isfinite(value) else 0, str(value), None, value > 0])
    if type(value) is str:
        return rng.choice([value.upper(), value + " ", "", 0, None, [value], {"value": value}, value.encode("utf-8", "surrogatepass").hex()])
    if value is None:
        return rng.choice([0, "", "null", False, [], {}])
    if type(value) is list:
        return rng.choice([{}, tuple_to_dict(value), value[0] if value else None, "[]", [value]])
    return rng.choice([[], list(value.values()), None, "{}", [value]])


def tuple_to_dict(items: list[Any]) -> dict[str, Any]:
    return {str(i): v for i, v in enumerate(items)}


def raw(json_text: str) -> str:
    return RAW + json_text


def mutate(target: Target, value: Any, rng: random.Random) -> Any:
    """One structural mutation of a JSON value (in place where it can), returned."""
    everything = list(nodes(value))
    path, node = rng.choice(everything)
    kind = rng.randrange(10)
    if kind == 0 and type(node) is dict and node:  # delete a key
        del node[rng.choice(list(node))]
    elif kind == 1 and type(node) is dict:  # add a key, sometimes one the spec knows with a wrong value
        node[rng.choice([text(rng), *target.keys])] = any_json(rng)
    elif kind == 2:  # a value of another type
        value = replace(value, path, other_type(node, rng))
    elif kind == 3:  # a raw token json.dumps would never write
        value = replace(value, path, raw(rng.choice(RAW_TOKENS)))
    elif kind == 4 and type(node) is dict and node:  # a duplicate key: which of the two wins?
        key = rng.choice(list(node))
        pairs = [(k, json_text(v)) for k, v in node.items()]
        duplicate = (key, json_text(other_type(node[key], rng)))
        pairs.insert(rng.randrange(len(pairs) + 1), duplicate)
        value = replace(value, path, raw("{" + ",".join(f"{json.dumps(k)}:{v}" for k, v in pairs) + "}"))
    elif kind == 5 and type(node) is dict:  # the discriminator of another member, or none
        tags: list[Any] = [m.tag for m in target.entry.members]
        node[target.entry.discriminator] = rng.choice([*tags, None, 1, "", tags[0].upper()])
    elif kind == 6:  # null anywhere
        value = replace(value, path, None)
    elif kind == 7 and type(node) is list:
        node.append(rng.choice([None, any_json(rng), node[0] if node else 1]))
    elif kind == 8:  # a random JSON value
        value = replace(value, path, any_json(rng))
    else:  # a valid value of a random type of the spec, in the wrong place
        value = replace(value, path, target.valid(rng.choice(target.spec.definitions), rng))
    return value


def json_text(value: Any) -> str:
    """json.dumps, but strings made by raw() become the raw text they carry."""
    if isinstance(value, str) and value.startswith(RAW):
        return value[len(RAW) :]
    if type(value) is dict:
        return "{" + ",".join(f"{json.dumps(k)}:{json_text(v)}" for k, v in value.items()) + "}"
    if type(value) is list:
        return "[" + ",".join(json_text(v) for v in value) + "]"
    return json.dumps(value)


BAD_BYTES = [b"\xff", b"\xc3\x28", b"\xc0\xaf", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\xe2\x82", b"\x80", b"\xef\xbb\xbf"]


def mutate_bytes(data: bytes, rng: random.Random) -> bytes:
    kind = rng.randrange(6)
    at = rng.randrange(len(data) + 1)
    if kind == 0:  # bad UTF-8 (and a BOM)
        return data[:at] + rng.choice(BAD_BYTES) + data[at:]
    if kind == 1:
        return data[:at]
    if kind == 2 and data:
        at = min(at, len(data) - 1)
        return data[:at] + bytes([data[at] ^ (1 << rng.randrange(8))]) + data[at + 1 :]
    if kind == 3:
        return data + rng.choice([b" ", b"\n", b"x", b"{}", b"\x00", b",", b"]"])
    if kind == 4:
        return rng.choice([b" \t\r\n", b"\xef\xbb\xbf", b"\x00"]) + data
    return data[:at] + data[at + 1 :]


# ------------------------------------------------------------------ one case, checked


@dataclass
class Stats:
    cases: int = 0
    accepted: int = 0
    unknown: int = 0
    rejected: int = 0
    python_objects: int = 0  # mappings holding non-JSON values, passed to parse_event besides
    failures: list[str] = field(default_factory=list)


def strictly_equal(a: Any, b: Any) -> bool:
    """==, but a bool is not an int, an int is not a float, and -0.0 is not 0.0."""
    if type(a) is not type(b):
        return False
    if type(a) is dict:
        return a.keys() == b.keys() and all(strictly_equal(v, b[k]) for k, v in a.items())
    if type(a) is list:
        return len(a) == len(b) and all(strictly_equal(x, y) for x, y in zip(a, b))
    if type(a) is float:
        return a == b and math.copysign(1.0, a) == math.copysign(1.0, b)
    return bool(a == b)


def sign(body: bytes, msg_id: str = "msg_fuzz") -> dict[str, str]:
    mac = hmac.new(KEY, f"{msg_id}.{NOW}.".encode() + body, hashlib.sha256).digest()
    return {"webhook-id": msg_id, "webhook-timestamp": str(NOW), "webhook-signature": "v1," + base64.b64encode(mac).decode()}


def expected(target: Target, data: bytes) -> tuple[Any, Any]:
    """What the module must do with these bytes: ("reject", None), ("unknown", json) or (tag, json)."""
    value = parsed_json(data)
    if type(value) is not dict:
        return "reject", None
    tag = value.get(target.entry.discriminator)
    if type(tag) is str and tag not in target.classes:
        return "unknown", value
    return (tag, value) if target.conforms(value, target.entry) else ("reject", None)


def holds_surrogate(value: Any) -> bool:
    """Whether a key or a string of the JSON value holds a surrogate: json.loads joins escaped pairs,
    so one left is lone, and the module refuses the text (I-JSON)."""
    pending = [value]  # a stack, not recursion: the value may be nested nearly to the limit
    while pending:
        v = pending.pop()
        if type(v) is str and any("\ud800" <= ch <= "\udfff" for ch in v):
            return True
        if type(v) is dict:
            pending.extend(v)
            pending.extend(v.values())
        elif type(v) is list:
            pending.extend(v)
    return False


def reject_constant(token: str) -> Any:
    raise ValueError(f"{token} is not JSON")


def check(target: Target, payload: bytes, stats: Stats, rng: random.Random) -> None:
    """Run one payload through the module; record any disagreement with the oracle in stats."""
    ow = target.module
    stats.cases += 1
    verdict, value = expected(target, payload)
    parsed = parsed_json(payload)
    # A mapping is checked where the spec types it, so an inf (json.loads' 1e400) among unknown keys
    # passes; as text, 1e400 is refused anywhere, since to_dict() could not give it back as JSON.
    mapping_verdict = verdict
    if verdict != "reject" and any(type(v) is float and not math.isfinite(v) for _, v in nodes(value)):
        verdict = "reject"
    if verdict != "reject" and holds_surrogate(value):
        verdict = "reject"

    def outcome(call: Callable[[], Any]) -> Any:
        try:
            return call()
        except ow.WebhookDecodeError as e:
            return e
        except ow.InvalidWebhookSignatureError as e:
            return e
        except Exception:  # noqa: BLE001 - any other exception is a finding
            return traceback.format_exc(limit=-3)

    def fail(what: str, got: Any) -> None:
        shown = payload if len(payload) < 300 else payload[:300] + b"..."
        stats.failures.append(f"[{target.name}] {what}: got {str(got)[:2000]}\n    payload {shown!r}")

    def judge(how: str, got: Any, strict: bool = False, verdict: Any = verdict) -> None:
        if isinstance(got, str):
            return fail(f"{how} raised", got)
        if verdict == "reject" or (strict and verdict == "unknown"):
            if not isinstance(got, ow.WebhookDecodeError):
                fail(f"{how} accepted a payload that does not conform", type(got).__name__)
            return
        if isinstance(got, Exception):
            return fail(f"{how} rejected a conforming payload", got)
        name = "UnknownWebhookEvent" if verdict == "unknown" else target.class_of(value)
        if type(got).__name__ != name:
            return fail(f"{how} decoded to the wrong class", type(got).__name__)
        if not strictly_equal(got.to_dict(), value):
            fail(f"{how}: to_dict() differs from json.loads", got.to_dict())

    got = outcome(lambda: ow.parse_event(payload))
    judge("parse_event(bytes)", got)
    if isinstance(got, ow.UnknownWebhookEvent):
        stats.unknown += 1
    elif isinstance(got, Exception):
        stats.rejected += 1
    elif not isinstance(got, str):
        stats.accepted += 1
    if rng.random() < 0.2:
        judge("parse_event(strict=True)", outcome(lambda: ow.parse_event(payload, strict=True)), strict=True)
    if rng.random() < 0.3:
        try:
            as_text = payload.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            judge("parse_event(str)", outcome(lambda: ow.parse_event(as_text)))
    if parsed is not None and rng.random() < 0.3:  # the mapping json.loads gives, as a framework would
        judge("parse_event(mapping)", outcome(lambda: ow.parse_event(parsed)), verdict=mapping_verdict)
    if type(parsed) is dict and rng.random() < 0.1:
        check_python_objects(target, parsed, stats, rng, fail)
    headers = sign(payload)
    judge("unwrap", outcome(lambda: ow.unwrap(payload, headers, secret=SECRET, tolerance=10**10)))
    if rng.random() < 0.2:  # any change to the headers must fail the signature check, and nothing else
        bad: dict[str, Any] = dict(headers)
        name = rng.choice(list(bad))
        bad[name] = rng.choice([None, "", text(rng), bad[name] + "0", bad[name][:-1], "v1," + "A" * 44, "9" * 5000])
        got = outcome(lambda: ow.unwrap(payload, bad, secret=SECRET, tolerance=10**10))
        if not isinstance(got, ow.InvalidWebhookSignatureError):
            fail(f"unwrap with a changed {name} header did not raise InvalidWebhookSignatureError", got)


class Text(str):
    pass


class Number(int):
    pass


PYTHON_OBJECTS: list[Callable[[], Any]] = [
    tuple, set, frozenset, bytes, bytearray, object, lambda: float("nan"), lambda: float("inf"),
    lambda: decimal.Decimal("1.5"), lambda: Text("batch"), lambda: Number(1), lambda: 10**5000,
    lambda: MappingProxyType({"id": "x"}), lambda: {1: "an int key"}, lambda: {b"id": "a bytes key"},
    lambda: {None: 1}, lambda: {(1, 2): 1}, lambda: ("a", "tuple"), lambda: [object()], lambda: range(3),
    lambda: "\ud800",
]  # fmt: skip


def check_python_objects(target: Target, parsed: dict[str, Any], stats: Stats, rng: random.Random, fail: Callable[[str, Any], None]) -> None:
    """An already-parsed mapping holding what JSON cannot: decoded or WebhookDecodeError, nothing else."""
    stats.python_objects += 1
    path, _ = rng.choice(list(nodes(parsed)))
    if path:
        mapping = replace(copy.deepcopy(parsed), path, rng.choice(PYTHON_OBJECTS)())
    else:
        key: Any = rng.choice([1, b"id", None, (1, 2), Text("type"), frozenset(), 1.5, True])
        mapping = {**parsed, key: 1} if rng.random() < 0.5 else MappingProxyType(parsed)
    try:
        target.module.parse_event(mapping)
    except target.module.WebhookDecodeError:
        pass
    except Exception:  # noqa: BLE001 - any other exception is a finding
        fail(f"parse_event(mapping with {type(mapping).__name__} at {path!r}) raised", traceback.format_exc(limit=-3))


def cases(target: Target, rng: random.Random) -> Iterator[bytes]:
    """Endless payloads for one target."""
    while True:
        value = target.event(rng)
        for _ in range(rng.choice([0, 0, 1, 1, 1, 2, 3])):
            value = mutate(target, value, rng)
        data = json_text(value).encode("utf-8", "surrogatepass")
        if rng.random() < 0.15:
            data = mutate_bytes(data, rng)
        yield data


def parsed_json(data: bytes) -> Any:
    """json.loads of the bytes, or None if they are not JSON (NaN and Infinity are not)."""
    try:
        return json.loads(data.decode("utf-8"), parse_constant=reject_constant)
    except (ValueError, RecursionError):
        return None


def run(total: int, seed: int, report: Callable[[str], None] = lambda line: None) -> Stats:
    """`total` cases split between the targets, from one seed."""
    rng = random.Random(seed)
    targets = [Target(*t) for t in TARGETS]
    streams = [(t, cases(t, random.Random(rng.random()))) for t in targets]
    stats = Stats()
    recursion_limit = sys.getrecursionlimit()
    start = time.monotonic()
    for i in range(total):
        target, stream = streams[i % len(streams)]
        check(target, next(stream), stats, rng)
        assert sys.getrecursionlimit() == recursion_limit
        if len(stats.failures) >= 50:
            report("50 failures: stopping")
            break
        if i and i % 20_000 == 0:
            report(f"{i:,} payloads, {time.monotonic() - start:.1f} s, {len(stats.failures)} failures")
    return stats


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    start = time.monotonic()
    stats = run(args.cases, args.seed, report=lambda line: print(line, flush=True))
    seconds = time.monotonic() - start
    for failure in stats.failures[:20]:
        print(failure, end="\n\n")
    print(
        f"{stats.cases:,} payloads (seed {args.seed}) in {seconds:.1f} s: {stats.accepted:,} decoded, "
        f"{stats.unknown:,} unknown event types, {stats.rejected:,} rejected; "
        f"and {stats.python_objects:,} mappings with non-JSON values; {len(stats.failures)} failures",
        flush=True,
    )
    return 1 if stats.failures else 0


if __name__ == "__main__":
    sys.exit(main())
