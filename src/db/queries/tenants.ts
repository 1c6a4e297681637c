import type { Permission } from "../../contract/permissions";
import type { PlanTier } from "../../contract/tokens";
import { sha256Hex } from "../../crypto/hash";
import { newApiKey, newId, visiblePrefix } from "../../crypto/random";
import { appendAudit } from "../../services/audit";
import type { Database } from "../client";
import { apiKeys, tenants } from "../schema";

export interface NewTenant {
  name: string;
  planTier: PlanTier;
  apiKeyName: string;
  permissions: readonly Permission[];
  requestId?: string;
}

/** Creates a tenant and its first API key in one transaction; the key secret is returned once. */
export async function createTenantWithKey(db: Database, input: NewTenant) {
  const secret = newApiKey();
  const keyHash = await sha256Hex(secret);
  return db.transaction(async (tx) => {
    const [tenant] = await tx
      .insert(tenants)
      .values({ id: newId("tnt"), name: input.name, planTier: input.planTier })
      .returning();
    const [key] = await tx
      .insert(apiKeys)
      .values({
        id: newId("key"),
        tenantId: tenant!.id,
        name: input.apiKeyName,
        keyHash,
        keyPrefix: visiblePrefix(secret),
        permissions: [...input.permissions],
      })
      .returning();
    await appendAudit(tx, {
      tenantId: tenant!.id,
      actor: "operator",
      action: "tenant.create",
      targetType: "tenant",
      targetId: tenant!.id,
      requestId: input.requestId,
      details: { api_key_id: key!.id, plan_tier: input.planTier },
    });
    return { tenant: tenant!, apiKey: key!, secret };
  });
}
