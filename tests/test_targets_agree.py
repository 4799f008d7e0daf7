"""The four targets that decode JSON agree, payload for payload, on a corpus built from the spec.

The stdlib module, the pydantic module, the msgspec module and the JSON Schema (checked with
`jsonschema`) must accept and reject the same payloads, and the three Python modules must decode
accepted ones to the same JSON. Where a library cannot be as strict as the stdlib module, the
difference is listed in `EXPECTED_DIFFERENCES`, asserted case by case, and documented in the README.
"""

from __future__ import annotations

import copy
import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any, Callable

import jsonschema
import pydantic
import pytest

from conftest import GENERATED, KITCHEN, SPEC, import_path
from corpus import OTHER, Case, base_kind, corpus
from examples import objects_in
from generator import model, spec



@dataclass(frozen=True)
class Outputs:
    spec: model.Spec
    stdlib: ModuleType
    pydantic: ModuleType
    msgspec: ModuleType
    schema: dict[str, Any]


def outputs(spec_path: Path, out: Path) -> Outputs:
    loaded = spec.load(spec_path)
    m = loaded.module
    return Outputs(
        loaded,
        import_path(out / "python" / f"{m}.py", m),
        import_path(out / "pydantic" / f"{m}_pydantic.py", f"{m}_pydantic"),
        import_path(out / "msgspec" / f"{m}_msgspec.py", f"{m}_msgspec"),
        json.loads((out / "schema" / f"{m}.schema.json").read_text(encoding="utf-8")),
    )


SPECS = {"shipped": (SPEC, GENERATED), "kitchen_sink": (KITCHEN / "spec.yaml", KITCHEN / "expected")}
LOADED = {name: outputs(*paths) for name, paths in SPECS.items()}
CASES = [(name, case) for name, o in LOADED.items() for case in corpus(o.spec)]


# -- each target's verdict: the decoded JSON, or None when it rejects the payload --------------------


def stdlib_decode(o: Outputs, text: str) -> dict[str, Any] | None:
    try:
        result: dict[str, Any] = o.stdlib.parse_event(text, strict=True).to_dict()
        return result
    except o.stdlib.WebhookDecodeError:
        return None


def pydantic_decode(o: Outputs, text: str) -> dict[str, Any] | None:
    assert o.spec.entry is not None
    union = getattr(o.pydantic, o.spec.entry.name.pascal)
    try:
        result: dict[str, Any] = union.model_validate_json(text).model_dump(mode="json", by_alias=True, exclude_unset=True)
        return result
    except pydantic.ValidationError:
        return None


def msgspec_decode(o: Outputs, text: str) -> dict[str, Any] | None:
    try:
        result: dict[str, Any] = o.msgspec.parse_event(text, strict=True).to_dict()
        return result
    except o.msgspec.WebhookDecodeError:
        return None


def not_json(constant: str) -> Any:
    raise ValueError(f"{constant} is not JSON")


def schema_accepts(o: Outputs, text: str) -> bool:
    """A schema validates JSON: text that is not JSON (NaN, Infinity) is no instance of it."""
    try:
        instance = json.loads(text, parse_constant=not_json)
    except ValueError:
        return False
    # Formats are checked only when asked (2020-12 makes `format` an annotation by default); date-time
    # and uri need rfc3339-validator and rfc3986-validator, which the dev environment installs.
    return jsonschema.Draft202012Validator(o.schema, format_checker=FORMATS).is_valid(instance)


FORMATS = jsonschema.Draft202012Validator.FORMAT_CHECKER
assert {"date-time", "date", "uri", "email", "uuid"} <= set(FORMATS.checkers), "a format jsonschema would not check"


# What the libraries cannot check as strictly as the stdlib module, by kind of mutation:
# pydantic reads an optional key that came as null as absent (its `X | None = None`), and its
# `Literal[True]` matches 1 and `Literal[1, 2]` matches true (1 == True in Python), even with its
# Strict* types elsewhere; its JSON reader takes NaN and Infinity into a field of any JSON value (`Any`).
EXPECTED_DIFFERENCES: dict[str, Callable[[Case], bool]] = {
    "pydantic": lambda case: (case.kind == "null where not nullable" and case.optional_field)
    or base_kind(case.kind) in ("int for bool literal", "true for 1", "not JSON"),
}


# Python's jsonschema checks `format: email` only for an '@', and its date-time (rfc3339-validator)
# refuses a leap second (:60), which RFC 3339 allows.
SCHEMA_DIFFERENCES: dict[str, Callable[[Case], bool]] = {
    "accepts": lambda case: case.kind == "email jsonschema takes",
    "rejects": lambda case: case.kind == "leap second",
}


@pytest.mark.parametrize("name,case", CASES, ids=[f"{n}: {c.name}" for n, c in CASES])
def test_targets_agree(name: str, case: Case) -> None:
    o = LOADED[name]
    text = json.dumps(case.payload)
    want = case.payload if case.valid else None
    ours = stdlib_decode(o, text)
    assert ours == want, f"stdlib: {case.name}"
    if SCHEMA_DIFFERENCES["accepts"](case) or SCHEMA_DIFFERENCES["rejects"](case):
        assert schema_accepts(o, text) is not case.valid, f"JSON Schema now agrees on {case.name}: drop the difference"
    else:
        assert schema_accepts(o, text) is case.valid, f"JSON Schema: {case.name}"
    theirs = pydantic_decode(o, text)
    if EXPECTED_DIFFERENCES["pydantic"](case):
        assert theirs is not None, f"pydantic now rejects {case.name}: drop it from EXPECTED_DIFFERENCES"
    else:
        assert theirs == want, f"pydantic: {case.name}"
    fast = msgspec_decode(o, text)
    if case.kind == "extra key":
        # msgspec drops keys the spec does not define (documented in the module).
        assert fast is not None and fast == without_other_keys(o.spec, {k: v for k, v in case.payload.items() if k != "zz_added_later"})
    elif case.kind.endswith(OTHER):
        # ... an open object's other keys too, unchecked (README's table): whatever they hold
        assert fast == without_other_keys(o.spec, strip_at(case.payload, case.name)), f"msgspec: {case.name}"
    else:
        assert fast == (without_other_keys(o.spec, want) if want is not None else None), f"msgspec: {case.name}"


def without_other_keys(s: model.Spec, payload: dict[str, Any]) -> dict[str, Any]:
    """A valid payload as msgspec gives it back: every open object without the keys it does not declare."""
    assert s.entry is not None
    out = copy.deepcopy(payload)
    for _, obj, value in list(objects_in(out, s.entry, s)):
        if obj.other is not None:
            for k in [k for k in value if k not in {f.key for f in obj.fields}]:
                del value[k]
    return out


def strip_at(payload: dict[str, Any], name: str) -> dict[str, Any]:
    """The payload of a mutation under an open object's other key, without that key (valid
    elsewhere), found from the case's name: `... at $.data.zz_other...`."""
    out = copy.deepcopy(payload)
    node: Any = out
    for key, index in re.findall(r"\.([A-Za-z0-9_-]+)|\[(\d+)\]", name.rsplit(" at ", 1)[1]):
        if key.startswith("zz_other"):
            del node[key]
            return out
        node = node[key] if key else node[int(index)]
    raise AssertionError(f"no other key in {name}")


def test_the_corpus_covers_every_kind_of_mutation() -> None:
    kinds = {c.kind for _, c in CASES}
    assert {"valid", "wrong type", "missing key", "bad literal", "outside the enum", "null where not nullable"} <= kinds


@pytest.mark.parametrize("name", sorted(LOADED))
def test_the_corpus_reaches_every_member(name: str) -> None:
    o = LOADED[name]
    assert o.spec.entry is not None
    valid_tags = {c.payload[o.spec.entry.discriminator] for n, c in CASES if n == name and c.valid}
    assert valid_tags == {m.tag for m in o.spec.entry.members}


# -- the stricter libraries' error contract -----------------------------------------------------------


@pytest.mark.parametrize("name", sorted(LOADED))
def test_msgspec_errors_have_a_path_like_the_stdlib_module(name: str) -> None:
    o = LOADED[name]
    for n, case in CASES:
        if n != name or case.valid or case.kind.endswith(OTHER):  # msgspec drops other keys unchecked
            continue
        text = json.dumps(case.payload)
        with pytest.raises(o.msgspec.WebhookDecodeError) as fast:
            o.msgspec.parse_event(text, strict=True)
        with pytest.raises(o.stdlib.WebhookDecodeError) as ours:
            o.stdlib.parse_event(text, strict=True)
        assert isinstance(fast.value, ValueError)
        assert fast.value.path.startswith("$")
        if case.kind == "missing key":
            assert fast.value.message == ours.value.message, case.name
            # msgspec writes a map's key as `[...]`; everything else is the same path.
            pattern = re.escape(fast.value.path).replace(re.escape("[...]"), r'(\.\w+|\[".*"\])')
            assert re.fullmatch(pattern, ours.value.path), (fast.value.path, ours.value.path, case.name)


@pytest.mark.parametrize("name", sorted(LOADED))
def test_msgspec_keeps_unknown_event_types(name: str) -> None:
    o = LOADED[name]
    assert o.spec.entry is not None
    disc = o.spec.entry.discriminator
    payload = {disc: "added.later", "id": "x", "nested": {"a": [1]}}
    event = o.msgspec.parse_event(json.dumps(payload))
    assert isinstance(event, o.msgspec.UnknownWebhookEvent)
    assert event.to_dict() == payload
    with pytest.raises(o.msgspec.WebhookDecodeError):
        o.msgspec.parse_event(json.dumps(payload), strict=True)
    with pytest.raises(o.msgspec.WebhookDecodeError):
        o.msgspec.parse_event(b"{not json")


def test_jsonschema_validates_the_schemas_against_the_2020_12_meta_schema() -> None:
    for o in LOADED.values():
        jsonschema.Draft202012Validator.check_schema(o.schema)
        assert o.schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"


@pytest.mark.parametrize("name", sorted(LOADED))
def test_the_pydantic_entry_is_a_discriminated_union(name: str) -> None:
    o = LOADED[name]
    assert o.spec.entry is not None
    union = getattr(o.pydantic, o.spec.entry.name.pascal)
    assert issubclass(union, pydantic.RootModel)
    json_schema = union.model_json_schema()
    if o.spec.entry.has_variants:
        # Variants share a tag, which pydantic's discriminator maps to one class: the union is left
        # to pydantic's smart mode, every member a choice (README's table).
        assert "discriminator" not in json_schema
        assert len(json_schema["anyOf"]) == len(o.spec.entry.members)
        return
    assert json_schema["discriminator"]["propertyName"] == o.spec.entry.discriminator


@pytest.mark.parametrize("target", ["pydantic", "msgspec"])
@pytest.mark.parametrize("name", sorted(SPECS))
def test_generated_module_is_clean_under_mypy_strict(name: str, target: str) -> None:
    o = LOADED[name]
    path = SPECS[name][1] / target / f"{o.spec.module}_{target}.py"
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--cache-dir", os.devnull, str(path)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr


# A lone surrogate is no character: msgspec and pydantic hold strings as UTF-8 and cannot take one,
# and the stdlib module refuses one too (I-JSON, RFC 7493), escaped or, in a str payload, outright.
# JSON Schema has no word for it: a validator sees only the decoded strings.
SURROGATES = {
    "lone high surrogate, escaped": ('"a\\ud83d"', False),
    "lone low surrogate, escaped upper-case": ('"\\uDC00"', False),
    "high surrogate before a pair": ('"\\ud83d\\ud83d\\ude00"', False),
    "an escaped backslash before a lone surrogate": ('"\\\\\\ud800"', False),
    "a lone surrogate outright": ('"\ud800"', False),
    "an escaped pair": ('"\\ud83d\\ude00"', True),
    "an escaped backslash, then u and hex digits": ('"\\\\ud800"', True),
}


@pytest.mark.parametrize("name", sorted(LOADED))
@pytest.mark.parametrize("surrogate", sorted(SURROGATES))
def test_lone_surrogates_refused_by_every_python_module(name: str, surrogate: str) -> None:
    o = LOADED[name]
    string, valid = SURROGATES[surrogate]
    case = next(c for n, c in CASES if n == name and c.valid)
    body = json.dumps(case.payload)
    for text in (body[:-1] + f', "zz_note": {string}}}', body[:-1] + f', {string}: 1}}'):  # a value, a key
        assert (stdlib_decode(o, text) is not None) is valid, text
        assert (pydantic_decode(o, text) is not None) is valid, text
        assert (msgspec_decode(o, text) is not None) is valid, text
