// The generated TypeScript module on its own, compiled by `make ts-build` to .tsbuild/: what the
// agreement tests with the Python module (tests/test_typescript_agreement.py) cannot see from there.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
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

test("a tolerance that is not a finite, non-negative number rejects before any check", async () => {
  const body = JSON.stringify(realtime());
  const fresh = sign(body);
  const from1970 = sign(body, { timestamp: 1 }); // correctly signed, but far outside any sane tolerance
  const cases = [
    [NaN, RangeError, "tolerance must be a finite number of seconds, not NaN"],
    [Infinity, RangeError, "tolerance must be a finite number of seconds, not Infinity"],
    [-Infinity, RangeError, "tolerance must be a finite number of seconds, not -Infinity"],
    [-1, RangeError, "tolerance must not be negative"],
    [-0.5, RangeError, "tolerance must not be negative"],
    [null, TypeError, "tolerance must be a number of seconds, not null"],
    ["300", TypeError, "tolerance must be a number of seconds, not string"],
    [true, TypeError, "tolerance must be a number of seconds, not boolean"],
    [300n, TypeError, "tolerance must be a number of seconds, not bigint"],
    [new Number(300), TypeError, "tolerance must be a number of seconds, not Number"],
  ];
  for (const [tolerance, error, words] of cases) {
    for (const call of [ow.verifySignature, ow.unwrap]) {
      for (const headers of [fresh, from1970]) {
        await assert.rejects(call(body, headers, { secret: SECRET, tolerance }), (e) => {
          assert.ok(e instanceof error && !(e instanceof ow.InvalidWebhookSignatureError), `${tolerance}: ${e}`);
          assert.equal(e.message, words);
          return true;
        });
      }
    }
  }
});

test("finite, non-negative tolerances are used as given; an absent one is 300", async () => {
  const body = JSON.stringify(realtime());
  for (const tolerance of [undefined, 0, 0.0, 1.5, 300, 1e30]) {
    await ow.verifySignature(body, sign(body), tolerance === undefined ? { secret: SECRET } : { secret: SECRET, tolerance });
  }
  const old = sign(body, { timestamp: Math.floor(Date.now() / 1000) - 301 });
  await assert.rejects(ow.verifySignature(body, old, { secret: SECRET }), /too old/);
  await ow.verifySignature(body, old, { secret: SECRET, tolerance: 400 });
});

// What both modules add for a body that JSON parsing made (the express.json() mistake).
const PARSED = ": JSON parsed already? Pass the body exactly as received, the signature covers its bytes";

test("arguments of the wrong type reject with TypeError, in the Python module's words", async () => {
  const body = JSON.stringify(realtime());
  const headers = sign(body);
  const good = { body, headers, options: { secret: SECRET } };
  const cases = [
    ["body", null, "payload must be the raw request body (string, Uint8Array or ArrayBuffer), not null"],
    ["body", undefined, "payload must be the raw request body (string, Uint8Array or ArrayBuffer), not undefined"],
    ["body", 12, "payload must be the raw request body (string, Uint8Array or ArrayBuffer), not number"],
    ["body", realtime(), `payload must be the raw request body (string, Uint8Array or ArrayBuffer), not Object${PARSED}`], // express.json()
    ["body", Object.assign(Object.create(null), realtime()), `payload must be the raw request body (string, Uint8Array or ArrayBuffer), not Object${PARSED}`],
    ["body", [1, 2], `payload must be the raw request body (string, Uint8Array or ArrayBuffer), not Array${PARSED}`],
    ["body", new Map(), "payload must be the raw request body (string, Uint8Array or ArrayBuffer), not Map"],
    ["body", new DataView(new ArrayBuffer(2)), "payload must be the raw request body (string, Uint8Array or ArrayBuffer), not DataView"],
    ["headers", null, "headers must be a Headers object or a record of header values, not null"],
    ["headers", undefined, "headers must be a Headers object or a record of header values, not undefined"],
    ["headers", "webhook-id: msg_1", "headers must be a Headers object or a record of header values, not string"],
    ["headers", Object.entries(headers).flat(), "headers must be a Headers object or a record of header values, not Array"], // rawHeaders
    ["options", undefined, "options must be an object with a secret, not undefined"],
    ["options", SECRET, "options must be an object with a secret, not string"],
    ["options", { secret: null }, "secret must be a string or Uint8Array, not null"],
    ["options", {}, "secret must be a string or Uint8Array, not undefined"],
    ["options", { secret: 0 }, "secret must be a string or Uint8Array, not number"],
    ["options", { secret: KEY.buffer }, "secret must be a string or Uint8Array, not ArrayBuffer"],
  ];
  for (const [argument, value, words] of cases) {
    const args = { ...good, [argument]: value };
    for (const call of [ow.verifySignature, ow.unwrap]) {
      await assert.rejects(call(args.body, args.headers, args.options), (e) => {
        assert.ok(e instanceof TypeError, `${argument}: ${e}`);
        assert.equal(e.message, words);
        return true;
      });
    }
  }
});

test("the body may be a string, a Uint8Array (a Buffer too) or an ArrayBuffer", async () => {
  const body = JSON.stringify(realtime());
  const bytes = new TextEncoder().encode(body);
  for (const form of [body, bytes, Buffer.from(body), bytes.buffer]) {
    await ow.verifySignature(form, sign(body), { secret: SECRET });
    assert.equal((await ow.unwrap(form, sign(body), { secret: SECRET })).data.call_id, "call_1");
  }
  await assert.rejects(ow.verifySignature(bytes.buffer, sign("{}"), { secret: SECRET }), /no signature in webhook-signature matches/);
});

test("a failed key import is not cached: the next call with the same secret succeeds", async (t) => {
  const body = JSON.stringify(realtime());
  const secret = `whsec_${Buffer.from("a secret whose first import fails").toString("base64")}`;
  const key = Buffer.from("a secret whose first import fails");
  const subtle = globalThis.crypto.subtle;
  const importKey = subtle.importKey;
  let failures = 1;
  subtle.importKey = function (...args) {
    if (failures-- > 0) return Promise.reject(new Error("the key store is busy"));
    return importKey.apply(this, args);
  };
  t.after(() => {
    subtle.importKey = importKey;
  });
  await assert.rejects(ow.verifySignature(body, sign(body, { key }), { secret }), /the key store is busy/);
  await ow.verifySignature(body, sign(body, { key }), { secret });
  await ow.verifySignature(body, sign(body, { key }), { secret }); // now cached, and good
});

test("JSON nested deeper than Python's recursion limit is refused, with the Python module's error", () => {
  const nest = (depth) => "[".repeat(depth) + "]".repeat(depth);
  const objects = (depth) => '{"a": '.repeat(depth) + "1" + "}".repeat(depth);
  // the top-level object is the first level, as Python counts
  const unknown = (inner) => `{"type": "some.new.event", "deep": ${inner}}`;
  const known = (inner) => JSON.stringify(realtime()).replace('"object"', `"deep": ${inner}, "object"`);
  for (const wrap of [unknown, known]) {
    for (const inner of [nest(999), objects(999)]) {
      ow.parseEvent(wrap(inner));
      ow.parseEvent(Buffer.from(wrap(inner)));
    }
    for (const inner of [nest(1000), objects(1000), nest(100_000)]) {
      for (const body of [wrap(inner), Buffer.from(wrap(inner))]) {
        const e = decodeError(() => ow.parseEvent(body));
        assert.equal(e.path, "$");
        assert.equal(e.message, "payload is not valid JSON: nested too deeply");
      }
    }
  }
  const e = decodeError(() => ow.parseEvent(nest(100_000)));
  assert.equal(e.message, "payload is not valid JSON: nested too deeply"); // before "expected an object"
  // brackets inside strings are text, however many
  const event = ow.parseEvent(unknown(JSON.stringify("[{".repeat(5000))));
  assert.equal(event.raw.deep.length, 10_000);
  // wide is not deep: many brackets side by side
  assert.equal(ow.parseEvent(unknown(JSON.stringify(Array.from({ length: 3000 }, () => [{}])))).raw.deep.length, 3000);
});

test("describing a huge string in an error reads a bounded part of it", () => {
  // A separate process with a small heap: copying the string whole, or splitting it into
  // characters, runs out of memory there instead of taking seconds and gigabytes here.
  const script = `
    const ow = await import(${JSON.stringify(`${ROOT}.tsbuild/generated/typescript/openai_webhooks.js`)});
    const huge = Buffer.alloc(100_000_000, "é").toString("utf8"); // 50 million code points, flat
    const results = [];
    for (const event of [
      { id: "evt_1", created_at: huge, data: { call_id: "c", sip_headers: [] }, type: "realtime.call.incoming", object: "event" },
      { id: "evt_1", created_at: 1, data: {}, type: huge },
    ]) {
      const start = performance.now();
      try {
        ow.parseEvent(event, { strict: true });
      } catch (e) {
        results.push({ ms: performance.now() - start, text: String(e) });
      }
    }
    console.log(JSON.stringify(results));
  `;
  const done = spawnSync(process.execPath, ["--max-old-space-size=192", "--input-type=module", "-e", script], { encoding: "utf8", timeout: 60_000 });
  assert.equal(done.status, 0, done.stderr.slice(-2000));
  const results = JSON.parse(done.stdout);
  assert.equal(results.length, 2);
  const shown = `"${"\\u00e9".repeat(37)}..."`;
  assert.equal(results[0].text, `WebhookDecodeError: $.created_at: expected an integer, got a string (${shown})`);
  assert.match(results[1].text, new RegExp(`^WebhookDecodeError: \\$\\.type: expected one of .*, got a string \\(${shown.replace(/[\\.]/g, "\\$&")}\\)$`));
  for (const { ms } of results) assert.ok(ms < 1000, `${ms} ms`);
});

test("a lone surrogate in any string is refused, as the Python module, msgspec and pydantic do", () => {
  const body = (string) => JSON.stringify(realtime()).replace('"object"', `"note": ${string}, "object"`);
  const refused = [
    ['"a\\ud83d"', "\\ud83d"],
    ['"\\uDC00"', "\\udc00"],
    ['"\\ud83d\\ud83d\\ude00"', "\\ud83d"],
    ['"\\\\\\ud800"', "\\ud800"], // an escaped backslash, then the escape
    ['"\ud800"', "\\ud800"], // outright, in a string payload
  ];
  for (const [string, shown] of refused) {
    const payloads = [body(string), `{"type": "some.new.event", ${string}: 1}`];
    if (!string.includes("\ud800")) payloads.push(...payloads.map((text) => Buffer.from(text)));
    for (const payload of payloads) {
      const e = decodeError(() => ow.parseEvent(payload));
      assert.equal(e.path, "$");
      assert.equal(e.message, `payload is not valid JSON: lone surrogate ${shown} in a string`);
    }
  }
  assert.equal(ow.parseEvent(body('"\\uD83D\\ude00"')).note, "😀");
  assert.equal(ow.parseEvent(body('"\\\\ud800"')).note, "\\ud800"); // an escaped backslash: text
  assert.equal(ow.parseEvent(body('"😀"')).note, "😀");
});
