// Activate, deactivate and heartbeat: device seats on a license. Each runs in one transaction that
// starts by locking the license row, so seat counts stay exact however many requests race, and an
// `Idempotency-Key` retry replays the stored answer instead of taking a second seat.

import { and, eq } from "drizzle-orm";
import { type BindingMode, effectiveStatus } from "../contract/licenses";
import { sha256Hex } from "../crypto/hash";
import { LICENSE_KEY_PATTERN, newId } from "../crypto/random";
import {
  countLiveActivations,
  findIdempotentResponse,
  findLiveActivation,
  type LockedLicense,
  lockLicenseByKeyHash,
  recentClientDeactivations,
  releaseActivation,
  releaseDeadActivations,
  storeIdempotentResponse,
  syncActivationCount,
  type Tx,
} from "../db/queries/activations";
import { activations } from "../db/schema";
import { AppError, type ErrorCode } from "../errors";
import { canonicalDomain, ipAllowed } from "./binding";
import type { ChangeRunner, RecordChange } from "./changes";
import { heartbeatDead } from "./license-validation";

export type ActivationRow = typeof activations.$inferSelect;

export interface ActivateInput {
  licenseKey: string;
  fingerprint: string;
  name?: string;
  domain?: string;
  metadata?: Record<string, unknown>;
  clientIp?: string;
  idempotencyKey?: string;
  now: Date;
}

/** An activation as the public routes show it. */
export function activationBody(row: ActivationRow, policy?: { heartbeatIntervalS: number | null }) {
  return {
    id: row.id,
    license_id: row.licenseId,
    fingerprint: row.fingerprint,
    name: row.name,
    domain: row.domain,
    metadata: row.metadata,
    last_heartbeat_at: row.lastHeartbeatAt.toISOString(),
    next_heartbeat_after: policy?.heartbeatIntervalS != null ? new Date(row.lastHeartbeatAt.getTime() + policy.heartbeatIntervalS * 1000).toISOString() : null,
    deactivated_at: row.deactivatedAt?.toISOString() ?? null,
    created_at: row.createdAt.toISOString(),
  };
}

const licenseError = (code: ErrorCode, message: string) => new AppError(code, message);

/** The license must exist and be usable; unknown and malformed keys fail alike. */
async function lockUsableLicense(tx: Tx, licenseKey: string, now: Date): Promise<LockedLicense> {
  const license = LICENSE_KEY_PATTERN.test(licenseKey) ? await lockLicenseByKeyHash(tx, await sha256Hex(licenseKey)) : undefined;
  if (!license) throw licenseError("LICENSE_NOT_FOUND", "No license matches this key.");
  const status = effectiveStatus(license, now);
  if (status === "suspended") throw licenseError("LICENSE_SUSPENDED", "The license is suspended.");
  if (status === "revoked") throw licenseError("LICENSE_REVOKED", "The license has been revoked.");
  if (status === "expired") throw licenseError("LICENSE_EXPIRED", "The license has expired.");
  return license;
}

function checkBinding(mode: BindingMode, license: LockedLicense, input: ActivateInput): string | null {
  if (mode === "ip" && !ipAllowed(input.clientIp, license.allowedCidrs)) {
    throw licenseError("IP_NOT_ALLOWED", "The license may not be used from this IP address.");
  }
  if (input.domain === undefined) {
    if (mode === "domain")
      throw new AppError("VALIDATION_FAILED", "This license is domain-bound: send `domain`.", { details: [{ path: "domain", message: "Required" }] });
    return null;
  }
  const domain = canonicalDomain(input.domain);
  if (!domain) throw new AppError("VALIDATION_FAILED", "`domain` is not a valid host name.", { details: [{ path: "domain", message: "Invalid host name" }] });
  return domain;
}

export type ActivateOutcome = { status: 200 | 201; body: { activation: ReturnType<typeof activationBody>; created: boolean } };

/** Announces released activations (`activation.deleted`); public-route changes are not audited. */
async function announceReleased(record: RecordChange, tenantId: string, rows: ActivationRow[], reason: string) {
  for (const row of rows) {
    await record({
      tenantId,
      audit: false,
      action: "activation.release",
      targetType: "activation",
      targetId: row.id,
      event: { type: "activation.deleted", data: { ...activationBody(row), reason } },
    });
  }
}

export async function activate(run: ChangeRunner, input: ActivateInput): Promise<ActivateOutcome> {
  const requestHash = await sha256Hex(JSON.stringify([input.fingerprint, input.name, input.domain, input.metadata]));
  return run(async (tx, record) => {
    const license = await lockUsableLicense(tx, input.licenseKey, input.now);
    if (input.idempotencyKey) {
      const previous = await findIdempotentResponse(tx, license.id, "activate", input.idempotencyKey);
      if (previous) {
        if (previous.requestHash !== requestHash) {
          throw new AppError("IDEMPOTENCY_KEY_REUSED", "This Idempotency-Key was used with a different request.");
        }
        const replay = { status: previous.status as 200 | 201, body: previous.body as ActivateOutcome["body"] };
        // A replay answers what is still true: the seat it reported may since have been released.
        const live = await findLiveActivation(tx, license.id, input.fingerprint);
        if (live?.id !== replay.body.activation.id) {
          throw new AppError("CONFLICT", "The activation this Idempotency-Key answered has since been released; send a new Idempotency-Key to activate again.");
        }
        return replay;
      }
    }
    const domain = checkBinding(license.policy.bindingMode, license, input);
    const { heartbeatIntervalS, heartbeatGraceS } = license.policy;
    if (heartbeatIntervalS) {
      // Late devices stop holding seats before anyone is told the license is full.
      const deadBefore = new Date(input.now.getTime() - (heartbeatIntervalS + heartbeatGraceS) * 1000);
      await announceReleased(record, license.tenantId, await releaseDeadActivations(tx, license.id, deadBefore, input.now), "heartbeat");
    }

    let outcome: ActivateOutcome;
    const existing = await findLiveActivation(tx, license.id, input.fingerprint);
    if (existing && !heartbeatDead(license.policy, existing.lastHeartbeatAt, input.now)) {
      outcome = { status: 200, body: { activation: activationBody(existing, license.policy), created: false } };
    } else {
      const seats = await countLiveActivations(tx, license.id);
      const max = license.policy.maxActivations;
      if (max !== null && seats >= max) {
        throw new AppError("TOO_MANY_ACTIVATIONS", `The license allows ${max} activation${max === 1 ? "" : "s"}; deactivate a device first.`, {
          details: { max_activations: max, activations: seats },
        });
      }
      const [created] = await tx
        .insert(activations)
        .values({
          id: newId("act"),
          tenantId: license.tenantId,
          licenseId: license.id,
          fingerprint: input.fingerprint,
          name: input.name ?? null,
          domain,
          ip: input.clientIp ?? null,
          metadata: input.metadata ?? {},
          lastHeartbeatAt: input.now,
          createdAt: input.now,
        })
        .returning();
      await syncActivationCount(tx, license.id, input.now);
      outcome = { status: 201, body: { activation: activationBody(created!, license.policy), created: true } };
      await record({
        tenantId: license.tenantId,
        audit: false,
        action: "activation.create",
        targetType: "activation",
        targetId: created!.id,
        event: { type: "activation.created", data: outcome.body.activation },
      });
    }
    if (input.idempotencyKey) {
      await storeIdempotentResponse(tx, { licenseId: license.id, route: "activate", key: input.idempotencyKey, requestHash, ...outcome });
    }
    return outcome;
  });
}

export async function deactivate(run: ChangeRunner, input: { licenseKey: string; fingerprint: string; now: Date }) {
  return run(async (tx, record) => {
    // A suspended or expired license may still free its seats; only an unknown key is refused.
    const license = LICENSE_KEY_PATTERN.test(input.licenseKey) ? await lockLicenseByKeyHash(tx, await sha256Hex(input.licenseKey)) : undefined;
    if (!license) throw licenseError("LICENSE_NOT_FOUND", "No license matches this key.");
    const existing = await findLiveActivation(tx, license.id, input.fingerprint);
    if (!existing) throw licenseError("ACTIVATION_NOT_FOUND", "This device is not activated for the license.");
    const { maxDeactivations, deactivationWindowS } = license.policy;
    if (maxDeactivations !== null && deactivationWindowS) {
      const recent = await recentClientDeactivations(tx, license.id, new Date(input.now.getTime() - deactivationWindowS * 1000));
      if (recent.length >= maxDeactivations) {
        const oldest = recent[0]!.at!;
        const retryAfter = Math.max(1, Math.ceil((oldest.getTime() + deactivationWindowS * 1000 - input.now.getTime()) / 1000));
        throw new AppError("DEACTIVATION_LIMIT_REACHED", `At most ${maxDeactivations} deactivations per ${deactivationWindowS} s.`, {
          headers: { "Retry-After": String(retryAfter) },
          details: { max_deactivations: maxDeactivations, window_s: deactivationWindowS, retry_after_s: retryAfter },
        });
      }
    }
    const released = await releaseActivation(tx, existing.id, "client", input.now);
    await syncActivationCount(tx, license.id, input.now);
    await announceReleased(record, license.tenantId, [released!], "client");
    return activationBody(released!, license.policy);
  });
}

export async function heartbeat(run: ChangeRunner, input: { licenseKey: string; fingerprint: string; now: Date }) {
  const result = await run(async (tx, record) => {
    const license = await lockUsableLicense(tx, input.licenseKey, input.now);
    const existing = await findLiveActivation(tx, license.id, input.fingerprint);
    if (!existing) throw licenseError("ACTIVATION_NOT_FOUND", "This device is not activated for the license.");
    if (heartbeatDead(license.policy, existing.lastHeartbeatAt, input.now)) {
      // Consistent with validation: a dead device has lost its seat and must activate again.
      const released = await releaseActivation(tx, existing.id, "heartbeat", input.now);
      await syncActivationCount(tx, license.id, input.now);
      await announceReleased(record, license.tenantId, [released!], "heartbeat");
      return undefined;
    }
    const [updated] = await tx
      .update(activations)
      .set({ lastHeartbeatAt: input.now })
      .where(and(eq(activations.id, existing.id)))
      .returning();
    return activationBody(updated!, license.policy);
  });
  // Thrown after the commit, so the release above is kept.
  if (!result) throw licenseError("HEARTBEAT_DEAD", "This device missed its heartbeat and was released; activate it again.");
  return result;
}
