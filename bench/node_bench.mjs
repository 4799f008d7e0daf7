// Side-by-side benchmark of the generated TypeScript module in Node, one process, one run:
//   on each payload set of bench/sets.py: parseEvent (full validation) vs bare JSON.parse, vs ajv
//   (JSON.parse, then a validator compiled from our JSON Schema, discriminator on) and vs typia's
//   json.assertParse (a validator written at compile time from the module's types);
//   on the first set: verifySignature / unwrap vs the npm SDK's webhooks.verifySignature /
//   webhooks.unwrap (which verifies, then JSON.parse: no validation).
// ajv refuses the schema's `discriminator.mapping` (not supported by ajv 8), and strict mode wants
// `type: "object"` beside `discriminator`: the benchmark compiles a copy without the mapping (ajv
// derives it from the members' `const`) and with the type, in strict mode.
// Rounds are interleaved (each round times every contender, in alternating order), and each ratio
// is the median of its per-round ratios, with the spread over rounds. Ratios matter, not absolutes.
// Usage: make bench   (or: .venv/bin/python bench/payloads.py | node bench/node_bench.mjs [--quick] [--set N])
import { createHmac } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import os from "node:os";
import { fileURLToPath } from "node:url";
import Ajv2020 from "ajv/dist/2020.js";
import OpenAI from "openai";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const MODULE = readdirSync(`${ROOT}generated/typescript`).find((f) => f.endsWith(".ts")).slice(0, -3);
const ours = await import(`${ROOT}.tsbuild/generated/typescript/${MODULE}.js`);
const typia = await import(`${ROOT}.tsbuild/bench-typia/bench/typia/entry.js`);
const QUICK = process.argv.includes("--quick");
const ROUNDS = QUICK ? 5 : 15;
const TARGET_MS = QUICK ? 20 : 60; // each timing runs at least this long
const ONLY = process.argv.flatMap((a, i) => (process.argv[i - 1] === "--set" ? [Number(a)] : []));

const schema = JSON.parse(readFileSync(`${ROOT}generated/schema/${MODULE}.schema.json`, "utf8"));
for (const d of Object.values(schema.$defs ?? {})) {
  if (d.discriminator) {
    delete d.discriminator.mapping;
    d.type = "object";
  }
}
const ajvValidate = new Ajv2020({ discriminator: true }).compile(schema);
const ajvParse = (text) => {
  const data = JSON.parse(text);
  if (!ajvValidate(data)) throw new Error(`ajv: ${JSON.stringify(ajvValidate.errors?.[0])}`);
  return data;
};

const sets = JSON.parse(readFileSync(0, "utf8"));
const payloads = sets[0].payloads;
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

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};
const spread = (ratios) => {
  const sorted = [...ratios].sort((a, b) => a - b);
  return `${median(ratios).toFixed(2)} (${sorted[0].toFixed(2)}–${sorted.at(-1).toFixed(2)})`;
};

/** Each contender timed once per round, the order alternating between rounds; seconds per payload. */
async function interleaved(contenders, count) {
  async function timeIt(fn, iterations) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < iterations; i++) await fn();
    return Number(process.hrtime.bigint() - start) / 1e9 / iterations / count;
  }
  // Calibrate: iterations per timing so that each lasts about TARGET_MS (after a warm-up).
  const iterations = {};
  for (const [name, fn] of Object.entries(contenders)) {
    let c = 1;
    await timeIt(fn, QUICK ? 20 : 200);
    while ((await timeIt(fn, c)) * c * count * 1000 < TARGET_MS) c *= 2;
    iterations[name] = c;
  }
  const names = Object.keys(contenders);
  const samples = Object.fromEntries(names.map((name) => [name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? names : [...names].reverse();
    for (const name of order) samples[name].push(await timeIt(contenders[name], iterations[name]));
  }
  return samples;
}

const cpu = os.cpus()[0]?.model ?? os.arch();
const load = os.loadavg()[0].toFixed(1);
console.log(`\nNode: ${cpu}, ${os.cpus().length} cores, ${os.type()} ${os.release()}, Node ${process.version}, load average ${load} at start; ${ROUNDS} interleaved rounds per table.`);
console.log("Ratios are medians of the per-round ratios, with their spread (min–max) in brackets.\n");

for (const [index, set] of sets.entries()) {
  if (ONLY.length && !ONLY.includes(index)) continue;
  const texts = set.payloads;
  for (const p of texts) {
    const mine = ours.parseEvent(p);
    if (mine instanceof ours.UnknownWebhookEvent || JSON.stringify(mine) !== JSON.stringify(typia.assertParse(p))) {
      throw new Error(`contenders disagree on ${p.slice(0, 200)}`);
    }
    ajvParse(p);
  }
  const decode = await interleaved(
    {
      "JSON.parse (no validation)": () => {
        for (const p of texts) sink ^= JSON.parse(p).created_at;
      },
      "parseEvent (ours, full validation)": () => {
        for (const p of texts) sink ^= ours.parseEvent(p).created_at;
      },
      "typia json.assertParse": () => {
        for (const p of texts) sink ^= typia.assertParse(p).created_at;
      },
      "ajv (JSON.parse, then validate)": () => {
        for (const p of texts) sink ^= ajvParse(p).created_at;
      },
    },
    texts.length,
  );
  const base = decode["JSON.parse (no validation)"];
  console.log(`| decode (Node): ${set.name} (${texts.length} × ${set.size}) | µs per payload (median) | throughput vs JSON.parse |`);
  console.log("|---|---:|---:|");
  for (const [name, times] of Object.entries(decode)) {
    console.log(`| ${name} | ${(median(times) * 1e6).toFixed(2)} | ${spread(base.map((b, i) => b / times[i]))} |`);
  }
  const ourTimes = decode["parseEvent (ours, full validation)"];
  console.log(`| parseEvent vs typia | | ${spread(decode["typia json.assertParse"].map((t, i) => t / ourTimes[i]))} |`);
  console.log();
}
if (ONLY.length) process.exit(0);

const signatures = await interleaved(
  {
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
  },
  n,
);
console.log(`| signatures (Node, ${sets[0].name}) | µs per event (median) | speed vs the SDK |`);
console.log("|---|---:|---:|");
for (const [name, times] of Object.entries(signatures)) {
  const theirs = signatures[name.startsWith("verify") ? "verifySignature (SDK)" : "unwrap (SDK: verify + JSON.parse)"];
  console.log(`| ${name} | ${(median(times) * 1e6).toFixed(2)} | ${spread(theirs.map((t, i) => t / times[i]))} |`);
}
if (sink === 0.5) console.log(sink);
