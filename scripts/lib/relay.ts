// Stands in locally for what Neon runs in front of Postgres, so the worker's driver code is the
// production code: a WebSocket-to-TCP relay (Neon's wsproxy, for Pool/Client and transactions) and
// an HTTP query endpoint (Neon's `/sql`, for one-statement `neon()` queries). Only loopback targets
// are allowed: this is a development and test tool, never an open proxy.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { connect, isIP } from "node:net";
import { type FaultSetting, Faults, parseFaultSetting, startupUser } from "./faults.ts";
import { createSqlEndpoint } from "./sql-endpoint.ts";

// `ws` must be loaded through require: under vitest an `import` resolves to its browser stub.
const require = createRequire(import.meta.url);
const { WebSocketServer } = require("ws") as typeof import("ws");

export interface Relay {
  /** `host:port` of the relay, the value the worker's `DB_RELAY_URL` expects. */
  address: string;
  port: number;
  /**
   * Postgres protocol messages that start a query (simple `Q` or extended `P`/`B` + `E`), and of
   * those the usage metrics' batched writes (HTTP queries inserting into metric_rollups).
   */
  stats: { connections: number; queries: number; metricWrites: number };
  /** Fault injection (scripts/lib/faults.ts), also switchable over HTTP at `POST /__faults`. */
  faults: Faults;
  close(): Promise<void>;
}

const LOOPBACK = new Set(["127.0.0.1", "::1", "localhost"]);

interface StreamState {
  started: boolean;
  /** Bytes of the current message still to skip. */
  skip: number;
  /** A message header split across chunks. */
  header: Buffer;
}

/**
 * Counts round trips in a client-to-server Postgres stream: one per simple query (`Q`) and one
 * per extended-protocol batch (`S`, Sync). Messages may be split across WebSocket frames.
 */
function countQueries(chunk: Buffer, state: StreamState): number {
  let n = 0;
  const data = state.header.length ? Buffer.concat([state.header, chunk]) : chunk;
  state.header = Buffer.alloc(0);
  let offset = 0;
  if (state.skip > 0) {
    const take = Math.min(state.skip, data.length);
    state.skip -= take;
    offset = take;
  }
  if (!state.started && offset < data.length) {
    // The startup message has no type byte.
    if (data.length - offset < 4) {
      state.header = data.subarray(offset);
      return 0;
    }
    state.started = true;
    state.skip = data.readUInt32BE(offset);
    const take = Math.min(state.skip, data.length - offset);
    state.skip -= take;
    offset += take;
  }
  while (state.skip === 0 && offset < data.length) {
    if (data.length - offset < 5) {
      state.header = Buffer.from(data.subarray(offset));
      break;
    }
    const type = data[offset];
    const length = data.readUInt32BE(offset + 1);
    if (type === 0x51 || type === 0x53) n++; // 'Q' or 'S'
    const total = 1 + length;
    const take = Math.min(total, data.length - offset);
    state.skip = total - take;
    offset += take;
  }
  return n;
}

export async function startRelay(options: { port?: number } = {}): Promise<Relay> {
  const stats = { connections: 0, queries: 0, metricWrites: 0 };
  const faults = new Faults();
  const sql = createSqlEndpoint(stats, faults);
  const server: Server = createServer((req, res) => {
    if (req.method === "POST" && req.url?.startsWith("/sql")) return void sql.handle(req, res);
    if (req.url === "/__faults") return void controlFaults(faults, req, res);
    res.writeHead(426).end("WebSocket upgrade required");
  });
  const wss = new WebSocketServer({ server });

  wss.on("connection", (ws, req) => {
    const url = new URL(req.url ?? "/", "http://relay");
    const target = url.searchParams.get("address") ?? "";
    const sep = target.lastIndexOf(":");
    const host = target.slice(0, sep).replace(/^\[|\]$/g, "");
    const port = Number(target.slice(sep + 1));
    if (!LOOPBACK.has(host) || !Number.isInteger(port) || port <= 0 || port > 65535) {
      ws.close(1008, "relay only connects to loopback Postgres");
      return;
    }
    stats.connections++;
    const socket = connect({ host: isIP(host) ? host : "127.0.0.1", port });
    const protocol: StreamState = { started: false, skip: 0, header: Buffer.alloc(0) };
    const pending: Buffer[] = [];
    let open = false;
    let user: string | undefined;
    let messages = 0;
    // Writes go through one chain, so a delayed message never overtakes the ones after it.
    let chain = Promise.resolve();
    const forward = (data: Buffer) => {
      if (open) socket.write(data);
      else pending.push(data);
    };
    socket.on("connect", () => {
      open = true;
      for (const chunk of pending) socket.write(chunk);
      pending.length = 0;
    });
    ws.on("message", (data: Buffer) => {
      messages++;
      // The role is in the startup message (after an optional SSLRequest).
      if (user === undefined && messages <= 2) user = startupUser(data);
      let queries = 0;
      try {
        queries = countQueries(data, protocol);
        stats.queries += queries;
      } catch {
        // Counting is best effort; relaying must never fail because of it.
      }
      const fault = messages === 1 || queries > 0 ? faults.next(user) : { kind: "pass" as const };
      if (fault.kind === "refuse" || fault.kind === "fail") return void ws.terminate();
      if (fault.kind === "hang") {
        // Fed nothing from now on: the connection is useless once faults lift, so it is cut then.
        faults.onReset(() => ws.terminate());
        chain = new Promise(() => {});
        return;
      }
      const delay = fault.kind === "delay" ? fault.ms : 0;
      chain = chain.then(() => (delay ? new Promise<void>((r) => setTimeout(r, delay)) : undefined)).then(() => forward(data));
    });
    socket.on("data", (data) => ws.readyState === ws.OPEN && ws.send(data));
    socket.on("close", () => ws.close());
    socket.on("error", () => ws.terminate());
    ws.on("close", () => socket.destroy());
    ws.on("error", () => socket.destroy());
  });

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    address: `127.0.0.1:${port}`,
    port,
    stats,
    faults,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close();
        server.close(() => resolve());
      }).then(() => sql.close()),
  };
}

/** `GET /__faults` shows the setting, `POST /__faults` changes it (scripts/lib/faults.ts). */
function controlFaults(faults: Faults, req: IncomingMessage, res: ServerResponse): void {
  const reply = (status: number, body: unknown): void => {
    res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
  };
  const show = (s: FaultSetting) => ({ mode: s.mode, delay_ms: s.delayMs, every: s.every, user: s.user ?? null });
  if (req.method === "GET") {
    reply(200, show(faults.setting));
    return;
  }
  if (req.method !== "POST") {
    reply(405, { message: "GET or POST" });
    return;
  }
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    try {
      reply(200, show(faults.set(parseFaultSetting(JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}")))));
    } catch (err) {
      reply(400, { message: err instanceof Error ? err.message : String(err) });
    }
  });
}
