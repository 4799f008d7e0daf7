"""examples/fastapi/: its vendored module is fresh, and the app, served by uvicorn on 127.0.0.1, answers
signed deliveries over real HTTP as the sender expects, handling each webhook-id once.

Deliveries are signed here with hmac/hashlib/base64, independently of the module under test, and
their payloads are built from the loaded spec (one per event type), so the test follows the spec.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import http.client
import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from conftest import ROOT, SPEC
from examples import events, example
from generator import spec

EXAMPLE = ROOT / "examples" / "fastapi"
KEY = b"fastapi-example-test-key-0123456789"
SECRET = "whsec_" + base64.b64encode(KEY).decode()
TIMEOUT = 10.0  # seconds, for every wait on the server

LOADED = spec.load(SPEC)
EVENTS = [(member.tag, example(member.object, LOADED)) for member in events(LOADED)]
UNKNOWN_TAG = "zz.unknown." + "x" * max((len(tag) for tag, _ in EVENTS), default=1)  # no tag of the spec
pytestmark = pytest.mark.spec_driven


def test_vendored_copy_is_the_generated_module() -> None:
    copy = EXAMPLE / f"{LOADED.module}.py"
    generated = ROOT / "generated" / "python" / f"{LOADED.module}.py"
    assert copy.read_bytes() == generated.read_bytes(), f"{copy.relative_to(ROOT)} is stale: run `make generate`"


@dataclass
class Server:
    proc: subprocess.Popen[bytes]
    port: int
    stderr: Path

    def log(self) -> str:
        return self.stderr.read_text(errors="replace")

    def wait_for_log(self, text: str, count: int = 1) -> str:
        deadline = time.monotonic() + TIMEOUT
        while (log := self.log()).count(text) < count:
            if time.monotonic() > deadline:
                pytest.fail(f"{text!r} did not appear {count} time(s) in the server's stderr:\n{log}")
            time.sleep(0.02)
        return log


@contextlib.contextmanager
def running_app(tmp: Path, db: Path) -> Iterator[Server]:
    """`uvicorn app:app` as its own process on 127.0.0.1, on a port the kernel picks; stopped on exit."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env.update(OPENAI_WEBHOOK_SECRET=SECRET, WEBHOOK_SEEN_DB=str(db), PYTHONUNBUFFERED="1", PYTHONDONTWRITEBYTECODE="1")
    stderr_path = tmp / f"uvicorn-{time.monotonic_ns()}.log"
    with stderr_path.open("wb") as stderr:
        proc = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "app:app", "--app-dir", str(EXAMPLE), "--host", "127.0.0.1", "--port", "0"],
            cwd=tmp,  # not the repository: the app must import its own vendored copy
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=stderr,
            stderr=stderr,
        )
    try:
        deadline = time.monotonic() + TIMEOUT
        while not (found := re.search(r"Uvicorn running on http://127\.0\.0\.1:(\d+)", stderr_path.read_text())):
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"uvicorn did not start (exit code {proc.poll()}):\n{stderr_path.read_text()}")
            time.sleep(0.02)
        yield Server(proc, int(found.group(1)), stderr_path)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=TIMEOUT)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    tmp = tmp_path_factory.mktemp("fastapi")
    with running_app(tmp, tmp / "seen.sqlite3") as running:
        yield running
    log = running.log()
    assert "Traceback" not in log, log


def sign(body: bytes, msg_id: str, *, timestamp: int | None = None, key: bytes = KEY) -> dict[str, str]:
    ts = str(int(time.time()) if timestamp is None else timestamp)
    mac = hmac.new(key, f"{msg_id}.{ts}.".encode() + body, hashlib.sha256).digest()
    return {"webhook-id": msg_id, "webhook-timestamp": ts, "webhook-signature": "v1," + base64.b64encode(mac).decode()}


def post(server: Server, body: bytes, headers: dict[str, str]) -> tuple[int, Any]:
    """POST to /webhook over a connection of its own; the status and the decoded JSON answer."""
    assert server.proc.poll() is None, f"the app exited:\n{server.log()}"
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=TIMEOUT)
    try:
        conn.request("POST", "/webhook", body=body, headers={"Content-Type": "application/json", **headers})
        response = conn.getresponse()
        return response.status, json.loads(response.read())
    finally:
        conn.close()


def payload(index: int = 0) -> bytes:
    """A valid delivery of the spec's `index`-th event type (any type will do)."""
    assert EVENTS, "the spec has no event types"
    return json.dumps(EVENTS[index % len(EVENTS)][1]).encode()


def handled(tag: str, msg_id: str) -> str:
    return f"handled {tag} (webhook-id {msg_id})"


@pytest.mark.parametrize(("tag", "event"), EVENTS, ids=[tag for tag, _ in EVENTS])
def test_every_event_type_is_accepted_and_handled(server: Server, tag: str, event: dict[str, Any]) -> None:
    body = json.dumps(event).encode()
    msg_id = f"msg_every_{tag}_{hashlib.sha256(body).hexdigest()[:8]}"  # a tag's variants are events of their own
    assert post(server, body, sign(body, msg_id)) == (200, {"ok": True})
    server.wait_for_log(handled(tag, msg_id))


def test_redelivery_is_acknowledged_and_handled_once(server: Server) -> None:
    body, tag = payload(), EVENTS[0][0]
    assert post(server, body, sign(body, "msg_twice")) == (200, {"ok": True})
    # The sender's retry: the same webhook-id and body, signed again with a later timestamp.
    retry = sign(body, "msg_twice", timestamp=int(time.time()) + 1)
    assert post(server, body, retry) == (200, {"ok": True, "duplicate": True})
    log = server.wait_for_log("duplicate webhook-id msg_twice")
    assert log.count(handled(tag, "msg_twice")) == 1, log


def test_seen_ids_survive_a_restart(tmp_path: Path) -> None:
    body, tag = payload(1), EVENTS[1 % len(EVENTS)][0]
    db = tmp_path / "seen.sqlite3"
    with running_app(tmp_path, db) as first:
        assert post(first, body, sign(body, "msg_restart")) == (200, {"ok": True})
        first.wait_for_log(handled(tag, "msg_restart"))
    assert db.is_file()
    with running_app(tmp_path, db) as second:
        assert post(second, body, sign(body, "msg_restart")) == (200, {"ok": True, "duplicate": True})
        assert handled(tag, "msg_restart") not in second.log()


@pytest.mark.parametrize("case", ["tampered body", "wrong secret", "missing signature", "stale timestamp"])
def test_bad_signature_is_400_and_logged(server: Server, case: str) -> None:
    body = payload()
    headers, reason = sign(body, f"msg_bad_{case}"), "no signature in webhook-signature matches the payload"
    if case == "tampered body":
        body = body + b" "
    elif case == "wrong secret":
        headers = sign(body, f"msg_bad_{case}", key=b"another key")
    elif case == "missing signature":
        del headers["webhook-signature"]
        reason = "missing webhook-signature header"
    else:  # correctly signed, an hour ago: a replay
        headers, reason = sign(body, f"msg_bad_{case}", timestamp=int(time.time()) - 3600), "webhook-timestamp is too old"
    assert post(server, body, headers) == (400, {"error": "invalid signature"})
    server.wait_for_log(f"rejected: {reason}")


def test_rejected_delivery_does_not_use_up_its_webhook_id(server: Server) -> None:
    """Only verified deliveries are recorded: a forged one cannot make the genuine one a duplicate."""
    body, tag = payload(), EVENTS[0][0]
    assert post(server, body, sign(body, "msg_forged", key=b"attacker"))[0] == 400
    assert post(server, b"{", sign(b"{", "msg_forged"))[0] == 400
    assert post(server, body, sign(body, "msg_forged")) == (200, {"ok": True})
    server.wait_for_log(handled(tag, "msg_forged"))


def test_unknown_event_type_is_acknowledged(server: Server) -> None:
    assert UNKNOWN_TAG not in {tag for tag, _ in EVENTS}
    body = json.dumps({"type": UNKNOWN_TAG, "data": {}}).encode()
    assert post(server, body, sign(body, "msg_unknown")) == (200, {"ok": True})
    server.wait_for_log(f"unknown event type {UNKNOWN_TAG!r} ignored (webhook-id msg_unknown)")


@pytest.mark.parametrize("body", [b'{"type": ', b"[]", b"\xff"], ids=["truncated", "not an object", "not UTF-8"])
def test_undecodable_payload_is_400_with_its_path(server: Server, body: bytes) -> None:
    status, answer = post(server, body, sign(body, "msg_undecodable"))
    assert status == 400
    assert answer["error"] == "invalid payload" and answer["path"] == "$", answer
    server.wait_for_log("undecodable: ")


def test_body_over_1_mib_is_413(server: Server) -> None:
    body = b" " * ((1 << 20) + 1)
    assert post(server, body, sign(body, "msg_big")) == (413, {"error": "body too large"})
