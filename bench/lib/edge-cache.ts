// The Cache API behind the bench's workerd. Open-source workerd keeps nothing unless a worker
// names a service as its `cacheApiOutbound`: without one `caches.default.put` and `match` throw
// "No Cache was configured", so the service's degraded-answer snapshots were never kept and every
// outage answer would be a 503. This is that service: an HTTP server in the bench process (out of
// workerd's process, as the colo's cache is out of the isolate's, so its work is not in the
// worker's CPU figures), in memory, honouring max-age, and counting what it is asked, since
// snapshot writes are no Postgres round trip the relay could count.
//
// workerd's side of it: `PUT <key>` with the serialised response as the body (answer 204, or 413
// when not kept); `GET <key>` answered with the stored response and `CF-Cache-Status: HIT`, or
// `CF-Cache-Status: MISS`; `PURGE <key>` answered 200, or 404 when there was nothing.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface CacheStats {
  puts: number;
  hits: number;
  misses: number;
}

export interface EdgeCache {
  /** `host:port` for workerd's external service. */
  address: string;
  /** Counted since the start; read the difference around what is measured. */
  stats: CacheStats;
  close(): Promise<void>;
}

interface Entry {
  expiresAt: number;
  status: number;
  headers: [string, string][];
  body: Buffer;
}

const HEAD_END = Buffer.from("\r\n\r\n");

/** `HTTP/1.1 200 OK\r\nName: value\r\n...\r\n\r\nbody`, as workerd serialises the response to keep. */
function parseStored(raw: Buffer): Omit<Entry, "expiresAt"> | undefined {
  const end = raw.indexOf(HEAD_END);
  if (end < 0) return undefined;
  const [statusLine = "", ...lines] = raw.subarray(0, end).toString("latin1").split("\r\n");
  const status = Number(statusLine.split(" ")[1]);
  if (!Number.isInteger(status)) return undefined;
  const headers = lines.map((line): [string, string] => [line.slice(0, line.indexOf(":")), line.slice(line.indexOf(":") + 1).trim()]);
  return { status, headers, body: raw.subarray(end + HEAD_END.length) };
}

const maxAgeS = (headers: [string, string][]) => {
  const cacheControl = headers.find(([name]) => name.toLowerCase() === "cache-control")?.[1] ?? "";
  return Number(/(?:^|,)\s*(?:s-)?max-age=(\d+)/i.exec(cacheControl)?.[1] ?? 0);
};

export async function startEdgeCache(): Promise<EdgeCache> {
  const entries = new Map<string, Entry>();
  const stats: CacheStats = { puts: 0, hits: 0, misses: 0 };

  const handle = (req: IncomingMessage, res: ServerResponse, body: Buffer) => {
    const key = `${req.headers.host}${req.url}`;
    if (req.method === "PUT") {
      const stored = parseStored(body);
      const ttlS = stored ? maxAgeS(stored.headers) : 0;
      if (!stored || ttlS <= 0) return void res.writeHead(413).end();
      stats.puts++;
      entries.set(key, { ...stored, expiresAt: Date.now() + ttlS * 1000 });
      return void res.writeHead(204).end();
    }
    if (req.method === "GET") {
      const entry = entries.get(key);
      if (!entry || entry.expiresAt <= Date.now()) {
        stats.misses++;
        return void res.writeHead(504, { "CF-Cache-Status": "MISS" }).end();
      }
      stats.hits++;
      return void res.writeHead(entry.status, [...entry.headers, ["CF-Cache-Status", "HIT"]]).end(entry.body);
    }
    if (req.method === "PURGE") return void res.writeHead(entries.delete(key) ? 200 : 404).end();
    res.writeHead(405).end();
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => handle(req, res, Buffer.concat(chunks)));
  });
  // Idle connections stay open for the whole run: workerd reuses them, and one closed by the server
  // just as workerd sends on it would fail that cache call.
  server.keepAliveTimeout = 0;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    address: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    stats,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
