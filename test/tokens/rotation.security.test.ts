// Key rotation (SIGNING_KEYS statuses current / next / retired): retired keys verify until they are
// removed and then verify nothing; a next key is published before it signs; only the current key
// signs; each key verifies only its own algorithm.

import { createLicenseVerifier, LicenseTokenError } from "@edge-license/sdk";
import { decodeJwt, decodeProtectedHeader } from "jose";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createTenant, type SeededLicense, seedLicense, type TestTenant } from "../harness";
import { type Deployment, deployment, forge, ISSUER, JWKS_URI, keySet, makeKey, rejection, type TestKey } from "./forge";

let tenant: TestTenant;
let license: SeededLicense;
let k1: TestKey;
let k2: TestKey;
let k3: TestKey;

beforeAll(async () => {
  tenant = await createTenant("Rotation");
  license = await seedLicense(tenant.tenantId);
  [k1, k2, k3] = await Promise.all([makeKey(), makeKey(), makeKey()]);
});

const kidOf = (token: string) => decodeProtectedHeader(token).kid;
const publishedKids = async (site: Deployment) => (JSON.parse(await site.jwksText()).keys as { kid: string }[]).map((k) => k.kid);

async function expectKeyNotFound(promise: Promise<unknown>) {
  const err = await rejection(promise);
  expect(err).toBeInstanceOf(LicenseTokenError);
  expect(err.code).toBe("ERR_KEY_NOT_FOUND");
}

describe("key rotation", () => {
  it("keeps a token signed by a retired key valid while the retired key is published", async () => {
    const before = deployment(keySet({ key: k1, status: "current" }));
    const token = await before.issue(license.licenseKey);
    expect(kidOf(token)).toBe(k1.kid);

    const rotated = deployment(keySet({ key: k2, status: "current" }, { key: k1, status: "retired" }));
    expect(await publishedKids(rotated)).toEqual([k2.kid, k1.kid]);
    expect((await rotated.introspect(tenant.apiKey, token)).body).toMatchObject({ active: true, jti: decodeJwt(token).jti });
    expect(await rotated.verifier({ audience: license.applicationId! }).verify(token)).toMatchObject({ jti: decodeJwt(token).jti });
    // New tokens come from the new current key.
    expect(kidOf(await rotated.issue(license.licenseKey))).toBe(k2.kid);
  });

  it("refuses that token once the retired key is removed from the set", async () => {
    const token = await deployment(keySet({ key: k1, status: "current" })).issue(license.licenseKey);
    const after = deployment(keySet({ key: k2, status: "current" }));
    expect(await publishedKids(after)).toEqual([k2.kid]);
    expect((await after.introspect(tenant.apiKey, token)).body).toEqual({ active: false, reason: "unknown_key" });
    await expectKeyNotFound(after.verifier({ audience: license.applicationId! }).verify(token));
  });

  it("publishes the next key in the JWKS but signs with the current key", async () => {
    const site = deployment(keySet({ key: k2, status: "current" }, { key: k3, status: "next" }));
    expect(await publishedKids(site)).toEqual([k2.kid, k3.kid]);
    const token = await site.issue(license.licenseKey);
    expect(kidOf(token)).toBe(k2.kid);
    expect(kidOf(token)).not.toBe(k3.kid);
    expect(await site.verifier({ audience: license.applicationId! }).verify(token)).toMatchObject({ jti: decodeJwt(token).jti });
  });

  it("lets a verifier that cached the JWKS before the switch accept the promoted key's tokens", async () => {
    const beforeSwitch = deployment(keySet({ key: k2, status: "current" }, { key: k3, status: "next" }));
    const verifier = beforeSwitch.verifier({ audience: license.applicationId! });
    await verifier.verify(await beforeSwitch.issue(license.licenseKey)); // caches the set
    const promoted = deployment(keySet({ key: k3, status: "current" }, { key: k2, status: "retired" }));
    const token = await promoted.issue(license.licenseKey);
    expect(kidOf(token)).toBe(k3.kid);
    expect(await verifier.verify(token)).toMatchObject({ jti: decodeJwt(token).jti });
  });

  it("never signs with a retired key, even one left with its private members", async () => {
    const site = deployment(keySet({ key: k2, status: "current" }, { key: k1, status: "retired", withPrivate: true }));
    expect(kidOf(await site.issue(license.licenseKey))).toBe(k2.kid);
  });

  it("re-fetches the JWKS when a token names a kid it has not seen, and trusts only what it fetched", async () => {
    let serving = deployment(keySet({ key: k1, status: "current" }));
    const verifier = createLicenseVerifier({
      issuer: ISSUER,
      jwksUri: JWKS_URI,
      audience: license.applicationId!,
      cooldownDuration: 0,
      fetch: ((input: RequestInfo | URL, init?: RequestInit) => serving.fetch(input, init)) as typeof fetch,
    });
    await verifier.verify(await serving.issue(license.licenseKey));
    const rotated = deployment(keySet({ key: k2, status: "current" }, { key: k1, status: "retired" }));
    const token = await rotated.issue(license.licenseKey);
    await expectKeyNotFound(verifier.verify(token)); // the JWKS still says K1 only
    serving = rotated;
    expect(await verifier.verify(token)).toMatchObject({ jti: decodeJwt(token).jti });
  });
});

describe("key sets with more than one algorithm", () => {
  it("verifies each key only for its own algorithm", async () => {
    const ec = await makeKey("ES256");
    const stranger = await makeKey("ES256");
    const site = deployment(keySet({ key: k2, status: "current" }, { key: ec, status: "retired" }));
    const claims = decodeJwt(await site.issue(license.licenseKey)) as Record<string, unknown>;

    // Control: a genuine ES256 token of the published EC key is accepted.
    expect((await site.introspect(tenant.apiKey, await forge(ec, claims))).body).toMatchObject({ active: true });
    expect(await site.verifier({ audience: license.applicationId!, algorithms: ["RS256", "ES256"] }).verify(await forge(ec, claims))).toMatchObject({
      jti: claims.jti,
    });

    // ES256 under the RSA key's kid, and RS256 under the EC key's kid.
    const crossed = [await forge(stranger, claims, { kid: k2.kid }), await forge(k3, claims, { kid: ec.kid })];
    for (const token of crossed) {
      expect((await site.introspect(tenant.apiKey, token)).body).toEqual({ active: false, reason: "unknown_key" });
      await expectKeyNotFound(site.verifier({ audience: license.applicationId!, algorithms: ["RS256", "ES256"] }).verify(token));
    }
  });
});

describe("retirement enforced by the worker (retired_at, retire_after)", () => {
  afterEach(() => vi.useRealTimers());

  const retiredSet = (retiredAt: number, retireAfter: number) =>
    JSON.stringify({
      keys: [
        { ...k2.jwk, status: "current" },
        { ...k1.publicJwk, status: "retired", retired_at: retiredAt, retire_after: retireAfter },
      ],
    });

  it("stops publishing and trusting a retired key at its retire_after, without another rotate run", async () => {
    const token = await deployment(keySet({ key: k1, status: "current" })).issue(license.licenseKey);
    const { iat } = decodeJwt(token) as { iat: number };
    const site = deployment(retiredSet(iat, iat + 60));
    expect(await publishedKids(site)).toEqual([k2.kid, k1.kid]);
    expect((await site.introspect(tenant.apiKey, token)).body).toMatchObject({ active: true });

    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime((iat + 60) * 1000);
    expect(await publishedKids(site)).toEqual([k2.kid]);
    expect((await site.introspect(tenant.apiKey, token)).body).toEqual({ active: false, reason: "unknown_key" });
  });

  it("refuses a token a retired key signed after its retirement began, however valid its signature", async () => {
    const claims = decodeJwt(await deployment(keySet({ key: k1, status: "current" })).issue(license.licenseKey)) as Record<string, unknown>;
    const iat = claims.iat as number;
    const site = deployment(retiredSet(iat - 1, iat + 3600));
    // Signed at the moment of retirement: fine. One second later: the key no longer signed anything.
    expect((await site.introspect(tenant.apiKey, await forge(k1, { ...claims, iat: iat - 1, nbf: iat - 1 }))).body).toMatchObject({ active: true });
    expect((await site.introspect(tenant.apiKey, await forge(k1, claims))).body).toEqual({ active: false, reason: "unknown_key" });
  });
});
