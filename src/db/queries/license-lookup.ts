// The validation lookup: everything validate/verify/validate-hardware need, in one round trip.
import { and, eq, isNull, sql, type SQL } from "drizzle-orm";
import type { Database } from "../client";
import { activations, licenses, policies, tenants } from "../schema";

export interface DeviceQuery {
  fingerprint?: string;
  /** Canonical domain (services/binding.ts). */
  domain?: string;
}

/** A live activation of the outer license matching `match`, as a lateral subquery. */
function liveActivation(db: Database, alias: string, match: SQL | undefined) {
  return db
    .select({ id: activations.id, lastHeartbeatAt: activations.lastHeartbeatAt })
    .from(activations)
    .where(and(eq(activations.licenseId, licenses.id), isNull(activations.deactivatedAt), match ?? sql`false`))
    .limit(1)
    .as(alias);
}

/**
 * License, policy and tenant tier by key hash; with a fingerprint or domain, that device's live
 * activation and the number of live activations. One SQL statement.
 */
export async function findLicenseByKeyHash(db: Database, keyHash: string, device: DeviceQuery = {}) {
  const byFingerprint = liveActivation(db, "by_fingerprint", device.fingerprint !== undefined ? eq(activations.fingerprint, device.fingerprint) : undefined);
  const byDomain = liveActivation(db, "by_domain", device.domain !== undefined ? eq(activations.domain, device.domain) : undefined);
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
      device: { id: byFingerprint.id, lastHeartbeatAt: byFingerprint.lastHeartbeatAt },
      domainDevice: { id: byDomain.id, lastHeartbeatAt: byDomain.lastHeartbeatAt },
      // Tells NOT_ACTIVATED from FINGERPRINT/DOMAIN_MISMATCH; an index-only count on the live-seat index.
      liveActivations: sql<number>`(select count(*)::int from ${activations} a where a.license_id = ${licenses.id} and a.deactivated_at is null)`,
    })
    .from(licenses)
    .innerJoin(policies, eq(policies.id, licenses.policyId))
    .innerJoin(tenants, eq(tenants.id, licenses.tenantId))
    .leftJoinLateral(byFingerprint, sql`true`)
    .leftJoinLateral(byDomain, sql`true`)
    .where(eq(licenses.keyHash, keyHash))
    .limit(1);
  return row;
}

export type LicenseRecord = NonNullable<Awaited<ReturnType<typeof findLicenseByKeyHash>>>;
