// Every failure leaves the worker as `{ error: { code, message, request_id } }` with the
// `X-Request-Id` header, and nothing internal: unknown paths, wrong methods, bad bodies.
import { env, exports } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { tenants } from "../../src/db/schema";
import { MAX_BODY_BYTES } from "../../src/middleware/security";
import { call, expectError, withDb } from "../harness";

const operator = env.OPERATOR_TOKEN;
const uniqueName = (what: string) => `${what} ${crypto.randomUUID()}`;

const tenantsNamed = (name: string) => withDb(async (db) => (await db.select({ id: tenants.id }).from(tenants).where(eq(tenants.name, name))).length);

/** `{"name":"..."}` padded with JSON whitespace to `size` bytes: valid, and valid for the schema. */
const paddedBody = (name: string, size: number) => {
  const head = JSON.stringify({ name }).slice(0, -1);
  return `${head + " ".repeat(size - head.length - 1)}}`;
};

describe("routing errors", () => {
  it("answers an unknown path with 404 NOT_FOUND", async () => {
    await expectError(await call("/v1/nothing-here"), 404, "NOT_FOUND");
  });

  it("answers DELETE /healthz with 405 METHOD_NOT_ALLOWED and Allow: GET, HEAD", async () => {
    const res = await call("/healthz", { method: "DELETE" });
    expect(res.headers.get("Allow")).toBe("GET, HEAD");
    await expectError(res, 405, "METHOD_NOT_ALLOWED");
  });

  it("answers GET /v1/tenants with 405 METHOD_NOT_ALLOWED and Allow: POST", async () => {
    const res = await call("/v1/tenants");
    expect(res.headers.get("Allow")).toBe("POST");
    await expectError(res, 405, "METHOD_NOT_ALLOWED");
  });

  it("never answers 405 with an Allow header that lists the method used (trailing slash)", async () => {
    // The router is strict about trailing slashes, so these paths match no route: 404, not
    // "405, use POST" to a POST.
    const post = await call("/v1/tenants/", { token: operator, body: { name: uniqueName("slash") } });
    expect(post.headers.get("Allow")).toBeNull();
    await expectError(post, 404, "NOT_FOUND");
    const get = await call("/v1/tenant/");
    expect(get.headers.get("Allow")).toBeNull();
    await expectError(get, 404, "NOT_FOUND");
  });
});

describe("request body errors (POST /v1/tenants with a valid operator token)", () => {
  it("answers malformed JSON with 400 INVALID_JSON", async () => {
    const res = await call("/v1/tenants", {
      token: operator,
      rawBody: '{"name": "Acme"',
      headers: { "Content-Type": "application/json" },
    });
    await expectError(res, 400, "INVALID_JSON");
  });

  it("checks credentials before reading the body: malformed JSON without a token is 401", async () => {
    const res = await call("/v1/tenants", { rawBody: "{nope", headers: { "Content-Type": "application/json" } });
    await expectError(res, 401, "UNAUTHORIZED");
  });

  it("answers a non-JSON content type with 415 UNSUPPORTED_MEDIA_TYPE", async () => {
    const name = uniqueName("form");
    const res = await call("/v1/tenants", {
      token: operator,
      rawBody: `name=${encodeURIComponent(name)}`,
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
    });
    await expectError(res, 415, "UNSUPPORTED_MEDIA_TYPE");
    expect(await tenantsNamed(name)).toBe(0);
  });

  it("answers a JSON body sent without a content type with 415", async () => {
    const res = await call("/v1/tenants", { token: operator, rawBody: JSON.stringify({ name: uniqueName("bare") }) });
    await expectError(res, 415, "UNSUPPORTED_MEDIA_TYPE");
  });

  it("answers a body over 16 KB with 413 PAYLOAD_TOO_LARGE and creates nothing", async () => {
    const name = uniqueName("big");
    const res = await call("/v1/tenants", {
      token: operator,
      rawBody: paddedBody(name, MAX_BODY_BYTES + 1),
      headers: { "Content-Type": "application/json" },
    });
    await expectError(res, 413, "PAYLOAD_TOO_LARGE");
    expect(await tenantsNamed(name)).toBe(0);

    // The same body within the limit is accepted: only its size was refused.
    const ok = await call("/v1/tenants", {
      token: operator,
      rawBody: paddedBody(name, MAX_BODY_BYTES),
      headers: { "Content-Type": "application/json" },
    });
    expect(ok.status, await ok.text()).toBe(201);
    expect(await tenantsNamed(name)).toBe(1);
  });

  it("answers a streamed body (no Content-Length) over 16 KB with 413 and creates nothing", async () => {
    const name = uniqueName("streamed");
    const bytes = new TextEncoder().encode(paddedBody(name, MAX_BODY_BYTES + 1024));
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let at = 0; at < bytes.length; at += 4096) controller.enqueue(bytes.slice(at, at + 4096));
        controller.close();
      },
    });
    const res = await exports.default.fetch(
      new Request("https://license.test/v1/tenants", {
        method: "POST",
        headers: { "Content-Type": "application/json", Authorization: `Bearer ${operator}` },
        body,
        duplex: "half",
      } as RequestInit),
    );
    await expectError(res, 413, "PAYLOAD_TOO_LARGE");
    expect(await tenantsNamed(name)).toBe(0);
  });

  it("answers an unknown field with 422 VALIDATION_FAILED naming it, and writes nothing", async () => {
    const name = uniqueName("unknown field");
    const res = await call("/v1/tenants", { token: operator, body: { name, is_admin: true } });
    const error = await expectError(res, 422, "VALIDATION_FAILED");
    expect(error.details).toEqual([expect.objectContaining({ keys: ["is_admin"] })]);
    expect(await tenantsNamed(name)).toBe(0);
  });

  it.each([
    ["a number for name", { name: 42 }, "name"],
    ["an unknown plan tier", { name: "Acme", plan_tier: "platinum" }, "plan_tier"],
    ["an empty name", { name: "   " }, "name"],
    ["an array instead of an object", [{ name: "Acme" }], ""],
  ])("answers %s with 422 VALIDATION_FAILED naming the path", async (_, body, path) => {
    const res = await call("/v1/tenants", { token: operator, body });
    const error = await expectError(res, 422, "VALIDATION_FAILED");
    expect(error.details).toEqual([expect.objectContaining({ path })]);
  });

  it("answers a missing body with 422 VALIDATION_FAILED", async () => {
    await expectError(await call("/v1/tenants", { method: "POST", token: operator }), 422, "VALIDATION_FAILED");
  });
});

describe("unexpected failures", () => {
  // A NUL byte passes the schema but Postgres cannot store it in a text column.
  const nulName = () => uniqueName("nul\u0000byte");

  it("never sends SQL, parameters or stack frames when the database rejects a query", async () => {
    const name = nulName();
    const res = await call("/v1/tenants", { token: operator, body: { name } });
    const text = await res.clone().text();
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(text).not.toContain("tenants");
    expect(text).not.toContain(name.slice(-36));
    await expectError(res, res.status, JSON.parse(text).error.code);
  });

  it("refuses input Postgres cannot store (NUL byte) as 422, not as a 500", async () => {
    const res = await call("/v1/tenants", { token: operator, body: { name: nulName() } });
    await expectError(res, 422, "VALIDATION_FAILED");
  });
});
