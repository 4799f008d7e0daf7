import assert from "node:assert/strict";
import { test } from "node:test";

import { InvalidWebhookSignatureError, WebhookDecodeError, signHeaders, unwrap, type UnknownWebhookEvent, type UnwrapWebhookEvent } from "./openai_webhooks.js";

const SECRET = "whsec_MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="; // a secret for tests only
type Event = UnwrapWebhookEvent | UnknownWebhookEvent;

/** Your handler: verify and decode the delivery, act on it, answer with an HTTP status. */
async function handle(body: string, headers: Record<string, string>, seen: Event[]): Promise<number> {
  try {
    seen.push(await unwrap(body, headers, { secret: SECRET })); // act on it: see dispatch below
  } catch (e) {
    if (e instanceof InvalidWebhookSignatureError || e instanceof WebhookDecodeError) return 400;
    throw e;
  }
  return 200;
}

// An event type this module does not know is accepted too (UnknownWebhookEvent): put one from your
// vendor's docs here to test your own code on it.
const BODY = JSON.stringify({ type: "example.tested", id: "evt_1", created_at: 1750000000 });

test("a signed delivery is handled", async () => {
  const seen: Event[] = [];
  assert.equal(await handle(BODY, await signHeaders(BODY, SECRET), seen), 200);
  assert.deepEqual(JSON.parse(JSON.stringify(seen)), [JSON.parse(BODY)]);
});

test("what the vendor did not sign is refused", async () => {
  const headers = await signHeaders(BODY, SECRET, { msgId: "msg_1" });
  assert.equal(await handle(BODY.replace("evt_1", "evt_2"), headers, []), 400); // tampered
  assert.equal(await handle(BODY, await signHeaders(BODY, "whsec_b3RoZXIga2V5"), []), 400); // another secret
  const hourAgo = Math.floor(Date.now() / 1000) - 3600;
  assert.equal(await handle(BODY, await signHeaders(BODY, SECRET, { timestamp: hourAgo }), []), 400); // replayed
  assert.equal(await handle("{}", await signHeaders("{}", SECRET), []), 400); // signed, but not an event
});
