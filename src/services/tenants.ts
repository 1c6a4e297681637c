// Tenants: the operator creates one with its first API key (every permission, shown once); a
// credential reads its own tenant.
import { PERMISSIONS } from "../contract/permissions";
import type { PlanTier } from "../contract/tokens";
import { sha256Hex } from "../crypto/hash";
import { newApiKey, newId, visiblePrefix } from "../crypto/random";
import { type ApiKeyRow, insertApiKey } from "../db/repositories/credentials";
import { getTenant, insertTenant, type TenantRow } from "../db/repositories/tenants";
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

    /** The acting credential's own tenant. */
    async current(): Promise<TenantRow> {
      const tenant = await getTenant(deps.db(), requireActor(deps).tenantId);
      if (!tenant) throw notFound("Tenant");
      return tenant;
    },
  };
}
