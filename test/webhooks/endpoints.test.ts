// Webhook endpoints: the signing secret is shown once and stored only AES-256-GCM encrypted;
// endpoints are tenant-scoped and permission-guarded.
import { env } from "cloudflare:workers";
import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { decryptSecret } from "../../src/crypto/aes";
import { webhookEndpoints } from "../../src/db/schema";
import { expectError, insertApiKey, json, withDb } from "../harness";
import { act, createEndpoint, deliveriesOf, emitApiKeyCreated, received, receiverUrl, trackedTenants, uniqueName } from "./helpers";

const tenant = trackedTenants();

/** The endpoint row exactly as Postgres holds it, every column as text. */
async function storedRow(id: string): Promise<Record<string, string | null>> {
  const result = await withDb((db) => db.execute(sql`select * from webhook_endpoints where id = ${id}`));
  expect(result.rows).toHaveLength(1);
  return Object.fromEntries(
    Object.entries(result.rows[0] as Record<string, unknown>).map(([k, v]) => [
      k,
      v === null ? null : v instanceof Date ? v.toISOString() : typeof v === "object" ? JSON.stringify(v) : String(v),
    ]),
  );
}

/** The secret in every form it could leak: whole, its base64 part, and that part as hex. */
function secretForms(secret: string): string[] {
  const b64 = secret.slice("whsec_".length);
  const hex = [...atob(b64)].map((c) => c.charCodeAt(0).toString(16).padStart(2, "0")).join("");
  return [secret, b64, hex];
}

describe("webhook secrets at rest", () => {
  it("never stores the plain secret: the row holds only AES-GCM ciphertext bound to the endpoint", async () => {
    const t = await tenant("wh secret at rest");
    const ep = await createEndpoint(t, uniqueName("at-rest"));
    const row = await storedRow(ep.id);
    for (const [column, value] of Object.entries(row)) {
      for (const form of secretForms(ep.secret)) expect(value ?? "", `column ${column}`).not.toContain(form);
    }
    expect(row.secret_ciphertext).toMatch(/^v1\.[A-Za-z0-9+/=]+\.[A-Za-z0-9+/=]+$/);
    // Recoverable with the Worker secret (that is how deliveries are signed)...
    expect(await decryptSecret(env.WEBHOOK_SECRETS_KEY, row.secret_ciphertext!, ep.id)).toBe(ep.secret);
    // ...but bound to its row: under another endpoint's id it does not decrypt.
    await expect(decryptSecret(env.WEBHOOK_SECRETS_KEY, row.secret_ciphertext!, "whk_someoneelse")).rejects.toThrow();

    // After a rotation neither the new nor the previous secret is in clear.
    const rotated = await json(await act(`/v1/webhooks/${ep.id}/rotate-secret`, { token: t.apiKey, body: {} }));
    const after = await storedRow(ep.id);
    for (const [column, value] of Object.entries(after)) {
      for (const form of [...secretForms(ep.secret), ...secretForms(rotated.secret)]) expect(value ?? "", `column ${column}`).not.toContain(form);
    }
    expect(await decryptSecret(env.WEBHOOK_SECRETS_KEY, after.secret_ciphertext!, ep.id)).toBe(rotated.secret);
    expect(await decryptSecret(env.WEBHOOK_SECRETS_KEY, after.previous_secret_ciphertext!, ep.id)).toBe(ep.secret);

    // Nor in the audit log, the outbox, or the deliveries.
    await emitApiKeyCreated(t);
    const elsewhere = await withDb((db) =>
      db.execute(sql`
        select (select coalesce(string_agg(a::text, ' '), '') from audit_log a where a.tenant_id = ${t.tenantId}) as audit,
               (select coalesce(string_agg(e::text, ' '), '') from webhook_events e where e.tenant_id = ${t.tenantId}) as events,
               (select coalesce(string_agg(d::text, ' '), '') from webhook_deliveries d where d.tenant_id = ${t.tenantId}) as deliveries`),
    );
    const dump = JSON.stringify(elsewhere.rows[0]);
    expect(dump).toContain("webhook.create");
    for (const form of [...secretForms(ep.secret), ...secretForms(rotated.secret)]) expect(dump).not.toContain(form);
  });

  describe("POST /v1/webhooks (createWebhook), GET /v1/webhooks/{id} (getWebhook) and GET /v1/webhooks (listWebhooks)", () => {
    it("shows the secret only when created or rotated, never on GET or list", async () => {
      const t = await tenant("wh secret once");
      const ep = await createEndpoint(t, uniqueName("once"));
      const got = await act(`/v1/webhooks/${ep.id}`, { token: t.apiKey });
      const text = await got.text();
      expect(got.status).toBe(200);
      expect(JSON.parse(text)).not.toHaveProperty("secret");
      expect(text).not.toContain(ep.secret.slice(6));
      const list = await act("/v1/webhooks", { token: t.apiKey });
      const listText = await list.text();
      expect(list.status).toBe(200);
      expect(JSON.parse(listText).data.map((e: any) => e.id)).toEqual([ep.id]);
      expect(listText).not.toContain(ep.secret.slice(6));
      // The create answer is not cacheable.
      const created = await act("/v1/webhooks", { token: t.apiKey, body: { url: receiverUrl(uniqueName("once2")) } });
      expect(created.status).toBe(201);
      expect(created.headers.get("Cache-Control")).toMatch(/no-store/);
    });
  });
});

describe("webhook endpoints API", () => {
  it("needs webhooks:read to read and webhooks:write to change", async () => {
    const t = await tenant("wh perms");
    const ep = await createEndpoint(t, uniqueName("perms"));
    const readOnly = await insertApiKey(t.tenantId, { permissions: ["webhooks:read"] });
    const none = await insertApiKey(t.tenantId, { permissions: ["licenses:read"] });
    await expectError(await act("/v1/webhooks", { token: readOnly.secret, body: { url: receiverUrl("x") } }), 403, "FORBIDDEN");
    await expectError(await act(`/v1/webhooks/${ep.id}`, { method: "PATCH", token: readOnly.secret, body: { enabled: false } }), 403, "FORBIDDEN");
    await expectError(await act(`/v1/webhooks/${ep.id}`, { method: "DELETE", token: readOnly.secret }), 403, "FORBIDDEN");
    expect((await act(`/v1/webhooks/${ep.id}`, { token: readOnly.secret })).status).toBe(200);
    expect((await act(`/v1/webhooks/${ep.id}/deliveries`, { token: readOnly.secret })).status).toBe(200);
    for (const path of ["/v1/webhooks", `/v1/webhooks/${ep.id}`, `/v1/webhooks/${ep.id}/deliveries`]) {
      await expectError(await act(path, { token: none.secret }), 403, "FORBIDDEN");
    }
  });

  it("another tenant's endpoints and deliveries answer 404 and are not listed", async () => {
    const a = await tenant("wh iso a");
    const b = await tenant("wh iso b");
    const ep = await createEndpoint(a, uniqueName("iso"));
    await emitApiKeyCreated(a);
    const [d] = await deliveriesOf(ep.id);
    for (const [method, path, body] of [
      ["GET", `/v1/webhooks/${ep.id}`, undefined],
      ["GET", `/v1/webhooks/${ep.id}/deliveries`, undefined],
      ["PATCH", `/v1/webhooks/${ep.id}`, { enabled: false }],
      ["DELETE", `/v1/webhooks/${ep.id}`, undefined],
      ["POST", `/v1/webhooks/${ep.id}/rotate-secret`, {}],
      ["POST", `/v1/webhook-deliveries/${d!.id}/redeliver`, undefined],
    ] as const) {
      await expectError(await act(path, { method, token: b.apiKey, body }), 404, "NOT_FOUND");
    }
    expect((await json(await act("/v1/webhooks", { token: b.apiKey }))).data).toEqual([]);
    // B's events never reach A's endpoint.
    await emitApiKeyCreated(b);
    expect(await received(ep.name)).toHaveLength(1);
    // And A's endpoint is untouched.
    const shown = await json(await act(`/v1/webhooks/${ep.id}`, { token: a.apiKey }));
    expect(shown.enabled).toBe(true);
  });

  describe("PATCH /v1/webhooks/{id} (updateWebhook)", () => {
    it("a disabled endpoint gets no deliveries; re-enabled, it gets the next events", async () => {
      const t = await tenant("wh disabled");
      const ep = await createEndpoint(t, uniqueName("disabled"), { enabled: false });
      await emitApiKeyCreated(t);
      expect(await received(ep.name)).toHaveLength(0);
      expect(await deliveriesOf(ep.id)).toHaveLength(0);
      const res = await act(`/v1/webhooks/${ep.id}`, { method: "PATCH", token: t.apiKey, body: { enabled: true } });
      expect(res.status).toBe(200);
      await emitApiKeyCreated(t);
      expect(await received(ep.name)).toHaveLength(1);
    });

    it("PATCH event_types changes what the endpoint receives", async () => {
      const t = await tenant("wh patch types");
      const ep = await createEndpoint(t, uniqueName("patch-types"), { event_types: ["license.revoked"] });
      await emitApiKeyCreated(t);
      expect(await received(ep.name)).toHaveLength(0);
      const res = await act(`/v1/webhooks/${ep.id}`, { method: "PATCH", token: t.apiKey, body: { event_types: ["api_key.created"] } });
      expect((await json(res)).event_types).toEqual(["api_key.created"]);
      await emitApiKeyCreated(t);
      expect(await received(ep.name)).toHaveLength(1);
    });
  });

  describe("POST /v1/webhooks (createWebhook)", () => {
    it("refuses unknown event types and unknown fields", async () => {
      const t = await tenant("wh create invalid");
      await expectError(
        await act("/v1/webhooks", { token: t.apiKey, body: { url: receiverUrl("x"), event_types: ["license.exploded"] } }),
        422,
        "VALIDATION_FAILED",
      );
      await expectError(await act("/v1/webhooks", { token: t.apiKey, body: { url: receiverUrl("x"), secret: "whsec_chosenbyme" } }), 422, "VALIDATION_FAILED");
      await expectError(await act("/v1/webhooks", { token: t.apiKey, body: { url: receiverUrl("x"), tenant_id: "ten_other" } }), 422, "VALIDATION_FAILED");
      expect((await json(await act("/v1/webhooks", { token: t.apiKey }))).data).toEqual([]);
    });
  });

  describe("DELETE /v1/webhooks/{id} (deleteWebhook)", () => {
    it("DELETE removes the endpoint and its deliveries", async () => {
      const t = await tenant("wh delete");
      const ep = await createEndpoint(t, uniqueName("delete"));
      await emitApiKeyCreated(t);
      expect(await deliveriesOf(ep.id)).toHaveLength(1);
      expect((await act(`/v1/webhooks/${ep.id}`, { method: "DELETE", token: t.apiKey })).status).toBe(204);
      await expectError(await act(`/v1/webhooks/${ep.id}`, { token: t.apiKey }), 404, "NOT_FOUND");
      expect(await deliveriesOf(ep.id)).toHaveLength(0);
      expect(await withDb((db) => db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, ep.id)))).toHaveLength(0);
      await emitApiKeyCreated(t);
      expect(await received(ep.name)).toHaveLength(1);
    });
  });
});
