// Every response carries `X-Request-Id`, always a fresh `req_` id made by the server: an id taken
// from the request could name an earlier request or carry text into logs and the audit chain. A
// caller's own `X-Request-Id` is kept only as `client_request_id` in the log line, when it is short
// and plain.
import { afterEach, describe, expect, it, vi } from "vitest";
import { call, callWithEnv, expectError, json } from "../harness";

const GENERATED = /^req_[1-9A-HJ-NP-Za-km-z]{22}$/;

afterEach(() => vi.restoreAllMocks());

/** The request lines logged while `send` runs. */
async function requestLines(send: () => Promise<Response>) {
  const logged = vi.spyOn(console, "log").mockImplementation(() => {});
  const res = await send();
  const lines = logged.mock.calls.map(([line]) => JSON.parse(String(line))).filter((line) => line.msg === "request");
  return { res, lines };
}

describe("X-Request-Id", () => {
  it("generates a req_ id when the request has none", async () => {
    const res = await call("/healthz");
    expect(res.headers.get("X-Request-Id")).toMatch(GENERATED);
    expect(await json(res)).toEqual({ status: "ok" });
  });

  it("generates a different id for every request", async () => {
    const ids = await Promise.all([1, 2, 3].map(async () => (await call("/healthz")).headers.get("X-Request-Id")));
    expect(new Set(ids).size).toBe(3);
  });

  it("never answers with the caller's id, on a success or in an error body", async () => {
    const ok = await call("/healthz", { headers: { "X-Request-Id": "client-trace_42=" } });
    expect(ok.headers.get("X-Request-Id")).toMatch(GENERATED);
    const error = await expectError(await call("/v1/tenant", { headers: { "X-Request-Id": "support-ticket-1234" } }), 401, "UNAUTHORIZED");
    expect(error.request_id).toMatch(GENERATED);
  });

  it("never reuses an earlier request's id when a caller replays it", async () => {
    const first = (await call("/healthz")).headers.get("X-Request-Id")!;
    const replay = await call("/healthz", { headers: { "X-Request-Id": first } });
    expect(replay.headers.get("X-Request-Id")).toMatch(GENERATED);
    expect(replay.headers.get("X-Request-Id")).not.toBe(first);
  });

  it("logs a plain caller id as client_request_id beside the server's id", async () => {
    const { res, lines } = await requestLines(() => callWithEnv({ LOG_LEVEL: "info" }, "/healthz", { headers: { "X-Request-Id": "client-trace_42=" } }));
    expect(lines).toEqual([
      expect.objectContaining({ request_id: res.headers.get("X-Request-Id"), client_request_id: "client-trace_42=", path: "/healthz", status: 200 }),
    ]);
  });

  it.each([
    ["spaces and punctuation", "hello world; <script>"],
    ["a line-break attempt", "abc%0d%0aSet-Cookie:x=1"],
    ["more than 128 characters", "a".repeat(129)],
  ])("logs no client_request_id for %s", async (_, incoming) => {
    const { res, lines } = await requestLines(() => callWithEnv({ LOG_LEVEL: "info" }, "/v1/nothing-here", { headers: { "X-Request-Id": incoming } }));
    expect(res.status).toBe(404);
    expect(lines).toHaveLength(1);
    expect(lines[0].request_id).toBe(res.headers.get("X-Request-Id"));
    expect(lines[0]).not.toHaveProperty("client_request_id");
  });
});
