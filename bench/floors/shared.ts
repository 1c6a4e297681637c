// What the floor workers share. They call the service's own pieces (`@service/...` is src/, see
// bench/lib/service-node.ts), so a floor differs from the service only by what it leaves out:
// Hono, middleware, validation, status rules, and the response the service builds.
import { getKeyRing } from "@service/crypto/keys";
import { issueLicenseToken } from "@service/crypto/license-token";

export interface FloorEnv {
  SIGNING_KEYS: string;
  ISSUER: string;
  TOKEN_USE: string;
  DATABASE_URL?: string;
  DB_RELAY_URL?: string;
}

export interface FloorContext {
  waitUntil(promise: Promise<unknown>): void;
}

/** One license token from the current key of SIGNING_KEYS (the service's key ring: imported once per isolate). */
export async function signLicenseToken(env: FloorEnv, subject: object): Promise<string> {
  // `subject` is the service's TokenSubject (src/crypto/license-token.ts); `@service` modules are
  // untyped on this side (bench/capture/service-modules.d.ts), so it is not restated here.
  const { token } = await issueLicenseToken(await getKeyRing(env.SIGNING_KEYS), subject, { issuer: env.ISSUER, tokenUse: env.TOKEN_USE, now: new Date() });
  return token as string;
}

export const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
