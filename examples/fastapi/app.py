"""An OpenAI webhook receiver on FastAPI, served by uvicorn, with the vendored openai_webhooks.py.

    OPENAI_WEBHOOK_SECRET=whsec_... uvicorn app:app --host 127.0.0.1 --port 8000

Answers 200 to a verified delivery (also to an event type the module does not know yet, and to a
redelivery of one already handled), 400 when the signature does not check out or the signed payload
does not match the spec, 413 past 1 MiB. Deliveries are at-least-once: the `webhook-id` of each one
handled is kept in SQLite (WEBHOOK_SEEN_DB, default seen_webhooks.sqlite3), and a redelivery is
acknowledged without being handled again.

Nothing here names an event type or a field other than `type`: it keeps working, unchanged, when
the spec gains or loses events and openai_webhooks.py is regenerated.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import sys
import threading
import time

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from openai_webhooks import (
    InvalidWebhookSignatureError,
    UnknownWebhookEvent,
    UnwrapWebhookEvent,
    WebhookDecodeError,
    unwrap,
)

MAX_BODY = 1 << 20  # events are small; refuse to buffer anything bigger
KEEP_SECONDS = 7 * 24 * 3600  # how long a webhook-id is remembered: OpenAI retries for up to 3 days

log = logging.getLogger("webhooks")
if not log.handlers:
    _handler = logging.StreamHandler(sys.stderr)
    _handler.setFormatter(logging.Formatter("%(levelname)s:     %(message)s"))
    log.addHandler(_handler)
    log.setLevel(logging.INFO)
    log.propagate = False


class SeenIds:
    """The webhook-ids already handled, in SQLite.

    `claim` records an id and says whether it was new, in one statement (INSERT OR IGNORE), so two
    deliveries of the same id racing each other, in threads or in uvicorn workers sharing the file,
    are handled once. `release` forgets an id whose handling failed, so the sender's retry is
    handled. Ids older than `keep` seconds are pruned as new ones arrive.
    """

    def __init__(self, path: str, keep: float = KEEP_SECONDS) -> None:
        self.keep = keep
        self.lock = threading.Lock()  # one connection, shared by the threads FastAPI runs code in
        self.db = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=10.0)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("CREATE TABLE IF NOT EXISTS seen (id TEXT PRIMARY KEY, at REAL NOT NULL)")
        self.db.execute("CREATE INDEX IF NOT EXISTS seen_at ON seen (at)")

    def claim(self, webhook_id: str) -> bool:
        now = time.time()
        with self.lock:
            self.db.execute("DELETE FROM seen WHERE at < ?", (now - self.keep,))
            inserted = self.db.execute("INSERT OR IGNORE INTO seen (id, at) VALUES (?, ?)", (webhook_id, now))
            return inserted.rowcount == 1

    def release(self, webhook_id: str) -> None:
        with self.lock:
            self.db.execute("DELETE FROM seen WHERE id = ?", (webhook_id,))


def handle(event: UnwrapWebhookEvent | UnknownWebhookEvent, webhook_id: str) -> None:
    """Act on one verified, first-seen event. Hand slow work to a queue: the sender wants its 2xx
    quickly and retries when it does not get one. Raising here answers 500, and the event is
    delivered again later."""
    if isinstance(event, UnknownWebhookEvent):
        # A type added after openai_webhooks.py was generated: acknowledge it, or it is retried.
        log.info("unknown event type %r ignored (webhook-id %s)", event.type, webhook_id)
        return
    log.info("handled %s (webhook-id %s)", event.type, webhook_id)


def secret_from_env() -> str:
    secret = os.environ.get("OPENAI_WEBHOOK_SECRET", "")
    if not secret:
        sys.exit("set OPENAI_WEBHOOK_SECRET to the endpoint's signing secret (whsec_...)")
    return secret


SECRET = secret_from_env()
seen = SeenIds(os.environ.get("WEBHOOK_SEEN_DB", "seen_webhooks.sqlite3"))
app = FastAPI()


async def raw_body(request: Request) -> bytes | None:
    """The body exactly as sent (the signature covers these bytes); None past MAX_BODY."""
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > MAX_BODY:
        return None
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY:
            return None
    return bytes(body)


# [quickstart]
@app.post("/webhook")
async def webhook(request: Request) -> JSONResponse:
    body = await raw_body(request)  # the raw bytes: never a re-serialised request.json()
    if body is None:
        return JSONResponse({"error": "body too large"}, status_code=413)
    try:
        event = unwrap(body, request.headers, secret=SECRET)
    except InvalidWebhookSignatureError as e:  # the reason goes to the log, not to the caller
        log.warning("rejected: %s", e)
        return JSONResponse({"error": "invalid signature"}, status_code=400)
    except WebhookDecodeError as e:  # signed, but not JSON or not what the spec says
        log.warning("undecodable: %s", e)
        return JSONResponse({"error": "invalid payload", "path": e.path, "message": e.message}, status_code=400)
    webhook_id = request.headers["webhook-id"]  # present: the signature covers it
    if not seen.claim(webhook_id):  # at-least-once delivery: a retry of one already handled
        log.info("duplicate webhook-id %s acknowledged, not handled again", webhook_id)
        return JSONResponse({"ok": True, "duplicate": True})
    try:
        handle(event, webhook_id)
    except Exception:
        seen.release(webhook_id)  # answered 500: the sender retries, and the retry is handled
        raise
    return JSONResponse({"ok": True})


# [/quickstart]
