/**
 * A minimal OpenAI webhook receiver: Node's `http` module plus the vendored openai_webhooks.ts.
 *
 *     npx tsc -p examples/receiver-node && OPENAI_WEBHOOK_SECRET=whsec_... node examples/receiver-node/build/receiver.js --port 8000
 *
 * Answers as examples/receiver/receiver.py does: 200 to a verified event, 400 when the signature
 * does not check out, 422 when a correctly signed payload does not match the spec (with the JSON
 * path of the problem), 411 / 413 without Content-Length or past 1 MiB. Logs one line per request
 * on stderr.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { parseArgs } from "node:util";

import {
  InvalidWebhookSignatureError,
  UnknownWebhookEvent,
  type UnwrapWebhookEvent,
  WebhookDecodeError,
  unwrap,
} from "./openai_webhooks.js";

const MAX_BODY = 1 << 20; // events are small; refuse to buffer anything bigger

/**
 * Act on one verified event; return what was done, for the log.
 *
 * Hand slow work to a queue: the sender wants its 200 quickly and retries when it does not get one.
 */
function handle(event: UnwrapWebhookEvent | UnknownWebhookEvent): string {
  if (event instanceof UnknownWebhookEvent) {
    // A type added after openai_webhooks.ts was generated: acknowledge it, or it is retried.
    return `unknown event type ${JSON.stringify(event.type)} (id ${JSON.stringify(event.raw["id"] ?? null)}), ignored`;
  }
  switch (event.type) {
    case "batch.completed":
    case "batch.failed":
    case "batch.expired":
    case "batch.cancelled":
      return `${event.type}: batch ${event.data.id}`;
    case "realtime.call.incoming": {
      const sip = new Map(event.data.sip_headers.map((h) => [h.name, h.value]));
      return `${event.type}: call ${event.data.call_id} from ${sip.get("From") ?? "?"}`;
    }
    case "response.completed":
      return `${event.type}: response ${event.data.id} is ready to fetch`;
    case "response.failed":
    case "response.cancelled":
    case "response.incomplete":
      return `${event.type}: response ${event.data.id}`;
    default:
      return `${event.type}: ${event.data.id} not handled here`;
  }
}

/** Python's json.dumps of a flat object, so the answers are byte for byte the Python receiver's. */
function pythonJson(body: Readonly<Record<string, string | boolean>>): string {
  const escape = (text: string) => JSON.stringify(text).replace(/[\u007f-\uffff]/g, (c) => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0"));
  const items = Object.entries(body).map(([k, v]) => `${escape(k)}: ${typeof v === "string" ? escape(v) : String(v)}`);
  return `{${items.join(", ")}}`;
}

function reply(req: IncomingMessage, res: ServerResponse, code: number, body: Readonly<Record<string, string | boolean>>, note: string): void {
  const when = new Date().toUTCString();
  process.stderr.write(`${req.socket.remoteAddress ?? "-"} - - [${when}] "${req.method} ${req.url} HTTP/${req.httpVersion}" ${code} ${note}\n`);
  const data = Buffer.from(pythonJson(body));
  res.writeHead(code, { "Content-Type": "application/json", "Content-Length": String(data.length) });
  res.end(data);
}

async function readBody(req: IncomingMessage, length: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > length) break; // never more than Content-Length says (Node enforces it too)
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, Math.min(size, length));
}

function receiver(secret: string) {
  return createServer((req, res) => {
    void (async () => {
      if (req.method !== "POST") return reply(req, res, 501, { error: "Unsupported method" }, `method ${req.method}`);
      const header = req.headers["content-length"];
      const length = header !== undefined && /^[0-9]+$/.test(header) ? Number(header) : NaN;
      if (Number.isNaN(length)) return reply(req, res, 411, { error: "Content-Length required" }, "no Content-Length");
      if (length > MAX_BODY) return reply(req, res, 413, { error: "body too large" }, `Content-Length ${length}`);
      const body = await readBody(req, length);
      let event: UnwrapWebhookEvent | UnknownWebhookEvent;
      try {
        event = await unwrap(body, req.headers, { secret });
      } catch (e) {
        if (e instanceof InvalidWebhookSignatureError) {
          // the reason goes to the log, not to the caller
          return reply(req, res, 400, { error: "invalid signature" }, `rejected: ${e.message}`);
        }
        if (e instanceof WebhookDecodeError) {
          return reply(req, res, 422, { error: "invalid payload", path: e.path, message: e.message }, `undecodable: ${e.path}: ${e.message}`);
        }
        throw e;
      }
      reply(req, res, 200, { ok: true }, handle(event));
    })().catch((e: unknown) => {
      process.stderr.write(`internal error: ${String(e)}\n`);
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
}

function main(): void {
  const { values } = parseArgs({
    options: { host: { type: "string", default: "127.0.0.1" }, port: { type: "string", default: "8000" } },
  });
  const secret = process.env["OPENAI_WEBHOOK_SECRET"] ?? "";
  if (!secret) {
    process.stderr.write("set OPENAI_WEBHOOK_SECRET to the endpoint's signing secret (whsec_...)\n");
    process.exit(2);
  }
  const server = receiver(secret);
  server.listen(Number(values.port), values.host, () => {
    const address = server.address();
    const port = typeof address === "object" && address !== null ? address.port : values.port;
    process.stdout.write(`listening on http://${values.host}:${port}\n`);
  });
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      server.close(() => process.exit(0));
      server.closeAllConnections();
    });
  }
}

main();
