// signHeaders, compiled by `make ts-build` to .tsbuild/: its headers pass the module's own unwrap and
// the reference Standard Webhooks library (the `standardwebhooks` npm package), for every way the
// module reads a secret; bad secrets and wrong arguments reject as verifySignature does.
import assert from "node:assert/strict";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

import { Webhook, WebhookVerificationError } from "standardwebhooks";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const MODULES = {
  openai_webhooks: await import(`${ROOT}.tsbuild/generated/typescript/openai_webhooks.js`),
  kitchen_sink: await import(`${ROOT}.tsbuild/tests/golden/kitchen_sink/expected/typescript/kitchen_sink.js`),
};

const KEY = new TextEncoder().encode("0123456789abcdef0123456789abcdef");
const LONG_KEY = Uint8Array.from({ length: 100 }, (_, i) => i);
// How the module reads a secret, and the key the reference library is given for it (it reads a
// string without the prefix as base64, so a raw secret goes to it as its UTF-8 bytes).
const SECRETS = [
  ["whsec_ + base64", `whsec_${Buffer.from(KEY).toString("base64")}`, KEY],
  ["raw text", "a raw secret, ünïcode", new TextEncoder().encode("a raw secret, ünïcode")],
  ["bytes", KEY, KEY],
  ["a key longer than a SHA-256 block", `whsec_${Buffer.from(LONG_KEY).toString("base64")}`, LONG_KEY],
];
// An event type neither module knows: accepted whole (UnknownWebhookEvent), whatever the spec holds.
const BODY = JSON.stringify({ type: "example.signed", id: "evt_1", note: "ünïcode ✓" });

function reference(key) {
  return new Webhook(key, { format: "raw" });
}

test("headers signed for each kind of secret pass unwrap and the reference library", async () => {
  for (const [name, module] of Object.entries(MODULES)) {
    for (const [kind, secret, key] of SECRETS) {
      for (const body of [BODY, new TextEncoder().encode(BODY), new TextEncoder().encode(BODY).buffer]) {
        const headers = await module.signHeaders(body, secret);
        assert.deepEqual(Object.keys(headers).sort(), ["webhook-id", "webhook-signature", "webhook-timestamp"], `${name} ${kind}`);
        const event = await module.unwrap(body, headers, { secret });
        assert.ok(event instanceof module.UnknownWebhookEvent, `${name} ${kind}`);
        assert.equal(JSON.stringify(event), BODY);
        assert.deepEqual(reference(key).verify(BODY, headers), JSON.parse(BODY), `${name} ${kind}`);
      }
    }
  }
});

test("the signature is the reference library's for the same id and time", async () => {
  const ow = MODULES.openai_webhooks;
  const when = 1750000000;
  for (const [kind, secret, key] of SECRETS) {
    const headers = await ow.signHeaders(BODY, secret, { msgId: "msg_fixed", timestamp: when });
    assert.equal(headers["webhook-id"], "msg_fixed");
    assert.equal(headers["webhook-timestamp"], String(when));
    assert.equal(headers["webhook-signature"], reference(key).sign("msg_fixed", new Date(when * 1000), BODY), kind);
  }
});

test("defaults: a fresh msg_ id and now", async () => {
  const ow = MODULES.openai_webhooks;
  const before = Math.floor(Date.now() / 1000);
  const ids = new Set();
  for (let i = 0; i < 20; i++) {
    const headers = await ow.signHeaders(BODY, KEY);
    assert.match(headers["webhook-id"], /^msg_[0-9a-f]{32}$/);
    const ts = Number(headers["webhook-timestamp"]);
    assert.ok(before <= ts && ts <= Math.floor(Date.now() / 1000), headers["webhook-timestamp"]);
    ids.add(headers["webhook-id"]);
  }
  assert.equal(ids.size, 20);
});

test("an hour-old timestamp is refused by both, and another body or secret fails", async () => {
  const ow = MODULES.openai_webhooks;
  const [, secret, key] = SECRETS[0];
  const old = await ow.signHeaders(BODY, secret, { timestamp: Math.floor(Date.now() / 1000) - 3600 });
  await assert.rejects(ow.unwrap(BODY, old, { secret }), (e) => e instanceof ow.InvalidWebhookSignatureError && /too old/.test(e.message));
  assert.throws(() => reference(key).verify(BODY, old), WebhookVerificationError);
  const headers = await ow.signHeaders(BODY, secret);
  await assert.rejects(ow.unwrap(BODY.replace("evt_1", "evt_2"), headers, { secret }), /no signature in webhook-signature matches/);
  await assert.rejects(ow.unwrap(BODY, headers, { secret: "whsec_b3RoZXIga2V5" }), /no signature in webhook-signature matches/);
});

test("a bad secret rejects with what verifySignature says of it", async () => {
  const ow = MODULES.openai_webhooks;
  const headers = await ow.signHeaders(BODY, KEY);
  for (const secret of ["", "whsec_", "whsec_!!!!", "whsec_QUFB====", "whsec_QUF", new Uint8Array(0)]) {
    let verified;
    await assert.rejects(ow.verifySignature(BODY, headers, { secret }), (e) => ((verified = e), true));
    assert.ok(verified instanceof ow.InvalidWebhookSignatureError);
    await assert.rejects(ow.signHeaders(BODY, secret), (e) => {
      assert.ok(e instanceof ow.InvalidWebhookSignatureError, `${JSON.stringify(secret)}: ${e}`);
      assert.equal(e.message, verified.message);
      return true;
    });
  }
});

test("wrong arguments reject with TypeError or RangeError", async () => {
  const ow = MODULES.openai_webhooks;
  const secret = SECRETS[0][1];
  const parsed = ": JSON parsed already? Pass the body exactly as received, the signature covers its bytes";
  const cases = [
    [[JSON.parse(BODY), secret], TypeError, `payload must be the raw request body (string, Uint8Array or ArrayBuffer), not Object${parsed}`],
    [[null, secret], TypeError, "payload must be the raw request body (string, Uint8Array or ArrayBuffer), not null"],
    [["\ud800", secret], RangeError, "payload is not valid text: it holds a lone surrogate"],
    [[BODY, null], TypeError, "secret must be a string or Uint8Array, not null"],
    [[BODY, secret, null], TypeError, "options must be an object, not null"],
    [[BODY, secret, { msgId: 1 }], TypeError, "msgId must be a string, not number"],
    [[BODY, secret, { msgId: "" }], RangeError, "msgId must be a non-empty string without control characters or lone surrogates"],
    [[BODY, secret, { msgId: "msg\r\nx-injected: 1" }], RangeError, "msgId must be a non-empty string without control characters or lone surrogates"],
    [[BODY, secret, { timestamp: "1750000000" }], TypeError, "timestamp must be whole seconds (a number), not string"],
    [[BODY, secret, { timestamp: 1.5 }], RangeError, "timestamp must be whole seconds, not 1.5"],
    [[BODY, secret, { timestamp: Number.NaN }], RangeError, "timestamp must be whole seconds, not NaN"],
    [[BODY, secret, { timestamp: -1 }], RangeError, "timestamp must not be negative"],
  ];
  for (const [args, error, words] of cases) {
    await assert.rejects(ow.signHeaders(...args), (e) => {
      assert.ok(e instanceof error, `${words}: ${e}`);
      assert.equal(e.message, words);
      return true;
    });
  }
});

test("dispatch sends an unknown event type to onUnknown, and a record without the handler throws", () => {
  const ow = MODULES.openai_webhooks;
  const unknown = ow.parseEvent(BODY);
  assert.equal(ow.dispatch(unknown, {}, (event) => `unknown ${event.type}`), "unknown example.signed");
  // A known event whose handler is missing (a record built past tsc): inherited keys never count.
  const tag = "constructor";
  assert.throws(
    () => ow.dispatch({ type: tag }, {}, () => "unknown"),
    (e) => e instanceof TypeError && e.message === `no handler for event type ${JSON.stringify(tag)}`,
  );
});
