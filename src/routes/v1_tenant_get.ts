// The authenticated tenant and the calling credential: what an integrator calls first to check a key.
import { createRoute, z } from "@hono/zod-openapi";
import { eq } from "drizzle-orm";
import type { App } from "../app";
import { PERMISSIONS } from "../contract/permissions";
import { PLAN_TIERS } from "../contract/tokens";
import { tenants } from "../db/schema";
import { notFound } from "../errors";
import { apiKeyAuth, requirePermission } from "../middleware/auth";
import { errorResponses, Timestamp } from "./schemas";

const Tenant = z
  .object({
    id: z.string(),
    name: z.string(),
    plan_tier: z.enum(PLAN_TIERS),
    created_at: Timestamp,
    credential: z.object({ id: z.string(), permissions: z.array(z.enum(PERMISSIONS)) }),
  })
  .openapi("Tenant");

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

export const registerV1TenantGet = (app: App) =>
  app.openapi(route, async (c) => {
    const auth = c.var.auth;
    const [tenant] = await c.var.db().select().from(tenants).where(eq(tenants.id, auth.tenantId));
    if (!tenant) throw notFound("Tenant");
    return c.json(
      {
        id: tenant.id,
        name: tenant.name,
        plan_tier: tenant.planTier,
        created_at: tenant.createdAt.toISOString(),
        credential: { id: auth.keyId, permissions: [...auth.permissions] },
      },
      200,
    );
  });
