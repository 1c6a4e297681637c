// Floor "sign": only signs one license token (the service's own token code and key ring). No
// database, no body parsing, no middleware.
import { type FloorEnv, json, signLicenseToken } from "./shared.ts";

// Built per request: workerd's clock does not run at global scope.
const subject = () => ({
  licenseId: "lic_bench0000000000001",
  applicationId: "app_bench",
  expiresAt: new Date(Date.now() + 365 * 24 * 3600 * 1000),
  plan: "pro",
  features: ["export", "sync"],
  sellerTier: "pro",
  tokenTier: "basic",
  hwBound: false,
});

export default {
  async fetch(_request: Request, env: FloorEnv): Promise<Response> {
    return json({ token: await signLicenseToken(env, subject()) });
  },
};
