// What the floor workers share: the signing key (imported once per isolate, like the service's
// key ring) and the license-token claims, shaped like the service's own tokens.
import { importJWK, SignJWT, type CryptoKey, type JWK } from "jose";

export interface FloorEnv {
  SIGNING_KEYS: string;
  ISSUER: string;
  TOKEN_USE: string;
  DATABASE_URL?: string;
  DB_RELAY_URL?: string;
  /** The service's license lookup, as drizzle generates it (captured by bench/micro). */
  LOOKUP_SQL?: string;
  /** JSON array of the lookup's parameters with "$KEY_HASH" where the key hash goes. */
  LOOKUP_PARAMS?: string;
}

export interface FloorContext {
  waitUntil(promise: Promise<unknown>): void;
}

export interface Signer {
  kid: string;
  alg: string;
  key: CryptoKey;
}

let signer: { source: string; value: Promise<Signer> } | undefined;

/** The current private key of SIGNING_KEYS, imported once per isolate. */
export function getSigner(env: FloorEnv): Promise<Signer> {
  if (signer?.source !== env.SIGNING_KEYS) {
    const keys = (JSON.parse(env.SIGNING_KEYS) as { keys: (JWK & { status?: string })[] }).keys;
    const jwk = keys.find((k) => k.status === "current") ?? keys.find((k) => typeof k.d === "string");
    if (!jwk?.kid || !jwk.alg) throw new Error("SIGNING_KEYS has no private key with kid and alg");
    const { status: _status, ...privateJwk } = jwk;
    const value = importJWK(privateJwk, jwk.alg).then((key) => ({ kid: jwk.kid!, alg: jwk.alg!, key: key as CryptoKey }));
    signer = { source: env.SIGNING_KEYS, value };
  }
  return signer.value;
}

export interface TokenSubject {
  licenseId: string;
  applicationId: string | null;
  expiresAt: Date | null;
  plan: string | null;
  features: string[];
  sellerTier: string;
  tokenTier: string;
}

/** One license token with the service's claim set, 15 min lifetime (the `basic` tier). */
export async function signLicenseToken(env: FloorEnv, subject: TokenSubject): Promise<{ token: string; exp: number }> {
  const { kid, alg, key } = await getSigner(env);
  const iat = Math.floor(Date.now() / 1000);
  const licenseExp = subject.expiresAt ? Math.floor(subject.expiresAt.getTime() / 1000) : undefined;
  const exp = Math.min(iat + 15 * 60, licenseExp ?? Number.MAX_SAFE_INTEGER);
  const token = await new SignJWT({
    iss: env.ISSUER,
    sub: subject.licenseId,
    ...(subject.applicationId ? { aud: subject.applicationId } : {}),
    exp,
    iat,
    nbf: iat,
    jti: crypto.randomUUID(),
    token_use: env.TOKEN_USE,
    lc_vt: subject.tokenTier,
    seller_tier: subject.sellerTier,
    status: "active",
    hw_bound: false,
    plan: subject.plan,
    features: subject.features,
    ...(licenseExp !== undefined ? { license_exp: licenseExp } : {}),
  })
    .setProtectedHeader({ alg, kid, typ: "license+jwt" })
    .sign(key);
  return { token, exp };
}

export const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
