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
