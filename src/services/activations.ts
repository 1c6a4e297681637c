// Activate, deactivate and heartbeat: device seats on a license. A seat is taken by one conditional
// update of the license's seat count and every release locks the license row, so seat counts stay
// exact however many requests race, and an `Idempotency-Key` retry replays the first answer
// instead of taking a second seat. Admins list and release seats under the same lock.
import { sha256Hex } from "../crypto/hash";
import { LICENSE_KEY_PATTERN, newId } from "../crypto/random";
import type { Tx } from "../db/client";
import {
  type ActivationRow,
  bindActivationKeyInTx,
  countLiveActivations,
  findIdempotentResponse,
  findLiveActivation,
  findLiveActivationById,
  insertActivation,
  listActivations,
  recentClientDeactivations,
  releaseActivation,
  releaseActivations,
  releaseDeadActivations,
  storeIdempotentResponse,
  syncActivationCount,
  touchActivation,
} from "../db/repositories/activations";
import { getLicense, type LockedLicenseRecord, lockLicenseById, lockLicenseRecord, readLicenseRecord, takeSeat } from "../db/repositories/licenses";
import type { PageRequest } from "../db/repositories/pagination";
import { getPolicy } from "../db/repositories/policies";
import { AppError, type ErrorCode, notFound } from "../errors";
import { requireActor } from "./actor";
import { networkOf } from "./binding";
import type { ChangeRunner, RecordChange } from "./changes";
import { licenseSubject, type ServiceDeps } from "./context";
import { lookupWithProof, proofRefusal } from "./device-proof";
import { evaluateLicense, heartbeatDead, refusalError, requireValid, statusRefusal } from "./license-validation";
import { type ActivateInput, type ActivateOutcome, claimSeat, isUniqueViolation, keyForSeat, requestedDomain, type Seat, withKey } from "./seat-claims";

export type { ActivateInput, ActivateOutcome, Seat } from "./seat-claims";

/** What an `Idempotency-Key` keeps: enough to answer a replay with the seat as it is now. */
interface StoredActivation {
  activation_id: string;
  created: boolean;
}

const licenseError = (code: ErrorCode, message: string) => new AppError(code, message);

/** The policy's churn budget for devices freed by their users (429 DEACTIVATION_LIMIT_REACHED with Retry-After past it). */
async function withinChurnBudget(
  tx: Tx,
  licenseId: string,
  limits: { maxDeactivations: number | null; deactivationWindowS: number | null },
  now: Date,
): Promise<void> {
  const { maxDeactivations, deactivationWindowS } = limits;
  if (maxDeactivations === null || !deactivationWindowS) return;
  const recent = await recentClientDeactivations(tx, licenseId, new Date(now.getTime() - deactivationWindowS * 1000));
  if (recent.length < maxDeactivations) return;
  const oldest = recent[0]!.at!;
  const retryAfter = Math.max(1, Math.ceil((oldest.getTime() + deactivationWindowS * 1000 - now.getTime()) / 1000));
  throw new AppError("DEACTIVATION_LIMIT_REACHED", `At most ${maxDeactivations} deactivations per ${deactivationWindowS} s.`, {
    headers: { "Retry-After": String(retryAfter) },
    details: { max_deactivations: maxDeactivations, window_s: deactivationWindowS, retry_after_s: retryAfter },
  });
}

/** The license of a key (or of its hash), locked, and named to the request's metric; unknown and malformed keys fail alike. */
async function lockLicense(deps: ServiceDeps, tx: Tx, licenseKey: string, _now: Date, keyHash?: string): Promise<LockedLicenseRecord> {
  const hash = keyHash ?? (LICENSE_KEY_PATTERN.test(licenseKey) ? await sha256Hex(licenseKey) : undefined);
  const { found: license } = await lookupWithProof(
    deps.proof,
    (proofKey) => (hash ? lockLicenseRecord(tx, hash, { proofKey }) : Promise.resolve(undefined)),
    (record) => record?.proofReplayed,
  );
  if (!license) throw refusalError("NOT_FOUND");
  deps.observe(licenseSubject(license));
  return license;
}

/**
 * A device route's proof for the activation it names (heartbeat, deactivate): the policy's rule
 * when `strict`, else only a key-bound device must prove its key (a seat bound to none may always be freed).
 */
async function requireKey(deps: ServiceDeps, license: LockedLicenseRecord, activation: ActivationRow, strict: boolean): Promise<void> {
  const mode = license.policy.proofOfPossession;
  if (mode === "none") return;
  const decided = proofRefusal(strict ? mode : "optional", activation.dpopJkt, await deps.proof.state());
  if ("error" in decided) throw decided.error;
}

/** Announces released activations (`activation.deleted`); public-route changes are not audited. */
async function announceReleased(record: RecordChange, tenantId: string, rows: ActivationRow[], reason: "client" | "heartbeat") {
  for (const row of rows) {
    await record({
      tenantId,
      audit: false,
      action: "activation.release",
      targetType: "activation",
      targetId: row.id,
      event: { type: "activation.deleted", activation: row, reason },
    });
  }
}

/** The activation an idempotent request reported, if it still holds its seat (and the request proves its key). */
async function replay(
  deps: ServiceDeps,
  tx: Tx,
  license: LockedLicenseRecord,
  input: ActivateInput,
  stored: { status: number; body: unknown },
): Promise<ActivateOutcome> {
  // Older records kept the whole answer: `{ activation: { id }, created }`.
  const body = stored.body as Partial<StoredActivation> & { activation?: { id?: string } };
  const id = body.activation_id ?? body.activation?.id;
  const live = await findLiveActivation(tx, license.id, input.fingerprint);
  if (!live || live.id !== id) {
    throw new AppError("CONFLICT", "The activation this Idempotency-Key answered has since been released; send a new Idempotency-Key to activate again.");
  }
  await keyForSeat(deps, license, live.dpopJkt, input);
  return { status: stored.status as 200 | 201, created: body.created === true, activation: live, heartbeatIntervalS: license.policy.heartbeatIntervalS };
}

export function activationService(deps: ServiceDeps, changes: ChangeRunner) {
  /** The license a request names, read and judged for taking a seat (status, expiry, IP allowlist), and its domain. */
  async function usable(tx: Tx, input: ActivateInput) {
    const hash = input.keyHash ?? (LICENSE_KEY_PATTERN.test(input.licenseKey) ? await sha256Hex(input.licenseKey) : undefined);
    const { found } = await lookupWithProof(
      deps.proof,
      (proofKey) => (hash ? readLicenseRecord(tx, hash, { fingerprint: input.fingerprint, proofKey }) : Promise.resolve(undefined)),
      (record) => record?.proofReplayed,
    );
    if (!found) throw refusalError("NOT_FOUND");
    deps.observe(licenseSubject(found));
    const license = requireValid(evaluateLicense(found, { use: "seat", clientIp: input.clientIp, now: input.now })).license as LockedLicenseRecord;
    return { license, domain: requestedDomain(license.policy.bindingMode, input) };
  }

  /** When no seat could be taken: the license changed meanwhile, or it is full. */
  async function refuseSeat(tx: Tx, license: LockedLicenseRecord, now: Date): Promise<never> {
    const current = await readLicenseRecord(tx, license.keyHash);
    const changed = current ? statusRefusal(current, now) : "NOT_FOUND";
    if (changed) throw refusalError(changed);
    const max = license.limits.maxActivations!;
    const seats = await countLiveActivations(tx, license.id);
    throw new AppError("TOO_MANY_ACTIVATIONS", `The license allows ${max} activation${max === 1 ? "" : "s"}; deactivate a device first.`, {
      details: { max_activations: max, activations: seats },
    });
  }

  async function takeOrFind(tx: Tx, record: RecordChange, input: ActivateInput, requestHash: string): Promise<ActivateOutcome> {
    const { license, domain } = await usable(tx, input);
    const { heartbeatIntervalS } = license.policy;
    if (input.idempotencyKey) {
      // Retries of one request must answer alike: they queue on the license row, as before the race was shortened.
      await lockLicenseById(tx, license.tenantId, license.id);
      const previous = await findIdempotentResponse(tx, license.id, "activate", input.idempotencyKey);
      if (previous) {
        if (previous.requestHash !== requestHash) throw new AppError("IDEMPOTENCY_KEY_REUSED", "This Idempotency-Key was used with a different request.");
        return replay(deps, tx, license, input, previous);
      }
    }
    const remember = async (outcome: ActivateOutcome) => {
      if (input.idempotencyKey) {
        const body: StoredActivation = { activation_id: outcome.activation.id, created: outcome.created };
        await storeIdempotentResponse(tx, { licenseId: license.id, route: "activate", key: input.idempotencyKey, requestHash, status: outcome.status, body });
      }
      return outcome;
    };
    const held = async (): Promise<ActivateOutcome | undefined> => {
      const existing = await findLiveActivation(tx, license.id, input.fingerprint);
      if (!existing || heartbeatDead(license.policy, existing.lastHeartbeatAt, input.now)) return undefined;
      // The live device proves the key it holds, or binds the request's when it holds none.
      const jkt = await keyForSeat(deps, license, existing.dpopJkt, input);
      const activation = await withKey(existing, jkt, (id, key) => bindActivationKeyInTx(tx, id, key));
      return { status: 200, created: false, activation, heartbeatIntervalS };
    };
    // A new device binds the request's key (checked before any seat is taken).
    const newKey = await keyForSeat(deps, license, undefined, input);
    if (license.device?.id && !heartbeatDead(license.policy, license.device.lastHeartbeatAt, input.now)) {
      const again = await held();
      if (again) return remember(again);
    }

    let taken = await takeSeat(tx, license.id, license.limits.maxActivations, input.now);
    if (!taken) {
      // A device activated meanwhile under the same fingerprint holds the seat this one asks for.
      const again = await held();
      if (again) return remember(again);
      if (heartbeatIntervalS) {
        // Late devices stop holding seats before anyone is told the license is full.
        await lockLicenseById(tx, license.tenantId, license.id);
        const deadBefore = new Date(input.now.getTime() - (heartbeatIntervalS + license.policy.heartbeatGraceS) * 1000);
        const released = await releaseDeadActivations(tx, license.id, deadBefore, input.now);
        if (released.length > 0) {
          await syncActivationCount(tx, license.id, input.now);
          await announceReleased(record, license.tenantId, released, "heartbeat");
          taken = await takeSeat(tx, license.id, license.limits.maxActivations, input.now);
        }
      }
      if (!taken) return refuseSeat(tx, license, input.now);
    }
    // Holding the row lock now, every earlier activation has committed: this device may have won
    // meanwhile (its seat is the answer, and the one just taken is given back), or hold a dead
    // activation (whose seat the new one replaces).
    const stale = await findLiveActivation(tx, license.id, input.fingerprint);
    if (stale && !heartbeatDead(license.policy, stale.lastHeartbeatAt, input.now)) {
      await syncActivationCount(tx, license.id, input.now);
      const jkt = await keyForSeat(deps, license, stale.dpopJkt, input);
      return remember({
        status: 200,
        created: false,
        activation: await withKey(stale, jkt, (id, key) => bindActivationKeyInTx(tx, id, key)),
        heartbeatIntervalS,
      });
    }
    if (stale) {
      await releaseActivation(tx, stale.id, "heartbeat", input.now);
      await syncActivationCount(tx, license.id, input.now);
      await announceReleased(record, license.tenantId, [stale], "heartbeat");
    }
    const created = await insertActivation(tx, {
      id: newId("act"),
      tenantId: license.tenantId,
      licenseId: license.id,
      fingerprint: input.fingerprint,
      name: input.name ?? null,
      domain: domain ?? null,
      ip: networkOf(input.clientIp) ?? null,
      metadata: input.metadata ?? {},
      lastHeartbeatAt: input.now,
      createdAt: input.now,
      dpopJkt: newKey ?? null,
    });
    if (stale) await syncActivationCount(tx, license.id, input.now);
    await record({
      tenantId: license.tenantId,
      audit: input.audit === true,
      action: "activation.create",
      targetType: "activation",
      targetId: created.id,
      event: { type: "activation.created", activation: created, heartbeatIntervalS },
    });
    return remember({ status: 201, created: true, activation: created, heartbeatIntervalS });
  }

  /** Plain activations by key take the one-statement path; retries, uploads and dead devices the transaction. */
  async function activateOnce(input: ActivateInput): Promise<ActivateOutcome> {
    const requestHash = await sha256Hex(JSON.stringify([input.fingerprint, input.name, input.domain, input.metadata]));
    if (!input.idempotencyKey && !input.keyHash && input.audit !== true) {
      const fast = await claimSeat(deps, input);
      if (fast) return fast;
    }
    try {
      return await changes((tx, record) => takeOrFind(tx, record, input, requestHash));
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      return changes((tx, record) => takeOrFind(tx, record, input, requestHash));
    }
  }

  return {
    /**
     * Binds a device. The license is read, not locked, and judged by the refusal model; only the
     * seat itself is taken under the row lock, by one conditional update (`takeSeat`), so 50
     * devices racing for 5 seats get 5 seats and 45 prompt refusals, not a queue of lock waits.
     * Two requests for one new device race on the live-fingerprint unique index: the loser retries
     * and finds the winner's seat (200).
     */
    async activate(input: ActivateInput): Promise<ActivateOutcome> {
      // The activity event names the device, air-gapped uploads included (their fingerprint is inside the file).
      deps.observe({ fingerprint: input.fingerprint });
      const outcome = await activateOnce(input);
      deps.observe({ activationId: outcome.activation.id });
      return outcome;
    },

    /** Frees a device's seat, within the policy's churn budget (429 with Retry-After past it). */
    deactivate: (input: { licenseKey: string; fingerprint: string; now: Date }): Promise<Seat> =>
      changes(async (tx, record) => {
        // A suspended or expired license may still free its seats; only an unknown key is refused.
        const license = await lockLicense(deps, tx, input.licenseKey, input.now);
        const existing = await findLiveActivation(tx, license.id, input.fingerprint);
        if (!existing) throw licenseError("ACTIVATION_NOT_FOUND", "This device is not activated for the license.");
        deps.observe({ activationId: existing.id });
        await requireKey(deps, license, existing, false);
        await withinChurnBudget(tx, license.id, license.limits, input.now);
        const released = await releaseActivation(tx, existing.id, "client", input.now);
        await syncActivationCount(tx, license.id, input.now);
        await announceReleased(record, license.tenantId, [released!], "client");
        return { activation: released!, heartbeatIntervalS: license.policy.heartbeatIntervalS };
      }),

    /** Keeps a device alive; a device past interval + grace was released: 409 HEARTBEAT_DEAD. */
    async heartbeat(input: { licenseKey: string; fingerprint: string; clientIp?: string; now: Date }): Promise<Seat> {
      const result = await changes(async (tx, record) => {
        const license = await lockLicense(deps, tx, input.licenseKey, input.now);
        // A heartbeat keeps a seat: the license must be usable, from an allowed address.
        requireValid(evaluateLicense(license, { use: "seat", clientIp: input.clientIp, now: input.now }));
        const existing = await findLiveActivation(tx, license.id, input.fingerprint);
        if (!existing) throw licenseError("ACTIVATION_NOT_FOUND", "This device is not activated for the license.");
        await requireKey(deps, license, existing, true);
        if (heartbeatDead(license.policy, existing.lastHeartbeatAt, input.now)) {
          // Consistent with validation: a dead device has lost its seat and must activate again.
          const released = await releaseActivation(tx, existing.id, "heartbeat", input.now);
          await syncActivationCount(tx, license.id, input.now);
          await announceReleased(record, license.tenantId, [released!], "heartbeat");
          return undefined;
        }
        return { activation: await touchActivation(tx, existing.id, input.now), heartbeatIntervalS: license.policy.heartbeatIntervalS };
      });
      // Thrown after the commit, so the release above is kept.
      if (!result) throw licenseError("HEARTBEAT_DEAD", "This device missed its heartbeat and was released; activate it again.");
      return result;
    },

    /** A license's activations (admin), with its policy's heartbeat interval for the answer. */
    async list(licenseId: string, page: PageRequest, options: { includeReleased: boolean }) {
      const tenantId = requireActor(deps).tenantId;
      const db = deps.db();
      const license = await getLicense(db, tenantId, licenseId);
      if (!license) throw notFound("License");
      const [policy, activations] = await Promise.all([getPolicy(db, tenantId, license.policyId), listActivations(db, tenantId, licenseId, page, options)]);
      return { page: activations, heartbeatIntervalS: policy?.heartbeatIntervalS ?? null };
    },

    /**
     * Frees one device the way its user would (the customer portal): within the policy's churn
     * budget, counted as a client deactivation, audited with the acting customer.
     */
    releaseAsClient: (licenseId: string, activationId: string, now: Date): Promise<ActivationRow> =>
      changes(async (tx, record) => {
        const tenantId = requireActor(deps).tenantId;
        if (!(await lockLicenseById(tx, tenantId, licenseId))) throw notFound("License");
        const license = await getLicense(tx, tenantId, licenseId);
        const policy = license ? await getPolicy(tx, tenantId, license.policyId) : undefined;
        // An unknown or already freed device is a 404 whatever the budget says.
        if (!(await findLiveActivationById(tx, licenseId, activationId))) throw notFound("Activation");
        await withinChurnBudget(
          tx,
          licenseId,
          { maxDeactivations: policy?.maxDeactivations ?? null, deactivationWindowS: policy?.deactivationWindowS ?? null },
          now,
        );
        const [live] = (await releaseActivations(tx, licenseId, now, activationId, "client")) as ActivationRow[];
        if (!live) throw notFound("Activation");
        await syncActivationCount(tx, licenseId, now);
        await record({
          action: "activation.delete",
          targetType: "activation",
          targetId: live.id,
          details: { license_id: licenseId, by: "customer" },
          event: { type: "activation.deleted", activation: live, reason: "client" },
        });
        return live;
      }),

    /** Releases one (or every) live activation of a license (admin): the seat is free at once, the row stays as history. */
    release: (licenseId: string, activationId?: string): Promise<ActivationRow[]> =>
      changes(async (tx, record) => {
        const tenantId = requireActor(deps).tenantId;
        if (!(await lockLicenseById(tx, tenantId, licenseId))) throw notFound("License");
        const now = new Date();
        const rows = await releaseActivations(tx, licenseId, now, activationId);
        if (activationId && rows.length === 0) throw notFound("Activation");
        await syncActivationCount(tx, licenseId, now);
        for (const row of rows) {
          await record({
            action: "activation.delete",
            targetType: "activation",
            targetId: row.id,
            details: { license_id: licenseId },
            event: { type: "activation.deleted", activation: row, reason: "admin" },
          });
        }
        return rows;
      }),
  };
}
