// Rate limits through the real Workers Rate Limiting bindings (Miniflare's local implementation),
// with low test limiters swapped in for the production ones. Windows are fixed 60 s and aligned
// to the clock, so each test allows one window roll-over: it expects a 429 within 2 x limit + 1.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { callWithEnv, createTenant, json, seedLicense } from "../harness";

const limiters = env as unknown as Record<"RL_TEST_PUBLIC" | "RL_TEST_PUBLIC_IP" | "RL_TEST_AUTH_FAILURES" | "RL_TEST_TIER", RateLimit>;

const testEnv = (ip: string) => ({
  RL_PUBLIC: limiters.RL_TEST_PUBLIC,
  RL_AUTH_FAILURES: limiters.RL_TEST_AUTH_FAILURES,
  RL_TIER_FREE: limiters.RL_TEST_TIER,
  RL_TIER_PRO: limiters.RL_TEST_TIER,
  RL_TIER_ENTERPRISE: limiters.RL_TEST_TIER,
  ip,
});

/** Calls until a 429 (at most `max` calls); returns the 429 and how many calls it took. */
async function untilLimited(max: number, send: () => Promise<Response>) {
  for (let i = 1; i <= max; i++) {
    const res = await send();
    if (res.status === 429) return { res, calls: i };
    expect(res.status).toBeLessThan(400);
  }
  throw new Error(`no 429 after ${max} calls`);
}

function expectRateLimitHeaders(res: Response) {
  expect(res.headers.get("Retry-After")).toMatch(/^\d+$/);
  expect(res.headers.get("RateLimit-Limit")).toMatch(/^\d+$/);
  expect(res.headers.get("RateLimit-Remaining")).toBe("0");
  expect(res.headers.get("RateLimit-Policy")).toMatch(/^\d+;w=60$/);
}

describe("rate limits", () => {
  it("limits public routes per license key and IP, answering 429 with the headers", async () => {
    const t = await createTenant("rl public");
    const a = await seedLicense(t.tenantId);
    const b = await seedLicense(t.tenantId);
    const overrides = testEnv("198.51.100.10");
    const validate = (key: string, ip = overrides.ip) =>
      callWithEnv(overrides, "/v1/licenses/validate", { body: { license_key: key }, headers: { "CF-Connecting-IP": ip } });
    const { res } = await untilLimited(11, () => validate(a.licenseKey));
    expectRateLimitHeaders(res);
    expect((await json(res)).error.code).toBe("RATE_LIMITED");
    // Another license from the same IP, and the same license from another IP, are unaffected.
    expect((await validate(b.licenseKey)).status).toBe(200);
    expect((await validate(a.licenseKey, "198.51.100.11")).status).toBe(200);
  });

  it("limits status-list reads per IP (made-up list ids would each reach Postgres)", async () => {
    const overrides = { RL_PUBLIC_IP: limiters.RL_TEST_PUBLIC_IP, ip: "198.51.100.30" };
    const read = (ip = overrides.ip) => callWithEnv(overrides, "/v1/status-lists/sl_madeUpListId", { headers: { "CF-Connecting-IP": ip } });
    let limited: Response | undefined;
    for (let i = 1; i <= 17 && !limited; i++) {
      const res = await read();
      if (res.status === 429) limited = res;
      else expect(res.status).toBe(404);
    }
    expect(limited?.status).toBe(429);
    expect((await json(limited!)).error.code).toBe("RATE_LIMITED");
    expect((await read("198.51.100.31")).status).toBe(404);
  });

  it("limits server routes per tenant; another tenant is unaffected", async () => {
    const busy = await createTenant("rl busy");
    const calm = await createTenant("rl calm");
    const overrides = testEnv("198.51.100.20");
    const get = (token: string) => callWithEnv(overrides, "/v1/tenant", { token, headers: { "CF-Connecting-IP": overrides.ip } });
    const { res } = await untilLimited(11, () => get(busy.apiKey));
    expectRateLimitHeaders(res);
    expect((await get(calm.apiKey)).status).toBe(200);
  });

  it("counts failed authentications and then refuses the IP before any lookup", async () => {
    const t = await createTenant("rl auth");
    const overrides = testEnv("198.51.100.30");
    const bad = () => callWithEnv(overrides, "/v1/tenant", { token: `sk_${"1".repeat(40)}`, headers: { "CF-Connecting-IP": overrides.ip } });
    for (let i = 0; i < 7; i++) {
      const res = await bad();
      if (res.status === 429) {
        expectRateLimitHeaders(res);
        // Even a valid key from that IP is refused now: the limiter runs before authentication.
        const good = await callWithEnv(overrides, "/v1/tenant", { token: t.apiKey, headers: { "CF-Connecting-IP": overrides.ip } });
        expect(good.status).toBe(429);
        return;
      }
      expect(res.status).toBe(401);
    }
    throw new Error("failed authentications were never limited");
  });
});
