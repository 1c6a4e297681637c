// The authenticated tenant and the calling credential: what an integrator calls first to check a key.
import { createRoute } from "@hono/zod-openapi";
import type { App } from "../app";
import { apiKeyAuth, requirePermission } from "../middleware/auth";
import { errorResponses } from "../wire/common";
import { Tenant, tenantBody } from "../wire/tenants";

const route = createRoute({
  method: "get",
  path: "/v1/tenant",
  operationId: "getTenant",
  tags: ["Tenant"],
  summary: "The tenant of the calling API key",
  security: [{ bearerAuth: [] }],
  middleware: [apiKeyAuth(), requirePermission("tenants:read")] as const,
  responses: {
    200: { description: "The tenant", content: { "application/json": { schema: Tenant } } },
    ...errorResponses(401, 403, 429, 503),
  },
});

export const registerV1TenantGet = (app: App) => app.openapi(route, async (c) => c.json(tenantBody(await c.var.services.tenants.current(), c.var.auth), 200));
