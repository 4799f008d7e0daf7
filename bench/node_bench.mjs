// Side-by-side benchmark of the generated TypeScript module in Node, one process, one run:
//   parseEvent (full validation) vs bare JSON.parse, and verifySignature / unwrap vs the npm SDK's
//   webhooks.verifySignature / webhooks.unwrap (which verifies, then JSON.parse: no validation).
// Rounds are interleaved (each round times every contender, in alternating order), and each ratio
// is the median of its per-round ratios, with the spread over rounds. Ratios matter, not absolutes.
// Usage: make bench   (or: .venv/bin/python bench/payloads.py | node bench/node_bench.mjs [--quick])
import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import os from "node:os";
import { fileURLToPath } from "node:url";
import OpenAI from "openai";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const ours = await import(`${ROOT}.tsbuild/generated/typescript/openai_webhooks.js`);
const QUICK = process.argv.includes("--quick");
const ROUNDS = QUICK ? 5 : 15;
const TARGET_MS = QUICK ? 20 : 60; // each timing runs at least this long

const payloads = JSON.parse(readFileSync(0, "utf8"));
const n = payloads.length;
const KEY = Buffer.from("benchmark secret key 0123456789");
const SECRET = `whsec_${KEY.toString("base64")}`;
const now = String(Math.floor(Date.now() / 1000));
const signed = payloads.map((p, i) => {
  const id = `msg_${i}`;
  const mac = createHmac("sha256", KEY).update(`${id}.${now}.${p}`).digest("base64");
  return [p, { "webhook-id": id, "webhook-timestamp": now, "webhook-signature": `v1,${mac}` }];
});
const sdk = new OpenAI({ apiKey: "benchmark-key-not-used", baseURL: "http://127.0.0.1:9" });

// The contenders must agree before they are timed.
for (const [p, headers] of signed) {
  const mine = await ours.unwrap(p, headers, { secret: SECRET });
  const theirs = await sdk.webhooks.unwrap(p, headers, SECRET);
  if (mine instanceof ours.UnknownWebhookEvent || mine.type !== theirs.type || JSON.stringify(mine) !== JSON.stringify(theirs)) {
    throw new Error(`contenders disagree on ${p}`);
  }
}

let sink = 0; // keeps results alive so nothing is optimised away
const contenders = {
  "JSON.parse (no validation)": () => {
    for (const p of payloads) sink ^= JSON.parse(p).created_at;
  },
  "parseEvent (full validation)": () => {
    for (const p of payloads) sink ^= ours.parseEvent(p).created_at;
  },
  "verifySignature (ours)": async () => {
    for (const [p, h] of signed) await ours.verifySignature(p, h, { secret: SECRET });
  },
  "verifySignature (SDK)": async () => {
    for (const [p, h] of signed) await sdk.webhooks.verifySignature(p, h, SECRET);
  },
  "unwrap (ours: verify + full validation)": async () => {
    for (const [p, h] of signed) sink ^= (await ours.unwrap(p, h, { secret: SECRET })).created_at;
  },
  "unwrap (SDK: verify + JSON.parse)": async () => {
    for (const [p, h] of signed) sink ^= (await sdk.webhooks.unwrap(p, h, SECRET)).created_at;
  },
};

async function timeIt(fn, iterations) {
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) await fn();
  return Number(process.hrtime.bigint() - start) / 1e9 / iterations / n; // seconds per event
}

// Calibrate: iterations per timing so that each lasts about TARGET_MS (after a warm-up).
const iterations = {};
for (const [name, fn] of Object.entries(contenders)) {
  let count = 1;
  await timeIt(fn, 200);
  while ((await timeIt(fn, count)) * count * n * 1000 < TARGET_MS) count *= 2;
  iterations[name] = count;
}

const names = Object.keys(contenders);
const samples = Object.fromEntries(names.map((name) => [name, []]));
for (let round = 0; round < ROUNDS; round++) {
  const order = round % 2 === 0 ? names : [...names].reverse();
  for (const name of order) samples[name].push(await timeIt(contenders[name], iterations[name]));
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};
const perRound = (a, b) => samples[a].map((x, i) => x / samples[b][i]); // a's time / b's time, round by round

const cpu = os.cpus()[0]?.model ?? os.arch();
console.log(`\nNode: ${cpu}, ${os.cpus().length} cores, ${os.type()} ${os.release()}, Node ${process.version}; ${n} payloads, one of each event type; ${ROUNDS} interleaved rounds.\n`);
console.log("| operation (Node) | µs per event | events/s | throughput vs JSON.parse |");
console.log("|---|---:|---:|---:|");
const base = median(samples["JSON.parse (no validation)"]);
for (const name of names) {
  const t = median(samples[name]);
  console.log(`| ${name} | ${(t * 1e6).toFixed(2)} | ${Math.round(1 / t).toLocaleString("en-US")} | ${(base / t).toFixed(2)} |`);
}
console.log("\n| ratio (median of per-round ratios) | value | spread over rounds |");
console.log("|---|---:|---:|");
const row = (label, ratios) => {
  const sorted = [...ratios].sort((a, b) => a - b);
  console.log(`| ${label} | ${median(ratios).toFixed(2)} | ${sorted[0].toFixed(2)}–${sorted.at(-1).toFixed(2)} |`);
};
row("parseEvent throughput / JSON.parse", perRound("JSON.parse (no validation)", "parseEvent (full validation)"));
row("verifySignature speed, ours vs SDK", perRound("verifySignature (SDK)", "verifySignature (ours)"));
row("unwrap speed, ours vs SDK", perRound("unwrap (SDK: verify + JSON.parse)", "unwrap (ours: verify + full validation)"));
if (sink === 0.5) console.log(sink);
