// Get a license token for this device and verify it with the service's published keys.
//   LICENSE_SERVICE_URL=http://127.0.0.1:8787 LICENSE_APP_ID=app_... LICENSE_KEY=... LICENSE_FINGERPRINT=my-machine node verify-token.mjs
// (`npm run dev` in the service's repository prints a demo license key.) LICENSE_APP_ID
// (required) is your application id, the token's `aud`: the service's keys sign every seller's
// tokens, so the verifier refuses to run without it.
import { createLicenseClient, createLicenseVerifier, LicenseTokenError } from "@edge-license/sdk";

/** A setting the example cannot run without. */
const required = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`set ${name} (see the comment at the top of this file)`);
  return value;
};

const baseUrl = process.env.LICENSE_SERVICE_URL ?? "http://127.0.0.1:8787";
// The issuer and key set URI, as the deployment publishes them; the audience is yours.
const config = await (await fetch(`${baseUrl}/.well-known/license-configuration`)).json();
const { issuer } = config;
const jwksUri = process.env.LICENSE_JWKS_URI ?? config.jwks_uri;
const client = createLicenseClient({ baseUrl });
const verifier = createLicenseVerifier({ issuer, jwksUri, audience: required("LICENSE_APP_ID") });

const request = { licenseKey: required("LICENSE_KEY"), fingerprint: required("LICENSE_FINGERPRINT") };
const answer = await client.verify(request);
if (!answer.valid || !answer.license_token) {
  console.log(JSON.stringify({ valid: false, code: answer.code }));
  process.exit(1);
}
try {
  const claims = await verifier.verify(answer.license_token, { fingerprint: request.fingerprint });
  console.log(JSON.stringify({ valid: true, license: claims.sub, plan: claims.plan, features: claims.features, expires: new Date(claims.exp * 1000) }));
} catch (err) {
  if (!(err instanceof LicenseTokenError)) throw err;
  console.log(JSON.stringify({ valid: false, code: err.code }));
  process.exit(1);
}
