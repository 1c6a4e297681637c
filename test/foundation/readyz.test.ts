// Liveness and readiness: /healthz says the isolate runs and touches nothing; /readyz says
// Postgres and KV answer, else 503 with Retry-After and which dependency failed.
import { describe, expect, it } from "vitest";
import { call, callWithEnv, expectError, json, UNREACHABLE_DATABASE_URL } from "../harness";

const noDatabase = { DATABASE_URL: UNREACHABLE_DATABASE_URL };

describe("GET /healthz", () => {
  it("answers 200 ok", async () => {
    const res = await call("/healthz");
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual({ status: "ok" });
  });

  it("answers 200 ok while the database is unreachable", async () => {
    const res = await callWithEnv(noDatabase, "/healthz");
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual({ status: "ok" });
  });
});

describe("GET /readyz", () => {
  it("answers 200 ready when Postgres and KV answer", async () => {
    const res = await call("/readyz");
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual({ status: "ready", checks: { database: "ok", kv: "ok" } });
  });

  it("answers 503 SERVICE_UNAVAILABLE with Retry-After, naming the database, when it is unreachable", async () => {
    const res = await callWithEnv(noDatabase, "/readyz");
    expect(res.headers.get("Retry-After")).toBe("5");
    const error = await expectError(res, 503, "SERVICE_UNAVAILABLE");
    expect(error.details).toEqual({ status: "degraded", database: "unavailable", kv: "ok" });
    // The connection string stays private.
    expect(JSON.stringify(error)).not.toMatch(/127\.0\.0\.1|nope|postgres:/);
  });

  it("answers 503 when DATABASE_URL is not configured at all", async () => {
    const res = await callWithEnv({ DATABASE_URL: "" }, "/readyz");
    const error = await expectError(res, 503, "SERVICE_UNAVAILABLE");
    expect(error.details).toMatchObject({ database: "unavailable" });
  });
});

describe("API routes while the database is unreachable", () => {
  it("answer 503 SERVICE_UNAVAILABLE with Retry-After, not 500 or 401", async () => {
    const key = `sk_${"A".repeat(40)}`;
    const res = await callWithEnv(noDatabase, "/v1/tenant", { token: key });
    expect(res.headers.get("Retry-After")).not.toBeNull();
    await expectError(res, 503, "SERVICE_UNAVAILABLE");
  });
});
