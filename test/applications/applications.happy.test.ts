import { describe, expect, it } from "vitest";
import { applications } from "../../src/db/schema";
import { backdate, collectPages, createApplication, storedApplication } from "../admin/helpers";
import { call, createTenant, json } from "../harness";

describe("applications (admin API)", () => {
  it("GET /v1/applications/{id} returns the application", async () => {
    const t = await createTenant("apps get");
    const created = await createApplication(t, "Desktop app");
    const res = await call(`/v1/applications/${created.id}`, { token: t.apiKey });
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual(created);
  });

  it("GET /v1/applications lists newest first and pages through next_cursor without gaps or repeats", async () => {
    const t = await createTenant("apps list");
    const created: string[] = [];
    for (let i = 0; i < 5; i++) created.push((await createApplication(t, `App ${i}`)).id);

    const { pages, ids } = await collectPages("/v1/applications", t.apiKey, 2);
    expect(pages.map((p) => p.data.length)).toEqual([2, 2, 1]);
    expect(pages.map((p) => p.has_more)).toEqual([true, true, false]);
    expect(new Set(ids).size).toBe(5);
    expect(ids).toEqual([...created].reverse());

    const all = await json(await call("/v1/applications", { token: t.apiKey }));
    expect(all.data.map((a: any) => a.id)).toEqual(ids);
    expect(all.has_more).toBe(false);
    expect(all.next_cursor).toBeNull();
    expect(Object.keys(all.data[0]).sort()).toEqual(["created_at", "id", "name", "updated_at"]);
  });

  it("GET /v1/applications on a tenant without applications is an empty last page", async () => {
    const t = await createTenant("apps empty");
    const res = await call("/v1/applications", { token: t.apiKey });
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual({ data: [], has_more: false, next_cursor: null });
  });

  it("PATCH /v1/applications/{id} renames it and sets updated_at", async () => {
    const t = await createTenant("apps patch");
    const created = await createApplication(t, "Old name");
    const past = await backdate(applications, created.id);
    const res = await call(`/v1/applications/${created.id}`, { token: t.apiKey, method: "PATCH", body: { name: "  New name " } });
    const body = await json(res);
    expect(res.status, JSON.stringify(body)).toBe(200);
    expect(body).toMatchObject({ id: created.id, name: "New name", created_at: created.created_at });
    expect(new Date(body.updated_at).getTime()).toBeGreaterThan(past.getTime());
    const stored = await storedApplication(created.id);
    expect(stored?.name).toBe("New name");
    expect(stored?.updatedAt.toISOString()).toBe(body.updated_at);
  });

  it("DELETE /v1/applications/{id} answers 204 with no body; the application is gone", async () => {
    const t = await createTenant("apps delete");
    const created = await createApplication(t);
    const res = await call(`/v1/applications/${created.id}`, { token: t.apiKey, method: "DELETE" });
    expect(res.status).toBe(204);
    expect(await res.text()).toBe("");
    expect(await storedApplication(created.id)).toBeUndefined();
    expect((await call(`/v1/applications/${created.id}`, { token: t.apiKey })).status).toBe(404);
    expect((await call(`/v1/applications/${created.id}`, { token: t.apiKey, method: "DELETE" })).status).toBe(404);
  });
});
