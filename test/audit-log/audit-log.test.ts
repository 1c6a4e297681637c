// The audit log: every admin action writes a row (actor = the credential's id, action, target,
// the request's X-Request-Id), in one hash chain per tenant that /v1/audit-log/verify recomputes.
// Reading needs audit:read; another tenant's log is invisible.
import { beforeAll, describe, expect, it } from "vitest";
import { PERMISSIONS } from "../../src/contract/permissions";
import { GENESIS_HASH } from "../../src/services/audit";
import { call, createTenant, expectError, insertApiKey, json, type TestTenant } from "../harness";
import { act, auditRows, dropEndpoints, receiverUrl, runScenario, type Scenario, type Step, uniqueName, verifyAudit } from "../webhooks/helpers";

describe("audit log of admin actions", () => {
  let t: TestTenant;
  let scenario: Scenario;
  let webhookSteps: Step[];
  let rows: any[];

  beforeAll(async () => {
    t = await createTenant("audit actions");
    scenario = await runScenario(t);
    // Webhook administration is audited too (one endpoint, so the scenario's events have somewhere to go).
    webhookSteps = [];
    const created = await act("/v1/webhooks", { token: t.apiKey, body: { url: receiverUrl(uniqueName("audit")) } });
    const ep = await json(created);
    expect(created.status, JSON.stringify(ep)).toBe(201);
    webhookSteps.push({
      label: "webhook.create",
      requestId: created.headers.get("X-Request-Id")!,
      audit: { action: "webhook.create", target_type: "webhook_endpoint", target_id: ep.id },
    });
    for (const [action, method, path, body] of [
      ["webhook.update", "PATCH", `/v1/webhooks/${ep.id}`, { event_types: ["license.revoked"] }],
      ["webhook.rotate_secret", "POST", `/v1/webhooks/${ep.id}/rotate-secret`, { overlap_s: 60 }],
      ["webhook.delete", "DELETE", `/v1/webhooks/${ep.id}`, undefined],
    ] as const) {
      const res = await act(path, { method, token: t.apiKey, body });
      expect(res.status, action).toBeLessThan(300);
      webhookSteps.push({ label: action, requestId: res.headers.get("X-Request-Id")!, audit: { action, target_type: "webhook_endpoint", target_id: ep.id } });
    }
    await dropEndpoints([t.tenantId]);
    rows = await auditRows(t.apiKey);
  });

  it("writes one row per admin action: actor = key id, action, target, request id = X-Request-Id", () => {
    const audited = [...scenario.steps, ...webhookSteps].filter((s) => s.audit);
    expect(audited.length).toBeGreaterThanOrEqual(15);
    for (const s of audited) {
      const matching = rows.filter((r) => r.request_id === s.requestId);
      expect(matching, s.label).toHaveLength(1);
      expect(matching[0], s.label).toMatchObject({ actor: t.apiKeyId, ...s.audit });
    }
    // Besides those: only the tenant's creation (by the operator).
    expect(rows).toHaveLength(audited.length + 1);
    expect(rows[0]).toMatchObject({ seq: 1, action: expect.stringMatching(/tenant/) });
    expect(rows[0].actor).not.toBe(t.apiKeyId);
  });

  it("public (license-key) changes are announced but not audited", () => {
    const publicSteps = scenario.steps.filter((s) => !s.audit);
    expect(publicSteps.map((s) => s.label)).toEqual(["activate 1", "activate 2", "deactivate (client)"]);
    for (const s of publicSteps) expect(rows.filter((r) => r.request_id === s.requestId)).toHaveLength(0);
  });

  it("rows are chained: gapless seq from 1, each prev_hash the previous row's hash", () => {
    expect(rows.map((r) => r.seq)).toEqual(rows.map((_, i) => i + 1));
    expect(rows[0].prev_hash).toBe(GENESIS_HASH);
    for (let i = 1; i < rows.length; i++) expect(rows[i].prev_hash).toBe(rows[i - 1].hash);
    for (const r of rows) expect(r.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(new Set(rows.map((r) => r.hash)).size).toBe(rows.length);
  });

  it("lists newest first", async () => {
    const page = await json(await call("/v1/audit-log?limit=5", { token: t.apiKey }));
    expect(page.data.map((r: any) => r.seq)).toEqual([rows.length, rows.length - 1, rows.length - 2, rows.length - 3, rows.length - 4]);
    expect(page.has_more).toBe(true);
  });

  it("verify reports a clean chain as { ok: true, count }", async () => {
    expect(await verifyAudit(t.apiKey)).toEqual({ ok: true, count: rows.length });
  });

  it("details never hold secrets", () => {
    const dump = JSON.stringify(rows);
    for (const secret of [scenario.licenseKey, scenario.apiKeySecret, t.apiKey]) expect(dump).not.toContain(secret);
  });

  it("the actor is whichever credential acted", async () => {
    const other = await insertApiKey(t.tenantId, { permissions: ["applications:write", "audit:read"] });
    const res = await act("/v1/applications", { token: other.secret, body: { name: "by the other key" } });
    expect(res.status).toBe(201);
    const [newest] = (await json(await call("/v1/audit-log?limit=1", { token: other.secret }))).data;
    expect(newest).toMatchObject({
      actor: other.id,
      action: "application.create",
      request_id: res.headers.get("X-Request-Id"),
      target_id: (await json(res)).id,
    });
  });

  it("records the server's request id, never one the caller chose", async () => {
    // Replaying an earlier request's id must not make two audit rows claim the same request.
    const earlier = (await json(await call("/v1/audit-log?limit=1", { token: t.apiKey }))).data[0].request_id;
    const res = await act("/v1/applications", { token: t.apiKey, body: { name: "traced" }, headers: { "X-Request-Id": earlier } });
    expect(res.status).toBe(201);
    const [newest] = (await json(await call("/v1/audit-log?limit=1", { token: t.apiKey }))).data;
    expect(newest).toMatchObject({ request_id: res.headers.get("X-Request-Id"), action: "application.create" });
    expect(newest.request_id).not.toBe(earlier);
    expect(newest.request_id).toMatch(/^req_[1-9A-HJ-NP-Za-km-z]{22}$/);
  });

  it("a refused change writes nothing", async () => {
    const before = (await verifyAudit(t.apiKey)).count;
    await expectError(await act(`/v1/licenses/${scenario.licenseId}/reinstate`, { method: "POST", token: t.apiKey }), 409, "CONFLICT");
    await expectError(await act("/v1/webhooks", { token: t.apiKey, body: { url: "https://10.0.0.1/" } }), 422, "VALIDATION_FAILED");
    // Idempotent repeats (already revoked) are not new changes either.
    expect((await act(`/v1/licenses/${scenario.licenseId}/revoke`, { method: "POST", token: t.apiKey })).status).toBe(200);
    expect(await verifyAudit(t.apiKey)).toEqual({ ok: true, count: before });
  });
});

describe("audit log access", () => {
  it("requires audit:read (403 without) for the list and verify", async () => {
    const t = await createTenant("audit perms");
    const everythingElse = await insertApiKey(t.tenantId, { permissions: PERMISSIONS.filter((p) => p !== "audit:read") });
    await expectError(await call("/v1/audit-log", { token: everythingElse.secret }), 403, "FORBIDDEN");
    await expectError(await call("/v1/audit-log/verify", { token: everythingElse.secret }), 403, "FORBIDDEN");
    const auditOnly = await insertApiKey(t.tenantId, { permissions: ["audit:read"] });
    expect((await call("/v1/audit-log", { token: auditOnly.secret })).status).toBe(200);
    expect((await call("/v1/audit-log/verify", { token: auditOnly.secret })).status).toBe(200);
    await expectError(await call("/v1/audit-log"), 401, "UNAUTHORIZED");
  });

  it("another tenant's log is invisible, and its chain is verified separately", async () => {
    const a = await createTenant("audit iso a");
    const b = await createTenant("audit iso b");
    for (let i = 0; i < 3; i++) expect((await act("/v1/applications", { token: a.apiKey, body: { name: `a${i}` } })).status).toBe(201);
    const aRows = await auditRows(a.apiKey);
    const bRows = await auditRows(b.apiKey);
    expect(aRows).toHaveLength(4);
    expect(bRows).toHaveLength(1);
    const aIds = new Set(aRows.map((r) => r.id));
    expect(bRows.some((r) => aIds.has(r.id))).toBe(false);
    expect(JSON.stringify(bRows)).not.toContain(a.tenantId);
    // A's row id as a cursor in B's listing reveals nothing of A.
    const page = await json(await call(`/v1/audit-log?starting_after=${aRows[2].id}`, { token: b.apiKey }));
    expect(page.data.some((r: any) => aIds.has(r.id))).toBe(false);
    expect(await verifyAudit(a.apiKey)).toEqual({ ok: true, count: 4 });
    expect(await verifyAudit(b.apiKey)).toEqual({ ok: true, count: 1 });
  });
});
