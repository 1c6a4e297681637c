import { describe, expect, it } from "vitest";
import { call, createTenant, json } from "./harness";

describe("smoke", () => {
  it("healthz", async () => {
    const res = await call("/healthz");
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual({ status: "ok" });
  });
  it("readyz", async () => {
    const res = await call("/readyz");
    const body = await res.text();
    expect(res.status, body).toBe(200);
  });
  it("tenant", async () => {
    const t = await createTenant();
    const res = await call("/v1/tenant", { token: t.apiKey });
    expect(res.status, await res.clone().text()).toBe(200);
  });
});
