// A local webhook receiver for tests and development: records every request per path and answers
// with a programmable sequence of statuses (e.g. 500, 500, then 200 for every later call).
//   POST /__program/<name>  {"statuses":[500,500,200],"redirect":"https://..."}  set behaviour
//   GET  /__received/<name>                                                      recorded calls
//   POST /<name>                                                                 a delivery
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";

export interface Received {
  headers: Record<string, string>;
  body: string;
  at: number;
}

export interface Receiver {
  url: string;
  close(): Promise<void>;
}

const readBody = (req: IncomingMessage) =>
  new Promise<string>((resolve) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
  });

export async function startWebhookReceiver(): Promise<Receiver> {
  const received = new Map<string, Received[]>();
  const programs = new Map<string, { statuses: number[]; redirect?: string }>();
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://receiver");
    const body = await readBody(req);
    const [, first, name = ""] = url.pathname.split("/");
    if (first === "__program" && req.method === "POST") {
      programs.set(name, JSON.parse(body || "{}"));
      res.writeHead(204).end();
      return;
    }
    if (first === "__received") {
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(received.get(name) ?? []));
      return;
    }
    const key = first ?? "";
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
    const calls = received.get(key) ?? [];
    calls.push({ headers, body, at: Date.now() });
    received.set(key, calls);
    const program = programs.get(key);
    const status = program?.statuses.length ? program.statuses[Math.min(calls.length, program.statuses.length) - 1]! : 200;
    if (program?.redirect) {
      res.writeHead(302, { location: program.redirect }).end();
      return;
    }
    res.writeHead(status, { "content-type": "text/plain" }).end(status < 300 ? "ok" : "not now");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
