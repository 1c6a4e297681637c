// Floor "verify": the service's verify with everything but the essentials taken away. Parse the
// body, hash the key, run the service's own single lookup (src/db/repositories/licenses.ts)
// through its own HTTP query function (src/db/client.ts), then sign one token.
//   POST /lookup   the lookup only (the floor for validate)
//   POST /verify   lookup + one signature (the floor for verify)
import { sha256Hex } from "@service/crypto/hash";
import { httpRows } from "@service/db/client";
import { findLicenseByKeyHash } from "@service/db/repositories/licenses";
import { type FloorContext, type FloorEnv, json, signLicenseToken } from "./shared.ts";

/** The floor's whole answer for one license key (the probe runs it too, on a replayed database). */
export async function floorAnswer(env: FloorEnv, licenseKey: string, sign: boolean): Promise<Response> {
  const license = await findLicenseByKeyHash(httpRows(env), await sha256Hex(licenseKey));
  if (!license) return json({ valid: false, code: "NOT_FOUND" });
  if (!sign) return json({ valid: true, license: license.id });
  const token = await signLicenseToken(env, {
    licenseId: license.id,
    applicationId: license.applicationId,
    expiresAt: license.expiresAt,
    plan: license.plan,
    features: license.features,
    sellerTier: license.planTier,
    tokenTier: license.policy.tokenTier,
    hwBound: false,
  });
  return json({ valid: true, license: license.id, license_token: token });
}

export default {
  async fetch(request: Request, env: FloorEnv, _ctx: FloorContext): Promise<Response> {
    const path = new URL(request.url).pathname;
    if (request.method !== "POST" || (path !== "/lookup" && path !== "/verify")) return json({ error: "not found" }, 404);
    const body = (await request.json()) as { license_key?: string };
    return floorAnswer(env, String(body.license_key), path === "/verify");
  },
};
