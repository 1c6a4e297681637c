// License files: a usable license (and, for a machine file, one of its live activations) signed
// into a long-lived file an app verifies offline. Whether the license may have one is decided by
// the refusal model, exactly as verify decides (status, expiry, binding, a floating license's
// lease); the lifetime comes from the request within the policy's bounds (a device asking for its
// own machine file may only shorten the policy's default) and never passes the license's expiry
// unless the policy lets files outlive it. Each file names its own status-list entry: the
// license's, the activation's (a machine file dies when its seat is released) or the borrowed
// lease's. Every checkout is announced (`license.checked_out`) and, from the admin API, audited.
import type { LicenseFileClaims } from "@edge-license/sdk";
import { sha256Hex } from "../crypto/hash";
import { getKeyRing } from "../crypto/keys";
import { signLicenseFile } from "../crypto/license-file";
import { LICENSE_KEY_PATTERN, newId } from "../crypto/random";
import type { Tx } from "../db/client";
import { type ActivationRow, findLiveActivation, findLiveActivationById } from "../db/repositories/activations";
import type { LeaseRow } from "../db/repositories/leases";
import { type LockedLicenseRecord, lockLicenseRecord, lockLicenseRecordById } from "../db/repositories/licenses";
import { getPolicy, type PolicyRow } from "../db/repositories/policies";
import { type EntryHolder, statusEntryFor } from "../db/repositories/status-lists";
import { AppError, notFound } from "../errors";
import { requireActor } from "./actor";
import { canonicalDomain } from "./binding";
import type { ChangeRunner, RecordChange } from "./changes";
import { licenseSubject, type ServiceDeps } from "./context";
import { lookupWithProof } from "./device-proof";
import type { LicenseCheckout } from "./events";
import { evaluateLicense, type Refusal, refusalError, requireValid } from "./license-validation";
import { statusListUri } from "./status-lists";
import { audienceOf } from "./token-issuer";

export interface CheckoutRequest {
  /** Seconds; undefined = the policy's default; null = no `exp` (perpetual, if the policy allows). */
  ttlS?: number | null;
  /** Seal the claims (readable only with the license key, and the fingerprint of a machine file). */
  encrypt: boolean;
  now: Date;
}

export interface CheckedOut extends LicenseCheckout {
  /** The armored file. */
  file: string;
}

/** Whom a file is for: the license, or one device (an activation, or the device that borrowed a lease). */
interface FileSubject {
  license: LockedLicenseRecord;
  activation?: ActivationRow;
  lease?: LeaseRow;
  /** The device a borrowed lease's file is bound to. */
  fingerprint?: string;
  /** The device key a borrowed lease's borrower proved (a machine file names its activation's key). */
  jkt?: string;
  admin: boolean;
  /** The longest lifetime this caller may ask for: the policy's maximum (admins) or its default (devices). */
  ceiling: "max" | "default";
}

/** What an admin checkout's refusals mean to the seller asking. */
const ADMIN_REFUSALS: Partial<Record<Refusal, string>> = {
  IP_NOT_ALLOWED: "An IP-bound license is checked online, from its allowed addresses: it gets no license file.",
  NOT_ACTIVATED: "This license is bound to a device or domain: check out a machine file for one of its activations (`activation_id`).",
  FINGERPRINT_MISMATCH: "This license is bound to a device: check out a machine file for one of its live activations (`activation_id`).",
  DOMAIN_MISMATCH: "This license is bound to a domain: check out a machine file for the activation of that domain (`activation_id`).",
};

const invalidTtl = (message: string) => new AppError("VALIDATION_FAILED", message, { details: [{ path: "ttl_s", message }] });

/** The file's `exp` (Unix seconds), or null for a perpetual file. */
function fileExpiry(policy: PolicyRow, license: LockedLicenseRecord, iat: number, ttlS: number | null | undefined, ceiling: "max" | "default"): number | null {
  const ttl = ttlS === undefined ? policy.offlineTtlDefaultS : ttlS;
  if (ceiling === "default" && (ttl === null || ttl > policy.offlineTtlDefaultS)) {
    throw invalidTtl(`A device may ask for a file of at most ${policy.offlineTtlDefaultS} s (the policy's offline_ttl_default_s).`);
  }
  if (ttl === null && !policy.allowPerpetualOffline) throw invalidTtl("The policy does not allow perpetual license files.");
  if (ttl !== null && ttl > policy.offlineTtlMaxS) throw invalidTtl(`The policy allows license files of at most ${policy.offlineTtlMaxS} s.`);
  const exp = ttl === null ? null : iat + ttl;
  if (!license.expiresAt || policy.offlineOutlivesLicense) return exp;
  const licenseExp = Math.floor(license.expiresAt.getTime() / 1000);
  return exp === null ? licenseExp : Math.min(exp, licenseExp);
}

export function licenseFileService(deps: ServiceDeps, changes: ChangeRunner) {
  async function issue(tx: Tx, record: RecordChange, subject: FileSubject, request: CheckoutRequest): Promise<CheckedOut> {
    const { license, activation, lease } = subject;
    const policy = await getPolicy(tx, license.tenantId, license.policyId);
    if (!policy) throw notFound("Policy");
    const iat = Math.floor(request.now.getTime() / 1000);
    // A borrowed lease's file ends with the borrow, which the lease service has bounded already.
    const exp = lease ? Math.floor(lease.expiresAt.getTime() / 1000) : fileExpiry(policy, license, iat, request.ttlS, subject.ceiling);
    const holder: EntryHolder = { licenseId: license.id, activationId: activation?.id, leaseId: lease?.id };
    const entry = await statusEntryFor(tx, license.tenantId, holder, newId("sl"));
    const fingerprint = activation?.fingerprint ?? subject.fingerprint;
    // A key-bound device's file names its key: on another computer (same fingerprint, other key) the SDK refuses it.
    const jkt = policy.proofOfPossession !== "none" ? (activation?.dpopJkt ?? subject.jkt) : undefined;
    const jti = newId("lf");
    const claims: LicenseFileClaims = {
      iss: deps.config.issuer(),
      sub: license.id,
      aud: audienceOf(license),
      iat,
      nbf: iat,
      ...(exp !== null ? { exp } : {}),
      jti,
      license_status: "active",
      ...(license.expiresAt ? { license_exp: Math.floor(license.expiresAt.getTime() / 1000) } : {}),
      plan: license.plan,
      features: license.features,
      policy: { id: policy.id, name: policy.name, binding_mode: policy.bindingMode, max_activations: policy.maxActivations },
      ...(activation ? { activation_id: activation.id } : {}),
      ...(fingerprint !== undefined ? { fingerprint_sha256: await sha256Hex(fingerprint) } : {}),
      ...(lease ? { lease_id: lease.id } : {}),
      status: { status_list: { idx: entry.idx, uri: statusListUri(deps.config.issuer(), entry.listId) } },
      ...(jkt ? { cnf: { jkt } } : {}),
    };
    const seal = request.encrypt ? { keyHash: license.keyHash, fingerprint } : undefined;
    const file = await signLicenseFile(await getKeyRing(deps.config.signingKeys), claims, seal);
    const out: CheckedOut = {
      file,
      id: jti,
      licenseId: license.id,
      issuedAt: new Date(iat * 1000),
      expiresAt: exp === null ? null : new Date(exp * 1000),
      activationId: activation?.id ?? null,
      encrypted: request.encrypt,
    };
    const { file: _sealed, ...checkout } = out;
    await record({
      tenantId: license.tenantId,
      audit: subject.admin,
      action: "license.checkout",
      targetType: "license",
      targetId: license.id,
      details: { file_id: jti, activation_id: out.activationId, expires_at: out.expiresAt?.toISOString() ?? null, encrypted: request.encrypt },
      event: { type: "license.checked_out", checkout, applicationId: license.applicationId },
      // An entry past the list's published size: the list is rebuilt after the commit (by the cron if that fails).
      affects: entry.grown ? { statusList: true } : undefined,
    });
    return out;
  }

  return {
    /** A borrowed lease's machine file, in the borrow's transaction (the license judged and locked there): valid until the borrow ends. */
    issueForLease: (tx: Tx, record: RecordChange, input: { license: LockedLicenseRecord; lease: LeaseRow; fingerprint: string; jkt?: string; now: Date }) =>
      issue(
        tx,
        record,
        { license: input.license, lease: input.lease, fingerprint: input.fingerprint, jkt: input.jkt, admin: false, ceiling: "max" },
        { encrypt: false, now: input.now },
      ),

    /**
     * Admin: a file for a license, or for one of its live activations (a machine file). The seller
     * is not the device: a hardware- or domain-bound license gets machine files only, and an
     * IP-bound one none (the address can only be checked online).
     */
    checkout: (licenseId: string, request: CheckoutRequest & { activationId?: string }): Promise<CheckedOut> =>
      changes(async (tx, record) => {
        const tenantId = requireActor(deps).tenantId;
        const activation = request.activationId ? await findLiveActivationById(tx, licenseId, request.activationId) : undefined;
        const device = activation ? { fingerprint: activation.fingerprint, domain: activation.domain ?? undefined } : {};
        const license = await lockLicenseRecordById(tx, tenantId, licenseId, device);
        if (!license) throw notFound("License");
        if (request.activationId && !activation) throw notFound("Activation");
        // The seller is not the device: no client address to check, and the device is the activation named.
        const decision = evaluateLicense(license, { use: "file", requireDevice: activation !== undefined, ...device, trusted: true, now: request.now });
        if (!decision.valid) throw refusalError(decision.code, ADMIN_REFUSALS[decision.code]);
        return issue(tx, record, { license, activation, admin: true, ceiling: "max" }, request);
      }),

    /**
     * Public: the license key and a live activation's fingerprint (and domain, for a domain-bound
     * license) give that device its machine file, judged as verify would judge it.
     */
    checkoutByKey: (input: CheckoutRequest & { licenseKey: string; fingerprint: string; domain?: string; clientIp?: string; applicationId?: string }) =>
      changes(async (tx, record) => {
        const domain = input.domain === undefined ? undefined : (canonicalDomain(input.domain) ?? null);
        const hash = LICENSE_KEY_PATTERN.test(input.licenseKey) ? await sha256Hex(input.licenseKey) : undefined;
        const { found: license, proof } = await lookupWithProof(
          deps.proof,
          (proofKey) =>
            hash ? lockLicenseRecord(tx, hash, { fingerprint: input.fingerprint, domain: domain ?? undefined, proofKey }) : Promise.resolve(undefined),
          (found) => found?.proofReplayed,
        );
        if (license) deps.observe(licenseSubject(license));
        requireValid(
          evaluateLicense(license, {
            use: "file",
            requireDevice: true,
            applicationId: input.applicationId,
            fingerprint: input.fingerprint,
            domain,
            clientIp: input.clientIp,
            proof,
            now: input.now,
          }),
        );
        const activation = (await findLiveActivation(tx, license!.id, input.fingerprint))!;
        return issue(tx, record, { license: license!, activation, admin: false, ceiling: "default" }, input);
      }),
  };
}
