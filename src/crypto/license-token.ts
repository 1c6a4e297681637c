// Issues license tokens: RS256 (or the configured algorithm) JWTs with the spec's exact claims.

import { SignJWT } from "jose";
import type { PlanTier, TokenTier } from "../contract/tokens";
import { LICENSE_TOKEN_TYP, type LicenseTokenClaims, TOKEN_LIFETIME_S } from "../contract/tokens";
import type { KeyRing } from "./keys";

export interface TokenSubject {
  licenseId: string;
  /** `aud`: the application, or the tenant of a license without one (never absent). */
  audience: string;
  expiresAt: Date | null;
  plan: string | null;
  features: string[];
  tokenTier: TokenTier;
  sellerTier: PlanTier;
  hwBound: boolean;
  /** Hex SHA-256 of the device fingerprint a hardware-bound token is for. */
  fingerprintSha256?: string;
  /** The activation the token stands on (its release ends the token). */
  activationId?: string;
  /** Issued from the edge's snapshot during a database outage: short-lived, and says so. */
  degraded?: { lifetimeS: number };
  /** The license's entry in its tenant's status list. */
  statusList?: { idx: number; uri: string };
  /** A floating seat: the token ends with the lease (a heartbeat brings a new one). */
  lease?: { id: string; expiresAt: Date };
  /** The device key (RFC 7638 thumbprint) the request proved: the token names it in `cnf.jkt` (RFC 7800, RFC 9449). */
  jkt?: string;
}

export interface IssuedToken {
  token: string;
  jti: string;
  expiresAt: Date;
  claims: LicenseTokenClaims;
}

export async function issueLicenseToken(ring: KeyRing, subject: TokenSubject, options: { issuer: string; tokenUse: string; now: Date }): Promise<IssuedToken> {
  const iat = Math.floor(options.now.getTime() / 1000);
  const licenseExp = subject.expiresAt ? Math.floor(subject.expiresAt.getTime() / 1000) : undefined;
  const leaseExp = subject.lease ? Math.floor(subject.lease.expiresAt.getTime() / 1000) : undefined;
  const lifetimeS = Math.min(TOKEN_LIFETIME_S[subject.tokenTier], subject.degraded?.lifetimeS ?? Number.MAX_SAFE_INTEGER);
  const exp = leaseExp ?? Math.min(iat + lifetimeS, licenseExp ?? Number.MAX_SAFE_INTEGER);
  const jti = crypto.randomUUID();
  const claims: LicenseTokenClaims = {
    iss: options.issuer,
    sub: subject.licenseId,
    aud: subject.audience,
    exp,
    iat,
    nbf: iat,
    jti,
    token_use: options.tokenUse,
    lc_vt: subject.tokenTier,
    seller_tier: subject.sellerTier,
    status: "active",
    hw_bound: subject.hwBound,
    ...(subject.fingerprintSha256 ? { fingerprint_sha256: subject.fingerprintSha256 } : {}),
    ...(subject.activationId ? { activation_id: subject.activationId } : {}),
    plan: subject.plan,
    features: subject.features,
    ...(licenseExp !== undefined ? { license_exp: licenseExp } : {}),
    ...(subject.degraded ? { degraded: true } : {}),
    ...(subject.statusList ? { status_list: subject.statusList } : {}),
    ...(subject.lease && leaseExp !== undefined ? { lease: { id: subject.lease.id, exp: leaseExp } } : {}),
    ...(subject.jkt ? { cnf: { jkt: subject.jkt } } : {}),
  };
  const token = await new SignJWT(claims).setProtectedHeader({ alg: ring.signer.alg, kid: ring.signer.kid, typ: LICENSE_TOKEN_TYP }).sign(ring.signer.key);
  return { token, jti, expiresAt: new Date(exp * 1000), claims };
}
