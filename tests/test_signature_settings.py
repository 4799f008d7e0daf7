"""The spec's `signature:` settings, in both modules: for every combination of header prefix, secret
prefix, how a secret without the prefix is read and default tolerance, a module generated in-process
into a temporary folder signs and checks as the settings say, agrees with the Standard Webhooks
reference library (`standardwebhooks`, Python and npm) where the settings are that library's, and
the TypeScript module says exactly what the Python module says."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import hmac
import itertools
import json
import subprocess
import time
from datetime import datetime, timezone
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import standardwebhooks

from conftest import ROOT, import_path
from generator import model, render, spec
from generator.targets import python, typescript

TSC = ROOT / "node_modules" / ".bin" / "tsc"

SPEC = """\
title: Signed
page: signed/index.md
module: {module}
entry: thing_event
{signature}
types:
  thing_happened:
    fields:
      type: {{literal: thing.happened}}
      id: {{type: string}}
  thing_event:
    discriminator: type
    union: [thing_happened]
"""

# Every header prefix and way of reading an unprefixed secret, each with two secret prefixes and
# tolerances (the defaults, and others).
SETTINGS = [
    model.Signature(header_prefix, secret_prefix, unprefixed, tolerance)
    for header_prefix, unprefixed, (secret_prefix, tolerance) in itertools.product(
        ("webhook-", "svix-"), ("utf8", "base64"), (("whsec_", 300), ("sk.test-", 45))
    )
]
IDS = [f"{s.header_prefix}{s.unprefixed_secret}-{s.secret_prefix}{s.tolerance}" for s in SETTINGS]
KEY = b"0123456789abcdef0123456789abcdef"
BODY = '{"type": "thing.happened", "id": "évt_1"}'
UTF8_SECRET = "a raw secret, ünïcode"  # not base64: a base64 module refuses it
BARE_SECRET = base64.b64encode(b"another key").decode()  # base64 without the prefix


def signature_yaml(settings: model.Signature) -> str:
    """The `signature:` mapping, with only the keys that differ from the defaults."""
    default = model.Signature()
    keys = {k: v for k, v in dataclasses.asdict(settings).items() if v != getattr(default, k)}
    return "signature:\n" + "".join(f"  {k}: {v}\n" for k, v in keys.items()) if keys else ""


def spec_text(i: int) -> str:
    return SPEC.format(module=f"signed_{i}", signature=signature_yaml(SETTINGS[i]))


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[ModuleType, str]]:
    """(Python module, TypeScript source) per setting, generated in-process."""
    folder = tmp_path_factory.mktemp("settings")
    out = []
    for i, settings in enumerate(SETTINGS):
        path = folder / f"signed_{i}.yaml"
        path.write_text(spec_text(i), encoding="utf-8")
        loaded = spec.load(path)
        assert loaded.signature == settings
        files = render.render(loaded, targets=(python.TARGET, typescript.TARGET))
        py = folder / f"signed_{i}.py"
        py.write_text(files[f"python/signed_{i}.py"], encoding="utf-8")
        out.append((import_path(py, f"signed_{i}"), files[f"typescript/signed_{i}.ts"]))
    return out


def key_of(secret: str | bytes, settings: model.Signature) -> bytes:
    """The HMAC key a secret stands for, as the settings say to read it."""
    if isinstance(secret, bytes):
        return secret
    if secret.startswith(settings.secret_prefix):
        return base64.b64decode(secret[len(settings.secret_prefix) :])
    return base64.b64decode(secret) if settings.unprefixed_secret == "base64" else secret.encode()


def secrets(settings: model.Signature) -> list[str | bytes]:
    """A prefixed secret, an unprefixed one of the kind the settings read, and the key's bytes."""
    bare = BARE_SECRET if settings.unprefixed_secret == "base64" else UTF8_SECRET
    return [settings.secret_prefix + base64.b64encode(KEY).decode(), bare, KEY]


def names(settings: model.Signature) -> tuple[str, str, str]:
    return (settings.id_header, settings.timestamp_header, settings.signature_header)


def as_standard(headers: dict[str, str], settings: model.Signature) -> dict[str, str]:
    """The headers under Standard Webhooks' names, which the reference library reads."""
    return {"webhook-" + k.removeprefix(settings.header_prefix): v for k, v in headers.items()}


@pytest.mark.parametrize("i", range(len(SETTINGS)), ids=IDS)
def test_the_python_module_signs_and_checks_as_the_settings_say(built: list[tuple[ModuleType, str]], i: int) -> None:
    settings, m = SETTINGS[i], built[i][0]
    when = int(time.time())
    for secret in secrets(settings):
        headers = m.sign_headers(BODY, secret, msg_id="msg_1", timestamp=when)
        assert tuple(headers) == names(settings)
        digest = hmac.new(key_of(secret, settings), f"msg_1.{when}.{BODY}".encode(), hashlib.sha256).digest()
        assert headers[settings.signature_header] == "v1," + base64.b64encode(digest).decode()
        event = m.unwrap(BODY.encode(), headers, secret=secret)
        assert event.to_dict() == json.loads(BODY)
        # Standard Webhooks' names are not these settings' (or are): they are found only when they are.
        elsewhere = "svix-" if settings.header_prefix == "webhook-" else "webhook-"
        other = {elsewhere + k.removeprefix(settings.header_prefix): v for k, v in headers.items()}
        with pytest.raises(m.InvalidWebhookSignatureError, match=f"^missing {settings.id_header} header$"):
            m.verify_signature(BODY, other, secret=secret)
    # The other way of reading an unprefixed secret is not this module's.
    if settings.unprefixed_secret == "base64":
        with pytest.raises(m.InvalidWebhookSignatureError, match="not valid base64"):
            m.sign_headers(BODY, UTF8_SECRET)
    else:
        headers = m.sign_headers(BODY, BARE_SECRET)
        with pytest.raises(m.InvalidWebhookSignatureError, match="no signature"):
            m.verify_signature(BODY, headers, secret=KEY)  # the base64 text's own bytes were the key
        m.verify_signature(BODY, headers, secret=BARE_SECRET.encode())


@pytest.mark.parametrize("i", range(len(SETTINGS)), ids=IDS)
def test_the_default_tolerance_is_the_settings(built: list[tuple[ModuleType, str]], i: int) -> None:
    settings, m = SETTINGS[i], built[i][0]
    secret = secrets(settings)[0]
    now = int(time.time())
    inside = m.sign_headers(BODY, secret, timestamp=now - settings.tolerance + 5)
    m.verify_signature(BODY, inside, secret=secret)
    old = m.sign_headers(BODY, secret, timestamp=now - settings.tolerance - 5)
    with pytest.raises(m.InvalidWebhookSignatureError, match=f"^{settings.timestamp_header} is too old$"):
        m.verify_signature(BODY, old, secret=secret)
    m.verify_signature(BODY, old, secret=secret, tolerance=settings.tolerance + 10)
    new = m.sign_headers(BODY, secret, timestamp=now + settings.tolerance + 5)
    with pytest.raises(m.InvalidWebhookSignatureError, match=f"^{settings.timestamp_header} is too new$"):
        m.unwrap(BODY, new, secret=secret)


@pytest.mark.parametrize("i", range(len(SETTINGS)), ids=IDS)
def test_the_reference_library_agrees(built: list[tuple[ModuleType, str]], i: int) -> None:
    """Both ways: the module's headers pass the reference library's check, and the reference
    library's signature passes the module's, under the settings' header names. A str secret goes to
    the library as is where the settings read it as the library does (whsec_, and base64 without it)."""
    settings, m = SETTINGS[i], built[i][0]
    when = datetime.now(tz=timezone.utc)
    for secret in secrets(settings):
        library_reads_it = isinstance(secret, str) and settings.unprefixed_secret == "base64" and (
            settings.secret_prefix == "whsec_" or not secret.startswith(settings.secret_prefix)
        )
        reference = standardwebhooks.Webhook(secret if library_reads_it else key_of(secret, settings))
        headers = m.sign_headers(BODY, secret)
        reference.verify(BODY, as_standard(headers, settings), json_parse=False)
        theirs = reference.sign("msg_ref", when, BODY)
        signed = dict(zip(names(settings), ("msg_ref", str(int(when.timestamp())), theirs)))
        assert m.unwrap(BODY, signed, secret=secret).to_dict() == json.loads(BODY)


BAD = ["", "sk.test-", "whsec_", "whsec_!!!!", "sk.test-QUF", "QUFB====", "no base64 here"]


NODE_SCRIPT = """
const { Webhook } = await import("standardwebhooks");
const cases = JSON.parse(process.argv[1]);
const out = [];
const modules = {};
for (const c of cases) {
  const m = (modules[c.file] ??= await import(c.file));
  const secret = c.key_b64 === undefined ? c.secret : new Uint8Array(Buffer.from(c.key_b64, "base64"));
  const result = {};
  try {
    result.signed = await m.signHeaders(c.body, secret, { msgId: "msg_1", timestamp: c.timestamp });
  } catch (e) {
    result.signError = e.message;
  }
  await m.verifySignature(c.body, c.headers, { secret, tolerance: c.tolerance }).then(
    () => { result.verified = true; },
    (e) => { result.verifyError = e.message; },
  );
  if (c.reference !== undefined) {
    const reference = c.reference.raw ? new Webhook(new Uint8Array(Buffer.from(c.reference.raw, "base64")), { format: "raw" }) : new Webhook(c.reference.secret);
    const now = Math.floor(Date.now() / 1000);
    const ours = await m.signHeaders(c.body, secret);
    const renamed = {};
    for (const [k, v] of Object.entries(ours)) renamed["webhook-" + k.slice(c.prefix.length)] = v;
    reference.verify(c.body, renamed, { jsonParse: false });
    const signature = reference.sign("msg_ref", new Date(now * 1000), c.body);
    const theirs = { [c.prefix + "id"]: "msg_ref", [c.prefix + "timestamp"]: String(now), [c.prefix + "signature"]: signature };
    result.unwrapped = JSON.parse(JSON.stringify(await m.unwrap(c.body, theirs, { secret })));
  }
  out.push(result);
}
console.log(JSON.stringify(out));
"""


def python_result(m: ModuleType, settings: model.Signature, case: dict[str, Any], secret: str | bytes) -> dict[str, Any]:
    """What the Python module does with a case: what the TypeScript module must do."""
    result: dict[str, Any] = {}
    try:
        result["signed"] = m.sign_headers(case["body"], secret, msg_id="msg_1", timestamp=case["timestamp"])
    except m.InvalidWebhookSignatureError as e:
        result["signError"] = str(e)
    try:
        m.verify_signature(case["body"], case["headers"], secret=secret, **({"tolerance": case["tolerance"]} if "tolerance" in case else {}))
        result["verified"] = True
    except m.InvalidWebhookSignatureError as e:
        result["verifyError"] = str(e)
    if "reference" in case:
        result["unwrapped"] = json.loads(case["body"])
    return result


def test_the_typescript_modules_do_what_the_python_modules_do(built: list[tuple[ModuleType, str]], tmp_path: Path) -> None:
    files = []
    for i, (_, source) in enumerate(built):
        (tmp_path / f"signed_{i}.ts").write_text(source, encoding="utf-8")
        files.append(str(tmp_path / f"signed_{i}.ts"))
    config = json.loads((ROOT / "tsconfig.json").read_text())
    config["compilerOptions"].update(outDir=str(tmp_path / "out"), rootDir=str(tmp_path))
    config["files"] = files
    (tmp_path / "tsconfig.json").write_text(json.dumps(config))
    (tmp_path / "package.json").write_text('{"type": "module"}')
    assert TSC.exists(), "node_modules is missing: `make test` installs it (npm ci)"
    done = subprocess.run([str(TSC), "-p", str(tmp_path / "tsconfig.json")], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr

    now = int(time.time())
    cases: list[dict[str, Any]] = []
    expected: list[dict[str, Any]] = []
    for i, ((m, _), settings) in enumerate(zip(built, SETTINGS)):
        file = str(tmp_path / "out" / f"signed_{i}.js")
        good = secrets(settings)[0]
        fresh = m.sign_headers(BODY, good, timestamp=now)
        old = m.sign_headers(BODY, good, timestamp=now - settings.tolerance - 60)
        other_names = {"x-" + k: v for k, v in fresh.items()}
        for secret in [*secrets(settings), *BAD]:
            for headers, tolerance in ((fresh, None), (old, None), (old, settings.tolerance + 120), (other_names, None)):
                case: dict[str, Any] = {"file": file, "body": BODY, "timestamp": now, "headers": headers}
                if tolerance is not None:
                    case["tolerance"] = tolerance
                if isinstance(secret, bytes):
                    case["key_b64"] = base64.b64encode(secret).decode()
                else:
                    case["secret"] = secret
                if headers is fresh and secret in secrets(settings):
                    # the npm reference library, given the secret where it reads it as these settings do
                    case["prefix"] = settings.header_prefix
                    reads = isinstance(secret, str) and settings.unprefixed_secret == "base64" and (
                        settings.secret_prefix == "whsec_" or not secret.startswith(settings.secret_prefix)
                    )
                    case["reference"] = {"secret": secret} if reads else {"raw": base64.b64encode(key_of(secret, settings)).decode()}
                cases.append(case)
                expected.append(python_result(m, settings, case, secret))
    run = subprocess.run(
        ["node", "--input-type=module", "-e", NODE_SCRIPT, json.dumps(cases)],
        capture_output=True, text=True, timeout=300, cwd=ROOT,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    results = json.loads(run.stdout)
    assert len(results) == len(expected)
    for case, result, want in zip(cases, results, expected, strict=True):
        assert result == want, case
    # Every kind of outcome came up: the cases check something.
    assert {k for r in results for k in r} == {"signed", "signError", "verified", "verifyError", "unwrapped"}


@pytest.mark.parametrize(
    "mapping,message",
    [
        ("signature: [svix-]", "5:12: signature must be a mapping"),
        ("signature:\n  header_prefix: x y", "6:18: signature header_prefix 'x y' must be lower-case letters"),
        ("signature:\n  secret_prefix: 'a\"b'", "6:18: signature secret_prefix 'a\"b' must be 1 to 32 letters"),
        ("signature:\n  secret_prefix: ''", "6:18: signature secret_prefix '' must be 1 to 32 letters"),
        ("signature:\n  unprefixed_secret: utf-8", "6:22: signature unprefixed_secret 'utf-8' must be one of: utf8, base64; did you mean 'utf8'?"),
        ("signature:\n  tolerance: -1", "6:14: signature tolerance must be a whole number of seconds, from 0 to 1000000000"),
        ("signature:\n  tolerance: '60'", "6:14: signature tolerance must be a whole number"),
        ("signature:\n  tolerance: 1.5", "6:14: signature tolerance must be a whole number"),
        ("signature:\n  tolerance: 1000000001", "6:14: signature tolerance must be a whole number"),
        ("signature:\n  header: svix-", "6:3: unknown key 'header' in signature; did you mean 'header_prefix'?"),
    ],
)
def test_bad_settings_are_located_errors(tmp_path: Path, mapping: str, message: str) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(SPEC.format(module="signed", signature=mapping), encoding="utf-8")
    with pytest.raises(spec.SpecError) as e:
        spec.load(path)
    assert f"s.yaml:{message}" in str(e.value)


def test_no_settings_are_the_defaults_and_a_zero_tolerance_loads(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(SPEC.format(module="signed", signature=""), encoding="utf-8")
    assert spec.load(path).signature == model.Signature("webhook-", "whsec_", "utf8", 300)
    path.write_text(SPEC.format(module="signed", signature="signature: {tolerance: 0}"), encoding="utf-8")
    assert spec.load(path).signature.tolerance == 0
