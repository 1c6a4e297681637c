// Floating licenses: N concurrent seats as leases that free themselves. Every lease change locks
// the license row first (the lock activations take), so the count of seats in use is exact under
// any concurrency. A lease is live until its `expires_at` unless released: a crashed client frees
// its seat exactly at its TTL, with no sweep (the cron only announces `lease.expired`).
import { effectiveStatus } from "../contract/licenses";
import { sha256Hex } from "../crypto/hash";
import { getKeyRing } from "../crypto/keys";
import { issueLicenseToken } from "../crypto/license-token";
import { LICENSE_KEY_PATTERN, newId } from "../crypto/random";
import type { Tx } from "../db/client";
import { findIdempotentResponse, storeIdempotentResponse } from "../db/repositories/activations";
import {
  extendLease,
  findLiveLeaseOfInstance,
  getLease,
  insertLease,
  type LeaseRow,
  listLeases,
  releaseLease,
  seatsInUse,
  userHoldsLease,
} from "../db/repositories/leases";
import { getLicense, type LockedLicense, lockLicenseById, lockLicenseByKeyHash } from "../db/repositories/licenses";
import type { PageRequest } from "../db/repositories/pagination";
import { getTenant } from "../db/repositories/tenants";
import { AppError, notFound } from "../errors";
import { requireActor } from "./actor";
import type { ChangeRunner, RecordChange } from "./changes";
import type { ServiceDeps } from "./context";
import type { CheckedOut, licenseFileService } from "./license-files";

export interface LeaseGrant {
  status: 200 | 201;
  lease: LeaseRow;
  token: string;
  tokenExpiresAt: Date;
}

const leaseError = (code: "LEASE_NOT_FOUND" | "LEASE_EXPIRED", message: string) => new AppError(code, message);
const liveAt = (lease: LeaseRow, now: Date) => lease.releasedAt === null && lease.expiresAt.getTime() > now.getTime();

export function leaseService(deps: ServiceDeps, changes: ChangeRunner, licenseFiles: ReturnType<typeof licenseFileService>) {
  /** The license of a key, locked, usable, and with leases on. */
  async function lockFloating(tx: Tx, licenseKey: string, now: Date): Promise<LockedLicense> {
    const license = LICENSE_KEY_PATTERN.test(licenseKey) ? await lockLicenseByKeyHash(tx, await sha256Hex(licenseKey)) : undefined;
    if (!license) throw new AppError("LICENSE_NOT_FOUND", "No license matches this key.");
    deps.observe({ tenantId: license.tenantId, licenseId: license.id, applicationId: license.applicationId, policyId: license.policyId });
    const status = effectiveStatus(license, now);
    if (status === "suspended") throw new AppError("LICENSE_SUSPENDED", "The license is suspended.");
    if (status === "revoked") throw new AppError("LICENSE_REVOKED", "The license has been revoked.");
    if (status === "expired") throw new AppError("LICENSE_EXPIRED", "The license has expired.");
    if (license.policy.leaseMode === "none") throw new AppError("LEASES_NOT_ENABLED", "This license's policy has no floating seats (lease_mode none).");
    return license;
  }

  /** The license's live lease `leaseId`: 404 when it is not this license's, 409 once it has ended. */
  async function liveLease(tx: Tx, license: LockedLicense, leaseId: string, now: Date): Promise<LeaseRow> {
    const lease = await getLease(tx, license.id, leaseId);
    if (!lease) throw leaseError("LEASE_NOT_FOUND", "No lease of this license has this id.");
    if (!liveAt(lease, now)) throw leaseError("LEASE_EXPIRED", "The lease has ended (released, or past its TTL): request a new one.");
    return lease;
  }

  /** The end of a lease granted or extended now: its TTL, never past the license's own expiry. */
  const leaseEnd = (license: LockedLicense, now: Date) =>
    new Date(Math.min(now.getTime() + license.policy.leaseTtlS * 1000, license.expiresAt?.getTime() ?? Number.MAX_SAFE_INTEGER));

  /** A license token that ends with the lease. */
  async function tokenFor(tx: Tx, license: LockedLicense, lease: LeaseRow, now: Date) {
    const [row, tenant] = await Promise.all([getLicense(tx, license.tenantId, license.id), getTenant(tx, license.tenantId)]);
    const issued = await issueLicenseToken(
      await getKeyRing(deps.config.signingKeys),
      {
        licenseId: license.id,
        applicationId: license.applicationId,
        expiresAt: license.expiresAt,
        plan: row!.plan,
        features: row!.features,
        tokenTier: "basic",
        sellerTier: tenant!.planTier,
        hwBound: false,
        lease: { id: lease.id, expiresAt: lease.expiresAt },
      },
      { issuer: deps.config.issuer(), tokenUse: deps.config.tokenUse, now },
    );
    return { token: issued.token, tokenExpiresAt: issued.expiresAt };
  }

  const ACTIONS = { "lease.created": "lease.create", "lease.released": "lease.release", "lease.borrowed": "lease.borrow" } as const;
  /** Announced always; audited when an admin did it (public-route changes have no credential to audit). */
  async function announce(record: RecordChange, tenantId: string, type: keyof typeof ACTIONS, lease: LeaseRow, audit = false) {
    await record({
      tenantId,
      audit,
      action: ACTIONS[type],
      targetType: "lease",
      targetId: lease.id,
      details: { license_id: lease.licenseId },
      event: { type, lease },
    });
  }

  return {
    /** A floating seat for `instanceId` (and `userId` under `per_user`), or 409 NO_LEASES_AVAILABLE. */
    async acquire(input: { licenseKey: string; instanceId: string; userId?: string; idempotencyKey?: string; now: Date }): Promise<LeaseGrant> {
      const requestHash = await sha256Hex(JSON.stringify([input.instanceId, input.userId ?? null]));
      return changes(async (tx, record) => {
        const { now } = input;
        const license = await lockFloating(tx, input.licenseKey, now);
        const perUser = license.policy.leaseMode === "per_user";
        if (perUser && !input.userId) {
          throw new AppError("VALIDATION_FAILED", "This license's seats are per user: send `user`.", { details: [{ path: "user", message: "Required" }] });
        }
        if (input.idempotencyKey) {
          const previous = await findIdempotentResponse(tx, license.id, "lease", input.idempotencyKey);
          if (previous) {
            if (previous.requestHash !== requestHash) throw new AppError("IDEMPOTENCY_KEY_REUSED", "This Idempotency-Key was used with a different request.");
            const lease = await getLease(tx, license.id, (previous.body as { lease_id: string }).lease_id);
            if (!lease || !liveAt(lease, now)) {
              throw new AppError("CONFLICT", "The lease this Idempotency-Key answered has since ended; send a new Idempotency-Key.");
            }
            return { status: previous.status as 200 | 201, lease, ...(await tokenFor(tx, license, lease, now)) };
          }
        }
        let status: 200 | 201;
        let lease = await findLiveLeaseOfInstance(tx, license.id, input.instanceId, now);
        if (lease) {
          // The same instance asking again holds the seat it has: a heartbeat.
          status = 200;
          lease = await extendLease(tx, lease.id, { expiresAt: leaseEnd(license, now), lastHeartbeatAt: now });
        } else {
          const sharesUserSeat = perUser && (await userHoldsLease(tx, license.id, input.userId!, now));
          const max = license.policy.maxLeases;
          if (!sharesUserSeat && max !== null) {
            const { inUse, firstExpiry } = await seatsInUse(tx, license.id, perUser, now);
            if (inUse >= max) {
              const retryAfter = Math.max(1, Math.ceil(((firstExpiry?.getTime() ?? now.getTime()) - now.getTime()) / 1000));
              throw new AppError("NO_LEASES_AVAILABLE", `All ${max} floating seat${max === 1 ? " is" : "s are"} in use; one frees within ${retryAfter} s.`, {
                headers: { "Retry-After": String(retryAfter) },
                details: { max_leases: max, in_use: inUse, retry_after_s: retryAfter },
              });
            }
          }
          status = 201;
          lease = await insertLease(tx, {
            id: newId("lse"),
            tenantId: license.tenantId,
            licenseId: license.id,
            instanceId: input.instanceId,
            userId: input.userId ?? null,
            expiresAt: leaseEnd(license, now),
            lastHeartbeatAt: now,
            createdAt: now,
          });
          await announce(record, license.tenantId, "lease.created", lease);
        }
        if (input.idempotencyKey) {
          await storeIdempotentResponse(tx, {
            licenseId: license.id,
            route: "lease",
            key: input.idempotencyKey,
            requestHash,
            status,
            body: { lease_id: lease.id },
          });
        }
        return { status, lease, ...(await tokenFor(tx, license, lease, now)) };
      });
    },

    /** Extends a live lease by its TTL and rotates its token; an ended lease is 409 LEASE_EXPIRED. */
    heartbeat: (input: { licenseKey: string; leaseId: string; now: Date }): Promise<LeaseGrant> =>
      changes(async (tx) => {
        const license = await lockFloating(tx, input.licenseKey, input.now);
        const current = await liveLease(tx, license, input.leaseId, input.now);
        if (current.borrowedUntil) throw new AppError("CONFLICT", "A borrowed lease is held by its license file until it ends; it takes no heartbeats.");
        const lease = await extendLease(tx, current.id, { expiresAt: leaseEnd(license, input.now), lastHeartbeatAt: input.now });
        return { status: 200 as const, lease, ...(await tokenFor(tx, license, lease, input.now)) };
      }),

    /** Frees the seat now (`lease.released`). */
    release: (input: { licenseKey: string; leaseId: string; now: Date }): Promise<LeaseRow> =>
      changes(async (tx, record) => {
        const license = await lockFloating(tx, input.licenseKey, input.now);
        const current = await liveLease(tx, license, input.leaseId, input.now);
        const released = (await releaseLease(tx, current.id, input.now))!;
        await announce(record, license.tenantId, "lease.released", released);
        return released;
      }),

    /** Turns a live lease into a license file valid until `until` (at most the policy's max_borrow_s); the seat stays taken until then. */
    borrow: (input: { licenseKey: string; leaseId: string; until: Date; now: Date }): Promise<{ lease: LeaseRow; file: CheckedOut }> =>
      changes(async (tx, record) => {
        const license = await lockFloating(tx, input.licenseKey, input.now);
        const current = await liveLease(tx, license, input.leaseId, input.now);
        const seconds = Math.ceil((input.until.getTime() - input.now.getTime()) / 1000);
        const max = license.policy.maxBorrowS;
        if (seconds <= 0 || seconds > max) {
          const message = max === 0 ? "This license's policy allows no borrowing." : `A lease may be borrowed for at most ${max} s, and until a future time.`;
          throw new AppError("VALIDATION_FAILED", message, { details: [{ path: "until", message }] });
        }
        if (license.expiresAt && input.until.getTime() > license.expiresAt.getTime()) {
          throw new AppError("VALIDATION_FAILED", "A lease may not be borrowed past the license's expiry.", {
            details: [{ path: "until", message: "After the license's expiry" }],
          });
        }
        const lease = await extendLease(tx, current.id, { expiresAt: input.until, borrowedUntil: input.until });
        await announce(record, license.tenantId, "lease.borrowed", lease);
        const file = await licenseFiles.issueForLease(tx, record, license.id, lease, input.now);
        return { lease, file };
      }),

    /** Admin: a license's leases, live ones only unless `includeEnded`. */
    async list(licenseId: string, page: PageRequest, options: { includeEnded: boolean }) {
      const tenantId = requireActor(deps).tenantId;
      if (!(await getLicense(deps.db(), tenantId, licenseId))) throw notFound("License");
      return listLeases(deps.db(), tenantId, licenseId, page, { includeEnded: options.includeEnded, now: new Date() });
    },

    /** Admin: frees one live lease at once. */
    adminRelease: (licenseId: string, leaseId: string): Promise<LeaseRow> =>
      changes(async (tx, record) => {
        const tenantId = requireActor(deps).tenantId;
        if (!(await lockLicenseById(tx, tenantId, licenseId))) throw notFound("License");
        const now = new Date();
        const lease = await getLease(tx, licenseId, leaseId);
        if (!lease || lease.tenantId !== tenantId) throw notFound("Lease");
        const released = await releaseLease(tx, lease.id, now);
        if (!released) throw leaseError("LEASE_EXPIRED", "The lease has already ended.");
        await announce(record, tenantId, "lease.released", released, true);
        return released;
      }),
  };
}
