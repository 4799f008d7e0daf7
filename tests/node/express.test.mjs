// examples/express/: its vendored module is fresh, and the compiled server (make ts-build), run on
// 127.0.0.1, answers signed deliveries over real HTTP as the sender expects, handling each webhook-id
// once. Deliveries are signed here with node:crypto, independently of the module under test; their
// payloads come from the loaded spec (one per event type, built by tests/examples.py), so the test
// follows the spec.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { createHmac } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const EXAMPLE = `${ROOT}examples/express/`;
const KEY = Buffer.from("express-example-test-key-0123456789");
const SECRET = `whsec_${KEY.toString("base64")}`;
const TIMEOUT = 10_000; // ms, for every wait on the server

/** The spec's module name and one valid payload per event type, from the Python side's spec loader. */
function specEvents() {
  const python = process.env.WEBHOOKGEN_PYTHON ?? `${ROOT}.venv/bin/python`;
  const script = [
    "import json, sys",
    "sys.path[:0] = ['tests', '.']",
    "from generator import spec",
    "from examples import events, example",
    "loaded = spec.load(spec.DEFAULT)",
    "print(json.dumps({'module': loaded.module, 'events': [[m.tag, example(m.object, loaded)] for m in events(loaded)]}))",
  ].join("\n");
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("PYTHON")));
  const run = spawnSync(python, ["-c", script], { cwd: ROOT, env: { ...env, PYTHONDONTWRITEBYTECODE: "1" }, encoding: "utf8", timeout: 60_000 });
  assert.equal(run.status, 0, `${python} could not list the spec's events:\n${run.stderr}`);
  return JSON.parse(run.stdout);
}

const SPEC = specEvents();
const EVENTS = SPEC.events;
const UNKNOWN_TAG = `zz.unknown.${"x".repeat(Math.max(1, ...EVENTS.map(([tag]) => tag.length)))}`; // no tag of the spec

test("the vendored copy is the generated module", () => {
  const copy = readFileSync(`${EXAMPLE}${SPEC.module}.ts`, "utf8");
  const generated = readFileSync(`${ROOT}generated/typescript/${SPEC.module}.ts`, "utf8");
  assert.ok(copy === generated, `examples/express/${SPEC.module}.ts is stale: run \`make generate\``);
});

function sign(body, id, { timestamp = Math.floor(Date.now() / 1000), key = KEY } = {}) {
  const mac = createHmac("sha256", key).update(`${id}.${timestamp}.`).update(body).digest("base64");
  return { "webhook-id": id, "webhook-timestamp": String(timestamp), "webhook-signature": `v1,${mac}` };
}

/** A valid delivery of the spec's `index`-th event type (any type will do): `[tag, body]`. */
function payload(index = 0) {
  assert.ok(EVENTS.length > 0, "the spec has no event types");
  const [tag, event] = EVENTS[index % EVENTS.length];
  return [tag, Buffer.from(JSON.stringify(event))];
}

const handled = (tag, id) => `handled ${tag} (webhook-id ${id})`;

/** The compiled server as its own process on 127.0.0.1, on a port the kernel picks: `{ child, port, stderr }`. */
async function startServer(db) {
  const child = spawn(process.execPath, [`${EXAMPLE}build/server.js`, "--host", "127.0.0.1", "--port", "0"], {
    cwd: tmpdir(), // not the example's folder: the database goes where WEBHOOK_SEEN_DB says
    env: { ...process.env, OPENAI_WEBHOOK_SECRET: SECRET, WEBHOOK_SEEN_DB: db },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const running = { child, port: 0, stderr: "" };
  child.stderr.setEncoding("utf8").on("data", (chunk) => (running.stderr += chunk));
  const line = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server printed nothing within ${TIMEOUT} ms:\n${running.stderr}`)), TIMEOUT);
    let out = "";
    child.stdout.setEncoding("utf8").on("data", (chunk) => {
      out += chunk;
      if (out.includes("\n")) {
        clearTimeout(timer);
        resolve(out.split("\n")[0]);
      }
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the server exited with ${code}:\n${running.stderr}`));
    });
  });
  const prefix = "listening on http://127.0.0.1:";
  assert.ok(line.startsWith(prefix), line);
  running.port = Number(line.slice(prefix.length));
  return running;
}

async function stopServer({ child }) {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), TIMEOUT);
    await exited;
    clearTimeout(timer);
  }
}

/** POST to /webhook over a connection of its own: `{ status, answer }` (the JSON answer, decoded). */
function post(server, body, headers) {
  assert.equal(server.child.exitCode, null, `the server exited:\n${server.stderr}`);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: "127.0.0.1", port: server.port, method: "POST", path: "/webhook", agent: false, timeout: TIMEOUT, headers: { "Content-Type": "application/json", "Content-Length": body.length, ...headers } },
      (res) => {
        const chunks = [];
        res.on("data", (c) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode, answer: JSON.parse(Buffer.concat(chunks).toString("utf8")) }));
      },
    );
    req.on("timeout", () => req.destroy(new Error("request timed out")));
    req.on("error", reject);
    req.end(body);
  });
}

async function waitForLog(server, text, count = 1) {
  const deadline = Date.now() + TIMEOUT;
  while (server.stderr.split(text).length - 1 < count) {
    if (Date.now() > deadline) assert.fail(`${JSON.stringify(text)} did not appear ${count} time(s) in the server's stderr:\n${server.stderr}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return server.stderr;
}

describe("the Express example over real HTTP", { timeout: 60_000 }, () => {
  let dir;
  let server;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "express-example-"));
    server = await startServer(join(dir, "seen.sqlite3"));
  });

  after(async () => {
    await stopServer(server);
    rmSync(dir, { recursive: true, force: true });
    assert.ok(!server.stderr.includes("internal error"), server.stderr);
  });

  for (const [i, [tag, event]] of EVENTS.entries()) {
    test(`every event type is accepted and handled: ${tag}`, async () => {
      const body = Buffer.from(JSON.stringify(event));
      const id = `msg_every_${i}_${tag}`; // a tag's variants are events of their own
      assert.deepEqual(await post(server, body, sign(body, id)), { status: 200, answer: { ok: true } });
      await waitForLog(server, handled(tag, id));
    });
  }

  test("a redelivery is acknowledged and handled once", async () => {
    const [tag, body] = payload();
    assert.deepEqual(await post(server, body, sign(body, "msg_twice")), { status: 200, answer: { ok: true } });
    // The sender's retry: the same webhook-id and body, signed again with a later timestamp.
    const retry = sign(body, "msg_twice", { timestamp: Math.floor(Date.now() / 1000) + 1 });
    assert.deepEqual(await post(server, body, retry), { status: 200, answer: { ok: true, duplicate: true } });
    const log = await waitForLog(server, "duplicate webhook-id msg_twice");
    assert.equal(log.split(handled(tag, "msg_twice")).length - 1, 1, log);
  });

  for (const kase of ["tampered body", "wrong secret", "missing signature", "stale timestamp"]) {
    test(`a bad signature is 400 and logged: ${kase}`, async () => {
      let [, body] = payload();
      const id = `msg_bad_${kase}`;
      let headers = sign(body, id);
      let reason = "no signature in webhook-signature matches the payload";
      if (kase === "tampered body") body = Buffer.concat([body, Buffer.from(" ")]);
      else if (kase === "wrong secret") headers = sign(body, id, { key: Buffer.from("another key") });
      else if (kase === "missing signature") {
        delete headers["webhook-signature"];
        reason = "missing webhook-signature header";
      } else {
        headers = sign(body, id, { timestamp: Math.floor(Date.now() / 1000) - 3600 }); // correctly signed, an hour ago
        reason = "webhook-timestamp is too old";
      }
      assert.deepEqual(await post(server, body, headers), { status: 400, answer: { error: "invalid signature" } });
      await waitForLog(server, `rejected: ${reason}`);
    });
  }

  test("a rejected delivery does not use up its webhook-id", async () => {
    const [tag, body] = payload();
    assert.equal((await post(server, body, sign(body, "msg_forged", { key: Buffer.from("attacker") }))).status, 400);
    const broken = Buffer.from("{");
    assert.equal((await post(server, broken, sign(broken, "msg_forged"))).status, 400);
    assert.deepEqual(await post(server, body, sign(body, "msg_forged")), { status: 200, answer: { ok: true } });
    await waitForLog(server, handled(tag, "msg_forged"));
  });

  test("an unknown event type is acknowledged", async () => {
    assert.ok(!EVENTS.some(([tag]) => tag === UNKNOWN_TAG));
    const body = Buffer.from(JSON.stringify({ type: UNKNOWN_TAG, data: {} }));
    assert.deepEqual(await post(server, body, sign(body, "msg_unknown")), { status: 200, answer: { ok: true } });
    await waitForLog(server, `unknown event type ${JSON.stringify(UNKNOWN_TAG)} ignored (webhook-id msg_unknown)`);
  });

  for (const [name, text] of [["truncated", '{"type": '], ["not an object", "[]"]]) {
    test(`an undecodable payload is 400 with its path: ${name}`, async () => {
      const body = Buffer.from(text);
      const { status, answer } = await post(server, body, sign(body, "msg_undecodable"));
      assert.equal(status, 400);
      assert.equal(answer.error, "invalid payload");
      assert.equal(answer.path, "$");
      await waitForLog(server, "undecodable: $");
    });
  }

  test("a body over 1 MiB is 413", async () => {
    const body = Buffer.alloc((1 << 20) + 1, " ");
    assert.deepEqual(await post(server, body, sign(body, "msg_big")), { status: 413, answer: { error: "body too large" } });
  });
});

test("seen webhook-ids survive a restart (the sql.js database is saved to its file)", { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), "express-example-"));
  const db = join(dir, "seen.sqlite3");
  const [tag, body] = payload(1);
  try {
    const first = await startServer(db);
    try {
      assert.deepEqual(await post(first, body, sign(body, "msg_restart")), { status: 200, answer: { ok: true } });
      await waitForLog(first, handled(tag, "msg_restart"));
    } finally {
      await stopServer(first);
    }
    assert.ok(existsSync(db));
    assert.equal(readFileSync(db).subarray(0, 16).toString("latin1"), "SQLite format 3\0"); // a real SQLite file
    const second = await startServer(db);
    try {
      assert.deepEqual(await post(second, body, sign(body, "msg_restart")), { status: 200, answer: { ok: true, duplicate: true } });
      assert.ok(!second.stderr.includes(handled(tag, "msg_restart")), second.stderr);
    } finally {
      await stopServer(second);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
