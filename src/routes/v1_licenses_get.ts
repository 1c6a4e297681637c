// GET /v1/licenses/{id}: one license of the caller's tenant (404 for anyone else's).
import { createRoute } from "@hono/zod-openapi";
import type { App } from "../app";
import { apiKeyAuth, requirePermission } from "../middleware/auth";
import { errorResponses } from "../wire/common";
import { License, licenseBody } from "../wire/licenses";
import { IdParam } from "./requests/common";

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
  app.openapi(route, async (c) => c.json(licenseBody(await c.var.services.licenses.get(c.req.valid("param").id)), 200));
