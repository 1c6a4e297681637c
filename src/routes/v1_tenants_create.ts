// Operator bootstrap: create a tenant and its first API key over the API, so a fresh deployment
// needs no SQL. Guarded by the `OPERATOR_TOKEN` secret; the key secret is shown only here.
import { createRoute, z } from "@hono/zod-openapi";
import type { App } from "../app";
import { PERMISSIONS } from "../contract/permissions";
import { PLAN_TIERS } from "../contract/tokens";
import { createTenantWithKey } from "../db/queries/tenants";
import { operatorAuth } from "../middleware/auth";
import { errorResponses, jsonBody, Timestamp } from "./schemas";

const Body = z
  .strictObject({
    name: z.string().trim().min(1).max(200),
    plan_tier: z.enum(PLAN_TIERS).default("free"),
    api_key_name: z.string().trim().min(1).max(200).default("bootstrap"),
  })
  .openapi("CreateTenantRequest");

const Created = z
  .object({
    tenant: z.object({ id: z.string(), name: z.string(), plan_tier: z.enum(PLAN_TIERS), created_at: Timestamp }),
    api_key: z.object({
      id: z.string(),
      name: z.string(),
      key: z.string().openapi({ description: "The secret. Shown once; store it now." }),
      prefix: z.string(),
      permissions: z.array(z.enum(PERMISSIONS)),
      created_at: Timestamp,
    }),
  })
  .openapi("CreateTenantResponse");

const route = createRoute({
  method: "post",
  path: "/v1/tenants",
  operationId: "createTenant",
  tags: ["Operator"],
  summary: "Create a tenant and its first API key (all permissions)",
  security: [{ operatorToken: [] }],
  middleware: [operatorAuth()] as const,
  request: { body: jsonBody(Body) },
  responses: {
    201: { description: "Tenant created", content: { "application/json": { schema: Created } } },
    ...errorResponses(400, 401, 413, 415, 422, 429, 503),
  },
});

export const registerV1TenantsCreate = (app: App) =>
  app.openapi(route, async (c) => {
    const input = c.req.valid("json");
    const { tenant, apiKey, secret } = await createTenantWithKey(c.var.db(), {
      name: input.name,
      planTier: input.plan_tier,
      apiKeyName: input.api_key_name,
      permissions: PERMISSIONS,
      requestId: c.var.requestId,
    });
    c.var.log.info("tenant created", { tenant_id: tenant.id, api_key_id: apiKey.id });
    return c.json(
      {
        tenant: {
          id: tenant.id,
          name: tenant.name,
          plan_tier: tenant.planTier,
          created_at: tenant.createdAt.toISOString(),
        },
        api_key: {
          id: apiKey.id,
          name: apiKey.name,
          key: secret,
          prefix: apiKey.keyPrefix,
          permissions: [...PERMISSIONS],
          created_at: apiKey.createdAt.toISOString(),
        },
      },
      201,
    );
  });
