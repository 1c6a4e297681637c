// Tenants on the wire: the operator's answer to creating one, and a credential's view of its own.
import { z } from "@hono/zod-openapi";
import { PERMISSIONS, type Permission } from "../contract/permissions";
import { PLAN_TIERS } from "../contract/tokens";
import type { ApiKeyRow } from "../db/repositories/credentials";
import type { TenantRow } from "../db/repositories/tenants";
import { Timestamp } from "./common";

export const Tenant = z
  .object({
    id: z.string(),
    name: z.string(),
    plan_tier: z.enum(PLAN_TIERS),
    portal: z
      .object({
        display_name: z.string().nullable(),
        accent_color: z.string().nullable(),
        support_email: z.string().nullable(),
        support_url: z.string().nullable(),
        return_origins: z.array(z.string()),
      })
      .openapi({ description: "The customer portal's branding and allowed return origins" }),
    activity_retention_days: z.number().int().openapi({ description: "Days of license activity kept (1-400, default 90); the cron deletes older events" }),
    created_at: Timestamp,
    credential: z.object({ id: z.string(), permissions: z.array(z.enum(PERMISSIONS)) }),
  })
  .openapi("Tenant");

export const tenantBody = (tenant: TenantRow, credential: { keyId: string; permissions: readonly Permission[] }) => ({
  id: tenant.id,
  name: tenant.name,
  plan_tier: tenant.planTier,
  portal: tenant.portalBranding,
  activity_retention_days: tenant.activityRetentionDays,
  created_at: tenant.createdAt.toISOString(),
  credential: { id: credential.keyId, permissions: [...credential.permissions] },
});

export const CreatedTenant = z
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

export const createdTenantBody = (tenant: TenantRow, apiKey: ApiKeyRow, secret: string) => ({
  tenant: { id: tenant.id, name: tenant.name, plan_tier: tenant.planTier, created_at: tenant.createdAt.toISOString() },
  api_key: {
    id: apiKey.id,
    name: apiKey.name,
    key: secret,
    prefix: apiKey.keyPrefix,
    permissions: apiKey.permissions as Permission[],
    created_at: apiKey.createdAt.toISOString(),
  },
});
