"""A minimal OpenAI webhook receiver: the standard library plus the vendored openai_webhooks.py.

    OPENAI_WEBHOOK_SECRET=whsec_... python receiver.py --host 127.0.0.1 --port 8000

Answers 200 to a verified event, 400 when the signature does not check out, 422 when a
correctly signed payload does not match the spec (with the JSON path of the problem).
Logs one line per request on stderr.
"""

from __future__ import annotations

import argparse
import json
import os
from collections.abc import Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

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


class WebhookHandler(BaseHTTPRequestHandler):
    secret = ""  # set by main()

    def do_POST(self) -> None:
        try:
            length = int(self.headers["Content-Length"])
        except (TypeError, ValueError):
            return self.reply(411, {"error": "Content-Length required"}, "no Content-Length")
        if not 0 <= length <= MAX_BODY:
            return self.reply(413, {"error": "body too large"}, f"Content-Length {length}")
        body = self.rfile.read(length)
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000, help="0 picks a free port")
    args = parser.parse_args()
    WebhookHandler.secret = os.environ.get("OPENAI_WEBHOOK_SECRET", "")
    if not WebhookHandler.secret:
        parser.error("set OPENAI_WEBHOOK_SECRET to the endpoint's signing secret (whsec_...)")
    with ThreadingHTTPServer((args.host, args.port), WebhookHandler) as server:
        print(f"listening on http://{args.host}:{server.server_port}", flush=True)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
