"""Signature checks against the official SDK's verify_signature, case by case.

Every well-formed case gets the same verdict from both. The cases where we are stricter are listed
in STRICTER (and in the README): there the SDK accepts or fails with another exception, and we raise
InvalidWebhookSignatureError.
"""

from __future__ import annotations

import base64
import email.message
import hashlib
import hmac
import json
import time
from dataclasses import dataclass, field
from typing import Any

import openai
import pytest

from conftest import GENERATED, SPEC, import_path, reference_module
from examples import events, example
from generator import spec

ow = import_path(GENERATED / "python" / "openai_webhooks.py", "openai_webhooks")

NOW = 1_750_000_000
KEY = b"0123456789abcdef0123456789abcdef"
SECRET = "whsec_" + base64.b64encode(KEY).decode()
OTHER_SECRET = "whsec_" + base64.b64encode(b"another key, not the one used").decode()
BODY = json.dumps(
    {"id": "evt_1", "created_at": NOW, "data": {"id": "batch_1"}, "type": "batch.completed", "object": "event"}
)


def sign(body: str | bytes, msg_id: str, ts: str, key: bytes = KEY) -> str:
    raw = body.encode() if isinstance(body, str) else body
    digest = hmac.new(key, f"{msg_id}.{ts}.".encode() + raw, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


@dataclass
class Case:
    payload: str | bytes = BODY
    headers: dict[str, str] = field(default_factory=dict)
    secret: str = SECRET
    tolerance: int = 300


def signed(body: str | bytes = BODY, *, ts: int = NOW, msg_id: str = "msg_1", **changes: Any) -> Case:
    headers = {"webhook-id": msg_id, "webhook-timestamp": str(ts), "webhook-signature": "v1," + sign(body, msg_id, str(ts))}
    return Case(payload=body, headers=headers, **changes)


def edit(case: Case, **headers: str | None) -> Case:
    new = dict(case.headers)
    for name, value in headers.items():
        name = name.replace("_", "-")
        if value is None:
            del new[name]
        else:
            new[name] = value
    case.headers = new
    return case


GOOD = signed()
SAME_VERDICT: dict[str, tuple[Case, bool]] = {
    "valid str body": (signed(), True),
    "valid bytes body": (signed(BODY.encode()), True),
    "valid non-ASCII body": (signed('{"type": "x", "note": "café ☕"}'), True),
    "rotated: good signature second": (edit(signed(), webhook_signature=f"v1,{sign(BODY, 'msg_1', str(NOW), b'old')} {GOOD.headers['webhook-signature']}"), True),
    "rotated: good signature first": (edit(signed(), webhook_signature=f"{GOOD.headers['webhook-signature']} v1,{sign(BODY, 'msg_1', str(NOW), b'old')}"), True),
    "other versions ignored": (edit(signed(), webhook_signature=f"v1a,abc {GOOD.headers['webhook-signature']}"), True),
    "tampered body": (Case(payload=BODY.replace("batch_1", "batch_2"), headers=GOOD.headers), False),
    "tampered id": (edit(signed(), webhook_id="msg_2"), False),
    "tampered timestamp": (edit(signed(), webhook_timestamp=str(NOW + 1)), False),
    "at -tolerance": (signed(ts=NOW - 300), True),
    "past -tolerance": (signed(ts=NOW - 301), False),
    "at +tolerance": (signed(ts=NOW + 300), True),
    "past +tolerance": (signed(ts=NOW + 301), False),
    "custom tolerance": (signed(ts=NOW - 3000, tolerance=3600), True),
    "wrong secret": (signed(secret=OTHER_SECRET), False),
    "non-numeric timestamp": (edit(signed(), webhook_timestamp="yesterday"), False),
    "mixed-case header names": (
        Case(headers={"Webhook-Id": "msg_1", "WEBHOOK-TIMESTAMP": str(NOW), "Webhook-Signature": GOOD.headers["webhook-signature"]}),
        True,
    ),
    "raw secret without whsec_": (
        Case(headers=edit(signed(), webhook_signature="v1," + sign(BODY, "msg_1", str(NOW), b"plain secret")).headers, secret="plain secret"),
        True,
    ),
    "raw secret longer than a SHA-256 block": (
        Case(headers=edit(signed(), webhook_signature="v1," + sign(BODY, "msg_1", str(NOW), b"k" * 100)).headers, secret="k" * 100),
        True,
    ),
    "whsec_ key longer than a SHA-256 block": (
        Case(headers=edit(signed(), webhook_signature="v1," + sign(BODY, "msg_1", str(NOW), bytes(range(80)))).headers, secret="whsec_" + base64.b64encode(bytes(range(80))).decode()),
        True,
    ),
    "signature of another body": (edit(signed(), webhook_signature="v1," + sign("{}", "msg_1", str(NOW))), False),
    "whsec_ key padded with ==": (
        Case(headers=edit(signed(), webhook_signature="v1," + sign(BODY, "msg_1", str(NOW), b"A")).headers, secret="whsec_QQ=="),
        True,
    ),
}

# Where we are stricter: the SDK accepts these (or fails with another exception type).
STRICTER: dict[str, Case] = {
    "bare signature without v1,": edit(signed(), webhook_signature=sign(BODY, "msg_1", str(NOW))),
    "timestamp with a plus sign": edit(signed(ts=NOW), webhook_timestamp=f"+{NOW}", webhook_signature="v1," + sign(BODY, "msg_1", f"+{NOW}")),
    "timestamp with underscores": edit(signed(), webhook_timestamp="1_750_000_000", webhook_signature="v1," + sign(BODY, "msg_1", "1_750_000_000")),
    "timestamp with spaces": edit(signed(), webhook_timestamp=f" {NOW}", webhook_signature="v1," + sign(BODY, "msg_1", f" {NOW}")),
    "missing webhook-id (SDK: ValueError)": edit(signed(), webhook_id=None),
    "missing webhook-timestamp (SDK: ValueError)": edit(signed(), webhook_timestamp=None),
    "missing webhook-signature (SDK: ValueError)": edit(signed(), webhook_signature=None),
    "malformed secret (SDK: binascii.Error)": signed(secret="whsec_not*base64!"),
    "empty secret": Case(headers=edit(signed(), webhook_signature="v1," + sign(BODY, "msg_1", str(NOW), b"")).headers, secret=""),
    "whsec_ with an empty key": Case(headers=edit(signed(), webhook_signature="v1," + sign(BODY, "msg_1", str(NOW), b"")).headers, secret="whsec_"),
    "whsec_ with excess padding": Case(headers=edit(signed(), webhook_signature="v1," + sign(BODY, "msg_1", str(NOW), b"AAA")).headers, secret="whsec_QUFB===="),
}


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    # Both implementations read time.time(); freezing it makes the tolerance edges exact.
    monkeypatch.setattr(time, "time", lambda: float(NOW))


def sdk_verdict(case: Case) -> bool | type[BaseException]:
    client = openai.OpenAI(api_key="test-key-not-used", base_url="http://127.0.0.1:9")
    try:
        client.webhooks.verify_signature(case.payload, case.headers, secret=case.secret, tolerance=case.tolerance)
    except openai.InvalidWebhookSignatureError:
        return False
    except Exception as e:  # the SDK's other failures are what STRICTER documents
        return type(e)
    return True


def our_verdict(case: Case, headers: Any = None) -> bool:
    try:
        ow.verify_signature(case.payload, headers if headers is not None else case.headers, secret=case.secret, tolerance=case.tolerance)
    except ow.InvalidWebhookSignatureError as e:
        assert isinstance(e, ValueError)
        for secret_text in (case.secret, case.secret.removeprefix("whsec_")):
            assert not secret_text or secret_text not in str(e)
        return False
    return True


@pytest.mark.parametrize("name", sorted(SAME_VERDICT))
def test_same_verdict_as_the_sdk(name: str) -> None:
    case, expected = SAME_VERDICT[name]
    assert sdk_verdict(case) is expected
    assert our_verdict(case) is expected


@pytest.mark.parametrize("name", sorted(STRICTER))
def test_stricter_than_the_sdk(name: str) -> None:
    case = STRICTER[name]
    sdk = sdk_verdict(case)
    assert sdk is True or (isinstance(sdk, type) and not issubclass(sdk, openai.InvalidWebhookSignatureError))
    assert our_verdict(case) is False


@pytest.mark.parametrize("name", sorted(SAME_VERDICT))
def test_header_objects_of_web_frameworks(name: str) -> None:
    """http.server hands over an email.message.Message; its lookups are case-insensitive."""
    case, expected = SAME_VERDICT[name]
    message = email.message.Message()
    for key, value in case.headers.items():
        message[key.title()] = value
    assert our_verdict(case, message) is expected


@pytest.mark.parametrize(
    "case,words",
    [
        (edit(signed(), webhook_id=None), "missing webhook-id header"),
        (edit(signed(), webhook_signature=None), "missing webhook-signature header"),
        (edit(signed(), webhook_timestamp="12.5"), "webhook-timestamp is not a whole number of seconds"),
        (signed(ts=NOW - 301), "webhook-timestamp is too old"),
        (edit(signed(), webhook_timestamp="1" * 5000), "webhook-timestamp has too many digits"),
        (edit(signed(), webhook_timestamp="0" * 4400 + str(NOW)), "webhook-timestamp has too many digits"),
        (signed(ts=NOW + 301), "webhook-timestamp is too new"),
        (signed(secret="whsec_%%%"), "secret is not valid base64 after its whsec_ prefix"),
        (signed(secret="whsec_QUFB===="), "secret is not valid base64 after its whsec_ prefix"),  # b64decode: b"AAA"
        (signed(secret="whsec_QUFB="), "secret is not valid base64 after its whsec_ prefix"),
        (signed(secret="whsec_QUE=="), "secret is not valid base64 after its whsec_ prefix"),
        (signed(secret="whsec_QUE"), "secret is not valid base64 after its whsec_ prefix"),
        (signed(secret="whsec_"), "secret is empty"),
        (edit(signed(), webhook_signature="v2,abc"), "webhook-signature has no v1 signature"),
        (signed(secret=OTHER_SECRET), "no signature in webhook-signature matches the payload"),
    ],
)
def test_each_failure_says_which_check_failed(case: Case, words: str) -> None:
    with pytest.raises(ow.InvalidWebhookSignatureError) as e:
        ow.verify_signature(case.payload, case.headers, secret=case.secret, tolerance=case.tolerance)
    assert str(e.value) == words


# unwrap decodes too: these name particular events, so they use the module rendered from the frozen
# reference spec (tests/reference/openai_webhooks.yaml), which the live spec's edits do not change.
ref = reference_module()


def test_unwrap_verifies_then_decodes() -> None:
    event = ref.unwrap(GOOD.payload, GOOD.headers, secret=SECRET)
    assert isinstance(event, ref.BatchCompletedWebhookEvent)
    assert event.to_dict() == json.loads(BODY)
    with pytest.raises(ref.InvalidWebhookSignatureError):
        ref.unwrap(BODY.replace("batch_1", "batch_2"), GOOD.headers, secret=SECRET)
    bad = json.dumps({"type": "batch.completed", "id": 1})
    with pytest.raises(ref.WebhookDecodeError) as e:
        ref.unwrap(bad, signed(bad).headers, secret=SECRET)
    assert e.value.path == "$.id"
    unknown = json.dumps({"type": "video.completed", "id": "evt"})
    assert isinstance(ref.unwrap(unknown, signed(unknown).headers, secret=SECRET), ref.UnknownWebhookEvent)
    with pytest.raises(ref.WebhookDecodeError):
        ref.unwrap(unknown, signed(unknown).headers, secret=SECRET, strict=True)


def test_unwrap_agrees_with_the_sdk_on_the_event() -> None:
    client = openai.OpenAI(api_key="test-key-not-used", base_url="http://127.0.0.1:9")
    theirs = client.webhooks.unwrap(GOOD.payload, GOOD.headers, secret=SECRET)
    ours = ref.unwrap(GOOD.payload, GOOD.headers, secret=SECRET)
    assert type(theirs).__name__ == type(ours).__name__
    assert theirs.id == ours.id and theirs.data.id == ours.data.id and theirs.created_at == ours.created_at


@pytest.mark.parametrize(
    "tolerance,error,words",
    [
        (float("nan"), ValueError, "tolerance must be a finite number of seconds, not nan"),
        (float("inf"), ValueError, "tolerance must be a finite number of seconds, not inf"),
        (float("-inf"), ValueError, "tolerance must be a finite number of seconds, not -inf"),
        (-1, ValueError, "tolerance must not be negative"),
        (-0.5, ValueError, "tolerance must not be negative"),
        pytest.param(-(10**5000), ValueError, "tolerance must not be negative", id="-10**5000"),
        (True, TypeError, "tolerance must be a number of seconds, not bool"),
        ("300", TypeError, "tolerance must be a number of seconds, not str"),
        (None, TypeError, "tolerance must be a number of seconds, not NoneType"),
    ],
)
def test_bad_tolerance_raises_at_the_call(tolerance: Any, error: type[Exception], words: str) -> None:
    """Never a silent pass: with tolerance=nan every age comparison is false, so the replay check would be off."""
    replayed = signed(ts=NOW - 10**6)  # correctly signed, but far outside any sane tolerance
    for call in (ow.verify_signature, ow.unwrap):
        for case in (GOOD, replayed):
            with pytest.raises(error) as e:
                call(case.payload, case.headers, secret=case.secret, tolerance=tolerance)
            assert str(e.value) == words
            assert not isinstance(e.value, ow.InvalidWebhookSignatureError)


# What the modules add for a body that JSON parsing made (the express.json() or request.json() mistake).
PARSED = ": JSON parsed already? Pass the body exactly as received, the signature covers its bytes"


@pytest.mark.parametrize(
    "argument,value,words",
    [
        ("payload", None, "payload must be the raw request body (bytes, bytearray or str), not NoneType"),
        ("payload", 12, "payload must be the raw request body (bytes, bytearray or str), not int"),  # bytes(12) is 12 zero bytes
        ("payload", json.loads(BODY), "payload must be the raw request body (bytes, bytearray or str), not dict" + PARSED),
        ("payload", [1, 2], "payload must be the raw request body (bytes, bytearray or str), not list" + PARSED),
        ("payload", memoryview(BODY.encode()), "payload must be the raw request body (bytes, bytearray or str), not memoryview"),
        ("headers", None, "headers must be a mapping or a header object with get() and items(), not NoneType"),
        ("headers", "webhook-id: msg_1", "headers must be a mapping or a header object with get() and items(), not str"),
        ("headers", list(GOOD.headers.items()), "headers must be a mapping or a header object with get() and items(), not list"),
        ("secret", None, "secret must be a str or bytes, not NoneType"),
        ("secret", bytearray(KEY), "secret must be a str or bytes, not bytearray"),
        ("secret", 0, "secret must be a str or bytes, not int"),
    ],
)
def test_argument_of_the_wrong_type_raises_type_error(argument: str, value: Any, words: str) -> None:
    kwargs: dict[str, Any] = {"payload": GOOD.payload, "headers": GOOD.headers, "secret": SECRET}
    kwargs[argument] = value
    for call in (ow.verify_signature, ow.unwrap):
        with pytest.raises(TypeError) as e:
            call(kwargs["payload"], kwargs["headers"], secret=kwargs["secret"])
        assert str(e.value) == words


@pytest.mark.parametrize("tolerance", [0, 0.0, 1.5, 300, 10**30])
def test_finite_non_negative_tolerances_are_accepted(tolerance: int | float) -> None:
    ow.verify_signature(GOOD.payload, GOOD.headers, secret=SECRET, tolerance=tolerance)  # signed at NOW
    if tolerance < 10**6:
        with pytest.raises(ow.InvalidWebhookSignatureError, match="too old"):
            ow.verify_signature(BODY, signed(ts=NOW - 10**6).headers, secret=SECRET, tolerance=tolerance)


def test_every_accepted_argument_type_still_works() -> None:
    body = BODY.encode()
    for payload in (BODY, body, bytearray(body)):
        for secret in (SECRET, KEY):  # bytes: the raw key
            ow.verify_signature(payload, GOOD.headers, secret=secret)


LOADED = spec.load(SPEC)


@pytest.mark.spec_driven
@pytest.mark.parametrize("member", events(LOADED), ids=lambda m: str(m.tag))
def test_unwrap_decodes_every_event_of_the_live_spec(member: Any) -> None:
    body = json.dumps(example(member.object, LOADED, 1))
    event = ow.unwrap(body, signed(body).headers, secret=SECRET)
    assert type(event).__name__ == member.object.name.pascal
    assert event.to_dict() == json.loads(body)
