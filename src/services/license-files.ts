// License files: a usable license (and, for a machine file, one of its live activations) signed
// into a long-lived file an app verifies offline. The lifetime comes from the request within the
// policy's bounds and never passes the license's own expiry unless the policy lets files outlive
// it. Each checkout gives the license its status-list index if it has none, and is announced
// (`license.checked_out`) and, from the admin API, audited.
import type { LicenseFileClaims } from "@edge-license/sdk";
import { effectiveStatus } from "../contract/licenses";
import { sha256Hex } from "../crypto/hash";
import { getKeyRing } from "../crypto/keys";
import { signLicenseFile } from "../crypto/license-file";
import { LICENSE_KEY_PATTERN, newId } from "../crypto/random";
import type { Tx } from "../db/client";
import { type ActivationRow, findLiveActivation, findLiveActivationById } from "../db/repositories/activations";
import type { LeaseRow } from "../db/repositories/leases";
import { getLicense, type LicenseRow, lockLicenseById, lockLicenseByKeyHash } from "../db/repositories/licenses";
import { getPolicy, type PolicyRow } from "../db/repositories/policies";
import { ensureStatusIndex } from "../db/repositories/status-lists";
import { AppError, notFound } from "../errors";
import { requireActor } from "./actor";
import type { ChangeRunner, RecordChange } from "./changes";
import type { ServiceDeps } from "./context";
import type { LicenseCheckout } from "./events";
import { heartbeatDead } from "./license-validation";
import { statusListUri } from "./status-lists";

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

const invalidTtl = (message: string) => new AppError("VALIDATION_FAILED", message, { details: [{ path: "ttl_s", message }] });

/** The file's `exp` (Unix seconds), or null for a perpetual file. */
function fileExpiry(policy: PolicyRow, license: LicenseRow, iat: number, ttlS: number | null | undefined): number | null {
  const ttl = ttlS === undefined ? policy.offlineTtlDefaultS : ttlS;
  if (ttl === null && !policy.allowPerpetualOffline) throw invalidTtl("The policy does not allow perpetual license files.");
  if (ttl !== null && ttl > policy.offlineTtlMaxS) throw invalidTtl(`The policy allows license files of at most ${policy.offlineTtlMaxS} s.`);
  const exp = ttl === null ? null : iat + ttl;
  if (!license.expiresAt || policy.offlineOutlivesLicense) return exp;
  const licenseExp = Math.floor(license.expiresAt.getTime() / 1000);
  return exp === null ? licenseExp : Math.min(exp, licenseExp);
}

function refuseUnusable(license: LicenseRow, now: Date): void {
  const status = effectiveStatus(license, now);
  if (status === "suspended") throw new AppError("LICENSE_SUSPENDED", "A suspended license gets no license file.");
  if (status === "revoked") throw new AppError("LICENSE_REVOKED", "A revoked license gets no license file.");
  if (status === "expired") throw new AppError("LICENSE_EXPIRED", "An expired license gets no license file.");
}

export function licenseFileService(deps: ServiceDeps, changes: ChangeRunner) {
  async function issue(
    tx: Tx,
    record: RecordChange,
    subject: { license: LicenseRow; activation: ActivationRow | null; admin: boolean; lease?: LeaseRow },
    request: CheckoutRequest,
  ): Promise<CheckedOut> {
    const { license, activation, lease } = subject;
    const policy = await getPolicy(tx, license.tenantId, license.policyId);
    if (!policy) throw notFound("Policy");
    const iat = Math.floor(request.now.getTime() / 1000);
    // A borrowed lease's file ends with the borrow, which the lease service has bounded already.
    const exp = lease ? Math.floor(lease.expiresAt.getTime() / 1000) : fileExpiry(policy, license, iat, request.ttlS);
    const ref = await ensureStatusIndex(tx, license.tenantId, license.id, newId("sl"));
    const jti = newId("lf");
    const claims: LicenseFileClaims = {
      iss: deps.config.issuer(),
      sub: license.id,
      ...(license.applicationId ? { aud: license.applicationId } : {}),
      iat,
      nbf: iat,
      ...(exp !== null ? { exp } : {}),
      jti,
      license_status: "active",
      ...(license.expiresAt ? { license_exp: Math.floor(license.expiresAt.getTime() / 1000) } : {}),
      plan: license.plan,
      features: license.features,
      policy: { id: policy.id, name: policy.name, binding_mode: policy.bindingMode, max_activations: policy.maxActivations },
      ...(activation ? { activation_id: activation.id, fingerprint_sha256: await sha256Hex(activation.fingerprint) } : {}),
      ...(lease ? { lease_id: lease.id } : {}),
      status: { status_list: { idx: ref.idx, uri: statusListUri(deps.config.issuer(), ref.listId) } },
    };
    const seal = request.encrypt ? { keyHash: license.keyHash, fingerprint: activation?.fingerprint } : undefined;
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
    });
    return out;
  }

  return {
    /** A borrowed lease's file, in the borrow's transaction: valid until the borrow ends. */
    async issueForLease(tx: Tx, record: RecordChange, licenseId: string, lease: LeaseRow, now: Date): Promise<CheckedOut> {
      const license = (await getLicense(tx, lease.tenantId, licenseId))!;
      return issue(tx, record, { license, activation: null, admin: false, lease }, { encrypt: false, now });
    },

    /** Admin: a file for a license, or for one of its live activations (a machine file). */
    checkout: (licenseId: string, request: CheckoutRequest & { activationId?: string }): Promise<CheckedOut> =>
      changes(async (tx, record) => {
        const tenantId = requireActor(deps).tenantId;
        if (!(await lockLicenseById(tx, tenantId, licenseId))) throw notFound("License");
        const license = (await getLicense(tx, tenantId, licenseId))!;
        refuseUnusable(license, request.now);
        const activation = request.activationId ? await findLiveActivationById(tx, license.id, request.activationId) : null;
        if (activation === undefined) throw notFound("Activation");
        return issue(tx, record, { license, activation, admin: true }, request);
      }),

    /** Public: the license key and the fingerprint of a live activation give that device its machine file. */
    checkoutByKey: (input: CheckoutRequest & { licenseKey: string; fingerprint: string }): Promise<CheckedOut> =>
      changes(async (tx, record) => {
        const locked = LICENSE_KEY_PATTERN.test(input.licenseKey) ? await lockLicenseByKeyHash(tx, await sha256Hex(input.licenseKey)) : undefined;
        if (!locked) throw new AppError("LICENSE_NOT_FOUND", "No license matches this key.");
        deps.observe({ tenantId: locked.tenantId, licenseId: locked.id, applicationId: locked.applicationId, policyId: locked.policyId });
        const license = (await getLicense(tx, locked.tenantId, locked.id))!;
        refuseUnusable(license, input.now);
        const activation = await findLiveActivation(tx, license.id, input.fingerprint);
        if (!activation || heartbeatDead(locked.policy, activation.lastHeartbeatAt, input.now)) {
          throw new AppError("ACTIVATION_NOT_FOUND", "This device holds no live activation of the license: activate it first.");
        }
        return issue(tx, record, { license, activation, admin: false }, input);
      }),
  };
}
