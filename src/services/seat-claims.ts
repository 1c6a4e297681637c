// The activation fast path: a plain activation by license key, with no transaction. The license
// is read over Neon's HTTP path and judged by the refusal model; then one conditional statement
// (db/repositories/seats.ts) takes a seat, inserts the activation and writes its event, so the
// license row is locked only while that statement runs. Retries with an Idempotency-Key,
// air-gapped uploads and dead devices that may free a seat take the transaction
// (services/activations.ts) instead.
import type { BindingMode } from "../contract/licenses";
import { sha256Hex } from "../crypto/hash";
import { LICENSE_KEY_PATTERN, newId } from "../crypto/random";
import { postgresCode } from "../db/client";
import type { ActivationRow } from "../db/repositories/activations";
import { findLicenseForSeat, type LockedLicenseRecord } from "../db/repositories/licenses";
import { bindActivationKey, liveActivationCount, readActivation, takeSeatWithActivation } from "../db/repositories/seats";
import { AppError } from "../errors";
import { canonicalDomain, networkOf } from "./binding";
import { licenseSubject, type ServiceDeps } from "./context";
import { lookupWithProof, type ProofState, proofError, proofToBind } from "./device-proof";
import { outboxEntry } from "./events";
import { evaluateLicense, heartbeatDead, refusalError, requireValid, statusRefusal } from "./license-validation";
import { deliverDue } from "./webhook-delivery";

export interface ActivateInput {
  licenseKey: string;
  /** The key's hash, when the caller has the license but not its key (an air-gapped request). */
  keyHash?: string;
  /** Audited as the acting credential's change (admin uploads); public activations are not. */
  audit?: boolean;
  fingerprint: string;
  name?: string;
  domain?: string;
  metadata?: Record<string, unknown>;
  clientIp?: string;
  idempotencyKey?: string;
  /** An air-gapped request signed by its device key: the key's thumbprint, checked by the caller (offline-activations.ts). */
  deviceJkt?: string;
  now: Date;
}

/** An activation and the heartbeat interval its answer needs (`next_heartbeat_after`). */
export interface Seat {
  activation: ActivationRow;
  heartbeatIntervalS: number | null;
}

export interface ActivateOutcome extends Seat {
  status: 200 | 201;
  created: boolean;
}

/**
 * The device key an activation binds, or proves when the device holds one already: the request's
 * DPoP proof, or the key that signed an air-gapped request (device-proof.ts `proofToBind`).
 */
export async function keyForSeat(
  deps: ServiceDeps,
  license: Pick<LockedLicenseRecord, "policy">,
  held: string | null | undefined,
  input: ActivateInput,
): Promise<string | undefined> {
  const state: ProofState =
    input.deviceJkt !== undefined ? { check: { ok: true, jkt: input.deviceJkt, jti: "", iat: 0 }, replayed: false } : await deps.proof.state();
  const decided = proofToBind(license.policy.proofOfPossession, held, state);
  if ("error" in decided) throw decided.error;
  return decided.jkt;
}

/** A held activation, bound to `jkt` when it was bound to no key; refused when another key bound it meanwhile. */
export async function withKey(activation: ActivationRow, jkt: string | undefined, bind: (id: string, jkt: string) => Promise<ActivationRow | undefined>) {
  if (!jkt || activation.dpopJkt === jkt) return activation;
  const bound = await bind(activation.id, jkt);
  if (!bound) throw proofError("DPOP_KEY_MISMATCH", "This device was bound to another key meanwhile.");
  return bound;
}

/** Postgres' unique violation: another request activated the same device first. */
export const isUniqueViolation = (err: unknown) => postgresCode(err) === "23505";

/** A domain-bound license needs the domain it is activated for; any domain sent must be a host name. */
export function requestedDomain(mode: BindingMode, input: ActivateInput): string | undefined {
  if (input.domain === undefined) {
    if (mode === "domain") {
      throw new AppError("VALIDATION_FAILED", "This license is domain-bound: send `domain`.", { details: [{ path: "domain", message: "Required" }] });
    }
    return undefined;
  }
  const domain = canonicalDomain(input.domain);
  if (!domain) throw new AppError("VALIDATION_FAILED", "`domain` is not a valid host name.", { details: [{ path: "domain", message: "Invalid host name" }] });
  return domain;
}

/**
 * The one-statement path (db/repositories/seats.ts): read the license over HTTP, judge it, and
 * take a seat, insert the activation and announce it in one statement. Undefined when the case
 * needs the transaction (the device's own dead activation, or dead devices that may free a seat).
 */
export async function claimSeat(deps: ServiceDeps, input: ActivateInput, again = false): Promise<ActivateOutcome | undefined> {
  const rows = deps.rows();
  const hash = LICENSE_KEY_PATTERN.test(input.licenseKey) ? await sha256Hex(input.licenseKey) : undefined;
  const { found } = await lookupWithProof(
    deps.proof,
    (proofKey) => (hash ? findLicenseForSeat(rows, hash, { fingerprint: input.fingerprint, proofKey }) : Promise.resolve(undefined)),
    (record) => record?.proofReplayed,
  );
  if (!found) throw refusalError("NOT_FOUND");
  deps.observe(licenseSubject(found));
  const license = requireValid(evaluateLicense(found, { use: "seat", clientIp: input.clientIp, now: input.now })).license as LockedLicenseRecord;
  const domain = requestedDomain(license.policy.bindingMode, input);
  const { heartbeatIntervalS } = license.policy;
  const live = license.device?.id && !heartbeatDead(license.policy, license.device.lastHeartbeatAt, input.now) ? license.device : undefined;
  // A live device proves the key it holds (or binds one); a new or dead one binds the request's.
  const jkt = await keyForSeat(deps, license, live?.jkt, input);
  if (license.device?.id) {
    if (!live) return undefined;
    const held = await readActivation(rows, license.id, license.device.id);
    if (held && held.deactivatedAt === null) {
      const activation = await withKey(held, jkt, (id, key) => bindActivationKey(rows, license.id, id, key));
      return { status: 200, created: false, activation, heartbeatIntervalS };
    }
  }
  const activation: ActivationRow = {
    id: newId("act"),
    tenantId: license.tenantId,
    licenseId: license.id,
    fingerprint: input.fingerprint,
    name: input.name ?? null,
    domain: domain ?? null,
    ip: networkOf(input.clientIp) ?? null,
    metadata: input.metadata ?? {},
    lastHeartbeatAt: input.now,
    deactivatedAt: null,
    deactivationReason: null,
    createdAt: input.now,
    dpopJkt: jkt ?? null,
  };
  const event = outboxEntry({ type: "activation.created", activation, heartbeatIntervalS }, deps.serializeEvent, input.now);
  let taken: boolean;
  try {
    ({ taken } = await takeSeatWithActivation(rows, {
      licenseId: license.id,
      tenantId: license.tenantId,
      maxActivations: license.limits.maxActivations,
      activation,
      event,
    }));
  } catch (err) {
    // The same device activated meanwhile: look again, once, and answer its seat.
    if (isUniqueViolation(err) && !again) return claimSeat(deps, input, true);
    throw err;
  }
  if (taken) {
    deps.defer(deliverDue(deps.db(), deps.config, { eventIds: [event.id] }));
    return { status: 201, created: true, activation, heartbeatIntervalS };
  }
  // Dead devices may hold seats the transaction would free first.
  if (heartbeatIntervalS) return undefined;
  const now = await findLicenseForSeat(rows, license.keyHash, { fingerprint: input.fingerprint });
  const changed = now ? statusRefusal(now, input.now) : "NOT_FOUND";
  if (changed) throw refusalError(changed);
  // This very device took the last seat meanwhile (a concurrent request): that seat is its answer.
  const meanwhile = now?.device?.id ? await readActivation(rows, license.id, now.device.id) : undefined;
  if (meanwhile && meanwhile.deactivatedAt === null) {
    if (meanwhile.dpopJkt && meanwhile.dpopJkt !== jkt) throw proofError("DPOP_KEY_MISMATCH", "This device was activated meanwhile with another key.");
    return { status: 200, created: false, activation: meanwhile, heartbeatIntervalS };
  }
  const max = license.limits.maxActivations!;
  throw new AppError("TOO_MANY_ACTIVATIONS", `The license allows ${max} activation${max === 1 ? "" : "s"}; deactivate a device first.`, {
    details: { max_activations: max, activations: await liveActivationCount(rows, license.id) },
  });
}
