import { describe, expect, it } from "vitest";
import { policies } from "../../src/db/schema";
import { backdate, collectPages, createApplication, createPolicy, storedPolicy } from "../admin/helpers";
import { call, createTenant, json } from "../harness";

const patch = (token: string, id: string, body: unknown) => call(`/v1/policies/${id}`, { token, method: "PATCH", body });

describe("policies (admin API)", () => {
  it("GET /v1/policies/{id} returns the policy", async () => {
    const t = await createTenant("pol get");
    const app = await createApplication(t);
    const created = await createPolicy(t, { application_id: app.id, max_activations: 2, binding_mode: "hardware" });
    const res = await call(`/v1/policies/${created.id}`, { token: t.apiKey });
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual(created);
  });

  it("GET /v1/policies pages newest first through next_cursor, all of them once", async () => {
    const t = await createTenant("pol list");
    const created: string[] = [];
    for (let i = 0; i < 5; i++) created.push((await createPolicy(t, { name: `P${i}` })).id);
    const { pages, ids } = await collectPages("/v1/policies", t.apiKey, 2);
    expect(pages.map((p) => p.has_more)).toEqual([true, true, false]);
    expect(ids).toEqual([...created].reverse());
  });

  it("GET /v1/policies?application_id= keeps only that application's policies, paging included", async () => {
    const t = await createTenant("pol filter");
    const [a, b] = [await createApplication(t, "A"), await createApplication(t, "B")];
    const ofA: string[] = [];
    for (let i = 0; i < 3; i++) ofA.push((await createPolicy(t, { application_id: a.id, name: `A${i}` })).id);
    await createPolicy(t, { application_id: b.id });
    await createPolicy(t);

    const { pages, ids } = await collectPages(`/v1/policies?application_id=${a.id}`, t.apiKey, 2);
    expect(pages.map((p) => p.data.length)).toEqual([2, 1]);
    expect(ids).toEqual([...ofA].reverse());
    for (const page of pages) for (const p of page.data) expect(p.application_id).toBe(a.id);

    const all = await json(await call("/v1/policies?limit=100", { token: t.apiKey }));
    expect(all.data.length).toBe(5);
    const none = await json(await call("/v1/policies?application_id=app_unknown", { token: t.apiKey }));
    expect(none).toEqual({ data: [], has_more: false, next_cursor: null });
  });

  it("PATCH /v1/policies/{id} changes only the fields sent and sets updated_at", async () => {
    const t = await createTenant("pol patch");
    const app = await createApplication(t);
    const created = await createPolicy(t, { application_id: app.id, name: "Old", max_activations: 3 });
    const past = await backdate(policies, created.id);
    const res = await patch(t.apiKey, created.id, {
      name: "New",
      max_activations: null,
      binding_mode: "domain",
      heartbeat_interval_s: 600,
      heartbeat_grace_s: 120,
      token_tier: "advanced",
    });
    const body = await json(res);
    expect(res.status, JSON.stringify(body)).toBe(200);
    expect(body).toEqual({
      ...created,
      name: "New",
      max_activations: null,
      binding_mode: "domain",
      heartbeat_interval_s: 600,
      heartbeat_grace_s: 120,
      token_tier: "advanced",
      updated_at: body.updated_at,
    });
    expect(new Date(body.updated_at).getTime()).toBeGreaterThan(past.getTime());
    expect(await json(await call(`/v1/policies/${created.id}`, { token: t.apiKey }))).toEqual(body);

    const one = await json(await patch(t.apiKey, created.id, { heartbeat_interval_s: null }));
    expect(one).toEqual({ ...body, heartbeat_interval_s: null, updated_at: one.updated_at });
  });

  it("PATCH keeps the churn pair whole: both halves set or both null, against the stored values", async () => {
    const t = await createTenant("pol churn");
    const p = await createPolicy(t);
    const expect422 = async (body: unknown) => {
      const res = await patch(t.apiKey, p.id, body);
      expect(res.status, await res.clone().text()).toBe(422);
      expect((await json(res)).error.code).toBe("VALIDATION_FAILED");
    };
    const pair = async () => {
      const row = await storedPolicy(p.id);
      return [row?.maxDeactivations, row?.deactivationWindowS];
    };

    // Stored: neither. One half alone would split the pair.
    await expect422({ max_deactivations: 3 });
    await expect422({ deactivation_window_s: 3600 });
    await expect422({ max_deactivations: 3, deactivation_window_s: null });
    expect(await pair()).toEqual([null, null]);
    // Setting null on an already-null half is consistent.
    expect((await patch(t.apiKey, p.id, { max_deactivations: null })).status).toBe(200);

    expect((await patch(t.apiKey, p.id, { max_deactivations: 3, deactivation_window_s: 3600 })).status).toBe(200);
    expect(await pair()).toEqual([3, 3600]);
    // Stored: both. Either half may change alone; clearing one alone may not.
    expect((await patch(t.apiKey, p.id, { max_deactivations: 5 })).status).toBe(200);
    expect((await patch(t.apiKey, p.id, { deactivation_window_s: 60 })).status).toBe(200);
    expect(await pair()).toEqual([5, 60]);
    await expect422({ max_deactivations: null });
    await expect422({ deactivation_window_s: null, name: "also refused" });
    expect(await pair()).toEqual([5, 60]);
    expect((await storedPolicy(p.id))?.name).toBe("Test policy");

    expect((await patch(t.apiKey, p.id, { max_deactivations: null, deactivation_window_s: null })).status).toBe(200);
    expect(await pair()).toEqual([null, null]);
  });

  it("DELETE /v1/policies/{id} answers 204 with no body; the policy is gone", async () => {
    const t = await createTenant("pol delete");
    const p = await createPolicy(t);
    const res = await call(`/v1/policies/${p.id}`, { token: t.apiKey, method: "DELETE" });
    expect(res.status).toBe(204);
    expect(await res.text()).toBe("");
    expect(await storedPolicy(p.id)).toBeUndefined();
    expect((await call(`/v1/policies/${p.id}`, { token: t.apiKey })).status).toBe(404);
  });
});
