// DELETE /v1/licenses/{id}/leases/{lease_id} (admin): frees one floating seat at once (a stuck
// client, a user who left); audited, and announced as `lease.released`.
import { createRoute, z } from "@hono/zod-openapi";
import type { App } from "../app";
import { apiKeyAuth, requirePermission } from "../middleware/auth";
import { errorResponses } from "../wire/common";
import { Lease, leaseBody } from "../wire/leases";
import { LeaseParams } from "./requests/common";

const route = createRoute({
  method: "delete",
  path: "/v1/licenses/{id}/leases/{lease_id}",
  operationId: "releaseLeaseAdmin",
  tags: ["Licenses (admin)"],
  summary: "Release a floating seat",
  security: [{ bearerAuth: [] }],
  middleware: [apiKeyAuth(), requirePermission("licenses:write")] as const,
  request: { params: LeaseParams },
  responses: {
    200: { description: "Released", content: { "application/json": { schema: z.object({ lease: Lease }).openapi("AdminReleasedLease") } } },
    ...errorResponses(401, 403, 404, 409, 422, 429, 503),
  },
});

export const registerV1LicensesLeasesDelete = (app: App) =>
  app.openapi(route, async (c) => {
    const { id, lease_id } = c.req.valid("param");
    return c.json({ lease: leaseBody(await c.var.services.leases.adminRelease(id, lease_id)) }, 200);
  });
