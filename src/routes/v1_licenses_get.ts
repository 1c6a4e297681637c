// GET /v1/licenses/{id}: one license of the caller's tenant (404 for anyone else's).
import { createRoute } from "@hono/zod-openapi";
import type { App } from "../app";
import { getLicense } from "../db/queries/admin";
import { notFound } from "../errors";
import { apiKeyAuth, requirePermission } from "../middleware/auth";
import { IdParam, License, licenseBody } from "./admin-schemas";
import { errorResponses } from "./schemas";

const route = createRoute({
  method: "get",
  path: "/v1/licenses/{id}",
  operationId: "getLicense",
  tags: ["Licenses (admin)"],
  summary: "Get a license",
  security: [{ bearerAuth: [] }],
  middleware: [apiKeyAuth(), requirePermission("licenses:read")] as const,
  request: { params: IdParam("lic") },
  responses: {
    200: { description: "The license", content: { "application/json": { schema: License } } },
    ...errorResponses(401, 403, 404, 422, 429, 503),
  },
});

export const registerV1LicensesGet = (app: App) =>
  app.openapi(route, async (c) => {
    const row = await getLicense(c.var.db(), c.var.auth.tenantId, c.req.valid("param").id);
    if (!row) throw notFound("License");
    return c.json(licenseBody(row), 200);
  });
