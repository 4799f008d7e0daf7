"""The TypeScript module agrees with the Python module, case by case, on a corpus built from the spec.

Every case runs through both: the Python module here, the compiled TypeScript in one Node process
(tests/node/driver.mjs). They must agree on accept or reject, on the error's path and message, and
on the decoded value (both round-tripped through JSON). Where JavaScript cannot do what Python does,
the difference is a case of its own below (DIFFERENCES), asserted exactly, and listed in the README.

Signatures: the cases of tests/test_signature.py run through our TypeScript `verifySignature` and
the npm SDK's `webhooks.verifySignature` too.
"""

from __future__ import annotations

import base64
import json
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from conftest import GENERATED, KITCHEN, ROOT, SPEC, import_path
from corpus import BAD_FORMATS, good_values
from examples import example
from generator import diff, model, spec

ow = import_path(GENERATED / "python" / "openai_webhooks.py", "openai_webhooks")
ks = import_path(KITCHEN / "expected" / "python" / "kitchen_sink.py", "kitchen_sink")
MODULES = {"openai_webhooks": ow, "kitchen_sink": ks}
SPECS = {"openai_webhooks": spec.load(SPEC), "kitchen_sink": spec.load(KITCHEN / "spec.yaml")}
BUILD = ROOT / ".tsbuild"
BUILT = {
    "openai_webhooks": BUILD / "generated" / "typescript" / "openai_webhooks.js",
    "kitchen_sink": BUILD / "tests" / "golden" / "kitchen_sink" / "expected" / "typescript" / "kitchen_sink.js",
}
TSC = ROOT / "node_modules" / ".bin" / "tsc"
NOW = 1_750_000_000
DELETE = object()


# -- running both sides -----------------------------------------------------------------------------


@pytest.fixture(scope="session")
def compiled() -> None:
    assert TSC.exists(), "node_modules is missing: `make test` installs it (npm ci)"
    done = subprocess.run([str(TSC), "-p", str(ROOT / "tsconfig.json")], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"tsc failed:\n{done.stdout}{done.stderr}"


def node(cases: list[dict[str, Any]]) -> list[dict[str, Any]]:
    payload = json.dumps({"build": {k: str(v) for k, v in BUILT.items()}, "now": NOW, "cases": cases})
    done = subprocess.run(
        ["node", str(ROOT / "tests" / "node" / "driver.mjs")], input=payload, capture_output=True, text=True, timeout=300, cwd=ROOT
    )
    assert done.returncode == 0, done.stderr
    results: list[dict[str, Any]] = json.loads(done.stdout)
    assert len(results) == len(cases)
    return results


def python_result(case: dict[str, Any]) -> dict[str, Any]:
    module = MODULES[case["module"]]
    payload: str | bytes = base64.b64decode(case["b64"]) if "b64" in case else case["text"]
    try:
        if case["call"] == "parse":
            value = module.parse_event(payload, strict=case.get("strict", False))
        else:
            value = getattr(module, case["type"]).from_dict(json.loads(payload))
    except module.WebhookDecodeError as e:
        return {"ok": False, "error": "WebhookDecodeError", "path": e.path, "message": e.message}
    out: dict[str, Any] = {"ok": True, "value": json.loads(json.dumps(value.to_dict()))}
    if isinstance(value, module.UnknownWebhookEvent):
        out["unknown"] = value.type
    return out


def comparable(result: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in result.items() if k != "text"}


# -- the corpus, derived from the model --------------------------------------------------------------


def resolve(t: model.Type | model.Definition, loaded: model.Spec, value: Any) -> model.Type | model.Definition:
    """A Ref's definition; for a union, the member the example value is."""
    if isinstance(t, model.Ref):
        t = loaded.definition(t.name)
    if isinstance(t, model.Named):
        t = t.type
    if isinstance(t, model.Union_):
        tag = value.get(t.discriminator) if isinstance(value, dict) else None
        return next((m.object for m in t.members if m.tag == tag), t.members[0].object)
    return t


def bad_values(t: model.Type | model.Definition, loaded: model.Spec) -> list[Any]:
    """JSON values of every wrong kind for `t` (null too, unless `t` admits it)."""
    bad: list[Any]
    match t:
        case model.String(format=str() as name):
            # the bad strings of its format, and its valid edge cases: the verdicts must agree on both
            bad = [3, ["s"]] + [v for _, v in BAD_FORMATS[name]] + [v for _, v in good_values(t)]
        case model.String() | model.Enum(open=True):
            bad = [3, True, ["s"], {"k": "v"}, 1.5]
        case model.Integer():
            bad = ["3", 1.5, True, [1], 1e-05]
        case model.Float():
            bad = ["1.5", True, {"x": 1}]
        case model.Boolean():
            bad = [1, "true", 0]
        case model.Literal(value=bool() as value):
            bad = [not value, 1, str(value).lower()]
        case model.Literal(value=str() as value):
            bad = [value + "x", 1, "é" + value, False]
        case model.Literal(value=value):
            bad = [value + 1, str(value), True, value + 0.5]
        case model.Enum(values=values) if t.integers:
            bad = [max(values) + 1, str(values[0]), True, values[0] + 0.5]
        case model.Enum(values=values):
            bad = ["not-a-member", 1, values[0].upper() + "\u2028", ["x" * 50]]
        case model.Array(item=item):
            item_example = example(item, loaded, 0)
            bad = [{}, "x", 4] + [[item_example, wrong] for wrong in bad_values(item, loaded)[:2]]
        case model.Map(value=value):
            value_example = example(value, loaded, 0)
            bad = [[], "x"] + [{"ok": value_example, "odd key": wrong} for wrong in bad_values(value, loaded)[:2]]
            bad += [{"ok": value_example, "ключ": wrong} for wrong in bad_values(value, loaded)[:1]]
        case model.Nullable(inner=inner):
            return [v for v in bad_values(inner, loaded) if v is not None]
        case model.Named(type=inner):
            return bad_values(inner, loaded)
        case model.Json():
            return []  # any JSON value is one (text that is not JSON: test_invalid_json_is_rejected_at_the_top_by_both)
        case model.Ref() | model.Object() | model.Union_():
            bad = ["an object?", [], 3, False]
        case model.OneOf(members=members):
            # a wrong value of each member that no other member takes, and values of every kind
            side = diff.Side(loaded)
            candidates = [v for m in members for v in bad_values(m, loaded)] + ["x", 7, 1.5, True, [1], {"k": 1}]
            bad = [v for v in candidates if v is not None and not side.accepts(t, v)]
        case _:
            raise AssertionError(t)
    return bad + [None]


def mutations(t: model.Type | model.Definition, loaded: model.Spec, value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Any]]:
    """(path, replacement) pairs that make `value` (valid for `t`) invalid: a wrong value at every
    place the value has, and every required key removed."""
    for bad in bad_values(t, loaded):
        yield path, bad
    t = resolve(t, loaded, value)
    match t:
        case model.Object(fields=fields):
            for f in fields:
                if f.key in value:
                    yield from mutations(f.type, loaded, value[f.key], (*path, f.key))
                    if not f.optional:
                        yield (*path, f.key), DELETE
        case model.Array(item=item) if value:
            yield from mutations(item, loaded, value[0], (*path, 0))
        case model.Map(value=inner) if value:
            key = next(iter(value))
            yield from mutations(inner, loaded, value[key], (*path, key))
        case model.Nullable(inner=inner) if value is not None:
            yield from ((p, v) for p, v in mutations(inner, loaded, value, path) if v is not None)
        case _:
            pass


def mutate(value: Any, path: tuple[Any, ...], replacement: Any) -> Any:
    if not path:
        return replacement
    out = json.loads(json.dumps(value))
    target = out
    for step in path[:-1]:
        target = target[step]
    if replacement is DELETE:
        del target[path[-1]]
    else:
        target[path[-1]] = replacement
    return out


def corpus() -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = []
    for name, loaded in SPECS.items():
        assert loaded.entry is not None
        for member in loaded.entry.members:
            for variant in range(4):
                good = example(member.object, loaded, variant)
                cases.append({"module": name, "call": "parse", "text": json.dumps(good)})
                cases.append({"module": name, "call": "parse", "b64": base64.b64encode(json.dumps(good, ensure_ascii=False).encode()).decode()})
                cases.append({"module": name, "call": "parse", "text": json.dumps({**good, "unknown_key": {"kept": [1, 2.5, None]}})})
                if variant < 2:
                    for where, bad in mutations(loaded.entry, loaded, good):
                        cases.append({"module": name, "call": "parse", "text": json.dumps(mutate(good, where, bad))})
            unknown = {**example(member.object, loaded, 0), loaded.entry.discriminator: "some.new.event"}
            cases.append({"module": name, "call": "parse", "text": json.dumps(unknown)})
            cases.append({"module": name, "call": "parse", "text": json.dumps(unknown), "strict": True})
        for obj in loaded.objects:
            for variant in range(4):
                good = example(obj, loaded, variant)
                cases.append({"module": name, "call": "decode", "type": obj.name.pascal, "text": json.dumps({**good, "x-extra": [True]})})
            good = example(obj, loaded, 0)
            for where, bad in mutations(obj, loaded, good):
                cases.append({"module": name, "call": "decode", "type": obj.name.pascal, "text": json.dumps(mutate(good, where, bad))})
        for top in ([], "batch.cancelled", 3, None, 1.5, True):
            cases.append({"module": name, "call": "parse", "text": json.dumps(top)})
    return cases + [{"module": "openai_webhooks", "call": "parse", **c} for c in SAME_BOTH_WAYS.values()]


def realtime(**changes: Any) -> dict[str, Any]:
    event = {
        "id": "evt_1",
        "created_at": 1719168000,
        "data": {"call_id": "call_1", "sip_headers": [{"name": "From", "value": "a"}]},
        "type": "realtime.call.incoming",
        "object": "event",
    }
    return {**event, **changes}


def nested(depth: int) -> str:
    """JSON arrays `depth` levels deep (the object holding them is one level more)."""
    return "[" * depth + "]" * depth


def raw(text: str) -> dict[str, str]:
    return {"text": text}


def utf8(data: bytes) -> dict[str, str]:
    return {"b64": base64.b64encode(data).decode()}


# Inputs where JSON.parse and Python's json could differ, but the two modules must not.
SAME_BOTH_WAYS: dict[str, dict[str, str]] = {
    "duplicate keys: the last wins": raw('{"id": 1, "id": "evt_1", "created_at": 1719168000, "data": {"id": "b"}, "type": "batch.failed"}'),
    "duplicate tag: the last wins": raw('{"type": "nope", "id": "e", "created_at": 1, "data": {"id": "b"}, "type": "batch.failed"}'),
    "__proto__ key kept as data": raw(json.dumps({**realtime(), "__proto__": {"polluted": True}})),
    "__proto__ in a nested object": raw(json.dumps(realtime(data={"call_id": "c", "sip_headers": [], "__proto__": []}))),
    "constructor key": raw(json.dumps({**realtime(), "constructor": "x", "toString": 3})),
    "tag named like an Object.prototype member": raw(json.dumps({**realtime(), "type": "constructor"})),
    "tag __proto__": raw(json.dumps({**realtime(), "type": "__proto__"})),
    "underflow to zero is fine": raw(json.dumps({**realtime(), "x": 1.0}).replace("1.0", "1e-400")),
    "non-ASCII and astral keys": raw(json.dumps({**realtime(), "ключ ☕": "😀", "\ud83d\ude00": 1})),
    "lone surrogate in a value": raw('{"type": "batch.failed", "id": "\\ud800", "created_at": 1, "data": {"id": "b"}}'),
    "lone low surrogate in a key": raw('{"type": "batch.failed", "id": "e", "created_at": 1, "data": {"id": "b"}, "\\uDC00": 1}'),
    "lone surrogate in an unknown event": raw('{"type": "some.new.event", "x": [{"y": "a\\ud83db"}]}'),
    "high surrogate, then a pair": raw('{"type": "batch.failed", "id": "\\ud83d\\ud83d\\ude00", "created_at": 1, "data": {"id": "b"}}'),
    "escaped surrogate pair: one character": raw('{"type": "batch.failed", "id": "\\uD83D\\ude00", "created_at": 1, "data": {"id": "b"}}'),
    "an escaped backslash, then u and hex digits: text": raw('{"type": "batch.failed", "id": "\\\\ud800", "created_at": 1, "data": {"id": "b"}}'),
    "an escaped backslash, then a lone surrogate": raw('{"type": "batch.failed", "id": "\\\\\\ud800", "created_at": 1, "data": {"id": "b"}}'),
    "lone surrogate as a character in a text payload": raw('{"type": "batch.failed", "id": "\ud800", "created_at": 1, "data": {"id": "b"}}'),
    "long string in an error": raw(json.dumps(realtime(id=["é" * 60]))),
    "long string shown cut at 37 code points": raw(json.dumps(realtime(created_at="😀" * 45))),
    "control characters in an error": raw(json.dumps(realtime(created_at="a\u0000b\u007f\u2028\"\\"))),
    "small float described like Python": raw(json.dumps(realtime(created_at=0.000123))),
    "big float described like Python": raw(json.dumps(realtime(id=123456789.125))),
    "integer of 17 digits that a double holds exactly": raw(json.dumps(realtime(id=10**17))),
    "integer of 19 digits": raw(json.dumps(realtime(id=2**62))),
    "invalid start byte": utf8(b'{"type": "\xff"}'),
    "continuation byte first": utf8(b'{"type": "\x80"}'),
    "overlong encoding": utf8(b'{"type": "\xc0\xaf"}'),
    "encoded surrogate": utf8(b'{"type": "\xed\xa0\x80"}'),
    "truncated at the end": utf8(b'{"type": "\xe2\x82'),
    "bad continuation": utf8(b'{"type": "\xe2\x28\xa1"}'),
    "beyond U+10FFFF": utf8(b'{"type": "\xf4\x90\x80\x80"}'),
    "valid multi-byte": utf8(json.dumps(realtime(id="€𝄞ü"), ensure_ascii=False).encode()),
    "nested 500 deep under a key the spec does not define": raw(json.dumps(realtime()).replace('"object"', f'"deep": {nested(499)}, "object"')),
    "nested 1,001 deep under a key the spec does not define": raw(json.dumps(realtime()).replace('"object"', f'"deep": {nested(1000)}, "object"')),
    "nested 100,000 deep in an unknown event": raw('{"type": "some.new.event", "deep": ' + "[" * 100_000 + "]" * 100_000 + "}"),
    "nested 100,000 deep at the top": raw("[" * 100_000 + "]" * 100_000),
    "nested 100,000 deep, objects": raw('{"a": ' * 100_000 + "1" + "}" * 100_000),
}


@dataclass(frozen=True)
class Difference:
    case: dict[str, Any]
    python: dict[str, Any]
    typescript: dict[str, Any]


# Where the two must differ, because a JavaScript number is a double: asserted exactly, both sides.
DIFFERENCES: dict[str, Difference] = {
    "1.0 where the spec says integer": Difference(
        raw(json.dumps(realtime(created_at=1.0))),
        {"ok": False, "error": "WebhookDecodeError", "path": "$.created_at", "message": "expected an integer, got a number (1.0)"},
        {"ok": True, "value": realtime(created_at=1)},
    ),
    "an integer beyond 2^53 where the spec says integer": Difference(
        raw(json.dumps(realtime(created_at=10**20))),
        {"ok": True, "value": realtime(created_at=10**20)},
        {"ok": False, "error": "WebhookDecodeError", "path": "$.created_at", "message": "expected an integer, got an integer with too many digits"},
    ),
    "a number beyond a double's range in a typed field": Difference(
        raw(json.dumps(realtime()).replace("1719168000", "-2.5e999")),
        {"ok": False, "error": "WebhookDecodeError", "path": "$", "message": "payload is not valid JSON: number -2.5e999 is out of range"},
        {"ok": False, "error": "WebhookDecodeError", "path": "$.created_at", "message": "expected an integer, got a number (-inf)"},
    ),
    "a number beyond a double's range under an unknown key": Difference(
        raw(json.dumps(realtime()).replace('"object"', '"x": 1e400, "object"')),
        {"ok": False, "error": "WebhookDecodeError", "path": "$", "message": "payload is not valid JSON: number 1e400 is out of range"},
        {"ok": True, "value": realtime(x=None)},  # Infinity, which JSON.stringify writes as null
    ),
    "an integer too big for a double, in an unknown key": Difference(
        raw(json.dumps(realtime(x=10**400))),
        {"ok": True, "value": realtime(x=10**400)},
        {"ok": True, "value": realtime(x=None)},
    ),
    "an integer beyond 2^53 named in a message": Difference(
        raw(json.dumps(realtime(id=12345678901234567))),
        {"ok": False, "error": "WebhookDecodeError", "path": "$.id", "message": "expected a string, got an integer (12345678901234567)"},
        {"ok": False, "error": "WebhookDecodeError", "path": "$.id", "message": "expected a string, got an integer (12345678901234568)"},
    ),
    "1e5 named in a message": Difference(
        raw(json.dumps(realtime(id=1e5))),
        {"ok": False, "error": "WebhookDecodeError", "path": "$.id", "message": "expected a string, got a number (100000.0)"},
        {"ok": False, "error": "WebhookDecodeError", "path": "$.id", "message": "expected a string, got an integer (100000)"},
    ),
    "2.0 where the spec says the literal 2": Difference(
        {"call": "decode", "module": "kitchen_sink", "type": "StockLevel", "text": '{"count": 2.0, "restock_at": null}'},
        {"ok": False, "error": "WebhookDecodeError", "path": "$.count", "message": "expected an integer, got a number (2.0)"},
        {"ok": True, "value": {"count": 2, "restock_at": None}},
    ),
}

JSON_SYNTAX = [
    *(raw(text) for text in ("", "not json", '{"type": "batch.cancelled"', "{'type': 1}", '{"type": NaN}', '{"a": 1,}', "[1] [2]")),
    raw('{"type": "\x01"}'),
    utf8(b"\xef\xbb\xbf" + json.dumps(realtime()).encode()),  # a BOM is not JSON whitespace
]


# -- the tests --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def agreement(compiled: None) -> list[tuple[dict[str, Any], dict[str, Any], dict[str, Any]]]:
    cases = corpus()
    return list(zip(cases, [python_result(c) for c in cases], node(cases)))


def test_the_corpus_covers_every_kind_of_case(agreement: list[tuple[dict[str, Any], dict[str, Any], dict[str, Any]]]) -> None:
    messages = {py.get("message", "").split(",")[0] for _, py, _ in agreement}
    for words in (
        "required key is missing",
        "expected a string",
        "expected an integer",
        "expected a finite number",
        "expected a boolean",
        "expected an array",
        "expected an object",
        'expected "event"',
        "expected 2",
        "expected true",
        'expected one of "pending"',
        'expected one of "batch.cancelled"',
        'expected one of "card"',
    ):
        assert any(m.startswith(words) for m in messages), words
    assert any(py.get("path", "").endswith('["odd key"]') for _, py, _ in agreement)
    assert any(py["ok"] and "unknown" in py for _, py, _ in agreement)
    assert sum(py["ok"] for _, py, _ in agreement) > 200
    assert sum(not py["ok"] for _, py, _ in agreement) > 1000


def test_same_verdict_path_message_and_value_on_every_case(agreement: list[tuple[dict[str, Any], dict[str, Any], dict[str, Any]]]) -> None:
    disagreements = [(case, py, ts) for case, py, ts in agreement if py != comparable(ts)]
    shown = "\n".join(f"{json.dumps(c)[:300]}\n  python: {p}\n  ts:     {t}" for c, p, t in disagreements[:10])
    assert not disagreements, f"{len(disagreements)} of {len(agreement)} cases disagree:\n{shown}"


def test_error_text_is_path_then_message(agreement: list[tuple[dict[str, Any], dict[str, Any], dict[str, Any]]]) -> None:
    for _, _, ts in agreement:
        if not ts["ok"]:
            assert ts["text"] == f"WebhookDecodeError: {ts['path']}: {ts['message']}"


@pytest.mark.parametrize("name", sorted(DIFFERENCES))
def test_documented_differences(name: str, compiled: None) -> None:
    difference = DIFFERENCES[name]
    case = {"module": "openai_webhooks", "call": "parse", **difference.case}
    assert python_result(case) == difference.python
    assert comparable(node([case])[0]) == difference.typescript


def test_nesting_differs_only_where_pythons_limit_moves_with_the_stack(compiled: None) -> None:
    """Python's json stops where the nesting and the frames under it reach the recursion limit (1000
    by default); the TypeScript module's limit is 1000 levels, fixed. The top-level object is a level."""
    too_deep = {"ok": False, "error": "WebhookDecodeError", "path": "$", "message": "payload is not valid JSON: nested too deeply"}
    assert sys.getrecursionlimit() == 1000
    for levels, python_accepts, typescript_accepts in ((500, True, True), (1000, False, True), (1001, False, False)):
        case = {"module": "openai_webhooks", "call": "parse", "text": '{"type": "some.new.event", "deep": ' + nested(levels - 1) + "}"}
        if python_accepts:
            assert isinstance(ow.parse_event(case["text"]), ow.UnknownWebhookEvent)
        else:
            assert python_result(case) == too_deep
        typescript = comparable(node([{**case, "verdictOnly": True}])[0])
        assert typescript == ({"ok": True} if typescript_accepts else too_deep), levels


def test_invalid_json_is_rejected_at_the_top_by_both(compiled: None) -> None:
    """The engines' own parser messages differ; the path and the start of the message do not."""
    cases = [{"module": "openai_webhooks", "call": "parse", **case} for case in JSON_SYNTAX]
    for case, ts in zip(cases, node(cases)):
        py = python_result(case)
        for result in (py, ts):
            assert (result["ok"], result["path"]) == (False, "$"), (case, result)
            assert result["message"].startswith("payload is not valid JSON: "), (case, result)


# -- signatures -------------------------------------------------------------------------------------


def signature_cases() -> dict[str, tuple[Any, str]]:
    """Every case of tests/test_signature.py, with how the Python side judged it there."""
    import test_signature as ts

    cases: dict[str, tuple[Any, str]] = {}
    for name, (case, expected) in ts.SAME_VERDICT.items():
        cases[name] = (case, "valid" if expected else "invalid")
    for name, case in ts.STRICTER.items():
        cases[name] = (case, "stricter")
    return cases


def signature_case(case: Any) -> dict[str, Any]:
    body = {"b64": base64.b64encode(case.payload).decode()} if isinstance(case.payload, bytes) else {"text": case.payload}
    return {"module": "openai_webhooks", "call": "verify", **body, "headers": case.headers, "secret": case.secret, "tolerance": case.tolerance}


# How the npm SDK judges the cases where the Python module is stricter than the Python SDK: the
# TypeScript module rejects every one of them with InvalidWebhookSignatureError, as the Python
# module does. README.md has this table.
NPM_SDK_ON_STRICTER = {
    "bare signature without v1,": "accepted",
    "timestamp with a plus sign": "accepted",
    "timestamp with underscores": "InvalidWebhookSignatureError",  # parseInt reads 1: too old
    "timestamp with spaces": "InvalidWebhookSignatureError",  # header values are trimmed: signed text differs
    "missing webhook-id (SDK: ValueError)": "Error",
    "missing webhook-timestamp (SDK: ValueError)": "Error",
    "missing webhook-signature (SDK: ValueError)": "Error",
    "malformed secret (SDK: binascii.Error)": "InvalidWebhookSignatureError",  # lenient base64, then no match
    "empty secret": "Error",
    "whsec_ with an empty key": "DOMException",
    "whsec_ with excess padding": "accepted",
}


@pytest.fixture(scope="module")
def signatures(compiled: None) -> dict[str, tuple[str, dict[str, Any], dict[str, Any], bool]]:
    cases = signature_cases()
    names = sorted(cases)
    results = node([signature_case(cases[n][0]) for n in names])
    out = {}
    for name, result in zip(names, results):
        case, python_side = cases[name]
        out[name] = (python_side, result["ours"], result["sdk"], our_python_verdict(case))
    return out


def our_python_verdict(case: Any) -> bool:
    real = time.time
    time.time = lambda: float(NOW)  # type: ignore[assignment]
    try:
        ow.verify_signature(case.payload, case.headers, secret=case.secret, tolerance=case.tolerance)
        return True
    except ow.InvalidWebhookSignatureError:
        return False
    finally:
        time.time = real  # type: ignore[assignment]


def test_signature_matrix_same_verdict_as_both_sdks(signatures: dict[str, tuple[str, dict[str, Any], dict[str, Any], bool]]) -> None:
    for name, (python_side, ours, sdk, python_module) in signatures.items():
        if python_side == "stricter":
            continue
        expected = python_side == "valid"
        assert python_module is expected, name
        assert ours["ok"] is expected, (name, ours)
        assert sdk["ok"] is expected, (name, sdk)
        if not expected:
            assert ours["error"] == sdk["error"] == "InvalidWebhookSignatureError", (name, ours, sdk)


def test_signature_matrix_stricter_cases(signatures: dict[str, tuple[str, dict[str, Any], dict[str, Any], bool]]) -> None:
    stricter = {name: v for name, v in signatures.items() if v[0] == "stricter"}
    assert set(stricter) == set(NPM_SDK_ON_STRICTER)
    for name, (_, ours, sdk, python_module) in stricter.items():
        assert python_module is False, name
        assert (ours["ok"], ours["error"]) == (False, "InvalidWebhookSignatureError"), (name, ours)
        assert ("accepted" if sdk["ok"] else sdk["error"]) == NPM_SDK_ON_STRICTER[name], (name, sdk)


def test_signature_failures_have_the_python_modules_messages(compiled: None) -> None:
    import test_signature as ts

    cases = [
        (ts.edit(ts.signed(), webhook_id=None), "missing webhook-id header"),
        (ts.edit(ts.signed(), webhook_signature=None), "missing webhook-signature header"),
        (ts.edit(ts.signed(), webhook_timestamp="12.5"), "webhook-timestamp is not a whole number of seconds"),
        (ts.signed(ts=NOW - 301), "webhook-timestamp is too old"),
        (ts.edit(ts.signed(), webhook_timestamp="1" * 5000), "webhook-timestamp has too many digits"),
        (ts.edit(ts.signed(), webhook_timestamp="0" * 4400 + str(NOW)), "webhook-timestamp has too many digits"),
        (ts.edit(ts.signed(), webhook_timestamp="١٧٥٠٠٠٠٠٠٠"), "webhook-timestamp is not a whole number of seconds"),
        (ts.signed(ts=NOW + 301), "webhook-timestamp is too new"),
        (ts.signed(secret="whsec_%%%"), "secret is not valid base64 after its whsec_ prefix"),
        (ts.signed(secret="whsec_abc"), "secret is not valid base64 after its whsec_ prefix"),
        (ts.signed(secret="whsec_QUFB===="), "secret is not valid base64 after its whsec_ prefix"),
        (ts.signed(secret="whsec_QUFB=="), "secret is not valid base64 after its whsec_ prefix"),
        (ts.signed(secret="whsec_QUE=="), "secret is not valid base64 after its whsec_ prefix"),
        (ts.signed(secret="whsec_"), "secret is empty"),
        (ts.edit(ts.signed(), webhook_signature="v2,abc"), "webhook-signature has no v1 signature"),
        (ts.signed(secret=ts.OTHER_SECRET), "no signature in webhook-signature matches the payload"),
        (ts.Case(payload="{\"x\": \"\ud800\"}", headers=ts.GOOD.headers), "payload or webhook-id is not valid text"),
    ]
    results = node([signature_case(c) for c, _ in cases])
    for (case, words), result in zip(cases, results):
        assert result["ours"] == {"ok": False, "error": "InvalidWebhookSignatureError", "message": words}
        try:
            real = time.time
            time.time = lambda: float(NOW)  # type: ignore[assignment]
            with pytest.raises(ow.InvalidWebhookSignatureError) as e:
                ow.verify_signature(case.payload, case.headers, secret=case.secret, tolerance=case.tolerance)
        finally:
            time.time = real  # type: ignore[assignment]
        assert str(e.value) == words


NOT_A_NUMBER = {"tolerance": float("nan")}, {"toleranceName": "NaN"}
# Both modules' words for a body that JSON parsing made (express.json(), request.json()).
PARSED_ALREADY = ": JSON parsed already? Pass the body exactly as received, the signature covers its bytes"

# Wrong arguments, raised before any check: the Python module's TypeError or ValueError, the
# TypeScript module's TypeError or RangeError, in the same words but for each language's type names.
ARGUMENT_ERRORS: dict[str, tuple[dict[str, Any], dict[str, Any], tuple[str, str], tuple[str, str]]] = {
    "NaN tolerance": (
        *NOT_A_NUMBER,
        ("ValueError", "tolerance must be a finite number of seconds, not nan"),
        ("RangeError", "tolerance must be a finite number of seconds, not NaN"),
    ),
    "infinite tolerance": (
        {"tolerance": float("inf")},
        {"toleranceName": "Infinity"},
        ("ValueError", "tolerance must be a finite number of seconds, not inf"),
        ("RangeError", "tolerance must be a finite number of seconds, not Infinity"),
    ),
    "negative tolerance": ({"tolerance": -1}, {"tolerance": -1}, ("ValueError", "tolerance must not be negative"), ("RangeError", "tolerance must not be negative")),
    "null tolerance": (
        {"tolerance": None},
        {"tolerance": None},
        ("TypeError", "tolerance must be a number of seconds, not NoneType"),
        ("TypeError", "tolerance must be a number of seconds, not null"),
    ),
    "tolerance as text": (
        {"tolerance": "300"},
        {"tolerance": "300"},
        ("TypeError", "tolerance must be a number of seconds, not str"),
        ("TypeError", "tolerance must be a number of seconds, not string"),
    ),
    "null body": (
        {"payload": None},
        {"body": None},
        ("TypeError", "payload must be the raw request body (bytes, bytearray or str), not NoneType"),
        ("TypeError", "payload must be the raw request body (string, Uint8Array or ArrayBuffer), not null"),
    ),
    "already-parsed body": (
        {"payload": json.loads(json.dumps(realtime()))},
        {"body": realtime()},
        ("TypeError", "payload must be the raw request body (bytes, bytearray or str), not dict" + PARSED_ALREADY),
        ("TypeError", "payload must be the raw request body (string, Uint8Array or ArrayBuffer), not Object" + PARSED_ALREADY),
    ),
    "a number as body": (
        {"payload": 12},
        {"body": 12},
        ("TypeError", "payload must be the raw request body (bytes, bytearray or str), not int"),
        ("TypeError", "payload must be the raw request body (string, Uint8Array or ArrayBuffer), not number"),
    ),
    "null headers": (
        {"headers": None},
        {"headers": None},
        ("TypeError", "headers must be a mapping or a header object with get() and items(), not NoneType"),
        ("TypeError", "headers must be a Headers object or a record of header values, not null"),
    ),
    "headers as a list": (
        {"headers": ["webhook-id", "msg_1"]},
        {"headers": ["webhook-id", "msg_1"]},
        ("TypeError", "headers must be a mapping or a header object with get() and items(), not list"),
        ("TypeError", "headers must be a Headers object or a record of header values, not Array"),
    ),
    "null secret": (
        {"secret": None},
        {"secret": None},
        ("TypeError", "secret must be a str or bytes, not NoneType"),
        ("TypeError", "secret must be a string or Uint8Array, not null"),
    ),
    "a number as secret": (
        {"secret": 0},
        {"secret": 0},
        ("TypeError", "secret must be a str or bytes, not int"),
        ("TypeError", "secret must be a string or Uint8Array, not number"),
    ),
}


@pytest.mark.parametrize("name", sorted(ARGUMENT_ERRORS))
def test_wrong_arguments_raise_before_any_check_in_both(name: str, compiled: None) -> None:
    import test_signature as ts

    python_change, typescript_change, (python_error, python_words), typescript_error = ARGUMENT_ERRORS[name]
    for delivery in (ts.signed(ts=NOW), ts.signed(ts=1)):  # fresh, and correctly signed in 1970
        arguments = {"payload": delivery.payload, "headers": delivery.headers, "secret": delivery.secret, "tolerance": 300, **python_change}
        for call in (ow.verify_signature, ow.unwrap):
            with pytest.raises((TypeError, ValueError)) as e:
                call(arguments["payload"], arguments["headers"], secret=arguments["secret"], tolerance=arguments["tolerance"])
            assert (type(e.value).__name__, str(e.value)) == (python_error, python_words)
        case = {**signature_case(delivery), "call": "arguments", "tolerance": 300, **typescript_change}
        if "toleranceName" in case:
            del case["tolerance"]
        result = node([case])[0]
        assert (result["ok"], result["error"], result["message"]) == (False, *typescript_error)


def test_the_built_files_are_where_the_tests_expect_them(compiled: None) -> None:
    for path in BUILT.values():
        assert Path(path).is_file(), path
