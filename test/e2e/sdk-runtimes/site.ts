// One local HTTP server for the cross-runtime suite: it serves the throwaway project (the page
// Chromium opens, the installed tarball, the fixtures) and receives the service's webhooks.
import { readFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join, normalize } from "node:path";

/** A delivery as the receiver got it: the headers the SDK reads, the raw body, when it arrived. */
export interface Delivery {
  headers: Record<string, string>;
  body: string;
  receivedAt: number;
}

const TYPES: Record<string, string> = { ".html": "text/html", ".js": "text/javascript", ".mjs": "text/javascript", ".json": "application/json" };

export interface Site {
  origin: string;
  /** The next delivery of `type` (waits up to 15 s). */
  next(type: string): Promise<Delivery>;
  close(): Promise<void>;
}

export async function startSite(root: string): Promise<Site> {
  const received: Array<Delivery & { type: string }> = [];
  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://site");
    if (req.method === "POST" && url.pathname === "/hooks") {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const body = Buffer.concat(chunks).toString("utf8");
      const headers = Object.fromEntries(["webhook-id", "webhook-timestamp", "webhook-signature"].map((h) => [h, String(req.headers[h] ?? "")]));
      received.push({ headers, body, receivedAt: Date.now(), type: (JSON.parse(body) as { type: string }).type });
      res.writeHead(204).end();
      return;
    }
    // Static files under the project, nothing above it.
    const path = normalize(join(root, decodeURIComponent(url.pathname)));
    if (!path.startsWith(root)) return void res.writeHead(403).end();
    try {
      const file = await readFile(path.endsWith("/") ? join(path, "index.html") : path);
      res.writeHead(200, { "Content-Type": TYPES[extname(path)] ?? "application/octet-stream" }).end(file);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    async next(type) {
      for (let waited = 0; waited < 15_000; waited += 100) {
        const index = received.findIndex((d) => d.type === type);
        if (index >= 0) {
          const [{ type: _, ...delivery }] = received.splice(index, 1) as [Delivery & { type: string }];
          return delivery;
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw new Error(`no ${type} delivery within 15 s`);
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** A loopback URL nothing listens on: a port that was free a moment ago. */
export async function deadUrl(): Promise<string> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return `http://127.0.0.1:${port}`;
}
