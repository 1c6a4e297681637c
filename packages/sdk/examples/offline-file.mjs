// A machine license file for this device: fetched once while online, then verified at every start
// with no network, against the pinned key set, with a clock store so a wound-back clock is refused.
//   LICENSE_SERVICE_URL=... LICENSE_APP_ID=app_... LICENSE_KEY=... LICENSE_FINGERPRINT=... LICENSE_JWKS=./jwks.json node offline-file.mjs
// (the device must hold a live activation: POST /v1/licenses/activate first). LICENSE_APP_ID
// (required) is your application id, the file's `aud`: another seller's file is refused.
import { readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LicenseFileError, verifyLicenseFile } from "@edge-license/sdk";

/** A setting the example cannot run without. */
const required = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`set ${name} (see the comment at the top of this file)`);
  return value;
};

const base = process.env.LICENSE_SERVICE_URL ?? "http://127.0.0.1:8787";
const fingerprint = required("LICENSE_FINGERPRINT");
const fileName = process.env.LICENSE_FILE ?? join(tmpdir(), "machine.lic");
const clockFile = `${fileName}.clock`;

// When online (once, or whenever the file nears its expiry): this device's machine file.
try {
  const res = await fetch(`${base}/v1/licenses/checkout`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    // No ttl_s: the policy's default lifetime (a device may ask for a shorter one, never longer).
    body: JSON.stringify({ license_key: process.env.LICENSE_KEY, fingerprint }),
    signal: AbortSignal.timeout(5_000),
  });
  if (res.ok) await writeFile(fileName, (await res.json()).license_file);
} catch {
  // Offline: the file kept from last time answers.
}

// Every start, online or not.
const clock = {
  get: () => readFile(clockFile, "utf8").then(Number, () => null),
  set: (seconds) => writeFile(clockFile, String(seconds)),
};
const file = await readFile(fileName, "utf8").catch(() => null);
if (file === null) {
  // Never online with a seat yet: nothing to verify (activate this device while online first).
  console.log(JSON.stringify({ valid: false, code: "NO_LICENSE_FILE" }));
  process.exit(0);
}
try {
  const { claims, machine } = await verifyLicenseFile(file, {
    jwks: JSON.parse(await readFile(process.env.LICENSE_JWKS ?? "jwks.json", "utf8")),
    audience: required("LICENSE_APP_ID"),
    fingerprint,
    clock,
  });
  console.log(JSON.stringify({ valid: true, machine, features: claims.features, until: claims.exp ? new Date(claims.exp * 1000) : null }));
} catch (err) {
  if (!(err instanceof LicenseFileError)) throw err;
  console.log(JSON.stringify({ valid: false, code: err.code }));
}
