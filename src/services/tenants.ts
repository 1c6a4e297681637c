// Tenants: the operator creates one with its first API key (every permission, shown once); a
// credential reads its own tenant.
import { PERMISSIONS } from "../contract/permissions";
import { DEFAULT_BRANDING, type PortalBranding } from "../contract/portal";
import type { PlanTier } from "../contract/tokens";
import { sha256Hex } from "../crypto/hash";
import { newApiKey, newId, visiblePrefix } from "../crypto/random";
import { type ApiKeyRow, insertApiKey } from "../db/repositories/credentials";
import { getTenant, insertTenant, type TenantRow, updateTenant } from "../db/repositories/tenants";
import { notFound } from "../errors";
import { requireActor } from "./actor";
import { createChangeRunner } from "./changes";
import type { ServiceDeps } from "./context";

export function tenantService(deps: ServiceDeps) {
  // The operator is no credential of any tenant: its changes are audited as "operator".
  const asOperator = createChangeRunner(deps, { actorId: "operator" });
  return {
    /** A tenant and its first API key in one transaction; the key's secret is returned here only. */
    async create(input: { name: string; planTier: PlanTier; apiKeyName: string }): Promise<{ tenant: TenantRow; apiKey: ApiKeyRow; secret: string }> {
      const secret = newApiKey();
      const keyHash = await sha256Hex(secret);
      return asOperator(async (tx, record) => {
        const tenant = await insertTenant(tx, { id: newId("tnt"), name: input.name, planTier: input.planTier });
        const apiKey = await insertApiKey(tx, {
          id: newId("key"),
          tenantId: tenant.id,
          name: input.apiKeyName,
          keyHash,
          keyPrefix: visiblePrefix(secret),
          permissions: [...PERMISSIONS],
        });
        await record({
          tenantId: tenant.id,
          action: "tenant.create",
          targetType: "tenant",
          targetId: tenant.id,
          details: { api_key_id: apiKey.id, plan_tier: input.planTier },
        });
        return { tenant, apiKey, secret };
      });
    },

    /** The tenant's own settings: its name, how many days of license activity it keeps. Audited with the fields changed. */
    async update(input: { name?: string; activityRetentionDays?: number; portal?: Partial<PortalBranding> }): Promise<TenantRow> {
      const { tenantId } = requireActor(deps);
      const fields = Object.entries(input)
        .filter(([, value]) => value !== undefined)
        .map(([key]) => (key === "activityRetentionDays" ? "activity_retention_days" : key));
      return createChangeRunner(deps)(async (tx, record) => {
        const { portal, ...plain } = input;
        // Branding fields not sent keep their value.
        const current = portal ? await getTenant(tx, tenantId) : undefined;
        const portalBranding = portal ? { ...DEFAULT_BRANDING, ...current?.portalBranding, ...portal } : undefined;
        const tenant = await updateTenant(tx, tenantId, { ...plain, portalBranding });
        if (!tenant) throw notFound("Tenant");
        await record({ action: "tenant.update", targetType: "tenant", targetId: tenantId, details: { fields } });
        return tenant;
      });
    },

    /** The acting credential's own tenant. */
    async current(): Promise<TenantRow> {
      const tenant = await getTenant(deps.db(), requireActor(deps).tenantId);
      if (!tenant) throw notFound("Tenant");
      return tenant;
    },
  };
}
