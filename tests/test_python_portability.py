"""The generated modules pass `mypy --strict` and import with the standard library alone on every
installed Python from 3.10 up (interpreters that are absent are skipped, not failed)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import GENERATED, REFERENCE_SPEC, SPEC
from examples import events, example
from generator import spec

MODULES = [
    GENERATED / "python" / f"{spec.load(SPEC).module}.py",
    Path(__file__).parent / "golden" / "kitchen_sink" / "expected" / "python" / "kitchen_sink.py",
]
VERSIONS = ("3.10", "3.11", "3.12", "3.13")


@pytest.mark.parametrize("module", [pytest.param(m, id=m.stem, marks=pytest.mark.spec_driven if m.parent.parent == GENERATED else ()) for m in MODULES])
def test_mypy_strict(module: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--cache-dir", os.devnull, str(module)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "type: ignore" not in module.read_text()


def interpreter(version: str) -> str | None:
    """The newest pyenv build of `version`, else python<version> from PATH (pyenv's shims skipped:
    they only answer for the selected version)."""
    root = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    builds = sorted(
        (p for p in root.glob(f"{version}.*") if re.fullmatch(rf"{re.escape(version)}\.\d+", p.name)),
        key=lambda p: int(p.name.rsplit(".", 1)[1]),
    )
    for build in reversed(builds):
        candidate = build / "bin" / "python3"
        if candidate.exists():
            return str(candidate)
    found = shutil.which(f"python{version}")
    return found if found and "/shims/" not in found else None


PROBE = """
import importlib, json, sys
sys.path.insert(0, sys.argv[1])
w = importlib.import_module(sys.argv[4])
assert not [m for m in sys.modules if m.split(".")[0] in ("yaml", "jinja2", "pydantic", "openai")]
event = w.parse_event(sys.argv[2].encode())
try:
    w.parse_event(sys.argv[3].encode())
except w.WebhookDecodeError as e:
    path = e.path
print(json.dumps({"version": sys.version_info[:2], "class": type(event).__name__, "back": event.to_dict(), "path": path}))
"""


@pytest.mark.spec_driven
@pytest.mark.parametrize("version", VERSIONS)
def test_imports_with_stdlib_only(version: str) -> None:
    python = interpreter(version)
    if python is None:
        pytest.skip(f"Python {version} is not installed here")
    loaded = spec.load(SPEC)
    member = max(events(loaded), key=lambda m: len(m.object.nested))  # the event with the most nested classes
    payload = {**example(member.object, loaded, 1), "x": 1}
    # A required key missing from the payload: its path is reported.
    required = next(f.key for f in member.object.fields if not f.optional and f.key != loaded.entry.discriminator)  # type: ignore[union-attr]
    broken = {k: v for k, v in payload.items() if k != required}
    # -I: isolated (no user site, no PYTHON* env); -S: no site-packages at all
    result = subprocess.run(
        [python, "-I", "-S", "-B", "-c", PROBE, str(GENERATED / "python"), json.dumps(payload), json.dumps(broken), loaded.module],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["version"] == [int(x) for x in version.split(".")]
    assert out["class"] == member.object.name.pascal
    assert out["back"] == payload
    assert out["path"] == f"$.{required}"


# What the generated classes and parse_event rely on from CPython, checked on each version: the
# decoders fill a twin class and assign __class__ (same base, same __slots__); parse_event calls the
# JSON scanner directly; dataclasses.fields() reads the Field objects the classes build lazily.
BEHAVIOURS = """
import json, sys
sys.path.insert(0, sys.argv[1])
import openai_webhooks as w
assert "dataclasses" not in sys.modules, "importing the module must not import dataclasses"
import copy, dataclasses, pickle
scan = w._scan
assert scan('{"a": [1, 2.5]}', 0) == ({"a": [1, 2.5]}, 15)
try:
    scan(' {}', 0)
except StopIteration as e:
    assert e.value == 0
else:
    raise AssertionError("the scanner took leading whitespace")
body = {"id": "evt_1", "created_at": 1, "data": {"call_id": "c", "sip_headers": [{"name": "n", "value": "v"}]},
        "type": "realtime.call.incoming", "x": [1]}
event = w.parse_event(json.dumps(body))
assert type(event) is w.RealtimeCallIncomingWebhookEvent and type(event.data.sip_headers[0]) is w.RealtimeCallIncomingWebhookEventDataSipHeader
assert event.to_dict() == body
for text in (" " + json.dumps(body) + "\\n", json.dumps(body).encode(), bytearray(json.dumps(body).encode())):
    assert w.parse_event(text) == event
for bad, message in (('{"a": 1} x', "Extra data"), ('{"a": NaN}', "NaN is not valid JSON"), ('{"a": 1e400}', "out of range"), ("", "Expecting value")):
    try:
        w.parse_event(bad)
    except w.WebhookDecodeError as e:
        assert message in e.message, (bad, e.message)
    else:
        raise AssertionError(bad)
built = w.RealtimeCallIncomingWebhookEvent(id="evt_1", created_at=1, data=event.data, extra_fields={"x": [1]})
assert built == event and built.type == "realtime.call.incoming" and built.object is None
assert w.RealtimeCallIncomingWebhookEventDataSipHeader(name="n", value="v") == event.data.sip_headers[0]
assert hash(event.data.sip_headers[0]) == hash(w.RealtimeCallIncomingWebhookEventDataSipHeader(name="n", value="v"))
assert repr(event.data.sip_headers[0]) == "RealtimeCallIncomingWebhookEventDataSipHeader(name='n', value='v')"
assert repr(w.UnknownWebhookEvent(type="t", raw={})) == "UnknownWebhookEvent(type='t')"
for attempt in (lambda: setattr(event, "id", "x"), lambda: delattr(event, "id"), lambda: setattr(event, "new", 1)):
    try:
        attempt()
    except dataclasses.FrozenInstanceError:
        pass
    else:
        raise AssertionError("not frozen")
assert pickle.loads(pickle.dumps(event)) == event and copy.deepcopy(event) == event and copy.copy(event) == event
assert dataclasses.is_dataclass(event) and dataclasses.is_dataclass(type(event))
fields = dataclasses.fields(event)
assert [f.name for f in fields] == ["id", "created_at", "data", "type", "object", "extra_fields"], fields
assert fields[3].default == "realtime.call.incoming" and fields[4].default is None
assert fields[5].default_factory is dict and not fields[5].repr and fields[0].kw_only
assert dataclasses.replace(event, id="evt_2").id == "evt_2"
assert dataclasses.asdict(w.RealtimeCallIncomingWebhookEventDataSipHeader(name="n", value="v")) == {"name": "n", "value": "v", "extra_fields": {}}
assert type(event).__match_args__ == ()
assert w.RealtimeCallIncomingWebhookEventDataSipHeader.from_dict({"name": "n", "value": "v"}) == event.data.sip_headers[0]
class Mine(w.RealtimeCallIncomingWebhookEventDataSipHeader):
    __slots__ = ()
assert type(Mine.from_dict({"name": "n", "value": "v"})) is w.RealtimeCallIncomingWebhookEventDataSipHeader
try:
    w.UnknownWebhookEvent.from_dict({})
except TypeError:
    pass
else:
    raise AssertionError("UnknownWebhookEvent has no decoder")
import inspect
assert "unknown keys included" in inspect.getdoc(w.BatchCancelledWebhookEvent.to_dict)
match event:
    case w.RealtimeCallIncomingWebhookEvent(data=w.RealtimeCallIncomingWebhookEventData(call_id=call)):
        assert call == "c"
    case _:
        raise AssertionError("no match")
print("ok")
"""


@pytest.mark.parametrize("version", VERSIONS)
def test_class_and_decoder_behaviours_on_each_version(version: str, tmp_path: Path) -> None:
    """On the module of the frozen reference spec (the events BEHAVIOURS names), with today's templates."""
    python = interpreter(version)
    if python is None:
        pytest.skip(f"Python {version} is not installed here")
    from generator import render

    loaded = spec.load(REFERENCE_SPEC)
    (tmp_path / f"{loaded.module}.py").write_text(render.render(loaded)[f"python/{loaded.module}.py"], encoding="utf-8")
    result = subprocess.run(
        [python, "-I", "-S", "-B", "-c", BEHAVIOURS, str(tmp_path)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
