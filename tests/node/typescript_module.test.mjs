// The generated TypeScript module on its own, compiled by `make ts-build` to .tsbuild/: what the
// agreement tests with the Python module (tests/test_typescript_agreement.py) cannot see from there.
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const ow = await import(`${ROOT}.tsbuild/generated/typescript/openai_webhooks.js`);
const ks = await import(`${ROOT}.tsbuild/tests/golden/kitchen_sink/expected/typescript/kitchen_sink.js`);

const KEY = Buffer.from("0123456789abcdef0123456789abcdef");
const SECRET = `whsec_${KEY.toString("base64")}`;

function realtime() {
  return {
    id: "evt_1",
    created_at: 1719168000,
    data: { call_id: "call_1", sip_headers: [{ name: "From", value: "a" }, { name: "To", value: "b" }] },
    type: "realtime.call.incoming",
    object: "event",
  };
}

function sign(body, { id = "msg_1", timestamp = Math.floor(Date.now() / 1000), key = KEY } = {}) {
  const mac = createHmac("sha256", key).update(`${id}.${timestamp}.`).update(body).digest("base64");
  return { "webhook-id": id, "webhook-timestamp": String(timestamp), "webhook-signature": `v1,${mac}` };
}

function decodeError(fn, module = ow) {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof module.WebhookDecodeError, `not a WebhookDecodeError: ${e}`);
    assert.ok(e instanceof Error);
    return e;
  }
  assert.fail("no error");
}

test("the file imports nothing and needs no Node or DOM types", () => {
  const text = readFileSync(`${ROOT}generated/typescript/openai_webhooks.ts`, "utf8");
  assert.doesNotMatch(text, /^\s*import\b|\brequire\(|\bBuffer\b|\bprocess\./m);
  const tsconfig = JSON.parse(readFileSync(`${ROOT}tsconfig.json`, "utf8"));
  assert.deepEqual(tsconfig.compilerOptions.types, []);
  assert.deepEqual(tsconfig.compilerOptions.lib, ["ES2022"]);
  for (const flag of ["strict", "noUncheckedIndexedAccess", "exactOptionalPropertyTypes"]) assert.equal(tsconfig.compilerOptions[flag], true, flag);
});

test("the decoded event is the parsed object itself: JSON.stringify gives back the input", () => {
  const data = { ...realtime(), later_field: { kept: [1, 2.5, null, true] } };
  for (const body of [JSON.stringify(data), Buffer.from(JSON.stringify(data)), new TextEncoder().encode(JSON.stringify(data)), new TextEncoder().encode(JSON.stringify(data)).buffer]) {
    const event = ow.parseEvent(body);
    assert.equal(event.type, "realtime.call.incoming");
    assert.equal(event.data.sip_headers[1].value, "b");
    assert.equal(JSON.stringify(event), JSON.stringify(data));
  }
  const parsed = realtime();
  assert.equal(ow.parseEvent(parsed), parsed);
  const noObject = realtime();
  delete noObject.object;
  assert.equal(JSON.stringify(ow.parseEvent(noObject)), JSON.stringify(noObject));
});

test("a __proto__ key is kept as data and pollutes nothing", () => {
  const body = JSON.stringify(realtime()).replace('"id"', '"__proto__": {"polluted": true, "type": "x"}, "id"');
  const event = ow.parseEvent(body);
  assert.equal(Object.getPrototypeOf(event), Object.prototype);
  assert.ok(Object.hasOwn(event, "__proto__"));
  assert.equal({}.polluted, undefined);
  assert.equal(Object.prototype.polluted, undefined);
  assert.match(JSON.stringify(event), /"__proto__":\{"polluted":true/);
  const unknown = ow.parseEvent('{"type": "__proto__", "__proto__": {"type": "batch.failed"}}');
  assert.ok(unknown instanceof ow.UnknownWebhookEvent);
  assert.equal(unknown.type, "__proto__");
});

test("keys named like Object.prototype members are data like any other", () => {
  assert.equal(ks.decodeStockLevel({ count: 1, restock_at: null, constructor: "x" }).constructor, "x");
  assert.equal(ks.decodeOddKeys({ class: "c", str: "s", self: true, _id: "i", toString: 3 }).toString, 3);
  const tag = ow.parseEvent({ ...realtime(), type: "constructor" });
  assert.ok(tag instanceof ow.UnknownWebhookEvent);
});

test("errors carry the Python module's path and message", () => {
  const data = realtime();
  data.data.sip_headers[1].value = 3;
  const e = decodeError(() => ow.parseEvent(JSON.stringify(data)));
  assert.equal(e.path, "$.data.sip_headers[1].value");
  assert.equal(e.message, "expected a string, got an integer (3)");
  assert.equal(String(e), "WebhookDecodeError: $.data.sip_headers[1].value: expected a string, got an integer (3)");
  assert.equal(e.name, "WebhookDecodeError");
  const odd = decodeError(() => ks.decodeOrderPlacedEventLine({ sku: "x", tags: [], size: "xl" }), ks);
  assert.equal(odd.message, 'expected one of "s", "m", "l", got a string ("xl")');
});

test("unknown event types are kept whole, or refused with strict", () => {
  const data = { type: "batch.teleported", id: "evt_9", anything: [1, { x: null }] };
  const event = ow.parseEvent(JSON.stringify(data));
  assert.ok(event instanceof ow.UnknownWebhookEvent);
  assert.equal(event.type, "batch.teleported");
  assert.deepEqual(event.raw, data);
  assert.equal(JSON.stringify(event), JSON.stringify(data));
  const e = decodeError(() => ow.parseEvent(JSON.stringify(data), { strict: true }));
  assert.equal(e.path, "$.type");
  assert.match(e.message, /^expected one of "batch.cancelled", /);
});

test("values that are not JSON are described, not crashed on", () => {
  for (const [value, words] of [
    [new Date(0), "expected an object, got a Date"],
    [new Map(), "expected an object, got a Map"],
    [undefined, "expected an object, got undefined"],
    [Object.create(null), "expected an object, got an object"],
  ]) {
    const e = decodeError(() => ow.parseEvent(value));
    if (value !== null && typeof value === "object" && Object.getPrototypeOf(value) === null) {
      // a null-prototype object is a plain object: it fails on its missing tag instead
      assert.equal(e.message, "required key is missing");
    } else {
      assert.equal(e.message, words);
    }
  }
  const cash = (change) => decodeError(() => ks.decodeCashPayment({ kind: "cash", change_given: change }), ks).message;
  assert.equal(cash(Infinity), "expected a finite number, got a number (inf)");
  assert.equal(cash(NaN), "expected a finite number, got a number (nan)");
  assert.equal(cash(10n), "expected a finite number, got a bigint");
});

test("hostile input throws only WebhookDecodeError", () => {
  const deep = "[".repeat(200_000) + "]".repeat(200_000);
  for (const body of ["", "not json", "[]", "null", "42", '"batch.cancelled"', deep, `{"type": ${deep}}`, '{"type": "batch.cancelled", "created_at": 1' + "0".repeat(5000) + "}"]) {
    decodeError(() => ow.parseEvent(body));
  }
  decodeError(() => ow.parseEvent(new Uint8Array([0xff, 0xfe, 0x7b, 0x7d])));
});

test("verifySignature accepts fetch Headers and Node's header records", async () => {
  const body = JSON.stringify(realtime());
  const headers = sign(body);
  await ow.verifySignature(body, new Headers(headers), { secret: SECRET });
  const shouting = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toUpperCase(), v]));
  await ow.verifySignature(body, shouting, { secret: SECRET });
  await ow.verifySignature(Buffer.from(body), headers, { secret: KEY });
  await assert.rejects(ow.verifySignature(body + " ", headers, { secret: SECRET }), ow.InvalidWebhookSignatureError);
});

test("unwrap verifies, then decodes", async () => {
  const body = JSON.stringify(realtime());
  const event = await ow.unwrap(body, sign(body), { secret: SECRET });
  assert.equal(event.data.call_id, "call_1");
  await assert.rejects(ow.unwrap("not json", sign(body), { secret: SECRET }), ow.InvalidWebhookSignatureError);
  await assert.rejects(ow.unwrap("not json", sign("not json"), { secret: SECRET }), ow.WebhookDecodeError);
  const unknown = JSON.stringify({ type: "video.completed", id: "evt" });
  assert.ok((await ow.unwrap(unknown, sign(unknown), { secret: SECRET })) instanceof ow.UnknownWebhookEvent);
  await assert.rejects(ow.unwrap(unknown, sign(unknown), { secret: SECRET, strict: true }), ow.WebhookDecodeError);
});

test("many secrets in turn: the key cache stays bounded and correct", async () => {
  const body = "{}";
  for (let i = 0; i < 40; i++) {
    const key = Buffer.from(`secret number ${i}`);
    await ow.verifySignature(body, sign(body, { key }), { secret: `whsec_${key.toString("base64")}` });
    await assert.rejects(ow.verifySignature(body, sign(body, { key }), { secret: SECRET }), /no signature in webhook-signature matches/);
  }
});

test("errors never contain the secret", async () => {
  const secret = "whsec_" + Buffer.from("do not print me").toString("base64");
  for (const headers of [{}, sign("{}", { timestamp: 1 }), sign("{}")]) {
    await assert.rejects(ow.verifySignature("{} ", headers, { secret }), (e) => {
      assert.ok(e instanceof ow.InvalidWebhookSignatureError);
      assert.ok(!String(e).includes(secret.slice(6)) && !e.stack.includes(secret.slice(6)));
      return true;
    });
  }
});
