// License-token and lease-token vectors, issued by the service's own code (issueLicenseToken) as
// its token issuer calls it for verify, validate-hardware and the lease routes.
import { DEFAULT_TOKEN_USE } from "@edge-license/sdk";
import { decodeJwt, decodeProtectedHeader, type JWK, SignJWT } from "jose";
import { sha256Hex } from "../../src/crypto/hash.ts";
import type { KeyRing } from "../../src/crypto/keys.ts";
import { issueLicenseToken, type TokenSubject } from "../../src/crypto/license-token.ts";
import { alterPayload, base64UrlText, DAY, FINGERPRINT, IDS, IDX, ISSUER, NOW, OTHER_FINGERPRINT, statusListUri } from "./fixtures.ts";
import { invalid, type VectorCase, type VectorFile, valid, vectorFile } from "./vector-file.ts";

export interface Signers {
  rs: KeyRing;
  ed: KeyRing;
  jwks: { keys: Record<string, unknown>[] };
  attacker: { key: CryptoKey; publicJwk: JWK; kid: string };
}

/** Tokens are issued a minute before the vectors' `now`. */
const ISSUED = NOW - 60;
const issuedAt = new Date(ISSUED * 1000);

/** A license of the test application, bound to a device (validate-hardware). */
const deviceBound = async (): Promise<TokenSubject> => ({
  licenseId: IDS.license,
  audience: IDS.application,
  expiresAt: new Date((NOW + 365 * DAY) * 1000),
  plan: "pro",
  features: ["export", "sync"],
  tokenTier: "advanced",
  sellerTier: "pro",
  hwBound: true,
  fingerprintSha256: await sha256Hex(FINGERPRINT),
  activationId: IDS.activation,
  statusList: { idx: IDX.license, uri: statusListUri(IDS.statusList) },
});

/** A license without an application: its tokens' audience is the tenant. */
const tenantLicense: TokenSubject = {
  licenseId: IDS.tenantLicense,
  audience: IDS.tenant,
  expiresAt: null,
  plan: null,
  features: [],
  tokenTier: "basic",
  sellerTier: "free",
  hwBound: false,
};

const issue = (ring: KeyRing, subject: TokenSubject, tokenUse = DEFAULT_TOKEN_USE) =>
  issueLicenseToken(ring, subject, { issuer: ISSUER, tokenUse, now: issuedAt });

/** What a verifier must answer for a token it accepts: its header and claims. */
const decoded = (token: string) => ({ header: decodeProtectedHeader(token), claims: decodeJwt(token) });

/** The raw artifacts other vector files reuse (a token given where a file or list is expected). */
export interface Tokens {
  deviceBound: string;
}

export async function tokenVectors(s: Signers): Promise<{ tokens: Tokens; files: Record<"license-token.json" | "lease-token.json", VectorFile> }> {
  const rs = await issue(s.rs, await deviceBound());
  const ed = await issue(s.ed, tenantLicense);
  const otherUse = await issue(s.rs, await deviceBound(), "some_other_token_use");
  const huge = await issue(s.rs, { ...(await deviceBound()), features: Array.from({ length: 700 }, (_, i) => `feature-${String(i).padStart(4, "0")}`) });
  const lease = await issue(s.rs, {
    ...tenantLicense,
    licenseId: IDS.license,
    audience: IDS.application,
    plan: "team",
    features: ["render"],
    sellerTier: "pro",
    statusList: { idx: IDX.license, uri: statusListUri(IDS.statusList) },
    lease: { id: IDS.lease, expiresAt: new Date((ISSUED + 600) * 1000) },
  });
  const rsKid = s.rs.signer.kid;
  const claims = rs.claims;
  const attackerSigned = (header: Record<string, unknown>) =>
    new SignJWT({ ...claims }).setProtectedHeader({ alg: "EdDSA", typ: "license+jwt", ...header }).sign(s.attacker.key);
  const hmacWithPublicKey = await new SignJWT({ ...claims })
    .setProtectedHeader({ alg: "HS256", kid: rsKid, typ: "license+jwt" })
    .sign(new TextEncoder().encode(JSON.stringify(s.jwks.keys[0])));
  const noKid = await new SignJWT({ ...claims }).setProtectedHeader({ alg: "RS256", typ: "license+jwt" }).sign(s.rs.signer.key);
  const unsigned = `${base64UrlText('{"alg":"none","typ":"license+jwt"}')}.${rs.token.split(".")[1]}.`;

  const base = { issuer: ISSUER, audience: IDS.application, algorithms: ["RS256"], now: NOW };
  const both = { ...base, algorithms: ["RS256", "EdDSA"] };
  const token: VectorCase[] = [
    valid(
      "valid-rs256-device-bound",
      "An RS256 token bound to a device (`hw_bound`, `fingerprint_sha256`, `activation_id`), with its status-list entry; the verifier gives the device's fingerprint.",
      { ...base, token: rs.token, fingerprint: FINGERPRINT },
      decoded(rs.token),
    ),
    valid(
      "valid-device-bound-no-fingerprint-given",
      "The same token when the app gives no fingerprint: the binding is checked only against a fingerprint the app gives.",
      { ...base, token: rs.token },
      decoded(rs.token),
    ),
    valid(
      "valid-eddsa-tenant-audience",
      "An EdDSA token of a license without an application: its `aud` is the tenant id; no `license_exp` (no expiry), no status list yet.",
      { ...both, audience: IDS.tenant, token: ed.token },
      decoded(ed.token),
    ),
    valid(
      "valid-within-clock-tolerance",
      "29 s past `exp`: inside the 30 s tolerance.",
      { ...base, token: rs.token, now: rs.claims.exp + 29 },
      decoded(rs.token),
    ),
    invalid(
      "expired",
      "30 s past `exp`: a token is expired once `exp <= now - 30`.",
      { ...base, token: rs.token, now: rs.claims.exp + 30 },
      "ERR_TOKEN_EXPIRED",
    ),
    invalid("not-yet-valid", "31 s before `nbf` (= `iat`).", { ...base, token: rs.token, now: rs.claims.nbf - 31 }, "ERR_TOKEN_NOT_YET_VALID"),
    invalid("wrong-audience", "Another application's verifier.", { ...base, audience: IDS.otherApplication, token: rs.token }, "ERR_CLAIM_INVALID"),
    invalid("wrong-issuer", "Another issuer.", { ...base, issuer: "https://license.example.net", token: rs.token }, "ERR_CLAIM_INVALID"),
    invalid(
      "wrong-token-use",
      "Signed by the deployment's key, but `token_use` is not the license tokens' one.",
      { ...base, token: otherUse.token },
      "ERR_CLAIM_INVALID",
    ),
    invalid(
      "altered-payload",
      "The claims were changed after signing (`plan` and `features`), the signature kept.",
      {
        ...base,
        token: alterPayload(rs.token, (c) => {
          c.plan = "enterprise";
          c.features = ["export", "sync", "unlimited"];
        }),
      },
      "ERR_SIGNATURE_INVALID",
    ),
    invalid(
      "wrong-fingerprint",
      "A device-bound token checked on another device.",
      { ...base, token: rs.token, fingerprint: OTHER_FINGERPRINT },
      "ERR_CLAIM_INVALID",
    ),
    invalid(
      "jwk-header",
      "Signed by an attacker's key that the header carries itself (`jwk`): refused before any key lookup.",
      { ...both, token: await attackerSigned({ kid: s.attacker.kid, jwk: s.attacker.publicJwk }) },
      "ERR_HEADER_NOT_ALLOWED",
    ),
    invalid("unknown-kid", "Signed by a key outside the JWKS.", { ...both, token: await attackerSigned({ kid: s.attacker.kid }) }, "ERR_KEY_NOT_FOUND"),
    invalid("no-kid", "Signed by the deployment's key, but without `kid`.", { ...base, token: noKid }, "ERR_KEY_NOT_FOUND"),
    invalid(
      "algorithm-not-allowed",
      "An EdDSA token for a verifier that allows RS256 only.",
      { ...base, audience: IDS.tenant, token: ed.token },
      "ERR_ALG_NOT_ALLOWED",
    ),
    invalid(
      "hs256-key-confusion",
      "HS256 with the RSA public key (its JWK JSON) as the HMAC secret: HS* is never allowed.",
      { ...base, token: hmacWithPublicKey },
      "ERR_ALG_NOT_ALLOWED",
    ),
    invalid("alg-none", "An unsigned token (`alg: none`, empty signature).", { ...base, token: unsigned }, "ERR_TOKEN_MALFORMED"),
    invalid("too-large", "A validly signed token over 8192 bytes: refused before parsing.", { ...base, token: huge.token }, "ERR_TOKEN_TOO_LARGE"),
  ];

  const leaseBase = { ...base, require_lease: true };
  const leaseCases: VectorCase[] = [
    valid(
      "valid-lease-token",
      "A floating seat's token: `lease: { id, exp }`, its `exp` the lease's, tier `basic`.",
      { ...leaseBase, token: lease.token },
      decoded(lease.token),
    ),
    invalid(
      "not-a-lease-token",
      "A token issued without a lease, given to an app that requires one (`require_lease`).",
      { ...leaseBase, token: rs.token },
      "ERR_CLAIM_INVALID",
    ),
    invalid("lease-ended", "30 s past the lease's end (`exp`).", { ...leaseBase, token: lease.token, now: lease.claims.exp + 30 }, "ERR_TOKEN_EXPIRED"),
  ];

  return {
    tokens: { deviceBound: rs.token },
    files: {
      "license-token.json": vectorFile("license-token", "docs/formats.md#2-license-tokens", NOW, token, s.jwks),
      "lease-token.json": vectorFile("lease-token", "docs/formats.md#3-lease-tokens", NOW, leaseCases, s.jwks),
    },
  };
}

/** The "license file given as a token" case, added once the files exist. */
export const fileAsTokenCase = (fileJws: string): VectorCase =>
  invalid(
    "license-file-as-token",
    "A license file's JWS (`typ` license-file+jwt) given as a token.",
    { issuer: ISSUER, audience: IDS.application, algorithms: ["RS256"], now: NOW, token: fileJws },
    "ERR_TYP_INVALID",
  );
