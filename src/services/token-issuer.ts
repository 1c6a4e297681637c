// License tokens from a judged license record: one place decides what a token says about whom it
// is for (its audience, never absent), which status-list entry it names, and what it stands on
// (the device's activation, or the lease), for verify, validate-hardware and the lease routes.
import type { TokenTier } from "../contract/tokens";
import { getKeyRing } from "../crypto/keys";
import { type IssuedToken, issueLicenseToken } from "../crypto/license-token";
import type { LicenseRecord } from "../db/repositories/licenses";
import type { ServiceDeps } from "./context";
import { statusListUri } from "./status-lists";

/**
 * A token's audience: the license's application, or for a license without one its tenant, so
 * `aud` is never absent and no tenant's token verifies where another's is expected (RFC 8725 §3.9).
 */
export const audienceOf = (license: { applicationId: string | null; tenantId: string }) => license.applicationId ?? license.tenantId;

export interface TokenOptions {
  hwBound: boolean;
  /** Hex SHA-256 of the device fingerprint a device-bound token is for. */
  fingerprintSha256?: string;
  /** The activation the token stands on: its release ends the token (introspection). */
  activationId?: string;
  /** A floating seat's token ends with its lease. */
  lease?: { id: string; expiresAt: Date };
  degraded?: { lifetimeS: number };
  /** Overrides the policy's tier (lease tokens are short: they rotate with each heartbeat). */
  tokenTier?: TokenTier;
  /** The device key the request proved (`cnf.jkt`). */
  jkt?: string;
}

export function tokenIssuer(deps: Pick<ServiceDeps, "config">) {
  return {
    /** Imports the signing key (cached per isolate), so a caller can start it alongside its query. */
    warm: () => getKeyRing(deps.config.signingKeys),

    async issue(license: LicenseRecord, options: TokenOptions, now: Date): Promise<IssuedToken> {
      const issuer = deps.config.issuer();
      return issueLicenseToken(
        await getKeyRing(deps.config.signingKeys),
        {
          licenseId: license.id,
          audience: audienceOf(license),
          expiresAt: license.expiresAt,
          plan: license.plan,
          features: license.features,
          tokenTier: options.tokenTier ?? license.policy.tokenTier,
          sellerTier: license.planTier,
          hwBound: options.hwBound,
          fingerprintSha256: options.fingerprintSha256,
          activationId: options.activationId,
          degraded: options.degraded,
          lease: options.lease,
          jkt: options.jkt,
          statusList: license.statusList ? { idx: license.statusList.idx, uri: statusListUri(issuer, license.statusList.listId) } : undefined,
        },
        { issuer, tokenUse: deps.config.tokenUse, now },
      );
    },
  };
}
