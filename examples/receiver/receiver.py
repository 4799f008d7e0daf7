"""A minimal OpenAI webhook receiver: the standard library plus the vendored openai_webhooks.py.

    OPENAI_WEBHOOK_SECRET=whsec_... python receiver.py --host 127.0.0.1 --port 8000

Answers 200 to a verified event, 400 when the signature does not check out, 422 when a
correctly signed payload does not match the spec (with the JSON path of the problem).
Logs one line per request on stderr.

Built to stay up when it faces the internet: see Receiver for how it treats slow, idle and
oversized requests.
"""

from __future__ import annotations

import argparse
import errno
import io
import json
import os
import re
import selectors
import socket
import sys
import threading
import time
import traceback
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from email.message import Message
from http.client import HTTPException, parse_headers
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler

from openai_webhooks import (
    BatchCancelledWebhookEvent,
    BatchCompletedWebhookEvent,
    BatchExpiredWebhookEvent,
    BatchFailedWebhookEvent,
    InvalidWebhookSignatureError,
    RealtimeCallIncomingWebhookEvent,
    ResponseCancelledWebhookEvent,
    ResponseCompletedWebhookEvent,
    ResponseFailedWebhookEvent,
    ResponseIncompleteWebhookEvent,
    UnknownWebhookEvent,
    UnwrapWebhookEvent,
    WebhookDecodeError,
    unwrap,
)

MAX_BODY = 1 << 20  # events are small; refuse to buffer anything bigger
MAX_HEAD = 64 << 10  # request line and headers
REQUEST_TIMEOUT = 10.0  # seconds for a whole request (headers and body) to arrive once connected
WRITE_TIMEOUT = 10.0  # seconds for each write of the answer
MAX_CONNECTIONS = 2000  # connections still sending their request; past this, the oldest is dropped
MAX_BUFFERED = 64 << 20  # bytes of unfinished requests, all connections together; past this, likewise
WORKERS = 8  # threads that verify, decode and answer complete requests
MAX_QUEUED = 64  # complete requests queued for or held by a worker; past this, 503 at once
BACKLOG = 1024  # the kernel's queue of connections not accepted yet (capped by net.core.somaxconn)


def handle(event: UnwrapWebhookEvent | UnknownWebhookEvent) -> str:
    """Act on one verified event; return what was done, for the log.

    Hand slow work to a queue: the sender wants its 200 quickly and retries when it does not get one.
    """
    match event:
        case (
            BatchCompletedWebhookEvent()
            | BatchFailedWebhookEvent()
            | BatchExpiredWebhookEvent()
            | BatchCancelledWebhookEvent()
        ):
            return f"{event.type}: batch {event.data.id}"
        case RealtimeCallIncomingWebhookEvent(data=data):
            sip = {h.name: h.value for h in data.sip_headers}
            return f"{event.type}: call {data.call_id} from {sip.get('From', '?')}"
        case ResponseCompletedWebhookEvent(data=data):
            return f"{event.type}: response {data.id} is ready to fetch"
        case (
            ResponseFailedWebhookEvent()
            | ResponseCancelledWebhookEvent()
            | ResponseIncompleteWebhookEvent()
        ):
            return f"{event.type}: response {event.data.id}"
        case UnknownWebhookEvent(type=type_):
            # A type added after openai_webhooks.py was generated: acknowledge it, or it is retried.
            return f"unknown event type {type_!r} (id {event.raw.get('id')!r}), ignored"
        case _:
            return f"{event.type}: {event.data.id} not handled here"


class BadRequest(Exception):
    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


def body_length(headers: Message) -> int:
    """The request's Content-Length, strictly: exactly one, ASCII digits only, at most MAX_BODY.

    int() alone accepts "+5", "1_0", " 5 " and non-ASCII digits; two lengths, or a Transfer-Encoding
    beside one, are how requests are smuggled past a proxy that reads them differently.
    """
    if "Transfer-Encoding" in headers:
        raise BadRequest(411, "Transfer-Encoding is not supported: send Content-Length")
    values = headers.get_all("Content-Length") or []
    if not values:
        raise BadRequest(411, "Content-Length required")
    if len(values) > 1:
        raise BadRequest(400, "more than one Content-Length")
    value = values[0]
    if not (value.isascii() and value.isdigit()):
        raise BadRequest(400, "Content-Length is not a number")
    if len(value.lstrip("0")) > 9 or int(value) > MAX_BODY:  # int() of thousands of digits is slow
        raise BadRequest(413, "body too large")
    return int(value)


def canned(status: int, reason: str) -> bytes:
    """A whole HTTP answer, for the cases the receiver answers without a handler."""
    body = json.dumps({"error": reason}).encode()
    head = f"HTTP/1.0 {status} {HTTPStatus(status).phrase}\r\nContent-Type: application/json\r\n"
    return f"{head}Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode() + body


class WebhookHandler(BaseHTTPRequestHandler):
    """Answers one request that Receiver has read in full: it never waits for the client."""

    secret = ""  # set by main()

    def setup(self) -> None:
        self.connection, data = self.request  # the socket, and every byte of the request
        self.connection.settimeout(WRITE_TIMEOUT)
        self.rfile = io.BytesIO(data)
        self.wfile = self.connection.makefile("wb")

    def do_POST(self) -> None:
        try:
            length = body_length(self.headers)
        except BadRequest as e:
            return self.reply(e.status, {"error": e.reason}, e.reason)
        body = self.rfile.read(length)
        if len(body) != length:  # Receiver waits for the whole body: only if it read the head otherwise
            return self.reply(400, {"error": "body shorter than Content-Length"}, "short body")
        try:
            event = unwrap(body, self.headers, secret=self.secret)
        except InvalidWebhookSignatureError as e:  # the reason goes to the log, not to the caller
            return self.reply(400, {"error": "invalid signature"}, f"rejected: {e}")
        except WebhookDecodeError as e:
            detail = {"error": "invalid payload", "path": e.path, "message": e.message}
            return self.reply(422, detail, f"undecodable: {e}")
        self.reply(200, {"ok": True}, handle(event))

    def reply(self, code: int, body: Mapping[str, object], note: str) -> None:
        self.log_message('"%s" %d %s', self.requestline, code, note)
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass  # reply() already logged this request, with what was done


@dataclass
class Pending:
    """A connection whose request has not fully arrived."""

    address: tuple[str, int]
    deadline: float
    data: bytearray = field(default_factory=bytearray)
    size: int | None = None  # of the head and the body together, once the head has arrived


HEAD_END = re.compile(rb"\r?\n\r?\n")  # the empty line after the headers


def expected_size(head: bytes) -> int:
    """How many bytes to wait for: the head plus a valid Content-Length, or the head alone when
    the handler is going to refuse the request anyway (it parses the head the same way)."""
    try:
        return len(head) + body_length(parse_headers(io.BytesIO(head[head.index(b"\n") + 1 :])))
    except (BadRequest, HTTPException):
        return len(head)


class Receiver:
    """An HTTP/1.0 server that slow, idle or oversized requests cannot take offline.

    With a thread per connection (http.server's ThreadingHTTPServer), a client that opens a thousand
    idle connections, or sends headers and then a body a byte at a time, holds a thread for each
    as long as it likes, and a cap on threads only moves the problem. Here one thread (a selectors
    loop) accepts every connection and reads whatever has arrived on any of them, and a request goes
    to one of WORKERS threads only once it has arrived complete. Idle and slow clients cost a socket
    and a buffer each, never a worker, so a delivery is answered at once however many of them are
    connected. Each connection has REQUEST_TIMEOUT for its whole request (trickling bytes does not
    extend it); past MAX_CONNECTIONS or MAX_BUFFERED the oldest unfinished connection is dropped,
    which sheds the slow ones first: a real sender sends its request as soon as it connects.
    """

    def __init__(self, host: str, port: int, *, max_connections: int, request_timeout: float) -> None:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.listener = socket.create_server((host, port), family=family, backlog=BACKLOG)
        self.listener.setblocking(False)
        self.port: int = self.listener.getsockname()[1]
        self.selector = selectors.DefaultSelector()
        self.selector.register(self.listener, selectors.EVENT_READ)
        self.pending: dict[socket.socket, Pending] = {}  # in order of arrival: the oldest first
        self.buffered = 0  # bytes in all of pending's buffers
        self.workers = ThreadPoolExecutor(WORKERS)
        self.slots = threading.BoundedSemaphore(MAX_QUEUED)  # complete requests queued or running
        self.max_connections = max_connections
        self.request_timeout = request_timeout

    def serve_forever(self) -> None:
        while True:
            for key, _ in self.selector.select(timeout=0.25):
                if key.fileobj is self.listener:
                    self.accept()
                else:
                    self.receive(key.fileobj)  # type: ignore[arg-type]
            self.expire()

    def accept(self) -> None:
        try:
            sock, address = self.listener.accept()
        except BlockingIOError:
            return
        except OSError as e:  # out of file descriptors: make room; anything else: a client gave up
            if e.errno in (errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM) and self.pending:
                self.drop(next(iter(self.pending)), 503, "too many connections")
            return
        if len(self.pending) >= self.max_connections:
            self.drop(next(iter(self.pending)), 503, "too many connections")
        sock.setblocking(False)
        self.selector.register(sock, selectors.EVENT_READ)
        self.pending[sock] = Pending(address, time.monotonic() + self.request_timeout)

    def receive(self, sock: socket.socket) -> None:
        pending = self.pending[sock]
        try:
            chunk = sock.recv(1 << 16)
        except BlockingIOError:
            return
        except OSError:  # reset by the client: nothing to answer, nothing to log
            chunk = b""
        if not chunk:
            self.forget(sock).close()
            return
        searched = max(0, len(pending.data) - 3)  # the empty line may straddle two chunks
        pending.data += chunk
        self.buffered += len(chunk)
        if pending.size is None:
            if end := HEAD_END.search(pending.data, searched):
                pending.size = expected_size(bytes(pending.data[: end.end()]))
            elif len(pending.data) > MAX_HEAD:
                return self.drop(sock, 431, "request headers too large")
        if pending.size is not None and len(pending.data) >= pending.size:
            self.dispatch(sock)
        while self.buffered > MAX_BUFFERED:
            self.drop(next(iter(self.pending)), 503, "too many unfinished requests")

    def expire(self) -> None:
        now = time.monotonic()
        while self.pending:  # deadlines grow in order of arrival: stop at the first one not due
            sock, pending = next(iter(self.pending.items()))
            if pending.deadline > now:
                break
            self.drop(sock, 408, "request not complete in time")

    def forget(self, sock: socket.socket) -> socket.socket:
        self.selector.unregister(sock)
        self.buffered -= len(self.pending.pop(sock).data)
        return sock

    def drop(self, sock: socket.socket, status: int, reason: str) -> None:
        """Answer `status` if the socket takes it without waiting, and close. Logged only for a
        client that sent something: idle connections would flood the log."""
        pending = self.pending[sock]
        if pending.data:
            host = pending.address[0]
            sys.stderr.write(f"{host} - - dropped after {len(pending.data)} bytes: {status} {reason}\n")
        try:
            sock.send(canned(status, reason))
        except OSError:
            pass
        self.forget(sock).close()

    def dispatch(self, sock: socket.socket) -> None:
        pending = self.pending[sock]
        if not self.slots.acquire(blocking=False):
            return self.drop(sock, 503, "busy, retry later")
        self.forget(sock)
        self.workers.submit(self.respond, sock, pending)

    def respond(self, sock: socket.socket, pending: Pending) -> None:
        try:
            sock.setblocking(True)
            # socketserver's handlers take any request and server: here the socket with its bytes, and self
            WebhookHandler((sock, bytes(pending.data)), pending.address, self)  # type: ignore[arg-type]
        except OSError:
            pass  # the client left (reset, or not reading) before it had its answer
        except Exception:
            traceback.print_exc()  # a bug: a pool would otherwise swallow it without a trace
        finally:
            sock.close()
            self.slots.release()


def raise_file_limit(wanted: int) -> int:
    """Raise this process's limit on open files (often 1024) towards `wanted`; return the limit."""
    try:
        import resource
    except ImportError:  # Windows has no such limit
        return wanted
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY or soft >= wanted:
        return wanted
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted if hard == resource.RLIM_INFINITY else min(wanted, hard), hard))
    except (ValueError, OSError):
        pass
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000, help="0 picks a free port")
    parser.add_argument("--max-connections", type=int, default=MAX_CONNECTIONS, help="unfinished requests held at once")
    parser.add_argument("--request-timeout", type=float, default=REQUEST_TIMEOUT, help="seconds for a request to arrive")
    args = parser.parse_args()
    WebhookHandler.secret = os.environ.get("OPENAI_WEBHOOK_SECRET", "")
    if not WebhookHandler.secret:
        parser.error("set OPENAI_WEBHOOK_SECRET to the endpoint's signing secret (whsec_...)")
    spare = 64  # descriptors for the listener, the selector, the workers' sockets, stdio
    max_connections = max(1, min(args.max_connections, raise_file_limit(args.max_connections + spare) - spare))
    server = Receiver(args.host, args.port, max_connections=max_connections, request_timeout=args.request_timeout)
    print(f"listening on http://{args.host}:{server.port}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
