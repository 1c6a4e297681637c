// POST /v1/licenses/{id}/reissue-key: a new key shown once, the old key dead at once (validate
// answers NOT_FOUND for it on the very next request), devices kept, audited with both prefixes,
// announced as license.key_reissued; a revoked license, a reader's key and another tenant refused.

import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { sellTo, send } from "../customers/helpers";
import { call, createTenant, expectError, insertApiKey, json, type TestTenant, withDb } from "../harness";

let tenant: TestTenant;
let other: TestTenant;
beforeAll(async () => {
  tenant = await createTenant("reissue");
  other = await createTenant("reissue other");
});

const validate = async (key: string, fingerprint?: string) =>
  (await json(await call("/v1/licenses/validate", { body: { license_key: key, fingerprint } }))).code;

describe("POST /v1/licenses/{id}/reissue-key (reissueLicenseKey)", () => {
  it("answers a new key once; the old one is dead at once, the device stays, and the change is audited and announced", async () => {
    const sold = await sellTo(tenant, null, { binding_mode: "hardware", max_activations: 1 });
    expect((await call("/v1/licenses/activate", { body: { license_key: sold.licenseKey, fingerprint: "fp-1" } })).status).toBe(201);
    expect(await validate(sold.licenseKey, "fp-1")).toBe("VALID");

    const reissued = await send(tenant, "POST", `/v1/licenses/${sold.licenseId}/reissue-key`, undefined, 200);
    expect(reissued.key).toMatch(/^lk_[1-9A-HJ-NP-Za-km-z]{40}$/);
    expect(reissued.key).not.toBe(sold.licenseKey);
    expect(reissued.key_prefix).toBe(reissued.key.slice(0, 7));
    expect(reissued.id).toBe(sold.licenseId);
    expect(await validate(sold.licenseKey, "fp-1")).toBe("NOT_FOUND");
    expect(await validate(reissued.key, "fp-1")).toBe("VALID");
    // The key is shown once: reading the license shows only its prefix.
    const read = await send(tenant, "GET", `/v1/licenses/${sold.licenseId}`, undefined, 200);
    expect(read.key).toBeUndefined();
    expect(read.key_prefix).toBe(reissued.key_prefix);

    const audit = await json(await call(`/v1/audit-log?action=license.reissue_key`, { token: tenant.apiKey }));
    expect(audit.data.map((a: any) => [a.target_id, a.details])).toEqual([
      [sold.licenseId, { previous_key_prefix: sold.licenseKey.slice(0, 7), key_prefix: reissued.key_prefix }],
    ]);
    expect(JSON.stringify(audit)).not.toContain(reissued.key);
    const events = await withDb(
      async (db) =>
        (await db.execute(sql`select type, payload from webhook_events where tenant_id = ${tenant.tenantId} and type = 'license.key_reissued'`)).rows as {
          type: string;
          payload: string;
        }[],
    );
    expect(events).toHaveLength(1);
    expect(JSON.parse(events[0]!.payload).data.id).toBe(sold.licenseId);
    expect(events[0]!.payload).not.toContain(reissued.key);
  });

  it("refuses a revoked license (409), a key without licenses:write (403), another tenant's id (404) and an unknown one (404)", async () => {
    const revoked = await sellTo(tenant, null);
    await send(tenant, "POST", `/v1/licenses/${revoked.licenseId}/revoke`, {}, 200);
    await expectError(await call(`/v1/licenses/${revoked.licenseId}/reissue-key`, { token: tenant.apiKey, method: "POST" }), 409, "CONFLICT");
    const live = await sellTo(tenant, null);
    const { secret: reader } = await insertApiKey(tenant.tenantId, { permissions: ["licenses:read"] });
    await expectError(await call(`/v1/licenses/${live.licenseId}/reissue-key`, { token: reader, method: "POST" }), 403, "FORBIDDEN");
    await expectError(await call(`/v1/licenses/${live.licenseId}/reissue-key`, { token: other.apiKey, method: "POST" }), 404, "NOT_FOUND");
    await expectError(await call(`/v1/licenses/lic_${"1".repeat(22)}/reissue-key`, { token: tenant.apiKey, method: "POST" }), 404, "NOT_FOUND");
    // Nothing changed for any of them.
    expect(await validate(live.licenseKey)).toBe("VALID");
  });
});
