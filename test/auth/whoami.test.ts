// GET /v1/auth/whoami: any live credential reads its own id, kind and permissions (nothing else
// of the tenant), whatever it may do; a dead or unknown one gets the same 401 as everywhere.
import { describe, expect, it } from "vitest";
import { call, createTenant, expectError, insertApiKey, json } from "../harness";

describe("GET /v1/auth/whoami", () => {
  it("answers an API key with no permissions at all, and a narrow one, exactly", async () => {
    const t = await createTenant("whoami", "free");
    const none = await insertApiKey(t.tenantId, { permissions: [] });
    expect(await json(await call("/v1/auth/whoami", { token: none.secret }))).toEqual({
      tenant_id: t.tenantId,
      plan_tier: "free",
      credential: { id: none.id, kind: "api_key", permissions: [], expires_at: null },
    });
    const narrow = await insertApiKey(t.tenantId, { permissions: ["licenses:read", "metrics:read"] });
    expect((await json(await call("/v1/auth/whoami", { token: narrow.secret }))).credential.permissions).toEqual(["licenses:read", "metrics:read"]);
  });

  it("answers an access token with its kind and expiry", async () => {
    const t = await createTenant("whoami at");
    const user = await json(await call("/v1/user-tokens", { token: t.apiKey, body: { name: "ops", permissions: ["audit:read"] } }));
    const issued = await json(await call("/v1/auth/token", { body: { user_token: user.token } }));
    const me = await json(await call("/v1/auth/whoami", { token: issued.access_token }));
    expect(me.credential).toEqual({ id: me.credential.id, kind: "access_token", permissions: ["audit:read"], expires_at: issued.expires_at });
    expect(me.credential.id).toMatch(/^key_/);
  });

  it("refuses no credential, an unknown one, a revoked one and an expired one alike (401)", async () => {
    const t = await createTenant("whoami dead");
    const revoked = await insertApiKey(t.tenantId, { revokedAt: new Date(Date.now() - 1000) });
    const expired = await insertApiKey(t.tenantId, { expiresAt: new Date(Date.now() - 1000) });
    const bodies = new Set<string>();
    for (const token of [undefined, `sk_${"x".repeat(40)}`, revoked.secret, expired.secret]) {
      const error = await expectError(await call("/v1/auth/whoami", { token }), 401, "UNAUTHORIZED");
      bodies.add(error.message);
    }
    expect([...bodies]).toEqual(["Missing or invalid credentials."]);
  });
});
