// The JWKS fast path (src/routes/v1_licenses_jwks.ts): after the first plain GET in an isolate,
// the worker answers without the middleware stack. It must be indistinguishable from the full
// stack except for a fresh request id, and everything that is not a plain GET must still get the
// full stack's answer.

import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import worker, { app } from "../../src/index";
import { BASE, buildRequest, call, json } from "../harness";

const PATHS = ["/v1/licenses/jwks", "/.well-known/jwks.json"] as const;

/** The full middleware stack, never the fast path. */
async function fullStack(path: string, headers: Record<string, string> = {}): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await app.fetch(buildRequest(path, { headers }), env, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

const headerMap = (res: Response) => Object.fromEntries([...res.headers].filter(([name]) => name !== "x-request-id"));

describe.each(PATHS)("GET %s through the fast path", (path) => {
  it("answers with the full stack's status, headers and body, and a fresh request id each time", async () => {
    await call(path); // the first plain GET in this isolate teaches the fast path
    const [a, b] = [await call(path), await call(path, { headers: { Origin: "https://any-app.example" } })];
    const reference = await fullStack(path, { Origin: "https://any-app.example" });
    for (const res of [a, b]) {
      expect(res.status).toBe(200);
      expect(headerMap(res)).toEqual(headerMap(reference));
      expect(res.headers.get("X-Request-Id")).toMatch(/^req_[1-9A-HJ-NP-Za-km-z]{22}$/);
    }
    expect(a.headers.get("X-Request-Id")).not.toBe(b.headers.get("X-Request-Id"));
    const body = await reference.text();
    expect(await a.text()).toBe(body);
    expect(await b.text()).toBe(body);
    // The headers the stack adds are there, not only the route's own.
    expect(a.headers.get("Strict-Transport-Security")).toMatch(/max-age=\d+/);
    expect(a.headers.get("Content-Security-Policy")).toContain("default-src 'none'");
    expect(a.headers.get("Access-Control-Allow-Origin")).toBe("*");
  });

  it("logs the same request line as the full stack, with the answer's request id", async () => {
    const logged = vi.spyOn(console, "log").mockImplementation(() => {});
    try {
      const infoEnv = { ...env, LOG_LEVEL: "info" };
      const ask = () => worker.fetch(buildRequest(path) as Request<unknown, IncomingRequestCfProperties>, infoEnv, createExecutionContext());
      await ask(); // taught, if not yet
      logged.mockClear();
      const res = await ask();
      const lines = logged.mock.calls.map(([line]) => JSON.parse(String(line)));
      expect(lines).toEqual([
        expect.objectContaining({ level: "info", msg: "request", method: "GET", path, status: 200, request_id: res.headers.get("X-Request-Id") }),
      ]);
    } finally {
      logged.mockRestore();
    }
  });

  it("answers a caller's own X-Request-Id with a fresh id, as the full stack does", async () => {
    await call(path);
    const res = await call(path, { headers: { "X-Request-Id": "client-trace-42" } });
    expect(res.status).toBe(200);
    expect(res.headers.get("X-Request-Id")).toMatch(/^req_[1-9A-HJ-NP-Za-km-z]{22}$/);
  });

  it("still answers 304 to a conditional GET and 200 to a stale one", async () => {
    const etag = (await call(path)).headers.get("ETag")!;
    const fresh = await call(path, { headers: { "If-None-Match": etag } });
    expect(fresh.status).toBe(304);
    expect(await fresh.text()).toBe("");
    expect((await call(path, { headers: { "If-None-Match": '"older"' } })).status).toBe(200);
  });

  it("leaves HEAD, OPTIONS and other methods to the full stack", async () => {
    await call(path);
    const head = await call(path, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe("");
    const preflight = await call(path, {
      method: "OPTIONS",
      headers: { Origin: "https://any-app.example", "Access-Control-Request-Method": "GET" },
    });
    expect(preflight.status).toBe(204);
    const post = await call(path, { method: "POST", body: {} });
    expect(post.status).toBe(405);
    expect((await json(post)).error.code).toBe("METHOD_NOT_ALLOWED");
  });

  it("refuses TLS below 1.2 like every other route", async () => {
    await call(path);
    const old = new Request(`${BASE}${path}`, { cf: { tlsVersion: "TLSv1.1" } } as RequestInit);
    const res = await exports.default.fetch(old);
    expect(res.status).toBe(426);
    expect((await json(res)).error.code).toBe("TLS_VERSION_UNSUPPORTED");
  });
});
