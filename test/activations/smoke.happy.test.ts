import { describe, expect, it } from "vitest";
import { call, createTenant, json } from "../harness";

describe("activation smoke", () => {
  it("creates a policy and license via the admin API, then activates", async () => {
    const t = await createTenant("act smoke");
    const app = await json(await call("/v1/applications", { token: t.apiKey, body: { name: "App" } }));
    const policyRes = await call("/v1/policies", { token: t.apiKey, body: { name: "P", application_id: app.id, max_activations: 2 } });
    const policy = await json(policyRes);
    expect(policyRes.status, JSON.stringify(policy)).toBe(201);
    const licRes = await call("/v1/licenses", { token: t.apiKey, body: { policy_id: policy.id } });
    const lic = await json(licRes);
    expect(licRes.status, JSON.stringify(lic)).toBe(201);
    const a1 = await call("/v1/licenses/activate", { body: { license_key: lic.key, fingerprint: "fp1" } });
    expect(a1.status, await a1.clone().text()).toBe(201);
    const again = await call("/v1/licenses/activate", { body: { license_key: lic.key, fingerprint: "fp1" } });
    expect(again.status).toBe(200);
    await call("/v1/licenses/activate", { body: { license_key: lic.key, fingerprint: "fp2" } });
    const over = await call("/v1/licenses/activate", { body: { license_key: lic.key, fingerprint: "fp3" } });
    expect(over.status, await over.clone().text()).toBe(409);
    const hb = await call("/v1/licenses/heartbeat", { body: { license_key: lic.key, fingerprint: "fp1" } });
    expect(hb.status, await hb.clone().text()).toBe(200);
    const de = await call("/v1/licenses/deactivate", { body: { license_key: lic.key, fingerprint: "fp1" } });
    expect(de.status, await de.clone().text()).toBe(200);
    const got = await json(await call(`/v1/licenses/${lic.id}`, { token: t.apiKey }));
    expect(got.activation_count).toBe(1);
    const list = await json(await call(`/v1/licenses/${lic.id}/activations`, { token: t.apiKey }));
    expect(list.data.length).toBe(1);
    const sus = await call(`/v1/licenses/${lic.id}/suspend`, { token: t.apiKey, method: "POST" });
    expect(sus.status, await sus.clone().text()).toBe(200);
    const v = await json(await call("/v1/licenses/validate", { body: { license_key: lic.key } }));
    expect(v.code).toBe("SUSPENDED");
    const del = await call(`/v1/licenses/${lic.id}/activations`, { token: t.apiKey, method: "DELETE" });
    expect((await json(del)).data.length).toBe(1);
  });
});
