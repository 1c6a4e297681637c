// Operator bootstrap: create a tenant and its first API key over the API, so a fresh deployment
// needs no SQL. Guarded by the `OPERATOR_TOKEN` secret; the key secret is shown only here.
import { createRoute, z } from "@hono/zod-openapi";
import type { App } from "../app";
import { PLAN_TIERS } from "../contract/tokens";
import { operatorAuth } from "../middleware/auth";
import { errorResponses } from "../wire/common";
import { CreatedTenant, createdTenantBody } from "../wire/tenants";
import { jsonBody } from "./requests/common";

const Body = z
  .strictObject({
    name: z.string().trim().min(1).max(200),
    plan_tier: z.enum(PLAN_TIERS).default("free"),
    api_key_name: z.string().trim().min(1).max(200).default("bootstrap"),
  })
  .openapi("CreateTenantRequest");

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
    201: { description: "Tenant created", content: { "application/json": { schema: CreatedTenant } } },
    ...errorResponses(400, 401, 413, 415, 422, 429, 503),
  },
});

export const registerV1TenantsCreate = (app: App) =>
  app.openapi(route, async (c) => {
    const input = c.req.valid("json");
    const { tenant, apiKey, secret } = await c.var.services.tenants.create({ name: input.name, planTier: input.plan_tier, apiKeyName: input.api_key_name });
    c.var.log.info("tenant created", { tenant_id: tenant.id, api_key_id: apiKey.id });
    return c.json(createdTenantBody(tenant, apiKey, secret), 201);
  });
