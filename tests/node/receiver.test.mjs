// examples/receiver-node/: its vendored module is fresh, and the server answers real signed requests
// over HTTP on 127.0.0.1 exactly as the Python receiver does. Requests are signed here with
// node:crypto, independently of the module under test. Run by `make test` after `make ts-build`.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import { request } from "node:http";
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

describe("receiver over real HTTP", { timeout: 60_000 }, () => {
  let server;
  let port;
  let stderr = "";
  let requests = 0;

  before(async () => {
    server = spawn(process.execPath, [`${EXAMPLE}build/receiver.js`, "--host", "127.0.0.1", "--port", "0"], {
      cwd: EXAMPLE,
      env: { ...process.env, OPENAI_WEBHOOK_SECRET: SECRET },
      stdio: ["ignore", "pipe", "pipe"],
    });
    server.stderr.setEncoding("utf8").on("data", (chunk) => (stderr += chunk));
    const line = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the receiver printed nothing within ${TIMEOUT} ms:\n${stderr}`)), TIMEOUT);
      let out = "";
      server.stdout.setEncoding("utf8").on("data", (chunk) => {
        out += chunk;
        if (out.includes("\n")) {
          clearTimeout(timer);
          resolve(out.split("\n")[0]);
        }
      });
      server.on("exit", (code) => reject(new Error(`the receiver exited with ${code}:\n${stderr}`)));
    });
    const prefix = "listening on http://127.0.0.1:";
    assert.ok(line.startsWith(prefix), line);
    port = Number(line.slice(prefix.length));
  });

  after(async () => {
    if (server.exitCode === null) {
      const exited = new Promise((resolve) => server.once("exit", resolve));
      server.kill("SIGTERM");
      const timer = setTimeout(() => server.kill("SIGKILL"), TIMEOUT);
      await exited;
      clearTimeout(timer);
    }
  });

  function post(body, headers, extra = {}) {
    assert.equal(server.exitCode, null, `the receiver exited:\n${stderr}`);
    requests += 1;
    return new Promise((resolve, reject) => {
      const req = request(
        { host: "127.0.0.1", port, method: "POST", path: "/webhook", timeout: TIMEOUT, headers: { "Content-Type": "application/json", "Content-Length": body.length, ...headers, ...extra } },
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

  async function waitForLog(text) {
    const deadline = Date.now() + TIMEOUT;
    while (!stderr.includes(text)) {
      if (Date.now() > deadline) assert.fail(`${JSON.stringify(text)} never appeared in the server's stderr:\n${stderr}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    return stderr;
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
    assert.equal(server.exitCode, null, stderr);
    assert.ok(!stderr.includes("internal error"), stderr);
    assert.ok(requests > 0);
    // The last answer can reach the client before its log line reaches our pipe: wait for it (bounded).
    const deadline = Date.now() + TIMEOUT;
    while (stderr.trim().split("\n").length < requests && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal(stderr.trim().split("\n").length, requests, stderr);
  });
});
