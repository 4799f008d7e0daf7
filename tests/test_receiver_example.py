"""examples/receiver/: its vendored module is fresh, and the server answers real signed requests.

Requests are signed here with hmac/hashlib/base64, independently of the module under test.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import http.client
import json
import os
import queue
import resource
import socket
import struct
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


@contextlib.contextmanager
def running_receiver(tmp: Path, *options: str) -> Iterator[Server]:
    """receiver.py as its own process on 127.0.0.1, on a free port; terminated on exit."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env.update(OPENAI_WEBHOOK_SECRET=SECRET, PYTHONUNBUFFERED="1", PYTHONDONTWRITEBYTECODE="1")
    stderr_path = tmp / "stderr.log"
    with stderr_path.open("w") as stderr:
        proc = subprocess.Popen(
            [sys.executable, str(EXAMPLE / "receiver.py"), "--host", "127.0.0.1", "--port", "0", *options],
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


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with running_receiver(tmp_path_factory.mktemp("receiver")) as running:
        yield running


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


# Hostile clients. Every socket has a timeout and every loop a deadline; sockets close in `finally`.

IDLE_CONNECTIONS = 1000


def connect(server: Server) -> socket.socket:
    return socket.create_connection((server.host, server.port), timeout=TIMEOUT)


def read_until_closed(sock: socket.socket) -> bytes:
    answer = b""
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        try:
            chunk = sock.recv(1 << 16)
        except ConnectionResetError:
            break
        if not chunk:
            break
        answer += chunk
    return answer


def exchange(server: Server, request: bytes) -> tuple[int, Any]:
    """Send raw bytes, read the answer until the server closes: its status and decoded JSON body."""
    with connect(server) as sock:
        sock.sendall(request)
        answer = read_until_closed(sock)
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.0 "), answer
    return int(head.split()[1]), json.loads(body)


def reset(sock: socket.socket) -> None:
    """Close with a TCP RST instead of a FIN, as a client that crashes or gives up does."""
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()


def is_open(sock: socket.socket) -> bool:
    """Whether the server still holds this connection: it has neither answered nor closed it."""
    sock.setblocking(False)
    try:
        return not sock.recv(1)  # b"": closed; bytes: answered
    except BlockingIOError:
        return True
    except OSError:
        return False
    finally:
        sock.settimeout(TIMEOUT)


@contextlib.contextmanager
def file_limit(wanted: int) -> Iterator[None]:
    """Raise this process's soft limit on open files to `wanted` (within the hard limit), or skip."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < wanted:
        if hard != resource.RLIM_INFINITY and hard < wanted:
            pytest.skip(f"needs {wanted} open files; the hard limit is {hard}")
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def head(content_length: str | None = None, *extra: str) -> bytes:
    lines = ["POST /webhook HTTP/1.1", "Host: 127.0.0.1", "Content-Type: application/json", *extra]
    if content_length is not None:
        lines.append(f"Content-Length: {content_length}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def signed_request(body: bytes) -> bytes:
    return head(str(len(body)), *(f"{k}: {v}" for k, v in sign(body).items())) + body


def test_signed_request_is_answered_within_a_second_while_1000_idle_and_slow_clients_are_held(tmp_path: Path) -> None:
    held: list[socket.socket] = []
    with file_limit(IDLE_CONNECTIONS + 200), running_receiver(tmp_path) as server:
        try:
            deadline = time.monotonic() + 2 * TIMEOUT
            for _ in range(IDLE_CONNECTIONS):
                # each connect may wait out SYN retries if the server's listen queue is full: bound them all
                if time.monotonic() > deadline:
                    pytest.fail(f"the server took only {len(held)} connections in {2 * TIMEOUT:.0f} s")
                held.append(connect(server))
            slow_body = connect(server)  # all of its headers, a little of its body, then nothing
            held.append(slow_body)
            slow_body.sendall(head("1000") + b'{"id": "evt_slow", "ty')
            slow_head = connect(server)  # half a header line, then nothing
            held.append(slow_head)
            slow_head.sendall(b"POST /webhook HTTP/1.1\r\nContent-Le")
            latencies = []
            for i in range(5):
                body = event("batch.completed", {"id": f"batch_under_load_{i}"})
                start = time.monotonic()
                assert post(server, body, sign(body)) == (200, {"ok": True})
                latencies.append(time.monotonic() - start)
            print(f"signed request under {len(held)} held connections: {', '.join(f'{t * 1000:.1f} ms' for t in latencies)}")
            assert max(latencies) < 1.0, latencies
            still_open = sum(is_open(sock) for sock in held)
            assert still_open == len(held), f"the server closed {len(held) - still_open} connections within its timeout"
            assert server.proc.poll() is None
        finally:
            for sock in held:
                sock.close()
    assert "Traceback" not in server.log()


def test_idle_and_trickling_clients_are_cut_off_at_the_request_timeout(tmp_path: Path) -> None:
    with running_receiver(tmp_path, "--request-timeout", "1") as server:
        idle, trickle = connect(server), connect(server)
        try:
            trickle.sendall(head("100"))
            start = time.monotonic()
            closed_after: dict[str, float] = {}
            while len(closed_after) < 2 and time.monotonic() - start < TIMEOUT:
                with contextlib.suppress(OSError):
                    trickle.send(b"x")  # a byte now and then must not extend its deadline
                for name, sock in (("idle", idle), ("trickle", trickle)):
                    if name not in closed_after and not is_open(sock):
                        closed_after[name] = time.monotonic() - start
                time.sleep(0.05)
            assert closed_after.keys() == {"idle", "trickle"}
            assert all(t < 3.0 for t in closed_after.values()), closed_after
            log = server.wait_for_log("408 request not complete in time")
            assert log.count("dropped after") == 1, log  # the idle connection sent nothing: not logged
        finally:
            idle.close()
            trickle.close()


def test_past_max_connections_the_oldest_unfinished_connection_is_dropped(tmp_path: Path) -> None:
    held: list[socket.socket] = []
    with running_receiver(tmp_path, "--max-connections", "50") as server:
        try:
            for _ in range(100):
                held.append(connect(server))
            body = event("batch.completed", {"id": "batch_past_the_cap"})
            assert post(server, body, sign(body)) == (200, {"ok": True})
            assert [read_until_closed(sock).split(b"\r\n")[0] for sock in held[:50]] == [b"HTTP/1.0 503 Service Unavailable"] * 50
            assert all(is_open(sock) for sock in held[-49:])  # the newest, but for the one the request pushed out
        finally:
            for sock in held:
                sock.close()


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        (["Content-Length: +5"], 400),
        (["Content-Length: 5 "], 400),
        (["Content-Length: -1"], 400),
        (["Content-Length: 0x10"], 400),
        (["Content-Length: 1_0"], 400),
        (["Content-Length: 5.0"], 400),
        (["Content-Length: \uff15"], 400),  # a fullwidth digit 5: str.isdigit() says yes
        (["Content-Length: "], 400),
        (["Content-Length: 5", "Content-Length: 5"], 400),
        (["Content-Length: 5", "Content-Length: 6"], 400),
        (["Content-Length: 5, 5"], 400),
        ([], 411),
        (["Transfer-Encoding: chunked", "Content-Length: 5"], 411),
    ],
    ids=lambda v: repr(v) if isinstance(v, list) else str(v),
)
def test_bad_content_length_is_rejected(server: Server, headers: list[str], status: int) -> None:
    request = head(None, *headers) + b"hello"
    server.requests += 1
    answered, answer = exchange(server, request)
    assert answered == status, answer
    assert set(answer) == {"error"}
    server.wait_for_log(f'"POST /webhook HTTP/1.1" {status} {answer["error"]}')


@pytest.mark.parametrize("content_length", [str((1 << 20) + 1), "1" * 20, "9" * 5000])
def test_oversize_body_is_413_without_waiting_for_it(server: Server, content_length: str) -> None:
    server.requests += 1
    assert exchange(server, head(content_length)) == (413, {"error": "body too large"})


def test_largest_body_is_read_in_full(server: Server) -> None:
    body = event("batch.completed", {"id": "batch_big", "padding": ""})
    body = body.replace(b'""', b'"' + b"x" * ((1 << 20) - len(body)) + b'"')
    assert len(body) == 1 << 20
    assert post(server, body, sign(body)) == (200, {"ok": True})


def test_client_resetting_mid_request_leaves_no_traceback(tmp_path: Path) -> None:
    body = event("batch.completed", {"id": "batch_reset"})
    request = signed_request(body)
    with running_receiver(tmp_path) as server:
        for partial in (b"", request[:10], request[: request.index(b"\r\n\r\n")], request[:-5], request):
            for _ in range(20):  # a complete request reset at once: sometimes while the answer is written
                sock = connect(server)
                try:
                    sock.sendall(partial)
                finally:
                    reset(sock)
        assert exchange(server, request) == (200, {"ok": True})
        time.sleep(0.2)  # let any worker still writing to a reset socket finish
        log = server.log()
        assert server.proc.poll() is None, log
    assert "Traceback" not in log and "Error" not in log, log


def test_server_survived_and_logged_one_line_per_request(server: Server) -> None:
    """Last in this file: every request above, hostile ones included, was logged once."""
    assert server.proc.poll() is None, server.log()
    log = server.log()
    assert "Traceback" not in log
    assert server.requests > 0
    assert len(log.splitlines()) == server.requests, log
