// Fresh development/test secrets. Production values come from `npm run keys:generate` and are
// stored with `wrangler secret put`; none of these are ever committed.
import { randomBytes } from "node:crypto";
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from "jose";
import { SECRET_PREFIXES } from "../../src/contract/ids.ts";

export type SigningAlg = "RS256" | "ES256" | "EdDSA";

/** A private signing JWK with `kid` (its RFC 7638 thumbprint), `alg` and `use`. */
export async function generateSigningJwk(alg: SigningAlg = "RS256"): Promise<JWK> {
  const { privateKey } = await generateKeyPair(alg, {
    extractable: true,
    ...(alg === "RS256" ? { modulusLength: 2048 } : {}),
    ...(alg === "EdDSA" ? { crv: "Ed25519" } : {}),
  });
  const jwk = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint(jwk);
  return { ...jwk, kid, alg, use: "sig" };
}

/** Drops the private members of a JWK. */
export function publicJwk(jwk: JWK): JWK {
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, oth: _oth, ...pub } = jwk as JWK & { oth?: unknown };
  return pub;
}

export const randomToken = (prefix: string, bytes = 32) => `${prefix}${randomBytes(bytes).toString("base64url")}`;

export interface DevSecrets {
  OPERATOR_TOKEN: string;
  SIGNING_KEYS: string;
  WEBHOOK_SECRETS_KEY: string;
}

export async function generateDevSecrets(): Promise<DevSecrets> {
  return {
    OPERATOR_TOKEN: randomToken(`${SECRET_PREFIXES.operatorToken}_`),
    SIGNING_KEYS: JSON.stringify({ keys: [await generateSigningJwk("RS256")] }),
    WEBHOOK_SECRETS_KEY: randomBytes(32).toString("base64"),
  };
}
