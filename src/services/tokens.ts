// License tokens: validate (no token), verify and validate-hardware (a signed token when valid),
// introspection (signature and claims checked locally, live status from one Postgres round trip
// and the KV denylist) and revocation (Postgres, then the tenant's KV namespace).
import { type LicenseTokenClaims, MAX_TOKEN_LIFETIME_S } from "../contract/tokens";
import { sha256Hex } from "../crypto/hash";
import { getKeyRing } from "../crypto/keys";
import type { IssuedToken } from "../crypto/license-token";
import { isDatabaseUnavailable } from "../db/client";
import { type IntrospectionRow, introspectionLookup } from "../db/repositories/introspection";
import { licenseBelongsTo } from "../db/repositories/licenses";
import { AppError, type ErrorCode, unavailable } from "../errors";
import type { activationService } from "./activations";
import { requireActor } from "./actor";
import { canonicalDomain } from "./binding";
import type { ChangeRunner } from "./changes";
import { licenseSubject, type ServiceDeps } from "./context";
import { degradedAnswers, degradedTokenLifetimeS } from "./degraded";
import { checkLicenseKey, type LicenseCheck } from "./license-check";
import { boundActivationId, evaluateLicense, heartbeatDead, type Validation } from "./license-validation";
import { kvRevocations, postgresRevocations } from "./revocations";
import type { tokenIssuer } from "./token-issuer";
import { checkToken, INTROSPECTION_CLOCK_TOLERANCE_S, TOKEN_FAILURE_REASON, type TokenCheck } from "./token-verification";

export type Check = Omit<LicenseCheck, "now">;

/** A verify's answer: the outcome, and the token when it is valid. */
export interface Verified {
  result: Validation;
  now: Date;
  token?: IssuedToken;
}

/** What introspection answers: inactive (with a reason for the token's own tenant), or live claims. */
export type Introspection = { active: false; reason?: string } | { active: true; claims: LicenseTokenClaims; status: string };

/** Outcomes a `bind_on_verify` policy turns into an activation: the device simply holds no seat yet. */
const BINDABLE = new Set(["VALID", "NOT_ACTIVATED", "FINGERPRINT_MISMATCH", "HEARTBEAT_DEAD"]);

/** Activation refusals that are validation outcomes when they happen inside a verify. */
const REFUSAL_CODES: Partial<Record<ErrorCode, Exclude<Validation["code"], "VALID">>> = {
  TOO_MANY_ACTIVATIONS: "TOO_MANY_ACTIVATIONS",
  LICENSE_NOT_FOUND: "NOT_FOUND",
  LICENSE_SUSPENDED: "SUSPENDED",
  LICENSE_REVOKED: "REVOKED",
  LICENSE_EXPIRED: "EXPIRED",
  IP_NOT_ALLOWED: "IP_NOT_ALLOWED",
};

function needsBinding(result: Validation, check: Check, now: Date): boolean {
  const license = result.license;
  if (!license?.policy.bindOnVerify || check.fingerprint === undefined || check.requireDevice) return false;
  const device = license.device?.id ? license.device : undefined;
  if (device && !heartbeatDead(license.policy, device.lastHeartbeatAt, now)) return false;
  return BINDABLE.has(result.code);
}

export function tokenService(
  deps: ServiceDeps,
  changes: ChangeRunner,
  activations: ReturnType<typeof activationService>,
  issuer: ReturnType<typeof tokenIssuer>,
) {
  const ring = () => getKeyRing(deps.config.signingKeys);
  const verification = () => ({ issuer: deps.config.issuer(), tokenUse: deps.config.tokenUse, clockTolerance: INTROSPECTION_CLOCK_TOLERANCE_S });

  /**
   * LicenseChain's "binds device on first verify": the device takes a seat through activate itself
   * (the license row lock, the seat limit, the events), then the answer is evaluated again with it.
   */
  async function bindDevice(result: Validation, check: Check, now: Date): Promise<Validation> {
    const license = result.license!;
    try {
      const outcome = await activations.activate({
        licenseKey: check.licenseKey,
        fingerprint: check.fingerprint!,
        domain: check.domain,
        clientIp: check.clientIp,
        now,
      });
      const device = { id: outcome.activation.id, lastHeartbeatAt: now, jkt: outcome.activation.dpopJkt ?? null };
      const bound = {
        ...license,
        device,
        domainDevice: outcome.activation.domain ? device : license.domainDevice,
        liveActivations: license.liveActivations + (outcome.created ? 1 : 0),
      };
      const domain = check.domain === undefined ? undefined : (canonicalDomain(check.domain) ?? null);
      const evaluated = evaluateLicense(bound, { ...check, use: "token", domain, proof: await deps.proof.state(), now });
      return evaluated.valid ? { ...evaluated, hwBound: true } : evaluated;
    } catch (err) {
      const code = err instanceof AppError ? REFUSAL_CODES[err.code] : undefined;
      if (!code) throw err;
      return { valid: false, code, license };
    }
  }

  /**
   * Tells the request's metric which license it concerned. An unknown key concerns no tenant,
   * whatever application it names: made-up requests must not count in a seller's figures.
   */
  function observed(result: Validation): Validation {
    const license = result.license;
    if (license) deps.observe(licenseSubject(license));
    return result;
  }

  const degraded = degradedAnswers(deps);

  /**
   * The live answer, kept for outages when VALID; while the database is unreachable, the edge's
   * last VALID answer for this very request if it may still be given (services/degraded.ts), else 503.
   */
  async function answer(check: Check, now: Date): Promise<Validation> {
    let result: Validation;
    try {
      result = await checkLicenseKey(deps.rows, { ...check, now }, deps.proof);
    } catch (err) {
      if (!isDatabaseUnavailable(err)) throw err;
      return observed(await degraded.answer({ ...check, proof: await deps.proof.state() }, now, err));
    }
    degraded.remember(check, result, now);
    return observed(result);
  }

  return {
    /** The status of a license key: one Postgres round trip (none for a key that cannot exist). */
    validate: (check: Check, now = new Date()): Promise<Validation> => answer({ ...check, use: "status" }, now),

    /** Validate, and when valid sign a license token (device-bound for validate-hardware and bound policies). */
    async verify(input: Check): Promise<Verified> {
      const now = new Date();
      const check: Check = { ...input, use: "token" };
      // The key import is cached per isolate; starting it alongside the query hides the first one.
      const [checked] = await Promise.all([answer(check, now), issuer.warm()]);
      // No binding from a degraded answer: it repeats a live VALID one, and writes cannot happen now.
      const degradedAnswer = checked.valid && checked.degraded !== undefined;
      const result = !degradedAnswer && needsBinding(checked, check, now) ? await bindDevice(checked, check, now) : checked;
      if (!result.valid) return { result, now };
      const token = await issuer.issue(
        result.license,
        {
          hwBound: result.hwBound,
          // Lets an offline verifier check the token belongs to this device (never the fingerprint itself).
          fingerprintSha256: result.hwBound && check.fingerprint !== undefined ? await sha256Hex(check.fingerprint) : undefined,
          activationId: boundActivationId(result),
          jkt: result.jkt,
          degraded: result.degraded ? { lifetimeS: degradedTokenLifetimeS(result.degraded, now) } : undefined,
        },
        now,
      );
      return { result, now, token };
    },

    /**
     * Introspection's one round trip: the token is checked locally, then the caller's credential,
     * the token's license (only within the caller's tenant) and its revocation record are read
     * together. Authentication then admits `found.key`.
     */
    async introspectionLookup(keyHash: string, token: string): Promise<{ check: TokenCheck; found: IntrospectionRow | undefined }> {
      const check = await checkToken(await ring(), token, verification());
      const ids = check.ok ? { sub: check.claims.sub, jti: check.claims.jti } : check.unverified;
      const stands = check.ok ? { leaseId: check.claims.lease?.id, activationId: check.claims.activation_id } : {};
      const found = await introspectionLookup(deps.rows(), { keyHash, licenseId: ids.sub ?? "", jti: ids.jti ?? "", ...stands });
      if (found) {
        deps.observe({
          tenantId: found.key.tenantId,
          licenseId: found.license?.id,
          customerId: found.license?.customerId,
          activationId: found.license ? stands.activationId : undefined,
        });
      }
      return { check, found };
    },

    /** Never `active: true` without the live check: a KV outage is a 503. Another tenant's token gets no reason. */
    async introspect(looked: { check: TokenCheck; found: IntrospectionRow }): Promise<Introspection> {
      const { check, found } = looked;
      const { license, tokenRevoked } = found;
      // A license of another tenant never joins: that caller learns nothing beyond `active: false`.
      const inactive = (reason: string): Introspection => (license ? { active: false, reason } : { active: false });
      if (!check.ok) return inactive(TOKEN_FAILURE_REASON[check.code]);
      if (!license) return { active: false };
      if (tokenRevoked) return inactive("token_revoked");
      if (license.status === "suspended") return inactive("license_suspended");
      if (license.status === "revoked") return inactive("license_revoked");
      if (license.expiresAt && license.expiresAt.getTime() <= Date.now()) return inactive("license_expired");
      // What the token stood on: a released or lapsed lease, a released device seat, ends it at once.
      if (found.lease && (found.lease.releasedAt !== null || found.lease.expiresAt.getTime() <= Date.now())) return inactive("lease_ended");
      if (found.activation && found.activation.deactivatedAt !== null) return inactive("activation_released");
      let revokedAtEdge: boolean;
      try {
        revokedAtEdge = await kvRevocations(deps.kv).isRevoked(requireActor(deps).tenantId, check.claims.jti);
      } catch (err) {
        throw unavailable(err);
      }
      if (revokedAtEdge) return inactive("token_revoked");
      return { active: true, claims: check.claims, status: license.status };
    },

    /**
     * Revokes one token, by `jti` or by the token itself: Postgres first (what introspection
     * reads), then the tenant's KV namespace after the response. Idempotent; another tenant's
     * token answers alike and records nothing.
     */
    async revoke(input: { jti?: string; token?: string }): Promise<{ jti: string; expiresAt: Date }> {
      const actor = requireActor(deps);
      let jti = input.jti;
      let licenseId: string | null = null;
      let expiresAt = new Date(Date.now() + MAX_TOKEN_LIFETIME_S * 1000);
      if (input.token !== undefined) {
        const check = await checkToken(await ring(), input.token, verification());
        if (!check.ok) {
          // Already dead: nothing to record, and the answer stays the same as for a live token.
          if (check.code === "ERR_TOKEN_EXPIRED" && check.unverified.jti) return { jti: check.unverified.jti, expiresAt: new Date() };
          throw new AppError("BAD_REQUEST", "`token` is not a valid license token of this service.");
        }
        jti = check.claims.jti;
        expiresAt = new Date(check.claims.exp * 1000);
        if (!(await licenseBelongsTo(deps.db(), check.claims.sub, actor.tenantId))) return { jti, expiresAt };
        licenseId = check.claims.sub;
      }
      const revocation = { tenantId: actor.tenantId, jti: jti!, licenseId, expiresAt, revokedBy: actor.keyId };
      deps.observe({ tenantId: actor.tenantId, licenseId: licenseId ?? undefined });
      await changes(async (tx, record) => {
        if (await postgresRevocations(tx).revoke(revocation)) {
          await record({
            action: "token.revoke",
            targetType: "license_token",
            targetId: revocation.jti,
            details: { license_id: licenseId },
            event: { type: "token.revoked", jti: revocation.jti, licenseId, expiresAt },
          });
        }
      });
      deps.defer(kvRevocations(deps.kv).revoke(revocation));
      return { jti: revocation.jti, expiresAt };
    },
  };
}
