// Every public operation gets the public treatment, as the OpenAPI document and the operations
// list declare them (so a new route cannot be forgotten): the device operations answer a listed
// origin's preflight (and no other), credentialed operations answer none; and every device
// operation and status list runs under the public database budget (its audience's, set before any
// database call: middleware/audiences.ts). Outside finding #14 of the third round: checkout and
// the lease routes had lost both when the public paths were written in three lists.

import { beforeAll, describe, expect, it } from "vitest";
import { OPERATIONS } from "../../src/index";
import { BUDGETS } from "../../src/middleware/audiences";
import { call, callWithEnv, json } from "../harness";

interface Operation {
  method: string;
  path: string;
  operationId: string;
  tags: string[];
  security?: unknown[];
}

let operations: Operation[];
beforeAll(async () => {
  const doc = await json(await call("/openapi.json"));
  operations = Object.entries(doc.paths as Record<string, Record<string, Omit<Operation, "method" | "path">>>).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({ ...op, method: method.toUpperCase(), path })),
  );
});

const LISTED = "https://app.example";
const concrete = (path: string) => path.replace("{id}", "lse_0000000000000000000000").replace("{lease_id}", "lse_0000000000000000000000");
const preflight = (op: Operation, origin: string) =>
  callWithEnv({ CORS_ORIGINS: `${LISTED}, https://admin.example` }, concrete(op.path), {
    method: "OPTIONS",
    headers: { Origin: origin, "Access-Control-Request-Method": op.method, "Access-Control-Request-Headers": "content-type" },
  });

const unauthenticated = () => operations.filter((op) => !op.security || op.security.length === 0);
const device = () => unauthenticated().filter((op) => op.tags.some((t) => t.endsWith("(public)")));

describe("the public operations of GET /openapi.json", () => {
  it("include every license-key route an installed app calls", () => {
    expect(
      device()
        .map((op) => `${op.method} ${op.path}`)
        .sort(),
    ).toEqual([
      "DELETE /v1/licenses/leases/{id}",
      "POST /v1/licenses/activate",
      "POST /v1/licenses/checkout",
      "POST /v1/licenses/deactivate",
      "POST /v1/licenses/heartbeat",
      "POST /v1/licenses/leases",
      "POST /v1/licenses/leases/{id}/borrow",
      "POST /v1/licenses/leases/{id}/heartbeat",
      "POST /v1/licenses/validate",
      "POST /v1/licenses/validate-hardware",
      "POST /v1/licenses/verify",
    ]);
  });

  it("answer a listed origin's preflight on every device route, and refuse an unlisted one", async () => {
    for (const op of device()) {
      const listed = await preflight(op, LISTED);
      const allowed = {
        op: op.operationId,
        origin: listed.headers.get("Access-Control-Allow-Origin"),
        method: listed.headers.get("Access-Control-Allow-Methods")?.split(",").includes(op.method),
      };
      expect(allowed).toEqual({ op: op.operationId, origin: LISTED, method: true });
      const other = await preflight(op, "https://app.example.evil");
      expect({ op: op.operationId, origin: other.headers.get("Access-Control-Allow-Origin") }).toEqual({ op: op.operationId, origin: null });
    }
  });

  it("are exactly the operations declared for devices, and run with the status lists under the public database budget", () => {
    const declared = new Map(OPERATIONS.map((op) => [op.operationId, op]));
    expect(device().every((op) => declared.get(op.operationId)?.audience === "device")).toBe(true);
    expect(OPERATIONS.filter((op) => op.audience === "device").length).toBe(device().length);
    const fastFail = [...device(), ...unauthenticated().filter((op) => op.path.startsWith("/v1/status-lists/"))];
    expect(fastFail.length).toBe(12);
    expect(fastFail.filter((op) => BUDGETS[declared.get(op.operationId)!.audience] !== "public").map((op) => op.operationId)).toEqual([]);
  });

  it("keep every credentialed operation off the public budget except introspection and revoke-token, and closed to browsers", async () => {
    const credentialed = operations.filter((op) => op.security && op.security.length > 0);
    const declared = new Map(OPERATIONS.map((op) => [op.operationId, op]));
    const fast = credentialed.filter((op) => BUDGETS[declared.get(op.operationId)!.audience] === "public").map((op) => op.operationId);
    expect(fast.sort()).toEqual(["introspectLicenseToken", "revokeLicenseToken"]);
    for (const op of credentialed.filter((o) => o.path.startsWith("/v1/licenses"))) {
      const res = await preflight(op, LISTED);
      expect({ op: op.operationId, origin: res.headers.get("Access-Control-Allow-Origin") }).toEqual({ op: op.operationId, origin: null });
    }
  });
});
