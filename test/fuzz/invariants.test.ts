// The fuzz checker itself: each invariant flags a response built to break it, and passes one that
// keeps it, so a green fuzz run means the service held, not that the checker looked away.
import { describe, expect, it } from "vitest";
import { checkResponse, type Invariant } from "./invariants";
import { type OpenApiDocument, operationsOf, responseValidators } from "./openapi";

const doc: OpenApiDocument = {
  paths: {
    "/things/{id}": {
      get: {
        responses: {
          200: { content: { "application/json": { schema: { $ref: "#/components/schemas/Thing" } } } },
          404: { content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } },
        },
      },
      delete: { responses: { 204: { description: "gone" } } },
    },
  },
  components: {
    schemas: {
      Thing: { type: "object", properties: { id: { type: "string" }, at: { type: "string", format: "date-time" } }, required: ["id", "at"] },
      Error: { type: "object", properties: { error: { type: "object" } }, required: ["error"] },
    },
  },
};
const [get, del] = operationsOf(doc);
const validatorFor = responseValidators(doc);

function invariants(op: typeof get, status: number, body: string, headers: Record<string, string> = { "Content-Type": "application/json" }): Invariant[] {
  // A 204 Response cannot carry a body: the text under test is handed to the checker directly.
  const res = new Response(status === 204 ? null : body, { status, headers });
  const request = { op: op!, method: op!.method, url: "/things/x", mutation: "test", credential: "none", index: 0 };
  return checkResponse({ request, res, text: body, validatorFor }).map((v) => v.invariant);
}

const envelope = (id: string) => JSON.stringify({ error: { code: "NOT_FOUND", message: "Not found.", request_id: id } });

describe("fuzz invariants", () => {
  it("pass responses that keep them", () => {
    expect(invariants(get, 200, JSON.stringify({ id: "t", at: "2026-01-01T00:00:00.000Z" }))).toEqual([]);
    expect(invariants(get, 404, envelope("req_1"), { "Content-Type": "application/json", "X-Request-Id": "req_1" })).toEqual([]);
    expect(invariants(del, 204, "", {})).toEqual([]);
  });

  it("flag a 5xx (once), and an undeclared status", () => {
    expect(invariants(get, 500, envelope("r"), { "Content-Type": "application/json", "X-Request-Id": "r" })).toEqual(["no-5xx"]);
    expect(invariants(get, 422, envelope("r"), { "Content-Type": "application/json", "X-Request-Id": "r" })).toEqual(["declared-status"]);
  });

  it("flag a broken error envelope: content type, shape, request id header", () => {
    expect(invariants(get, 404, "Not Found", { "Content-Type": "text/plain", "X-Request-Id": "r" })).toEqual(["error-envelope"]);
    expect(invariants(get, 404, JSON.stringify({ message: "no" }), { "Content-Type": "application/json" })).toEqual(["error-envelope"]);
    expect(invariants(get, 404, envelope("r"), { "Content-Type": "application/json", "X-Request-Id": "other" })).toEqual(["error-envelope"]);
  });

  it("flag a 2xx body that does not match its schema (through a $ref, formats included)", () => {
    expect(invariants(get, 200, JSON.stringify({ id: "t" }))).toEqual(["2xx-schema"]);
    expect(invariants(get, 200, JSON.stringify({ id: "t", at: "yesterday" }))).toEqual(["2xx-schema"]);
    expect(invariants(get, 200, JSON.stringify({ id: "t", at: "2026-01-01T00:00:00Z" }), { "Content-Type": "text/html" })).toEqual(["2xx-schema"]);
    expect(invariants(del, 204, "{}", {})).toEqual(["2xx-schema"]);
  });

  it("flag stack frames, SQL and library error names in any body", () => {
    for (const leak of ["at handler (src/x.ts:12:3)", "select id from licenses", "update licenses set status", "ZodError: bad", "NeonDbError"]) {
      expect(
        invariants(get, 404, JSON.stringify({ error: { code: "X", message: leak, request_id: "r" } }), {
          "Content-Type": "application/json",
          "X-Request-Id": "r",
        }),
        leak,
      ).toContain("no-leak");
    }
  });
});
