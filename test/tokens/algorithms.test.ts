// SIGNING_KEYS may hold an ES256 or EdDSA key instead of RS256 (issue #7): verify signs with it,
// the JWKS publishes its public half, introspection accepts the token, and the SDK verifier takes
// it only when that algorithm is configured.
import { decodeProtectedHeader } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { createTenant, seedLicense, type TestTenant } from "../harness";
import { deployment, keySet, makeKey, rejection } from "./forge";

let tenant: TestTenant;
beforeAll(async () => {
  tenant = await createTenant("Signing algorithms");
});

describe.each([
  ["ES256", "EC", "P-256"],
  ["EdDSA", "OKP", "Ed25519"],
] as const)("a deployment signing with %s", (alg, kty, crv) => {
  it("issues, publishes, introspects and verifies with that algorithm only when configured", async () => {
    const key = await makeKey(alg);
    const site = deployment(keySet({ key, status: "current" }));
    const license = await seedLicense(tenant.tenantId);
    const token = await site.issue(license.licenseKey);

    expect(decodeProtectedHeader(token)).toMatchObject({ alg, kid: key.kid, typ: "license+jwt" });

    const published = (JSON.parse(await site.jwksText()) as { keys: Record<string, unknown>[] }).keys;
    expect(published).toEqual([expect.objectContaining({ kid: key.kid, alg, kty, crv, use: "sig" })]);
    expect(published[0]).not.toHaveProperty("d");

    const introspected = await site.introspect(tenant.apiKey, token);
    expect(introspected.status).toBe(200);
    expect(introspected.body).toMatchObject({ active: true, sub: license.licenseId });

    expect(await site.verifier({ algorithms: [alg] }).verify(token)).toMatchObject({ sub: license.licenseId });
    // The SDK's default is RS256 only: a verifier not told about the algorithm refuses the token.
    expect(await rejection(site.verifier().verify(token))).toBeInstanceOf(Error);
  });
});
