// Tenant isolation on the admin API: another tenant's ids are unknown ids (404, never 403, never
// their data), whatever the route, and nothing of theirs changes.
import { beforeAll, describe, expect, it } from "vitest";
import { call, createTenant, expectError, json, type TestTenant } from "../harness";
import { collectPages, createApplication, createLicense, createPolicy, storedApplication, storedPolicy } from "./helpers";

let a: TestTenant;
let b: TestTenant;
let appA: any;
let polA: any;
let usedPolA: any;
beforeAll(async () => {
  a = await createTenant("isolation A");
  b = await createTenant("isolation B");
  appA = await createApplication(a, "A's app");
  polA = await createPolicy(a, { name: "A's policy", application_id: appA.id, max_deactivations: 2, deactivation_window_s: 60 });
  usedPolA = await createPolicy(a, { name: "A's used policy" });
  await createLicense(a, { policy_id: usedPolA.id });
  // B has resources of its own, so an empty list is not the only answer B could get.
  await createApplication(b, "B's app");
  await createPolicy(b, { name: "B's policy" });
});

describe("admin API tenant isolation", () => {
  it("B's key gets 404 NOT_FOUND on A's application for GET, PATCH and DELETE; A's row is unchanged", async () => {
    const before = await storedApplication(appA.id);
    for (const [method, body] of [
      ["GET", undefined],
      ["PATCH", { name: "pwned" }],
      ["DELETE", undefined],
    ] as const) {
      await expectError(await call(`/v1/applications/${appA.id}`, { token: b.apiKey, method, body }), 404, "NOT_FOUND");
    }
    expect(await storedApplication(appA.id)).toEqual(before);
  });

  it("B's key gets 404 NOT_FOUND on A's policies for GET, PATCH and DELETE; A's rows are unchanged", async () => {
    for (const pol of [polA, usedPolA]) {
      const before = await storedPolicy(pol.id);
      // One half of the churn pair too: the answer must not reveal the stored other half (422 vs 404).
      for (const [method, body] of [
        ["GET", undefined],
        ["PATCH", { name: "pwned" }],
        ["PATCH", { max_deactivations: null }],
        ["DELETE", undefined],
      ] as const) {
        await expectError(await call(`/v1/policies/${pol.id}`, { token: b.apiKey, method, body }), 404, "NOT_FOUND");
      }
      expect(await storedPolicy(pol.id)).toEqual(before);
    }
  });

  it("deleting A's in-use application or policy with B's key is 404, not 409 (no existence oracle)", async () => {
    await expectError(await call(`/v1/applications/${appA.id}`, { token: b.apiKey, method: "DELETE" }), 404, "NOT_FOUND");
    await expectError(await call(`/v1/policies/${usedPolA.id}`, { token: b.apiKey, method: "DELETE" }), 404, "NOT_FOUND");
    // A itself is refused for the reason that exists.
    await expectError(await call(`/v1/policies/${usedPolA.id}`, { token: a.apiKey, method: "DELETE" }), 409, "CONFLICT");
  });

  it("lists never include another tenant's resources", async () => {
    const apps = await collectPages("/v1/applications", b.apiKey, 1);
    const pols = await collectPages("/v1/policies", b.apiKey, 1);
    expect(apps.ids.length).toBeGreaterThan(0);
    expect(pols.ids.length).toBeGreaterThan(0);
    expect(apps.ids).not.toContain(appA.id);
    expect(pols.ids).not.toContain(polA.id);
    expect(pols.ids).not.toContain(usedPolA.id);
  });

  it("A's id as starting_after gives B an empty page, never A's data", async () => {
    for (const [path, cursor] of [
      ["/v1/applications", appA.id],
      ["/v1/policies", polA.id],
    ] as const) {
      const res = await call(`${path}?starting_after=${cursor}`, { token: b.apiKey });
      const page = await json(res);
      expect(res.status).toBe(200);
      expect(page).toEqual({ data: [], has_more: false, next_cursor: null });
      expect(JSON.stringify(page)).not.toContain("A's");
    }
  });

  it("filtering B's policies by A's application id finds nothing", async () => {
    const page = await json(await call(`/v1/policies?application_id=${appA.id}`, { token: b.apiKey }));
    expect(page).toEqual({ data: [], has_more: false, next_cursor: null });
  });

  it("B cannot attach a policy to A's application", async () => {
    await expectError(await call("/v1/policies", { token: b.apiKey, body: { name: "x", application_id: appA.id } }), 404, "NOT_FOUND");
  });

  it("A still sees and manages its own resources", async () => {
    expect(await json(await call(`/v1/applications/${appA.id}`, { token: a.apiKey }))).toEqual(appA);
    expect(await json(await call(`/v1/policies/${polA.id}`, { token: a.apiKey }))).toEqual(polA);
  });
});
