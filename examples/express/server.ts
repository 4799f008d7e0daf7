/**
 * An OpenAI webhook receiver on Express 5, with the vendored openai_webhooks.ts.
 *
 *     npx tsc -p examples/express
 *     OPENAI_WEBHOOK_SECRET=whsec_... node examples/express/build/server.js --host 127.0.0.1 --port 8000
 *
 * Answers 200 to a verified delivery (also to an event type the module does not know yet, and to a
 * redelivery of one already handled), 400 when the signature does not check out or the signed
 * payload does not match the spec, 413 past 1 MiB. Deliveries are at-least-once: the `webhook-id`
 * of each one handled is kept in SQLite (sql.js, saved to WEBHOOK_SEEN_DB, default
 * seen_webhooks.sqlite3), and a redelivery is acknowledged without being handled again.
 *
 * Nothing here names an event type or a field other than `type`: it keeps compiling and working,
 * unchanged, when the spec gains or loses events and openai_webhooks.ts is regenerated.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";

import express, { type NextFunction, type Request, type Response } from "express";
import initSqlJs, { type Database } from "sql.js";

import {
  InvalidWebhookSignatureError,
  UnknownWebhookEvent,
  type UnwrapWebhookEvent,
  WebhookDecodeError,
  unwrap,
} from "./openai_webhooks.js";

const KEEP_SECONDS = 7 * 24 * 3600; // how long a webhook-id is remembered: OpenAI retries for up to 3 days

/**
 * The webhook-ids already handled, in SQLite. Node 20 has no `node:sqlite`, so this is sql.js
 * (SQLite compiled to WebAssembly, no native build): the database lives in memory and is written
 * whole to `path` (a temporary file, then a rename) after every change, so a restart remembers it.
 * `claim` records an id and says whether it was new; JavaScript runs one handler at a time, so two
 * deliveries of the same id are handled once. One process owns the file: run several behind a
 * load balancer and they need a shared store (a SQL server) with the same claim and release.
 */
class SeenIds {
  private constructor(
    private readonly db: Database,
    private readonly path: string,
    private readonly keep: number,
  ) {}

  static async open(path: string, keep = KEEP_SECONDS): Promise<SeenIds> {
    const SQL = await initSqlJs();
    const db = existsSync(path) ? new SQL.Database(readFileSync(path)) : new SQL.Database();
    db.run("CREATE TABLE IF NOT EXISTS seen (id TEXT PRIMARY KEY, at REAL NOT NULL)");
    db.run("CREATE INDEX IF NOT EXISTS seen_at ON seen (at)");
    return new SeenIds(db, path, keep);
  }

  claim(webhookId: string): boolean {
    const now = Date.now() / 1000;
    this.db.run("DELETE FROM seen WHERE at < ?", [now - this.keep]);
    this.db.run("INSERT OR IGNORE INTO seen (id, at) VALUES (?, ?)", [webhookId, now]);
    const inserted = this.db.getRowsModified() === 1;
    if (inserted) this.save();
    return inserted;
  }

  release(webhookId: string): void {
    this.db.run("DELETE FROM seen WHERE id = ?", [webhookId]);
    this.save();
  }

  private save(): void {
    writeFileSync(`${this.path}.tmp`, this.db.export());
    renameSync(`${this.path}.tmp`, this.path);
  }
}

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

/**
 * Act on one verified, first-seen event. Hand slow work to a queue: the sender wants its 2xx
 * quickly and retries when it does not get one. Throwing here answers 500, and the event is
 * delivered again later.
 */
function handle(event: UnwrapWebhookEvent | UnknownWebhookEvent, webhookId: string): void {
  if (event instanceof UnknownWebhookEvent) {
    // A type added after openai_webhooks.ts was generated: acknowledge it, or it is retried.
    log(`unknown event type ${JSON.stringify(event.type)} ignored (webhook-id ${webhookId})`);
    return;
  }
  log(`handled ${event.type} (webhook-id ${webhookId})`);
}

function receiver(secret: string, seen: SeenIds): express.Express {
  const app = express();
  // [quickstart]
  // express.raw, not express.json: the signature covers the bytes exactly as sent.
  app.post("/webhook", express.raw({ type: () => true, limit: "1mb" }), async (req: Request, res: Response) => {
    const body: unknown = req.body; // a Buffer; undefined when the request had no body
    let event: UnwrapWebhookEvent | UnknownWebhookEvent;
    try {
      event = await unwrap(Buffer.isBuffer(body) ? body : new Uint8Array(), req.headers, { secret });
    } catch (e) {
      if (e instanceof InvalidWebhookSignatureError) {
        log(`rejected: ${e.message}`); // the reason goes to the log, not to the caller
        res.status(400).json({ error: "invalid signature" });
        return;
      }
      if (e instanceof WebhookDecodeError) {
        log(`undecodable: ${e.path}: ${e.message}`); // signed, but not JSON or not what the spec says
        res.status(400).json({ error: "invalid payload", path: e.path, message: e.message });
        return;
      }
      throw e;
    }
    const webhookId = String(req.headers["webhook-id"]); // present: the signature covers it
    if (!seen.claim(webhookId)) {
      log(`duplicate webhook-id ${webhookId} acknowledged, not handled again`); // at-least-once delivery
      res.json({ ok: true, duplicate: true });
      return;
    }
    try {
      handle(event, webhookId);
    } catch (e) {
      seen.release(webhookId); // answered 500: the sender retries, and the retry is handled
      throw e;
    }
    res.json({ ok: true });
  });
  // [/quickstart]
  // Express's own errors (a body over the limit: 413) as JSON; anything else is a 500.
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const status = typeof err === "object" && err !== null && "status" in err && typeof err.status === "number" ? err.status : 500;
    if (status >= 500) log(`internal error: ${String(err)}`);
    res.status(status).json({ error: status === 413 ? "body too large" : status >= 500 ? "internal error" : "bad request" });
  });
  return app;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      host: { type: "string", default: "127.0.0.1" },
      port: { type: "string", default: "8000" }, // 0 picks a free port; the first line printed says which
    },
  });
  const secret = process.env["OPENAI_WEBHOOK_SECRET"] ?? "";
  if (!secret) {
    log("set OPENAI_WEBHOOK_SECRET to the endpoint's signing secret (whsec_...)");
    process.exit(2);
  }
  const seen = await SeenIds.open(process.env["WEBHOOK_SEEN_DB"] ?? "seen_webhooks.sqlite3");
  const server = receiver(secret, seen).listen(Number(values.port), values.host, (error?: Error) => {
    if (error) throw error;
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

await main();
