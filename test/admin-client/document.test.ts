// GET /openapi.json against the admin client's committed copy (packages/admin/src/openapi.json):
// CI fails here when a route, schema or error list changes without `npm run admin:generate`.
// packages/admin/test/schema.test.ts then holds the generated types to that copy.
import { describe, expect, it } from "vitest";
import { normaliseDocument, PLACEHOLDER_ORIGIN, serialiseDocument } from "../../packages/admin/scripts/document";
import committed from "../../packages/admin/src/openapi.json";
import { BASE, call, json } from "../harness";

const STALE = "packages/admin/src/openapi.json is stale: run `npm run admin:generate` and commit packages/admin/src";

describe("GET /openapi.json and the admin client's committed document", () => {
  it("are the same document once the served `servers` origin is replaced by the placeholder", async () => {
    const res = await call("/openapi.json");
    expect(res.status).toBe(200);
    const served = await json<Record<string, unknown>>(res);
    expect(served.servers).toEqual([{ url: BASE }]);
    const normalised = normaliseDocument(served);
    expect((normalised.servers as { url: string }[])[0]!.url).toBe(PLACEHOLDER_ORIGIN);
    // Structural first, for a readable diff; then the bytes, which also catch a change of key order.
    expect(normalised, STALE).toEqual(committed);
    expect(serialiseDocument(normalised) === serialiseDocument(committed), STALE).toBe(true);
  });

  it("normalising changes nothing but `servers`", async () => {
    const served = await json<Record<string, unknown>>(await call("/openapi.json"));
    const { servers: _served, ...rest } = served;
    const { servers: _normalised, ...normalisedRest } = normaliseDocument(served);
    expect(serialiseDocument(normalisedRest)).toBe(serialiseDocument(rest));
  });
});
