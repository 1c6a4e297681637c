import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { app } from "../../src/index";
import { BASE, call, callWithEnv, json } from "../harness";

const preflight = (path: string, origin: string, overrides: Partial<Env> = {}) =>
  callWithEnv(overrides, path, {
    method: "OPTIONS",
    headers: { Origin: origin, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type" },
  });

describe("CORS", () => {
  it("is off by default on the public license routes", async () => {
    const res = await preflight("/v1/licenses/verify", "https://app.example");
    expect(res.headers.get("Access-Control-Allow-Origin")).toBeNull();
    const post = await call("/v1/licenses/validate", { body: { license_key: "x" }, headers: { Origin: "https://app.example" } });
    expect(post.headers.get("Access-Control-Allow-Origin")).toBeNull();
    // Nothing depends on Origin then, so caches need not key on it.
    expect(post.headers.get("Vary")).toBeNull();
  });

  it("allows exactly the origins listed in CORS_ORIGINS", async () => {
    const overrides = { CORS_ORIGINS: "https://app.example, https://admin.example" };
    const allowed = await preflight("/v1/licenses/verify", "https://app.example", overrides);
    expect(allowed.headers.get("Access-Control-Allow-Origin")).toBe("https://app.example");
    expect(allowed.headers.get("Access-Control-Allow-Methods")).toContain("POST");
    const other = await preflight("/v1/licenses/verify", "https://app.example.evil", overrides);
    expect(other.headers.get("Access-Control-Allow-Origin")).toBeNull();
  });

  it("never opens server routes to browsers", async () => {
    const res = await preflight("/v1/licenses/introspect", "https://app.example", { CORS_ORIGINS: "https://app.example" });
    expect(res.headers.get("Access-Control-Allow-Origin")).toBeNull();
  });

  it("keeps the JWKS readable from any origin", async () => {
    const res = await preflight("/v1/licenses/jwks", "https://anything.example");
    expect(res.headers.get("Access-Control-Allow-Origin")).toBe("*");
  });
});

describe("TLS floor", () => {
  const withTls = async (tlsVersion: string) => {
    const ctx = createExecutionContext();
    const req = new Request(`${BASE}/healthz`, { cf: { tlsVersion } } as RequestInit);
    const res = await app.fetch(req, env, ctx);
    await waitOnExecutionContext(ctx);
    return res;
  };

  it.each(["TLSv1", "TLSv1.1", "SSLv3"])("refuses %s with the error envelope", async (version) => {
    const res = await withTls(version);
    expect(res.status).toBe(426);
    expect((await json(res)).error.code).toBe("TLS_VERSION_UNSUPPORTED");
  });

  it.each(["TLSv1.2", "TLSv1.3"])("accepts %s", async (version) => {
    expect((await withTls(version)).status).toBe(200);
  });

  it("accepts requests where the runtime reports no TLS version (local)", async () => {
    expect((await call("/healthz")).status).toBe(200);
  });
});
