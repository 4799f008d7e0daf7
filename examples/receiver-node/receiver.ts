/**
 * A minimal OpenAI webhook receiver: Node's `http` module plus the vendored openai_webhooks.ts.
 *
 *     npx tsc -p examples/receiver-node && OPENAI_WEBHOOK_SECRET=whsec_... node examples/receiver-node/build/receiver.js --port 8000
 *
 * Answers as examples/receiver/receiver.py does: 200 to a verified event, 400 when the signature
 * does not check out, 422 when a correctly signed payload does not match the spec (with the JSON
 * path of the problem), 411 / 413 without Content-Length or past 1 MiB. Logs one line per request
 * on stderr.
 *
 * Built to stay up when it faces the internet: see Unfinished for how it treats slow, idle and
 * half-sent requests.
 */
import { readFileSync } from "node:fs";
import { createServer, STATUS_CODES, type IncomingMessage, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { parseArgs } from "node:util";

import {
  InvalidWebhookSignatureError,
  UnknownWebhookEvent,
  type UnwrapWebhookEvent,
  WebhookDecodeError,
  unwrap,
} from "./openai_webhooks.js";

const MAX_BODY = 1 << 20; // events are small; refuse to buffer anything bigger
const REQUEST_TIMEOUT = 10; // seconds for a whole request (headers and body) to arrive once connected
const MAX_CONNECTIONS = 2000; // connections still sending their request; past this, the oldest is dropped
const MAX_BUFFERED = 64 << 20; // bytes of unfinished bodies, all connections together; past this, likewise
const SPARE_FILES = 64; // descriptors for the listener, the event loop, stdio and the answers being written
const EXPIRY_INTERVAL = 250; // ms between two sweeps for requests past their deadline

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

/** A whole HTTP answer, for the connections the receiver drops without a handler. */
function canned(status: number, reason: string): Buffer {
  const body = pythonJson({ error: reason });
  const head = `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ""}\r\nContent-Type: application/json\r\n`;
  return Buffer.from(`${head}Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

interface Pending {
  deadline: number; // performance.now() past which the request has not arrived in time
  buffered: number; // bytes of its body read so far
}

/**
 * The connections whose request has not fully arrived, oldest first, and what is done to them.
 *
 * Node's server accepts every connection it is offered and waits 60 s for headers and 300 s for a
 * body; its `maxConnections` refuses the newest. A client holding thousands of half-sent requests
 * therefore exhausts the process's descriptors, after which every new connection, a delivery
 * included, is closed unanswered. Here each connection has `timeout` ms for its whole request
 * (trickling bytes does not extend it), and past `maxConnections` or MAX_BUFFERED the oldest
 * unfinished connection is dropped, which sheds the slow ones first: a real sender sends its request
 * as soon as it connects. A connection leaves this set once its request has arrived complete.
 */
class Unfinished {
  private readonly pending = new Map<Socket, Pending>(); // in order of arrival: the oldest first
  private buffered = 0; // bytes in all of pending's bodies

  constructor(
    private readonly maxConnections: number,
    private readonly timeout: number,
  ) {}

  add(socket: Socket): void {
    if (this.pending.size >= this.maxConnections) this.dropOldest(503, "too many connections");
    this.pending.set(socket, { deadline: performance.now() + this.timeout, buffered: 0 });
    socket.once("close", () => this.settle(socket)); // reset by the client: nothing to answer, nothing to log
  }

  /** Count `bytes` more of the socket's body; drop the oldest while all bodies together are too big. */
  grow(socket: Socket, bytes: number): void {
    const pending = this.pending.get(socket);
    if (pending === undefined) return;
    pending.buffered += bytes;
    this.buffered += bytes;
    while (this.buffered > MAX_BUFFERED) this.dropOldest(503, "too many unfinished requests");
  }

  /** The socket's request has arrived, or is being answered, or the socket closed: it is no longer waited for. */
  settle(socket: Socket): void {
    const pending = this.pending.get(socket);
    if (pending === undefined) return;
    this.buffered -= pending.buffered;
    this.pending.delete(socket);
  }

  expire(): void {
    const now = performance.now();
    for (const [socket, pending] of this.pending) {
      if (pending.deadline > now) break; // deadlines grow in order of arrival: stop at the first one not due
      this.drop(socket, 408, "request not complete in time");
    }
  }

  private dropOldest(status: number, reason: string): void {
    const oldest = this.pending.keys().next();
    if (!oldest.done) this.drop(oldest.value, status, reason);
  }

  /**
   * Answer `status` if the socket takes it without waiting, and close. Logged only for a client
   * that sent something: idle connections would flood the log.
   */
  private drop(socket: Socket, status: number, reason: string): void {
    this.settle(socket);
    if (socket.bytesRead > 0) {
      process.stderr.write(`${socket.remoteAddress ?? "-"} - - dropped after ${socket.bytesRead} bytes: ${status} ${reason}\n`);
    }
    socket.write(canned(status, reason)); // written at once to an empty socket buffer, before destroy() closes it
    socket.destroy();
  }
}

function reply(req: IncomingMessage, res: ServerResponse, code: number, body: Readonly<Record<string, string | boolean>>, note: string): void {
  const when = new Date().toUTCString();
  process.stderr.write(`${req.socket.remoteAddress ?? "-"} - - [${when}] "${req.method} ${req.url} HTTP/${req.httpVersion}" ${code} ${note}\n`);
  const data = Buffer.from(pythonJson(body));
  // One request per connection, as the Python receiver: an idle kept-alive connection would be
  // unfinished again, and an answer sent to it when it is dropped would be taken for the next one's.
  res.writeHead(code, { "Content-Type": "application/json", "Content-Length": String(data.length), Connection: "close" });
  res.end(data);
}

/** The body, at most `length` bytes; null when the connection closed first (dropped, or the client left). */
async function readBody(req: IncomingMessage, length: number, unfinished: Unfinished): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > length) break; // never more than Content-Length says (Node enforces it too)
      chunks.push(chunk);
      unfinished.grow(req.socket, chunk.length);
    }
  } catch (e) {
    if (req.socket.destroyed) return null;
    throw e;
  }
  return Buffer.concat(chunks, Math.min(size, length));
}

function receiver(secret: string, unfinished: Unfinished, requestTimeout: number) {
  // Node's own request timeouts stay as a backstop (it checks them only every 30 s).
  const server = createServer({ requestTimeout, headersTimeout: requestTimeout }, (req, res) => {
    void (async () => {
      if (req.method !== "POST") return reply(req, res, 501, { error: "Unsupported method" }, `method ${req.method}`);
      const header = req.headers["content-length"];
      const length = header !== undefined && /^[0-9]+$/.test(header) ? Number(header) : NaN;
      if (Number.isNaN(length)) return reply(req, res, 411, { error: "Content-Length required" }, "no Content-Length");
      if (length > MAX_BODY) return reply(req, res, 413, { error: "body too large" }, `Content-Length ${length}`);
      const body = await readBody(req, length, unfinished);
      if (body === null) return;
      unfinished.settle(req.socket);
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
  server.on("connection", (socket: Socket) => unfinished.add(socket));
  return server;
}

/** This process's limit on open files where the system tells (Linux); Node raised it to the hard limit at start. */
function fileLimit(): number {
  try {
    const line = readFileSync("/proc/self/limits", "utf8").split("\n").find((l) => l.startsWith("Max open files"));
    const soft = line?.split(/\s+/)[3]; // "Max open files   <soft>   <hard>   files"
    return soft !== undefined && /^[0-9]+$/.test(soft) ? Number(soft) : Infinity;
  } catch {
    return Infinity;
  }
}

function positive(name: string, text: string): number {
  const value = Number(text);
  if (!(text.trim() !== "" && Number.isFinite(value) && value > 0)) {
    process.stderr.write(`--${name} must be a positive number, not ${JSON.stringify(text)}\n`);
    process.exit(2);
  }
  return value;
}

function main(): void {
  const { values } = parseArgs({
    options: {
      host: { type: "string", default: "127.0.0.1" },
      port: { type: "string", default: "8000" },
      "max-connections": { type: "string", default: String(MAX_CONNECTIONS) }, // unfinished requests held at once
      "request-timeout": { type: "string", default: String(REQUEST_TIMEOUT) }, // seconds for a request to arrive
    },
  });
  const secret = process.env["OPENAI_WEBHOOK_SECRET"] ?? "";
  if (!secret) {
    process.stderr.write("set OPENAI_WEBHOOK_SECRET to the endpoint's signing secret (whsec_...)\n");
    process.exit(2);
  }
  // Each held connection is an open file: past the limit, Node closes every new connection unanswered.
  const maxConnections = Math.max(1, Math.min(Math.floor(positive("max-connections", values["max-connections"])), fileLimit() - SPARE_FILES));
  // Whole milliseconds (Node's server takes no fraction), within what its timers can count.
  const requestTimeout = Math.min(Math.ceil(positive("request-timeout", values["request-timeout"]) * 1000), 2 ** 31 - 1);
  const unfinished = new Unfinished(maxConnections, requestTimeout);
  setInterval(() => unfinished.expire(), EXPIRY_INTERVAL).unref();
  const server = receiver(secret, unfinished, requestTimeout);
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
