// Demo data for `npm run dev`: an application, a policy and a license for a tenant created through
// the operator endpoint. Keys are made and hashed by the same code the worker uses.
import { createRequire } from "node:module";
import { sha256Hex } from "../../src/crypto/hash.ts";
import { newId, newLicenseKey, visiblePrefix } from "../../src/crypto/random.ts";

const require = createRequire(import.meta.url);
const { Client } = require("pg") as typeof import("pg");

export interface DemoLicense {
  applicationId: string;
  policyId: string;
  licenseId: string;
  licenseKey: string;
}

export async function seedDemoLicense(databaseUrl: string, tenantId: string): Promise<DemoLicense> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  const applicationId = newId("app");
  const policyId = newId("pol");
  const licenseId = newId("lic");
  const licenseKey = newLicenseKey();
  try {
    await client.query("BEGIN");
    await client.query("INSERT INTO applications (id, tenant_id, name) VALUES ($1, $2, $3)", [applicationId, tenantId, "Demo App"]);
    await client.query(
      `INSERT INTO policies (id, tenant_id, application_id, name, max_activations, binding_mode, token_tier)
       VALUES ($1, $2, $3, 'Demo policy', 3, 'none', 'basic')`,
      [policyId, tenantId, applicationId],
    );
    await client.query(
      `INSERT INTO licenses (id, tenant_id, application_id, policy_id, key_hash, key_prefix, plan, features, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, 'pro', '["export","sync"]', now() + interval '1 year')`,
      [licenseId, tenantId, applicationId, policyId, await sha256Hex(licenseKey), visiblePrefix(licenseKey)],
    );
    await client.query("COMMIT");
  } catch (err) {
    await client.query("ROLLBACK");
    throw err;
  } finally {
    await client.end();
  }
  return { applicationId, policyId, licenseId, licenseKey };
}

/** True when the license behind `licenseKey` still exists (the dev database may have been reset). */
export async function licenseExists(databaseUrl: string, licenseKey: string): Promise<boolean> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const res = await client.query("SELECT 1 FROM licenses WHERE key_hash = $1", [await sha256Hex(licenseKey)]);
    return (res.rowCount ?? 0) > 0;
  } finally {
    await client.end();
  }
}
