// POST /v1/licenses/introspect under attack. Every forged, tampered or mis-typed token answers
// 200 `{ active: false }` and echoes no claim; only the owning tenant may also see a `reason`.
// Credentials are checked (401/403), tenants are isolated, and an outage is a 503, never active.
import { decodeJwt } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { MAX_TOKEN_BYTES } from "../../src/contract/tokens";
import { newApiKey } from "../../src/crypto/random";
import {
  call,
  callWithEnv,
  createTenant,
  expectError,
  insertApiKey,
  introspect,
  issueToken,
  json,
  seedLicense,
  setLicenseState,
  type TestTenant,
  UNREACHABLE_DATABASE_URL,
} from "../harness";
import { ATTACKS, type AttackContext, type Deployment, deployment, flipSignatureBit, forge, keySet, makeKey, nowS, segment, TYP } from "./forge";

const HOUR = 3_600_000;

let owner: TestTenant;
let other: TestTenant;
let site: Deployment;
let ctx: AttackContext;

beforeAll(async () => {
  [owner, other] = await Promise.all([createTenant("Introspection owner"), createTenant("Introspection other")]);
  const [trusted, attacker, ec] = await Promise.all([makeKey(), makeKey(), makeKey("ES256")]);
  site = deployment(keySet({ key: trusted, status: "current" }));
  const license = await seedLicense(owner.tenantId);
  const genuine = await site.issue(license.licenseKey);
  ctx = { trusted, attacker, ec, genuine, claims: decodeJwt(genuine) as Record<string, unknown>, jwksText: await site.jwksText() };
});

/** The `sub` a token names, read without verifying it, as the service attributes a refused token (none over 8 KB). */
function unverifiedSub(token: string): unknown {
  if (token.length > MAX_TOKEN_BYTES) return undefined;
  try {
    return decodeJwt(token).sub;
  } catch {
    return undefined;
  }
}

/**
 * Exactly `{ active: false }`, plus `reason` when the token names one of the owner's licenses
 * (`sub`): the owning tenant learns why, anyone else learns nothing.
 */
function expectInactive(body: Record<string, unknown>, token: string, ownLicenseId: string, reason: string) {
  expect(body).toEqual(unverifiedSub(token) === ownLicenseId ? { active: false, reason } : { active: false });
}

/** Nothing of the token's claims in a response body. */
function expectNoClaims(text: string, claims: Record<string, unknown>) {
  for (const name of ["jti", "sub", "aud"] as const) {
    if (typeof claims[name] === "string") expect(text).not.toContain(claims[name]);
  }
}

describe("POST /v1/licenses/introspect with forged and tampered tokens", () => {
  it("answers active: true for a genuine token and for its claims re-signed by the trusted key (control)", async () => {
    const genuine = await site.introspect(owner.apiKey, ctx.genuine);
    expect(genuine.status).toBe(200);
    expect(genuine.body).toMatchObject({ active: true, jti: ctx.claims.jti, sub: ctx.claims.sub, status: "active" });
    const resigned = await site.introspect(owner.apiKey, await forge(ctx.trusted, ctx.claims));
    expect(resigned.body).toMatchObject({ active: true, jti: ctx.claims.jti });
  });

  it.each(ATTACKS.map((attack) => [attack.name, attack] as const))("answers 200 { active: false } with no claims for %s", async (_name, attack) => {
    const token = await attack.token(ctx);
    const res = await site.introspect(owner.apiKey, token);
    expect(res.status).toBe(200);
    expectInactive(res.body, token, ctx.claims.sub as string, attack.reason);

    // Another tenant learns nothing at all, not even the reason.
    const stranger = await site.introspect(other.apiKey, token);
    expect(stranger.status).toBe(200);
    expect(stranger.body).toEqual({ active: false });
  });

  it("tells the owning tenant why, and nothing more", async () => {
    const expired = await forge(ctx.trusted, { ...ctx.claims, iat: nowS() - 7200, nbf: nowS() - 7200, exp: nowS() - 3600 });
    const cases: [string, string][] = [
      [flipSignatureBit(ctx.genuine), "invalid_signature"],
      [await forge(ctx.attacker, ctx.claims, { kid: ctx.trusted.kid }), "invalid_signature"],
      [await forge(ctx.attacker, ctx.claims, { jwk: ctx.attacker.publicJwk }), "invalid_header"],
      [await forge(ctx.trusted, ctx.claims, { typ: "JWT" }), "invalid_type"],
      [expired, "expired"],
    ];
    for (const [token, reason] of cases) {
      expect((await site.introspect(owner.apiKey, token)).body).toEqual({ active: false, reason });
    }
  });

  it("refuses a forged token sent form-encoded just the same", async () => {
    const unsigned = `${segment({ alg: "none", kid: ctx.trusted.kid, typ: TYP })}.${segment(ctx.claims)}.`;
    const cases: [string, string][] = [
      [unsigned, "malformed"],
      [await forge(ctx.attacker, ctx.claims, { kid: ctx.trusted.kid }), "invalid_signature"],
    ];
    for (const [token, reason] of cases) {
      const res = await site.call("/v1/licenses/introspect", {
        token: owner.apiKey,
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        rawBody: new URLSearchParams({ token }).toString(),
      });
      expect(res.status).toBe(200);
      expectInactive(await json(res), token, ctx.claims.sub as string, reason);
    }
  });
});

describe("POST /v1/licenses/introspect authorization", () => {
  const introspectAs = (authorization: string | undefined, token = ctx.genuine) =>
    site.call("/v1/licenses/introspect", {
      headers: authorization ? { Authorization: authorization } : {},
      body: { token },
    });

  it("answers 401 UNAUTHORIZED without an API key, and echoes no claims", async () => {
    const res = await introspectAs(undefined);
    const text = await res.clone().text();
    await expectError(res, 401, "UNAUTHORIZED");
    expectNoClaims(text, ctx.claims);
  });

  it("answers 401 UNAUTHORIZED to unknown, malformed, revoked and expired keys, and to a license token as bearer", async () => {
    const revoked = await insertApiKey(owner.tenantId, { revokedAt: new Date(Date.now() - HOUR) });
    const expired = await insertApiKey(owner.tenantId, { expiresAt: new Date(Date.now() - HOUR) });
    const bearers = [
      `Bearer ${newApiKey()}`,
      "Bearer sk_short",
      `Bearer ${owner.apiKey}x`,
      `Basic ${btoa(`x:${owner.apiKey}`)}`,
      `Bearer ${revoked.secret}`,
      `Bearer ${expired.secret}`,
      `Bearer ${ctx.genuine}`,
    ];
    for (const authorization of bearers) {
      const res = await introspectAs(authorization);
      const text = await res.clone().text();
      await expectError(res, 401, "UNAUTHORIZED");
      expectNoClaims(text, ctx.claims);
    }
  });

  it("answers 403 FORBIDDEN to a key without tokens:introspect, and echoes no claims", async () => {
    const key = await insertApiKey(owner.tenantId, { permissions: ["tokens:revoke", "licenses:read"] });
    const res = await introspectAs(`Bearer ${key.secret}`);
    const text = await res.clone().text();
    const error = await expectError(res, 403, "FORBIDDEN");
    expect(error.message).toContain("tokens:introspect");
    expectNoClaims(text, ctx.claims);
  });

  it("answers active: true to a key that holds only tokens:introspect", async () => {
    const key = await insertApiKey(owner.tenantId, { permissions: ["tokens:introspect"] });
    const res = await site.introspect(key.secret, ctx.genuine);
    expect(res.body).toMatchObject({ active: true, jti: ctx.claims.jti });
  });
});

describe("POST /v1/licenses/introspect tenant isolation", () => {
  it("answers exactly { active: false } to another tenant for a genuine token", async () => {
    const res = await site.introspect(other.apiKey, ctx.genuine);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ active: false });
  });

  it("tells another tenant nothing about the license's live status", async () => {
    const license = await seedLicense(owner.tenantId);
    const { token } = await issueToken(license.licenseKey);
    await setLicenseState(license.licenseId, { status: "suspended" });
    expect((await introspect(owner.apiKey, token)).body).toEqual({ active: false, reason: "license_suspended" });
    expect((await introspect(other.apiKey, token)).body).toEqual({ active: false });
  });
});

describe("POST /v1/licenses/introspect while the database is unreachable", () => {
  it("answers 503 SERVICE_UNAVAILABLE with Retry-After for a genuine token, never active: true", async () => {
    const license = await seedLicense(owner.tenantId);
    const { token } = await issueToken(license.licenseKey);
    expect((await introspect(owner.apiKey, token)).body.active).toBe(true);

    for (const key of [owner.apiKey, newApiKey()]) {
      const res = await callWithEnv({ DATABASE_URL: UNREACHABLE_DATABASE_URL }, "/v1/licenses/introspect", {
        token: key,
        body: { token },
      });
      const text = await res.clone().text();
      expect(Number(res.headers.get("Retry-After"))).toBeGreaterThan(0);
      await expectError(res, 503, "SERVICE_UNAVAILABLE");
      expect(text).not.toContain('"active"');
      expectNoClaims(text, decodeJwt(token) as Record<string, unknown>);
    }
  });

  it("answers the same 503 for a forged token", async () => {
    const res = await callWithEnv({ ...site.bindings, DATABASE_URL: UNREACHABLE_DATABASE_URL }, "/v1/licenses/introspect", {
      token: owner.apiKey,
      body: { token: await forge(ctx.attacker, ctx.claims, { kid: ctx.trusted.kid }) },
    });
    await expectError(res, 503, "SERVICE_UNAVAILABLE");
  });
});

// The worker's own default keys sign what `call` issues; a sanity check that the suite's forged
// deployment and the default one do not trust each other's keys.
describe("POST /v1/licenses/introspect across key sets", () => {
  it("refuses a token from the default deployment where the test key set is configured, and vice versa", async () => {
    const license = await seedLicense(owner.tenantId);
    const { token } = await issueToken(license.licenseKey);
    expect((await site.introspect(owner.apiKey, token)).body).toEqual({ active: false, reason: "unknown_key" });
    const res = await call("/v1/licenses/introspect", { token: owner.apiKey, body: { token: ctx.genuine } });
    expect(await json(res)).toEqual({ active: false, reason: "unknown_key" });
  });
});
