"""sign_headers (Python) and signHeaders (TypeScript): headers that the module's own unwrap and the
reference Standard Webhooks library (the `standardwebhooks` package) both accept, for every event of
the spec; secrets read as the module reads them; the README's handler test is a file that runs."""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
import standardwebhooks

from conftest import GENERATED, ROOT, SPEC, import_path
from examples import events, example
from generator import spec
from generator.targets import python

ow = import_path(GENERATED / "python" / "openai_webhooks.py", "openai_webhooks")
SPEC_MODEL = spec.load(SPEC)
TSC = ROOT / "node_modules" / ".bin" / "tsc"
BUILT = ROOT / ".tsbuild" / "generated" / "typescript" / "openai_webhooks.js"

KEY = b"0123456789abcdef0123456789abcdef"
# The three ways the module reads a secret: whsec_ + base64, raw UTF-8 text, the key's bytes; and the
# key the reference library must be given for each (it reads a str without the prefix as base64).
SECRETS: list[tuple[str, str | bytes, bytes]] = [
    ("whsec", "whsec_" + base64.b64encode(KEY).decode(), KEY),
    ("raw text", "a raw secret, ünïcode", "a raw secret, ünïcode".encode()),
    ("bytes", KEY, KEY),
    ("long key", "whsec_" + base64.b64encode(bytes(range(100))).decode(), bytes(range(100))),
]


def reference(key: bytes) -> standardwebhooks.Webhook:
    return standardwebhooks.Webhook(key)  # bytes: the key itself


@pytest.mark.spec_driven
@pytest.mark.parametrize("name,secret,key", SECRETS, ids=[s[0] for s in SECRETS])
def test_every_event_signed_passes_unwrap_and_the_reference_library(name: str, secret: str | bytes, key: bytes) -> None:
    members = events(SPEC_MODEL)
    assert members
    for member in members:
        for variant in range(3):
            value = example(member.object, SPEC_MODEL, variant)
            text = json.dumps(value, ensure_ascii=False)
            for body in (text, text.encode(), bytearray(text.encode())):
                headers = ow.sign_headers(body, secret)
                assert set(headers) == {"webhook-id", "webhook-timestamp", "webhook-signature"}
                event = ow.unwrap(body, headers, secret=secret)
                assert type(event).__name__ == python.class_name(member.object.name)
                assert event.to_dict() == value
                reference(key).verify(bytes(body) if not isinstance(body, str) else body, headers, json_parse=False)


def test_the_signature_is_the_reference_librarys_for_the_same_id_and_time() -> None:
    when = 1_750_000_000
    for _, secret, key in SECRETS:
        headers = ow.sign_headers("{}", secret, msg_id="msg_fixed", timestamp=when)
        assert headers["webhook-id"] == "msg_fixed" and headers["webhook-timestamp"] == str(when)
        expected = reference(key).sign("msg_fixed", datetime.fromtimestamp(when, tz=timezone.utc), "{}")
        assert headers["webhook-signature"] == expected


def test_defaults_are_a_fresh_msg_id_and_now() -> None:
    before = int(time.time())
    ids = set()
    for _ in range(20):
        headers = ow.sign_headers(b"{}", KEY)
        assert re.fullmatch(r"msg_[0-9a-f]{32}", headers["webhook-id"]), headers
        assert before <= int(headers["webhook-timestamp"]) <= int(time.time())
        ids.add(headers["webhook-id"])
    assert len(ids) == 20


def test_an_old_timestamp_makes_a_delivery_both_refuse() -> None:
    secret, key = SECRETS[0][1], SECRETS[0][2]
    headers = ow.sign_headers("{}", secret, timestamp=int(time.time()) - 3600)
    with pytest.raises(ow.InvalidWebhookSignatureError, match="too old"):
        ow.verify_signature("{}", headers, secret=secret)
    with pytest.raises(standardwebhooks.WebhookVerificationError):
        reference(key).verify("{}", headers, json_parse=False)
    ow.verify_signature("{}", headers, secret=secret, tolerance=3700)


def test_a_signature_does_not_pass_for_another_body_or_secret() -> None:
    secret = SECRETS[0][1]
    headers = ow.sign_headers('{"a": 1}', secret)
    with pytest.raises(ow.InvalidWebhookSignatureError, match="no signature"):
        ow.verify_signature('{"a": 2}', headers, secret=secret)
    with pytest.raises(ow.InvalidWebhookSignatureError, match="no signature"):
        ow.verify_signature('{"a": 1}', headers, secret="whsec_" + base64.b64encode(b"other").decode())


# What verify_signature says of each bad secret, sign_headers says too (the module's documented error).
BAD_SECRETS = ["", "whsec_", "whsec_!!!!", "whsec_QUFB====", "whsec_QUF"]


@pytest.mark.parametrize("secret", BAD_SECRETS)
def test_a_bad_secret_raises_what_verify_signature_raises(secret: str) -> None:
    with pytest.raises(ow.InvalidWebhookSignatureError) as verified:
        ow.verify_signature("{}", {"webhook-id": "m", "webhook-timestamp": str(int(time.time())), "webhook-signature": "v1,x"}, secret=secret)
    with pytest.raises(ow.InvalidWebhookSignatureError) as signed:
        ow.sign_headers("{}", secret)
    assert str(signed.value) == str(verified.value)
    assert str(signed.value) in {"secret is empty", "secret is not valid base64 after its whsec_ prefix"}


@pytest.mark.parametrize(
    "kwargs,error,words",
    [
        ({"payload": {"type": "x"}}, TypeError, "payload must be the raw request body (bytes, bytearray or str), not dict: JSON parsed already?"),
        ({"payload": None}, TypeError, "payload must be the raw request body (bytes, bytearray or str), not NoneType"),
        ({"payload": "\ud800"}, ValueError, "payload is not valid text: it holds a lone surrogate"),
        ({"secret": None}, TypeError, "secret must be a str or bytes, not NoneType"),
        ({"msg_id": 1}, TypeError, "msg_id must be a str, not int"),
        ({"msg_id": ""}, ValueError, "msg_id must be a non-empty str"),
        ({"msg_id": "msg\r\nx-injected: 1"}, ValueError, "msg_id must be a non-empty str"),
        ({"msg_id": "msg_\ud800"}, ValueError, "msg_id must be a non-empty str"),
        ({"timestamp": 1.5}, TypeError, "timestamp must be whole seconds (an int), not float"),
        ({"timestamp": True}, TypeError, "timestamp must be whole seconds (an int), not bool"),
        ({"timestamp": -1}, ValueError, "timestamp must not be negative"),
    ],
)
def test_wrong_arguments_raise_type_or_value_error(kwargs: dict[str, Any], error: type[Exception], words: str) -> None:
    args: dict[str, Any] = {"payload": "{}", "secret": SECRETS[0][1]} | kwargs
    with pytest.raises(error) as e:
        ow.sign_headers(args.pop("payload"), args.pop("secret"), **args)
    assert str(e.value).startswith(words)
    assert not isinstance(e.value, ow.InvalidWebhookSignatureError)


# -- the same from the TypeScript module ----------------------------------------------------------


@pytest.fixture(scope="module")
def compiled() -> None:
    assert TSC.exists(), "node_modules is missing: `make test` installs it (npm ci)"
    done = subprocess.run([str(TSC), "-p", str(ROOT / "tsconfig.json")], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"tsc failed:\n{done.stdout}{done.stderr}"


NODE_SCRIPT = """
const ow = await import(process.argv[1]);
const cases = JSON.parse(process.argv[2]);
const out = [];
for (const c of cases) {
  const secret = c.secret_b64 === undefined ? c.secret : new Uint8Array(Buffer.from(c.secret_b64, "base64"));
  const body = c.body === undefined ? c.parsed : c.body;
  try {
    out.push({ ok: await ow.signHeaders(body, secret, { msgId: c.msg_id, timestamp: c.timestamp }) });
  } catch (e) {
    out.push({ error: e.name, message: e.message });
  }
  if (c.parsed !== undefined) {
    try {
      await ow.unwrap(body, {}, { secret });
    } catch (e) {
      out[out.length - 1].unwrap = e.message;
    }
  }
}
console.log(JSON.stringify(out));
"""


def test_the_typescript_module_signs_and_refuses_alike(compiled: None) -> None:
    when = 1_750_000_000
    body = json.dumps(example(events(SPEC_MODEL)[0].object, SPEC_MODEL), ensure_ascii=False)
    cases: list[dict[str, Any]] = []
    for _, secret, _key in SECRETS:
        case: dict[str, Any] = {"body": body, "msg_id": "msg_x", "timestamp": when}
        if isinstance(secret, bytes):
            case["secret_b64"] = base64.b64encode(secret).decode()
        else:
            case["secret"] = secret
        cases.append(case)
    cases += [{"body": body, "secret": s, "msg_id": "msg_x", "timestamp": when} for s in BAD_SECRETS]
    cases += [{"parsed": json.loads(body), "secret": SECRETS[0][1]}, {"parsed": [1], "secret": SECRETS[0][1]}]
    done = subprocess.run(
        ["node", "--input-type=module", "-e", NODE_SCRIPT, str(BUILT), json.dumps(cases)],
        capture_output=True, text=True, timeout=120, cwd=ROOT,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    results = json.loads(done.stdout)
    for case, result in zip(cases, results, strict=True):
        secret = base64.b64decode(case["secret_b64"]) if "secret_b64" in case else case["secret"]
        payload = case.get("body", case.get("parsed"))
        try:
            expected: dict[str, Any] = {"ok": ow.sign_headers(payload, secret, msg_id=case.get("msg_id"), timestamp=case.get("timestamp"))}
        except ow.InvalidWebhookSignatureError as e:
            expected = {"error": "InvalidWebhookSignatureError", "message": str(e)}
        except TypeError as e:  # Python names its types, TypeScript its own: the rest is the same words
            words = str(e).replace("(bytes, bytearray or str)", "(string, Uint8Array or ArrayBuffer)")
            expected = {"error": "TypeError", "message": words.replace("not dict", "not Object").replace("not list", "not Array")}
        if "parsed" in case:  # unwrap given a parsed body: the same words as signHeaders
            with pytest.raises(TypeError) as e:
                ow.unwrap(payload, {}, secret=secret)
            assert str(e.value).endswith(": JSON parsed already? Pass the body exactly as received, the signature covers its bytes")
            expected["unwrap"] = expected["message"]
        assert result == expected, case


# -- the README's handler test --------------------------------------------------------------------

EXAMPLE = ROOT / "examples" / "handler-test" / "test_handler.py"


TS_EXAMPLE = ROOT / "examples" / "handler-test" / "handler.test.ts"


def readme_block(after: str, language: str) -> str:
    """The first code block in `language` of README.md after the first place that names `after`."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index(f"`{after}`")
    match = re.compile(rf"^```{language}\n(.*?)^```$", re.S | re.M).search(text, start)
    assert match is not None
    return match.group(1)


@pytest.mark.parametrize("example,language", [(EXAMPLE, "python"), (TS_EXAMPLE, "ts")], ids=["python", "ts"])
def test_the_readme_shows_the_handler_test_as_it_is(example: Path, language: str) -> None:
    shown = readme_block(str(example.relative_to(ROOT)), language)
    assert shown == example.read_text(encoding="utf-8")


def test_the_handler_test_passes_as_a_user_runs_it() -> None:
    env = {**os.environ, "PYTHONPATH": str(GENERATED / "python")}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--rootdir", str(EXAMPLE.parent), str(EXAMPLE)],
        capture_output=True, text=True, timeout=120, cwd=EXAMPLE.parent, env=env,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert re.search(r"\b2 passed\b", done.stdout), done.stdout


def test_the_typescript_handler_test_compiles_under_nodenext_and_passes(tmp_path: Path) -> None:
    """As a user builds it for Node 20: the generated file copied beside it, tsc (NodeNext), node --test."""
    module = SPEC_MODEL.module
    shutil.copy(GENERATED / "typescript" / f"{module}.ts", tmp_path / f"{module}.ts")
    shutil.copy(TS_EXAMPLE, tmp_path / TS_EXAMPLE.name)
    config = json.loads((ROOT / "tsconfig.json").read_text())
    config["compilerOptions"].update(
        module="NodeNext", moduleResolution="NodeNext", types=["node"], typeRoots=[str(ROOT / "node_modules" / "@types")],
        outDir=str(tmp_path / "build"), rootDir=str(tmp_path), declaration=False,
    )  # fmt: skip
    config["files"] = [str(tmp_path / f"{module}.ts"), str(tmp_path / TS_EXAMPLE.name)]
    (tmp_path / "tsconfig.json").write_text(json.dumps(config))
    (tmp_path / "package.json").write_text('{"type": "module"}')
    assert TSC.exists(), "node_modules is missing: `make test` installs it (npm ci)"
    done = subprocess.run([str(TSC), "-p", str(tmp_path / "tsconfig.json")], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    built = tmp_path / "build" / TS_EXAMPLE.name.replace(".ts", ".js")
    done = subprocess.run(["node", "--test", str(built)], capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert re.search(r"^# pass 2$", done.stdout, re.M) and re.search(r"^# fail 0$", done.stdout, re.M), done.stdout


def test_the_handler_test_passes_mypy_strict(tmp_path: Path) -> None:
    from test_routing import mypy

    assert mypy([EXAMPLE], tmp_path) == []
