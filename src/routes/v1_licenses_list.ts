// GET /v1/licenses: the tenant's licenses, newest first, filterable by status, application and
// policy, and
// searchable by a whole key, an id, a key prefix, the plan or metadata (a customer's email).
import { createRoute, z } from "@hono/zod-openapi";
import type { App } from "../app";
import { apiKeyAuth, requirePermission } from "../middleware/auth";
import { errorResponses, pageOf } from "../wire/common";
import { License, licenseBody } from "../wire/licenses";
import { PageQuery } from "./requests/common";

const Query = PageQuery.extend({
  status: z.enum(["active", "suspended", "revoked", "expired"]).optional(),
  application_id: z.string().min(1).max(64).optional(),
  policy_id: z.string().min(1).max(64).optional(),
  q: z.string().trim().min(1).max(200).optional().openapi({
    description: "A whole license key (matched by its hash), a license id or key prefix, or text found in the plan or metadata (case-insensitive)",
  }),
});

const route = createRoute({
  method: "get",
  path: "/v1/licenses",
  operationId: "listLicenses",
  tags: ["Licenses (admin)"],
  summary: "List licenses",
  security: [{ bearerAuth: [] }],
  middleware: [apiKeyAuth(), requirePermission("licenses:read")] as const,
  request: { query: Query },
  responses: {
    200: { description: "A page of licenses", content: { "application/json": { schema: pageOf(License).openapi("LicensePage") } } },
    ...errorResponses(401, 403, 422, 429, 503),
  },
});

export const registerV1LicensesList = (app: App) =>
  app.openapi(route, async (c) => {
    const query = c.req.valid("query");
    const now = new Date();
    const page = await c.var.services.licenses.list(
      { limit: query.limit, startingAfter: query.starting_after },
      { status: query.status, applicationId: query.application_id, policyId: query.policy_id, q: query.q },
    );
    return c.json({ ...page, data: page.data.map((row) => licenseBody(row, now)) }, 200);
  });
