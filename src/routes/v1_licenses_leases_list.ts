// GET /v1/licenses/{id}/leases (admin): a license's floating seats, live ones unless include_ended.
import { createRoute, z } from "@hono/zod-openapi";
import type { App } from "../app";
import { apiKeyAuth, requirePermission } from "../middleware/auth";
import { errorResponses, pageOf } from "../wire/common";
import { Lease, leaseBody } from "../wire/leases";
import { IdParam, PageQuery } from "./requests/common";

const route = createRoute({
  method: "get",
  path: "/v1/licenses/{id}/leases",
  operationId: "listLeases",
  tags: ["Licenses (admin)"],
  summary: "List a license's floating seats",
  security: [{ bearerAuth: [] }],
  middleware: [apiKeyAuth(), requirePermission("licenses:read")] as const,
  request: {
    params: IdParam("lic"),
    query: PageQuery.extend({ include_ended: z.enum(["true", "false"]).default("false").openapi({ description: "Also released and expired leases" }) }),
  },
  responses: {
    200: { description: "Leases, newest first", content: { "application/json": { schema: pageOf(Lease).openapi("LeasePage") } } },
    ...errorResponses(401, 403, 404, 422, 429, 503),
  },
});

export const registerV1LicensesLeasesList = (app: App) =>
  app.openapi(route, async (c) => {
    const query = c.req.valid("query");
    const page = await c.var.services.leases.list(
      c.req.valid("param").id,
      { limit: query.limit, startingAfter: query.starting_after },
      { includeEnded: query.include_ended === "true" },
    );
    return c.json({ ...page, data: page.data.map(leaseBody) }, 200);
  });
