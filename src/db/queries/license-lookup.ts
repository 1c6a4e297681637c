// The validation lookup: everything validate/verify/validate-hardware need, in one round trip.
import { and, eq, isNull, sql } from "drizzle-orm";
import type { Database } from "../client";
import { activations, licenses, policies, tenants } from "../schema";

/**
 * License, policy and tenant tier by key hash; with a fingerprint, also that device's live
 * activation and the number of live activations. One SQL statement.
 */
export async function findLicenseByKeyHash(db: Database, keyHash: string, fingerprint?: string) {
  const device = db
    .select({ id: activations.id, lastHeartbeatAt: activations.lastHeartbeatAt })
    .from(activations)
    .where(
      and(
        eq(activations.licenseId, licenses.id),
        eq(activations.fingerprint, fingerprint ?? ""),
        isNull(activations.deactivatedAt),
      ),
    )
    .limit(1)
    .as("device");
  const [row] = await db
    .select({
      id: licenses.id,
      tenantId: licenses.tenantId,
      applicationId: licenses.applicationId,
      status: licenses.status,
      expiresAt: licenses.expiresAt,
      plan: licenses.plan,
      features: licenses.features,
      allowedCidrs: licenses.allowedCidrs,
      planTier: tenants.planTier,
      policy: {
        tokenTier: policies.tokenTier,
        bindingMode: policies.bindingMode,
        heartbeatIntervalS: policies.heartbeatIntervalS,
        heartbeatGraceS: policies.heartbeatGraceS,
      },
      device: { id: device.id, lastHeartbeatAt: device.lastHeartbeatAt },
      liveActivations: fingerprint === undefined
        ? sql<number>`0`
        : sql<number>`(select count(*)::int from ${activations} a where a.license_id = ${licenses.id} and a.deactivated_at is null)`,
    })
    .from(licenses)
    .innerJoin(policies, eq(policies.id, licenses.policyId))
    .innerJoin(tenants, eq(tenants.id, licenses.tenantId))
    .leftJoinLateral(device, sql`true`)
    .where(eq(licenses.keyHash, keyHash))
    .limit(1);
  return row;
}

export type LicenseRecord = NonNullable<Awaited<ReturnType<typeof findLicenseByKeyHash>>>;
