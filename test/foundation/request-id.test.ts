// Every response carries `X-Request-Id`: the caller's own id when it sends a usable one, else a
// fresh `req_` id. Error bodies repeat it, so a support ticket can quote either.
import { describe, expect, it } from "vitest";
import { call, expectError, json } from "../harness";

const GENERATED = /^req_[1-9A-HJ-NP-Za-km-z]{22}$/;

describe("X-Request-Id", () => {
  it("echoes a valid incoming request id on a success", async () => {
    const res = await call("/healthz", { headers: { "X-Request-Id": "client-trace_42=" } });
    expect(res.status).toBe(200);
    expect(res.headers.get("X-Request-Id")).toBe("client-trace_42=");
  });

  it("echoes a valid incoming request id in the error body and header", async () => {
    const res = await call("/v1/tenant", { headers: { "X-Request-Id": "support-ticket-1234" } });
    const error = await expectError(res, 401, "UNAUTHORIZED");
    expect(error.request_id).toBe("support-ticket-1234");
  });

  it("generates a req_ id when the request has none", async () => {
    const res = await call("/healthz");
    expect(res.headers.get("X-Request-Id")).toMatch(GENERATED);
    expect(await json(res)).toEqual({ status: "ok" });
  });

  it("generates a different id for every request", async () => {
    const ids = await Promise.all([1, 2, 3].map(async () => (await call("/healthz")).headers.get("X-Request-Id")));
    expect(new Set(ids).size).toBe(3);
  });

  it.each([
    ["spaces and punctuation", "hello world; <script>"],
    ["a line-break attempt", "abc%0d%0aSet-Cookie:x=1"],
    ["more than 255 characters", "a".repeat(256)],
  ])("replaces an incoming id with %s by a generated one", async (_, incoming) => {
    const res = await call("/v1/nothing-here", { headers: { "X-Request-Id": incoming } });
    const error = await expectError(res, 404, "NOT_FOUND");
    expect(error.request_id).toMatch(GENERATED);
  });
});
