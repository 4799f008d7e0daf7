import json
import time

from openai_webhooks import (
    InvalidWebhookSignatureError,
    UnknownWebhookEvent,
    UnwrapWebhookEvent,
    WebhookDecodeError,
    sign_headers,
    unwrap,
)

Event = UnwrapWebhookEvent | UnknownWebhookEvent

SECRET = "whsec_MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="  # a secret for tests only


def handle(body: bytes, headers: dict[str, str], seen: list[Event]) -> int:
    """Your handler: verify and decode the delivery, act on it, answer with an HTTP status."""
    try:
        event = unwrap(body, headers, secret=SECRET)
    except (InvalidWebhookSignatureError, WebhookDecodeError):
        return 400
    seen.append(event)  # act on it: match on its class (see "Routing events")
    return 200


# An event type this module does not know is accepted too (UnknownWebhookEvent): put one from your
# vendor's docs here to test your own code on it.
BODY = json.dumps({"type": "example.tested", "id": "evt_1", "created_at": 1750000000}).encode()


def test_a_signed_delivery_is_handled() -> None:
    seen: list[Event] = []
    assert handle(BODY, sign_headers(BODY, SECRET), seen) == 200
    assert [e.to_dict() for e in seen] == [json.loads(BODY)]


def test_what_the_vendor_did_not_sign_is_refused() -> None:
    headers = sign_headers(BODY, SECRET, msg_id="msg_1")
    assert handle(BODY.replace(b"evt_1", b"evt_2"), headers, []) == 400  # tampered
    assert handle(BODY, sign_headers(BODY, "whsec_b3RoZXIga2V5"), []) == 400  # another secret
    assert handle(BODY, sign_headers(BODY, SECRET, timestamp=int(time.time()) - 3600), []) == 400  # replayed
    assert handle(b"{}", sign_headers(b"{}", SECRET), []) == 400  # signed, but not an event
