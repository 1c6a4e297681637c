// Floating licenses: N concurrent seats as leases that free themselves. Every lease change locks
// the license row first (the lock activations take), so the count of seats in use is exact under
// any concurrency. A lease is live until its `expires_at` unless released: a crashed client frees
// its seat exactly at its TTL, with no sweep (the cron only announces `lease.expired`). Taking,
// extending and borrowing a seat go through the same refusal model as verify (status, expiry,
// binding), and a borrowed seat stays taken, by its device's machine file, until the borrow ends.
import { sha256Hex } from "../crypto/hash";
import { LICENSE_KEY_PATTERN, newId } from "../crypto/random";
import type { Tx } from "../db/client";
import { findIdempotentResponse, storeIdempotentResponse } from "../db/repositories/activations";
import { holdsLicense } from "../db/repositories/assignments";
import {
  extendLease,
  extendLiveLease,
  findLiveLeaseOfInstance,
  getLease,
  insertLease,
  type LeaseRow,
  listLeases,
  releaseLease,
  seatsInUse,
  userHoldsLease,
} from "../db/repositories/leases";
import {
  findLicenseRecordWithLease,
  getLicense,
  type LockedLicenseRecord,
  lockLicenseById,
  lockLicenseRecord,
  lockLicenseRecordWithLease,
} from "../db/repositories/licenses";
import type { PageRequest } from "../db/repositories/pagination";
import { findCustomerUser } from "../db/repositories/users";
import { AppError, notFound } from "../errors";
import { requireActor } from "./actor";
import { canonicalDomain } from "./binding";
import type { ChangeRunner, RecordChange } from "./changes";
import { licenseSubject, type ServiceDeps } from "./context";
import { lookupWithProof, type ProofState } from "./device-proof";
import type { CheckedOut, licenseFileService } from "./license-files";
import { evaluateLicense, refusalError, statusRefusal } from "./license-validation";

/** A floating license as a lease route judged it, and the device key (if any) its tokens and files name. */
interface Floating {
  license: LockedLicenseRecord;
  jkt?: string;
}

import type { tokenIssuer } from "./token-issuer";

export interface LeaseGrant {
  status: 200 | 201;
  lease: LeaseRow;
  token: string;
  tokenExpiresAt: Date;
}

/** Who asks, as the public lease routes see it: the key, and the device as verify would see it. */
export interface LeaseCaller {
  licenseKey: string;
  fingerprint?: string;
  domain?: string;
  clientIp?: string;
  now: Date;
}

const leaseError = (code: "LEASE_NOT_FOUND" | "LEASE_EXPIRED", message: string) => new AppError(code, message);
const liveAt = (lease: LeaseRow, now: Date) => lease.releasedAt === null && lease.expiresAt.getTime() > now.getTime();
const borrowedAt = (lease: LeaseRow, now: Date) => lease.borrowedUntil !== null && lease.borrowedUntil.getTime() > now.getTime();
const borrowed = (lease: LeaseRow) =>
  new AppError("LEASE_BORROWED", `The lease is borrowed: its license file holds the seat until ${lease.borrowedUntil!.toISOString()}.`, {
    details: { lease_id: lease.id, borrowed_until: lease.borrowedUntil!.toISOString() },
  });

export function leaseService(
  deps: ServiceDeps,
  changes: ChangeRunner,
  licenseFiles: ReturnType<typeof licenseFileService>,
  tokens: ReturnType<typeof tokenIssuer>,
) {
  /**
   * The license of a key, locked, with leases on, and usable by this caller exactly as verify
   * would judge it (status, expiry, the policy's hardware, domain or IP binding).
   */
  async function lockFloating(tx: Tx, caller: LeaseCaller): Promise<Floating> {
    const domain = caller.domain === undefined ? undefined : (canonicalDomain(caller.domain) ?? null);
    const hash = LICENSE_KEY_PATTERN.test(caller.licenseKey) ? await sha256Hex(caller.licenseKey) : undefined;
    const { found, proof } = await lookupWithProof(
      deps.proof,
      (proofKey) =>
        hash ? lockLicenseRecord(tx, hash, { fingerprint: caller.fingerprint, domain: domain ?? undefined, proofKey }) : Promise.resolve(undefined),
      (license) => license?.proofReplayed,
    );
    return judgeFloating(found, caller, domain, proof);
  }

  /** A floating license judged as verify would judge it, and the device key its lease tokens name. */
  function judgeFloating(license: LockedLicenseRecord | undefined, caller: LeaseCaller, domain: string | null | undefined, proof: ProofState): Floating {
    if (!license) throw refusalError("NOT_FOUND");
    deps.observe(licenseSubject(license));
    const lifecycle = statusRefusal(license, caller.now);
    if (lifecycle) throw refusalError(lifecycle);
    if (license.policy.leaseMode === "none") throw new AppError("LEASES_NOT_ENABLED", "This license's policy has no floating seats (lease_mode none).");
    const decision = evaluateLicense(license, { use: "lease", fingerprint: caller.fingerprint, domain, clientIp: caller.clientIp, proof, now: caller.now });
    if (!decision.valid) throw refusalError(decision.code);
    return { license, jkt: decision.jkt };
  }

  /**
   * The same, with the license's live lease `leaseId` read in the same statement (a heartbeat then
   * only writes): 404 when it is not this license's, 409 once it has ended.
   */
  async function lockFloatingLease(tx: Tx, caller: LeaseCaller, leaseId: string): Promise<Floating & { lease: LeaseRow }> {
    const domain = caller.domain === undefined ? undefined : (canonicalDomain(caller.domain) ?? null);
    const hash = LICENSE_KEY_PATTERN.test(caller.licenseKey) ? await sha256Hex(caller.licenseKey) : undefined;
    const { found, proof } = await lookupWithProof(
      deps.proof,
      (proofKey) =>
        hash
          ? lockLicenseRecordWithLease(tx, hash, { fingerprint: caller.fingerprint, domain: domain ?? undefined, proofKey }, leaseId)
          : Promise.resolve(undefined),
      (both) => both?.license.proofReplayed,
    );
    return { ...judgeFloating(found?.license, caller, domain, proof), lease: checkLive(found?.lease, caller.now) };
  }

  function checkLive(lease: LeaseRow | undefined, now: Date): LeaseRow {
    if (!lease) throw leaseError("LEASE_NOT_FOUND", "No lease of this license has this id.");
    if (!liveAt(lease, now)) throw leaseError("LEASE_EXPIRED", "The lease has ended (released, or past its TTL): request a new one.");
    return lease;
  }

  /** The license's live lease `leaseId`: 404 when it is not this license's, 409 once it has ended. */
  async function liveLease(tx: Tx, license: LockedLicenseRecord, leaseId: string, now: Date): Promise<LeaseRow> {
    return checkLive(await getLease(tx, license.id, leaseId), now);
  }

  /** The customer's user `who` names (an id or an email), if it holds the license; else 404 USER_NOT_FOUND or 403 USER_NOT_ASSIGNED. */
  async function holdingUser(tx: Tx, customerId: string, licenseId: string, who: string): Promise<string> {
    const user = await findCustomerUser(tx, customerId, who);
    if (!user) throw new AppError("USER_NOT_FOUND", "No user of this license's customer has this id or email.");
    if (!(await holdsLicense(tx, licenseId, user.id))) {
      throw new AppError("USER_NOT_ASSIGNED", "This user does not hold the license: assign it to the user, or to a group the user is in.");
    }
    return user.id;
  }

  /** The end of a lease granted or extended now: its TTL, never past the license's own expiry. */
  const leaseEnd = (license: LockedLicenseRecord, now: Date) =>
    new Date(Math.min(now.getTime() + license.limits.leaseTtlS * 1000, license.expiresAt?.getTime() ?? Number.MAX_SAFE_INTEGER));

  /** A license token that ends with the lease (from the locked record: no further reads). */
  async function grant({ license, jkt }: Floating, lease: LeaseRow, status: 200 | 201, now: Date): Promise<LeaseGrant> {
    const issued = await tokens.issue(license, { hwBound: false, lease: { id: lease.id, expiresAt: lease.expiresAt }, tokenTier: "basic", jkt }, now);
    return { status, lease, token: issued.token, tokenExpiresAt: issued.expiresAt };
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
    async acquire(input: LeaseCaller & { instanceId: string; userId?: string; idempotencyKey?: string }): Promise<LeaseGrant> {
      const requestHash = await sha256Hex(JSON.stringify([input.instanceId, input.userId ?? null]));
      return changes(async (tx, record) => {
        const { now } = input;
        const floating = await lockFloating(tx, input);
        const license = floating.license;
        const perUser = license.policy.leaseMode === "per_user";
        if (perUser && !input.userId) {
          throw new AppError("VALIDATION_FAILED", "This license's seats are per user: send `user`.", { details: [{ path: "user", message: "Required" }] });
        }
        // A customer's license: the seat goes to one of its users who holds it (named seats), by id or email.
        const userId = perUser && license.customerId ? await holdingUser(tx, license.customerId, license.id, input.userId!) : input.userId;
        if (input.idempotencyKey) {
          const previous = await findIdempotentResponse(tx, license.id, "lease", input.idempotencyKey);
          if (previous) {
            if (previous.requestHash !== requestHash) throw new AppError("IDEMPOTENCY_KEY_REUSED", "This Idempotency-Key was used with a different request.");
            const lease = await getLease(tx, license.id, (previous.body as { lease_id: string }).lease_id);
            if (!lease || !liveAt(lease, now)) {
              throw new AppError("CONFLICT", "The lease this Idempotency-Key answered has since ended; send a new Idempotency-Key.");
            }
            if (borrowedAt(lease, now)) throw borrowed(lease);
            return grant(floating, lease, previous.status as 200 | 201, now);
          }
        }
        let status: 200 | 201;
        let lease = await findLiveLeaseOfInstance(tx, license.id, input.instanceId, now);
        if (lease) {
          // The same instance asking again holds the seat it has: a heartbeat, unless a file holds it.
          if (borrowedAt(lease, now)) throw borrowed(lease);
          status = 200;
          lease = await extendLease(tx, lease.id, { expiresAt: leaseEnd(license, now), lastHeartbeatAt: now });
        } else {
          const sharesUserSeat = perUser && (await userHoldsLease(tx, license.id, userId!, now));
          const max = license.limits.maxLeases;
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
            userId: userId ?? null,
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
        return grant(floating, lease, status, now);
      });
    },

    /** Extends a live lease by its TTL and rotates its token; an ended lease is 409 LEASE_EXPIRED, a borrowed one 409 LEASE_BORROWED. */
    async heartbeat(input: LeaseCaller & { leaseId: string }): Promise<LeaseGrant> {
      // No transaction: two statements over HTTP. The read is judged as verify judges; the write
      // extends the lease only if it is still live and unborrowed, so a release, expiry or borrow
      // since the read wins, and a license changed since is judged by the next heartbeat.
      const domain = input.domain === undefined ? undefined : (canonicalDomain(input.domain) ?? null);
      const hash = LICENSE_KEY_PATTERN.test(input.licenseKey) ? await sha256Hex(input.licenseKey) : undefined;
      const { found, proof } = await lookupWithProof(
        deps.proof,
        (proofKey) =>
          hash
            ? findLicenseRecordWithLease(deps.rows(), hash, { fingerprint: input.fingerprint, domain: domain ?? undefined, proofKey }, input.leaseId)
            : Promise.resolve(undefined),
        (both) => both?.license.proofReplayed,
      );
      const floating = judgeFloating(found?.license, input, domain, proof);
      const license = floating.license;
      const current = checkLive(found?.lease, input.now);
      if (current.borrowedUntil) throw borrowed(current);
      const lease = await extendLiveLease(deps.rows(), current.id, { expiresAt: leaseEnd(license, input.now), lastHeartbeatAt: input.now });
      if (!lease) throw leaseError("LEASE_EXPIRED", "The lease ended (released, borrowed or past its TTL) while this heartbeat ran: request a new one.");
      return grant(floating, lease, 200, input.now);
    },

    /**
     * Frees the seat now (`lease.released`); its tokens are dead at once (introspection reads the
     * lease). Freeing a seat asks for no binding: a client may always give back what it holds.
     * A borrowed lease is held by its file: 409 LEASE_BORROWED until the borrow ends.
     */
    release: (input: { licenseKey: string; leaseId: string; now: Date }): Promise<LeaseRow> =>
      changes(async (tx, record) => {
        const license = LICENSE_KEY_PATTERN.test(input.licenseKey) ? await lockLicenseRecord(tx, await sha256Hex(input.licenseKey)) : undefined;
        if (!license) throw refusalError("NOT_FOUND");
        deps.observe(licenseSubject(license));
        const current = await liveLease(tx, license, input.leaseId, input.now);
        if (current.borrowedUntil) throw borrowed(current);
        const released = (await releaseLease(tx, current.id, input.now))!;
        await announce(record, license.tenantId, "lease.released", released);
        return released;
      }),

    /**
     * Turns a live lease into a machine file for the borrowing device, valid until `until` (at most
     * the policy's max_borrow_s); the seat stays taken, and the lease cannot be released or taken
     * again, until then.
     */
    borrow: (input: LeaseCaller & { fingerprint: string; leaseId: string; until: Date }): Promise<{ lease: LeaseRow; file: CheckedOut }> =>
      changes(async (tx, record) => {
        const { license, jkt, lease: current } = await lockFloatingLease(tx, input, input.leaseId);
        if (current.borrowedUntil) throw borrowed(current);
        const seconds = Math.ceil((input.until.getTime() - input.now.getTime()) / 1000);
        const max = license.limits.maxBorrowS;
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
        const file = await licenseFiles.issueForLease(tx, record, { license, lease, fingerprint: input.fingerprint, jkt, now: input.now });
        return { lease, file };
      }),

    /** Admin: a license's leases, live ones only unless `includeEnded`. */
    async list(licenseId: string, page: PageRequest, options: { includeEnded: boolean }) {
      const tenantId = requireActor(deps).tenantId;
      if (!(await getLicense(deps.db(), tenantId, licenseId))) throw notFound("License");
      return listLeases(deps.db(), tenantId, licenseId, page, { includeEnded: options.includeEnded, now: new Date() });
    },

    /** Admin: frees one live lease at once, a borrowed one too (its file then reads invalid in the status list: services/changes.ts). */
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
