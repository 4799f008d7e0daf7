// examples/receiver-node/: its vendored module is fresh, and the server answers real signed requests
// over HTTP on 127.0.0.1 exactly as the Python receiver does. Requests are signed here with
// node:crypto, independently of the module under test. Run by `make test` after `make ts-build`.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import { request } from "node:http";
import { connect } from "node:net";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const EXAMPLE = `${ROOT}examples/receiver-node/`;
const KEY = Buffer.from("receiver-example-test-key-0123456789");
const SECRET = `whsec_${KEY.toString("base64")}`;
const TIMEOUT = 10_000; // ms, for every wait on the server

test("the vendored copy is the generated module", () => {
  const copy = readFileSync(`${EXAMPLE}openai_webhooks.ts`, "utf8");
  const generated = readFileSync(`${ROOT}generated/typescript/openai_webhooks.ts`, "utf8");
  assert.ok(copy === generated, "examples/receiver-node/openai_webhooks.ts is stale: run `make generate`");
});

function sign(body, { timestamp = Math.floor(Date.now() / 1000), id = "msg_test_1", key = KEY } = {}) {
  const mac = createHmac("sha256", key).update(`${id}.${timestamp}.`).update(body).digest("base64");
  return { "webhook-id": id, "webhook-timestamp": String(timestamp), "webhook-signature": `v1,${mac}` };
}

function event(type, data, id = "evt_test_1") {
  return Buffer.from(JSON.stringify({ id, object: "event", created_at: 1719168000, type, data }));
}

/**
 * The compiled receiver as its own process on 127.0.0.1, on a free port: `{ child, port, stderr }`
 * (`stderr` grows as the server writes). `fileLimit` lowers its limit on open files (soft and hard:
 * Node raises its soft limit to the hard one at start) through the shell's `ulimit -n`.
 */
async function startReceiver({ args = [], fileLimit } = {}) {
  const command = [process.execPath, `${EXAMPLE}build/receiver.js`, "--host", "127.0.0.1", "--port", "0", ...args];
  const [file, ...argv] = fileLimit === undefined ? command : ["/bin/sh", "-c", 'ulimit -n "$1" && shift && exec "$@"', "sh", String(fileLimit), ...command];
  const child = spawn(file, argv, {
    cwd: EXAMPLE,
    env: { ...process.env, OPENAI_WEBHOOK_SECRET: SECRET },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const running = { child, port: 0, stderr: "" };
  child.stderr.setEncoding("utf8").on("data", (chunk) => (running.stderr += chunk));
  const line = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the receiver printed nothing within ${TIMEOUT} ms:\n${running.stderr}`)), TIMEOUT);
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
      reject(new Error(`the receiver exited with ${code}:\n${running.stderr}`));
    });
  });
  const prefix = "listening on http://127.0.0.1:";
  assert.ok(line.startsWith(prefix), line);
  running.port = Number(line.slice(prefix.length));
  return running;
}

async function stopReceiver({ child }) {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), TIMEOUT);
    await exited;
    clearTimeout(timer);
  }
}

/** POST over a connection of its own; the status and the text of the answer. */
function postTo(port, body, headers, extra = {}) {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: "127.0.0.1", port, method: "POST", path: "/webhook", agent: false, timeout: TIMEOUT, headers: { "Content-Type": "application/json", "Content-Length": body.length, ...headers, ...extra } },
      (res) => {
        const chunks = [];
        res.on("data", (c) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode, text: Buffer.concat(chunks).toString("utf8") }));
      },
    );
    req.on("timeout", () => req.destroy(new Error("request timed out")));
    req.on("error", reject);
    req.end(body);
  });
}

describe("receiver over real HTTP", { timeout: 60_000 }, () => {
  let receiver;
  let server;
  let port;
  let requests = 0;

  before(async () => {
    receiver = await startReceiver();
    ({ child: server, port } = receiver);
  });

  after(() => stopReceiver(receiver));

  function post(body, headers, extra = {}) {
    assert.equal(server.exitCode, null, `the receiver exited:\n${receiver.stderr}`);
    requests += 1;
    return postTo(port, body, headers, extra);
  }

  async function waitForLog(text) {
    const deadline = Date.now() + TIMEOUT;
    while (!receiver.stderr.includes(text)) {
      if (Date.now() > deadline) assert.fail(`${JSON.stringify(text)} never appeared in the server's stderr:\n${receiver.stderr}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    return receiver.stderr;
  }

  const SIP = [{ name: "From", value: "sip:+15551234567@example.com" }, { name: "To", value: "sip:agent@example.com" }];
  const dispatched = [
    [event("batch.completed", { id: "batch_abc" }), "batch.completed: batch batch_abc"],
    [event("batch.failed", { id: "batch_def" }), "batch.failed: batch batch_def"],
    [event("realtime.call.incoming", { call_id: "rtc_123", sip_headers: SIP }), "realtime.call.incoming: call rtc_123 from sip:+15551234567@example.com"],
    [event("response.completed", { id: "resp_ok" }), "response.completed: response resp_ok is ready to fetch"],
    [event("response.failed", { id: "resp_bad" }), "response.failed: response resp_bad"],
    [event("eval.run.succeeded", { id: "evalrun_1" }), "eval.run.succeeded: evalrun_1 not handled here"],
  ];
  for (const [body, logged] of dispatched) {
    test(`valid event is accepted and dispatched: ${logged.split(":")[0]}`, async () => {
      // The exact bytes the Python receiver sends: json.dumps({"ok": True}).
      assert.deepEqual(await post(body, sign(body)), { status: 200, text: '{"ok": true}' });
      await waitForLog(`"POST /webhook HTTP/1.1" 200 ${logged}`);
    });
  }

  test("tampered body is rejected", async () => {
    const body = event("batch.completed", { id: "batch_abc" });
    const tampered = Buffer.from(body.toString().replace("batch_abc", "batch_xyz"));
    assert.deepEqual(await post(tampered, sign(body)), { status: 400, text: '{"error": "invalid signature"}' });
    await waitForLog("no signature in webhook-signature matches the payload");
  });

  test("wrong secret is rejected", async () => {
    const body = event("batch.completed", { id: "batch_abc" });
    assert.deepEqual(await post(body, sign(body, { key: Buffer.from("another key") })), { status: 400, text: '{"error": "invalid signature"}' });
  });

  test("replay with an old timestamp is rejected", async () => {
    const body = event("batch.completed", { id: "batch_replayed" });
    const headers = sign(body, { timestamp: Math.floor(Date.now() / 1000) - 3600, id: "msg_replayed" });
    assert.equal((await post(body, headers)).status, 400);
    await waitForLog("webhook-timestamp is too old");
  });

  test("missing signature header is rejected", async () => {
    const body = event("batch.completed", { id: "batch_abc" });
    const headers = sign(body);
    delete headers["webhook-signature"];
    assert.equal((await post(body, headers)).status, 400);
    await waitForLog("missing webhook-signature header");
  });

  test("unknown event type is acknowledged and logged", async () => {
    const body = event("vector_store.file.indexed", { id: "vsf_1" }, "evt_from_the_future");
    assert.deepEqual(await post(body, sign(body)), { status: 200, text: '{"ok": true}' });
    const log = await waitForLog('unknown event type "vector_store.file.indexed"');
    assert.ok(log.includes("evt_from_the_future"));
  });

  test("broken JSON is 422 at $", async () => {
    const body = Buffer.from('{"id": "evt_1", "type": "batch.completed", "data": {');
    const { status, text } = await post(body, sign(body));
    assert.equal(status, 422);
    const answer = JSON.parse(text);
    assert.equal(answer.error, "invalid payload");
    assert.equal(answer.path, "$");
    assert.ok(answer.message.includes("not valid JSON"), answer.message);
  });

  test("wrong field type is 422 with its path, worded as the Python receiver's", async () => {
    const body = event("realtime.call.incoming", { call_id: "rtc_1", sip_headers: [{ name: "From", value: 42 }] });
    assert.deepEqual(await post(body, sign(body)), {
      status: 422,
      text: '{"error": "invalid payload", "path": "$.data.sip_headers[0].value", "message": "expected a string, got an integer (42)"}',
    });
    await waitForLog("$.data.sip_headers[0].value");
  });

  test("a body over 1 MiB is 413 before it is read", async () => {
    const body = Buffer.alloc(16);
    assert.deepEqual(await post(body, sign(body), { "Content-Length": String((1 << 20) + 1) }), {
      status: 413,
      text: '{"error": "body too large"}',
    });
  });

  test("the server survived and logged one line per request", async () => {
    assert.equal(server.exitCode, null, receiver.stderr);
    assert.ok(!receiver.stderr.includes("internal error"), receiver.stderr);
    assert.ok(requests > 0);
    // The last answer can reach the client before its log line reaches our pipe: wait for it (bounded).
    const deadline = Date.now() + TIMEOUT;
    while (receiver.stderr.trim().split("\n").length < requests && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal(receiver.stderr.trim().split("\n").length, requests, receiver.stderr);
  });
});

// Hostile clients, on a receiver of their own. Every connect and every wait has a deadline; every
// socket is destroyed in `finally`.

const HALF_SENT = [
  // half a header line, then nothing
  Buffer.from("POST /webhook HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Le"),
  // all of its headers and a little of its body, then nothing
  Buffer.from('POST /webhook HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"id": "evt_slow", "ty'),
];

/** A connection that sends `data` and then nothing: `{ socket, answer, closed }`, kept up to date. */
function hold(port, data) {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: "127.0.0.1", port });
    const held = { socket, answer: "", closed: false };
    const timer = setTimeout(() => socket.destroy(new Error(`connect to 127.0.0.1:${port} timed out`)), TIMEOUT);
    socket.setEncoding("utf8");
    socket.on("data", (chunk) => (held.answer += chunk));
    socket.on("close", () => (held.closed = true));
    socket.on("error", (e) => {
      clearTimeout(timer);
      reject(e); // once connected, a reset only shows as `closed`
    });
    socket.once("connect", () => {
      clearTimeout(timer);
      if (data.length > 0) socket.write(data);
      resolve(held);
    });
  });
}

/** Open `count` half-sent requests one after the other, into `held` (so the caller can close them all). */
async function holdHalfSent(port, count, held) {
  const deadline = Date.now() + 2 * TIMEOUT;
  for (let i = 0; i < count; i++) {
    if (Date.now() > deadline) assert.fail(`the server took only ${held.length} connections in ${2 * TIMEOUT} ms`);
    held.push(await hold(port, HALF_SENT[i % HALF_SENT.length]));
  }
}

async function waitUntil(condition, what) {
  const deadline = Date.now() + TIMEOUT;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(`${what}: not within ${TIMEOUT} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** `count` signed deliveries one after the other, each answered 200; their latencies in ms. */
async function deliver(port, count) {
  const latencies = [];
  for (let i = 0; i < count; i++) {
    const body = event("batch.completed", { id: `batch_under_load_${i}` });
    const start = performance.now();
    assert.deepEqual(await postTo(port, body, sign(body)), { status: 200, text: '{"ok": true}' });
    latencies.push(performance.now() - start);
  }
  return latencies;
}

describe("receiver under a flood of half-sent requests", { timeout: 120_000 }, () => {
  const CAP = 64;
  // Fewer descriptors than the 3 × CAP connections held below: a server that accepts them all runs out.
  const FILE_LIMIT = 160;
  const HELD = 3 * CAP;
  const DELIVERIES = 5;
  const MAX_LATENCY = 2000; // ms for each delivery while the flood is held (measured: a few ms)

  test("with a descriptor limit and no --max-connections, a signed request gets its 200 past the limit", async (t) => {
    const receiver = await startReceiver({ fileLimit: FILE_LIMIT });
    const held = [];
    try {
      await holdHalfSent(receiver.port, HELD, held);
      const latencies = await deliver(receiver.port, DELIVERIES);
      t.diagnostic(`signed request under ${HELD} half-sent requests, ${FILE_LIMIT} descriptors: ${latencies.map((ms) => ms.toFixed(1)).join(", ")} ms`);
      assert.ok(Math.max(...latencies) < MAX_LATENCY, String(latencies));
      assert.ok(held.some((h) => !h.closed), "the server closed every held connection: its cap is not derived from the limit");
      assert.equal(receiver.child.exitCode, null, receiver.stderr);
    } finally {
      for (const h of held) h.socket.destroy();
      await stopReceiver(receiver);
    }
    assert.ok(!receiver.stderr.includes("internal error"), receiver.stderr);
  });

  test("past --max-connections the oldest half-sent request is answered 503 and closed", async (t) => {
    const receiver = await startReceiver({ args: ["--max-connections", String(CAP), "--request-timeout", "60"], fileLimit: FILE_LIMIT });
    const held = [];
    try {
      await holdHalfSent(receiver.port, HELD, held);
      const latencies = await deliver(receiver.port, DELIVERIES);
      t.diagnostic(`signed request under ${HELD} half-sent requests, cap ${CAP}: ${latencies.map((ms) => ms.toFixed(1)).join(", ")} ms`);
      assert.ok(Math.max(...latencies) < MAX_LATENCY, String(latencies));
      // The first delivery's connection pushed out one more; it left the count once its request had
      // arrived, so the next ones found room: the newest CAP - 1 stay.
      const dropped = HELD - CAP + 1;
      await waitUntil(() => held.slice(0, dropped).every((h) => h.closed), "the oldest connections closed");
      for (const h of held.slice(0, dropped)) {
        assert.ok(h.answer.startsWith("HTTP/1.1 503 Service Unavailable\r\n"), h.answer);
        assert.ok(h.answer.endsWith('\r\n\r\n{"error": "too many connections"}'), h.answer);
      }
      assert.deepEqual(held.slice(dropped).filter((h) => h.closed).length, 0, "a connection under the cap was closed");
      await waitUntil(() => receiver.stderr.split("dropped after").length - 1 === dropped, "one log line per dropped connection");
      assert.ok(receiver.stderr.includes("503 too many connections"), receiver.stderr);
    } finally {
      for (const h of held) h.socket.destroy();
      await stopReceiver(receiver);
    }
    assert.ok(!receiver.stderr.includes("internal error"), receiver.stderr);
  });

  test("idle, half-sent and trickling requests are answered 408 and closed at --request-timeout", async () => {
    const receiver = await startReceiver({ args: ["--request-timeout", "1"] });
    const held = [];
    try {
      const start = performance.now();
      held.push(await hold(receiver.port, Buffer.alloc(0)), await hold(receiver.port, HALF_SENT[0]), await hold(receiver.port, HALF_SENT[1]));
      const trickle = held[2];
      // A byte now and then must not extend its deadline.
      const dribble = setInterval(() => trickle.closed || trickle.socket.write("x"), 50);
      try {
        await waitUntil(() => held.every((h) => h.closed), "every unfinished request closed");
      } finally {
        clearInterval(dribble);
      }
      const elapsed = performance.now() - start;
      assert.ok(elapsed < 3000, `closed after ${elapsed} ms`);
      for (const h of held) {
        assert.ok(h.answer.startsWith("HTTP/1.1 408 Request Timeout\r\n"), h.answer);
        assert.ok(h.answer.endsWith('{"error": "request not complete in time"}'), h.answer);
      }
      // The idle connection sent nothing: not logged (a flood of idle connections would flood the log).
      await waitUntil(() => receiver.stderr.split("dropped after").length - 1 === 2, "two log lines");
      assert.equal(receiver.stderr.trim().split("\n").length, 2, receiver.stderr);
    } finally {
      for (const h of held) h.socket.destroy();
      await stopReceiver(receiver);
    }
  });
});
