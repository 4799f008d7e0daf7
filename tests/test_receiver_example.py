"""examples/receiver/: its vendored module is fresh, and the server answers real signed requests.

Requests are signed here with hmac/hashlib/base64, independently of the module under test.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import http.client
import json
import os
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from conftest import ROOT

EXAMPLE = ROOT / "examples" / "receiver"
KEY = b"receiver-example-test-key-0123456789"
SECRET = "whsec_" + base64.b64encode(KEY).decode()
TIMEOUT = 10.0  # seconds, for every wait on the server


def test_vendored_copy_is_the_generated_module() -> None:
    copy = EXAMPLE / "openai_webhooks.py"
    generated = ROOT / "generated" / "python" / "openai_webhooks.py"
    identical = copy.read_bytes() == generated.read_bytes()
    assert identical, f"{copy.relative_to(ROOT)} is stale: run `cp generated/python/openai_webhooks.py examples/receiver/`"


@dataclass
class Server:
    proc: subprocess.Popen[str]
    host: str
    port: int
    stderr: Path
    requests: int = 0

    def log(self) -> str:
        return self.stderr.read_text(errors="replace")

    def wait_for_log(self, text: str) -> str:
        deadline = time.monotonic() + TIMEOUT
        while text not in (log := self.log()):
            if time.monotonic() > deadline:
                pytest.fail(f"{text!r} never appeared in the server's stderr:\n{log}")
            time.sleep(0.02)
        return log


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    tmp = tmp_path_factory.mktemp("receiver")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env.update(OPENAI_WEBHOOK_SECRET=SECRET, PYTHONUNBUFFERED="1", PYTHONDONTWRITEBYTECODE="1")
    stderr_path = tmp / "stderr.log"
    with stderr_path.open("w") as stderr:
        proc = subprocess.Popen(
            [sys.executable, str(EXAMPLE / "receiver.py"), "--host", "127.0.0.1", "--port", "0"],
            cwd=tmp,  # not the repository: the server must import its own vendored copy
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
        )
    try:
        first_line: queue.Queue[str] = queue.Queue()
        stdout = proc.stdout
        assert stdout is not None
        threading.Thread(target=lambda: first_line.put(stdout.readline()), daemon=True).start()
        try:
            line = first_line.get(timeout=TIMEOUT)
        except queue.Empty:
            pytest.fail(f"the receiver printed nothing within {TIMEOUT}s:\n{stderr_path.read_text()}")
        prefix = "listening on http://127.0.0.1:"
        assert line.startswith(prefix), f"unexpected first line {line!r}:\n{stderr_path.read_text()}"
        yield Server(proc, "127.0.0.1", int(line[len(prefix) :]), stderr_path)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=TIMEOUT)
        if proc.stdout is not None:
            proc.stdout.close()


def sign(body: bytes, *, timestamp: int | None = None, msg_id: str = "msg_test_1", key: bytes = KEY) -> dict[str, str]:
    ts = str(int(time.time()) if timestamp is None else timestamp)
    mac = hmac.new(key, f"{msg_id}.{ts}.".encode() + body, hashlib.sha256).digest()
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": ts,
        "webhook-signature": "v1," + base64.b64encode(mac).decode(),
    }


def post(server: Server, body: bytes, headers: dict[str, str]) -> tuple[int, Any]:
    """POST to the server; the status and the decoded JSON answer."""
    assert server.proc.poll() is None, f"the receiver exited:\n{server.log()}"
    conn = http.client.HTTPConnection(server.host, server.port, timeout=TIMEOUT)
    server.requests += 1
    try:
        conn.request("POST", "/webhook", body=body, headers={"Content-Type": "application/json", **headers})
        response = conn.getresponse()
        return response.status, json.loads(response.read())
    finally:
        conn.close()


def event(type_: str, data: dict[str, Any], id_: str = "evt_test_1") -> bytes:
    return json.dumps(
        {"id": id_, "object": "event", "created_at": 1719168000, "type": type_, "data": data}
    ).encode()


SIP_HEADERS = [{"name": "From", "value": "sip:+15551234567@example.com"}, {"name": "To", "value": "sip:agent@example.com"}]


@pytest.mark.parametrize(
    ("body", "logged"),
    [
        (event("batch.completed", {"id": "batch_abc"}), "batch.completed: batch batch_abc"),
        (event("batch.failed", {"id": "batch_def"}), "batch.failed: batch batch_def"),
        (
            event("realtime.call.incoming", {"call_id": "rtc_123", "sip_headers": SIP_HEADERS}),
            "realtime.call.incoming: call rtc_123 from sip:+15551234567@example.com",
        ),
        (event("response.completed", {"id": "resp_ok"}), "response.completed: response resp_ok is ready to fetch"),
        (event("response.failed", {"id": "resp_bad"}), "response.failed: response resp_bad"),
        (event("eval.run.succeeded", {"id": "evalrun_1"}), "eval.run.succeeded: evalrun_1 not handled here"),
    ],
    ids=["batch.completed", "batch.failed", "realtime.call.incoming", "response.completed", "response.failed", "default"],
)
def test_valid_event_is_accepted_and_dispatched(server: Server, body: bytes, logged: str) -> None:
    assert post(server, body, sign(body)) == (200, {"ok": True})
    assert '"POST /webhook HTTP/1.1" 200 ' + logged in server.wait_for_log(logged)


def test_tampered_body_is_rejected(server: Server) -> None:
    body = event("batch.completed", {"id": "batch_abc"})
    headers = sign(body)
    tampered = body.replace(b"batch_abc", b"batch_xyz")
    assert post(server, tampered, headers) == (400, {"error": "invalid signature"})
    server.wait_for_log("no signature in webhook-signature matches the payload")


def test_wrong_secret_is_rejected(server: Server) -> None:
    body = event("batch.completed", {"id": "batch_abc"})
    assert post(server, body, sign(body, key=b"another key")) == (400, {"error": "invalid signature"})


def test_replay_with_old_timestamp_is_rejected(server: Server) -> None:
    body = event("batch.completed", {"id": "batch_replayed"})
    headers = sign(body, timestamp=int(time.time()) - 3600, msg_id="msg_replayed")  # correctly signed, but old
    assert post(server, body, headers) == (400, {"error": "invalid signature"})
    server.wait_for_log("webhook-timestamp is too old")


def test_missing_signature_header_is_rejected(server: Server) -> None:
    body = event("batch.completed", {"id": "batch_abc"})
    headers = sign(body)
    del headers["webhook-signature"]
    assert post(server, body, headers) == (400, {"error": "invalid signature"})
    server.wait_for_log("missing webhook-signature header")


def test_unknown_event_type_is_acknowledged_and_logged(server: Server) -> None:
    body = event("vector_store.file.indexed", {"id": "vsf_1"}, id_="evt_from_the_future")
    assert post(server, body, sign(body)) == (200, {"ok": True})
    log = server.wait_for_log("unknown event type 'vector_store.file.indexed'")
    assert "evt_from_the_future" in log


def test_broken_json_is_422(server: Server) -> None:
    body = b'{"id": "evt_1", "type": "batch.completed", "data": {'
    status, answer = post(server, body, sign(body))
    assert status == 422
    assert answer["error"] == "invalid payload"
    assert answer["path"] == "$"
    assert "not valid JSON" in answer["message"]


def test_wrong_field_type_is_422_with_its_path(server: Server) -> None:
    body = event("realtime.call.incoming", {"call_id": "rtc_1", "sip_headers": [{"name": "From", "value": 42}]})
    status, answer = post(server, body, sign(body))
    assert status == 422
    assert answer["path"] == "$.data.sip_headers[0].value"
    assert "string" in answer["message"]
    server.wait_for_log("$.data.sip_headers[0].value")


def test_server_survived_and_logged_one_line_per_request(server: Server) -> None:
    assert server.proc.poll() is None, server.log()
    log = server.log()
    assert "Traceback" not in log
    assert server.requests > 0
    assert len(log.splitlines()) == server.requests, log
