// Security headers on every response, successes and errors alike: HSTS, nosniff, no framing,
// and nothing cached unless a route says so.
import { beforeAll, describe, expect, it } from "vitest";
import { call, createTenant, type TestTenant } from "../harness";

const TWO_YEARS = 63_072_000;

let tenant: TestTenant;
beforeAll(async () => {
  tenant = await createTenant("Headers tenant");
});

const responses: [string, () => Promise<Response>, number][] = [
  ["GET /healthz", () => call("/healthz"), 200],
  ["GET /v1/tenant", () => call("/v1/tenant", { token: tenant.apiKey }), 200],
  ["GET /openapi.json", () => call("/openapi.json"), 200],
  ["a 401", () => call("/v1/tenant"), 401],
  ["a 404", () => call("/v1/nothing-here"), 404],
];

describe.each(responses)("%s", (_, send, status) => {
  let res: Response;
  beforeAll(async () => {
    res = await send();
  });

  it(`answers ${status}`, () => {
    expect(res.status).toBe(status);
  });

  it("sends Strict-Transport-Security for two years, subdomains included", () => {
    const hsts = res.headers.get("Strict-Transport-Security") ?? "";
    expect(Number(/max-age=(\d+)/.exec(hsts)?.[1])).toBeGreaterThanOrEqual(TWO_YEARS);
    expect(hsts).toContain("includeSubDomains");
  });

  it("sends X-Content-Type-Options: nosniff", () => {
    expect(res.headers.get("X-Content-Type-Options")).toBe("nosniff");
  });

  it("sends Cache-Control: no-store", () => {
    expect(res.headers.get("Cache-Control")).toBe("no-store");
  });

  it("forbids framing and referrers", () => {
    expect(res.headers.get("X-Frame-Options")).toBe("DENY");
    expect(res.headers.get("Referrer-Policy")).toBe("no-referrer");
    expect(res.headers.get("Content-Security-Policy")).toContain("frame-ancestors 'none'");
  });
});

// API answers are JSON, never documents: the headers that only act on HTML pages stay on /docs.
describe("document-only headers", () => {
  const DOCUMENT_ONLY = [
    "Cross-Origin-Opener-Policy",
    "Origin-Agent-Cluster",
    "X-DNS-Prefetch-Control",
    "X-Download-Options",
    "X-Permitted-Cross-Domain-Policies",
    "X-XSS-Protection",
  ];

  it("are sent with the /docs page", async () => {
    const res = await call("/docs");
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toMatch(/^text\/html/);
    for (const name of DOCUMENT_ONLY) expect(res.headers.get(name), name).not.toBeNull();
  });

  it("are left off JSON API answers", async () => {
    const res = await call("/v1/tenant", { token: tenant.apiKey });
    expect(res.headers.get("Content-Type")).toMatch(/^application\/json/);
    for (const name of DOCUMENT_ONLY) expect(res.headers.get(name), name).toBeNull();
  });
});
