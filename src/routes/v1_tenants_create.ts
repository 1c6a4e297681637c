// Operator bootstrap: create a tenant and its first API key over the API, so a fresh deployment
// needs no SQL. Guarded by the `OPERATOR_TOKEN` secret; the key secret is shown only here.
import { z } from "@hono/zod-openapi";
import { PLAN_TIERS } from "../contract/tokens";
import { operation, reply } from "../middleware/operation";
import { CreatedTenant, createdTenantBody } from "../wire/tenants";

const Body = z
  .strictObject({
    name: z.string().trim().min(1).max(200),
    plan_tier: z.enum(PLAN_TIERS).default("free"),
    api_key_name: z.string().trim().min(1).max(200).default("bootstrap"),
  })
  .openapi("CreateTenantRequest");

export default operation({
  method: "post",
  path: "/v1/tenants",
  operationId: "createTenant",
  audience: "operator",
  tags: ["Operator"],
  summary: "Create a tenant and its first API key (all permissions)",
  request: { body: Body },
  responses: { 201: { description: "Tenant created", schema: CreatedTenant } },
  handler: async ({ body }, { services, raw }) => {
    const { tenant, apiKey, secret } = await services.tenants.create({ name: body.name, planTier: body.plan_tier, apiKeyName: body.api_key_name });
    raw.var.log.info("tenant created", { tenant_id: tenant.id, api_key_id: apiKey.id });
    return reply(201, createdTenantBody(tenant, apiKey, secret));
  },
});
