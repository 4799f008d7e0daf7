// Runs a corpus of cases through the compiled TypeScript module and the npm `openai` SDK, for the
// Python agreement tests (tests/test_typescript_agreement.py): `node driver.mjs < cases.json`.
// Each case says which function to call with what; each result is what happened, as JSON.
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import OpenAI from "openai";

const { build, now, cases } = JSON.parse(readFileSync(0, "utf8"));
const modules = {};
for (const [name, file] of Object.entries(build)) modules[name] = await import(pathToFileURL(file).href);
Date.now = () => now * 1000; // both implementations read the clock here: the tolerance edges are exact

const sdk = new OpenAI({ apiKey: "test-key-not-used", baseURL: "http://127.0.0.1:9" });

function input(c) {
  return c.b64 !== undefined ? new Uint8Array(Buffer.from(c.b64, "base64")) : c.text;
}

function decoded(m, value) {
  if (value instanceof m.UnknownWebhookEvent) return { ok: true, unknown: value.type, value: JSON.parse(JSON.stringify(value)) };
  return { ok: true, value: JSON.parse(JSON.stringify(value)) };
}

function failure(m, e) {
  if (e instanceof m.WebhookDecodeError) return { ok: false, error: "WebhookDecodeError", path: e.path, message: e.message, text: String(e) };
  if (e instanceof m.InvalidWebhookSignatureError) return { ok: false, error: "InvalidWebhookSignatureError", message: e.message };
  return { ok: false, error: e?.constructor?.name ?? typeof e, message: String(e?.message ?? e) };
}

async function run(c) {
  const m = modules[c.module];
  switch (c.call) {
    case "parse":
      try {
        const value = m.parseEvent(input(c), c.strict ? { strict: true } : undefined);
        return c.verdictOnly ? { ok: true } : decoded(m, value); // a value too deep for Python's json.loads
      } catch (e) {
        return failure(m, e);
      }
    case "decode":
      try {
        return decoded(m, m[`decode${c.type}`](JSON.parse(c.text)));
      } catch (e) {
        return failure(m, e);
      }
    case "verify": {
      const ours = await m
        .verifySignature(input(c), c.headers, { secret: c.secret, tolerance: c.tolerance })
        .then(() => ({ ok: true }), (e) => failure(m, e));
      // The SDK takes the body as a string only (a Uint8Array would be signed as "1,2,3,...").
      const body = c.b64 !== undefined ? Buffer.from(c.b64, "base64").toString("utf8") : c.text;
      const theirs = await sdk.webhooks
        .verifySignature(body, c.headers, c.secret, c.tolerance)
        .then(() => ({ ok: true }), (e) => ({ ok: false, error: e instanceof OpenAI.InvalidWebhookSignatureError ? "InvalidWebhookSignatureError" : e.constructor.name, message: String(e.message) }));
      return { ours, sdk: theirs };
    }
    case "arguments": {
      // Arguments JSON cannot carry (NaN, Infinity) are named; `body` is any JSON value, used as is.
      const named = { NaN, Infinity, "-Infinity": -Infinity };
      const tolerance = c.toleranceName !== undefined ? named[c.toleranceName] : c.tolerance;
      const body = "body" in c ? c.body : input(c);
      return m.verifySignature(body, c.headers, { secret: c.secret, tolerance }).then(() => ({ ok: true }), (e) => failure(m, e));
    }
    default:
      throw new Error(`unknown call ${c.call}`);
  }
}

const results = [];
for (const c of cases) results.push(await run(c));
process.stdout.write(JSON.stringify(results));
