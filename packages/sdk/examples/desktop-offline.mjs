// A desktop app's startup check: online when it can be, else the last token kept on disk, until
// its `exp`. Run it twice, the second time with the service stopped (or LICENSE_SERVICE_URL
// pointing nowhere): the second run answers from the kept token.
//   LICENSE_SERVICE_URL=... LICENSE_APP_ID=app_... LICENSE_KEY=... LICENSE_FINGERPRINT=... LICENSE_JWKS=./jwks.json node desktop-offline.mjs
// LICENSE_JWKS is the service's GET /v1/licenses/jwks saved as a file: pinned keys, so an app
// that starts offline can still check its token. LICENSE_ISSUER is the tokens' `iss`.
// LICENSE_APP_ID (required) is your application id, the tokens' `aud` (your tenant id for
// licenses without an application): every seller's tokens are signed by the same keys, so the
// audience is what keeps another seller's tokens out.
import { readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLicenseClient, createLicenseVerifier, createOfflineLicense } from "@edge-license/sdk";

/** A setting the example cannot run without. */
const required = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`set ${name} (see the comment at the top of this file)`);
  return value;
};

const fileStore = (path) => ({
  get: () => readFile(path, "utf8").catch(() => null),
  set: (token) => (token ? writeFile(path, token, { mode: 0o600 }) : rm(path, { force: true })),
});

const license = createOfflineLicense({
  client: createLicenseClient({ baseUrl: process.env.LICENSE_SERVICE_URL ?? "http://127.0.0.1:8787", timeoutMs: 5_000, retries: 1 }),
  verifier: createLicenseVerifier({
    issuer: process.env.LICENSE_ISSUER ?? "http://127.0.0.1:8787",
    jwks: JSON.parse(await readFile(process.env.LICENSE_JWKS ?? "jwks.json", "utf8")),
    audience: required("LICENSE_APP_ID"),
  }),
  store: fileStore(process.env.LICENSE_TOKEN_FILE ?? join(tmpdir(), "my-app-license-token")),
  request: { licenseKey: required("LICENSE_KEY"), fingerprint: required("LICENSE_FINGERPRINT") },
});

const check = await license.check();
if (check.valid) console.log(JSON.stringify({ valid: true, source: check.source, features: check.claims.features, until: new Date(check.claims.exp * 1000) }));
else console.log(JSON.stringify({ valid: false, source: check.source, code: check.code }));
