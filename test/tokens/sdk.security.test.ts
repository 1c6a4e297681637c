// The offline SDK verifier (createLicenseVerifier) under attack: every forged, tampered or
// mis-typed token throws a LicenseTokenError with a stable `code`; keys come only from the
// configured JWKS, only for the configured algorithms; an unusable JWKS fails closed.

import { createLicenseVerifier, LICENSE_TOKEN_ERROR_CODES, LicenseTokenError, type LicenseTokenErrorCode, type LicenseVerifier } from "@edge-license/sdk";
import { decodeJwt } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { createTenant, type SeededLicense, seedLicense } from "../harness";
import {
  ATTACKS,
  type AttackContext,
  b64url,
  type Deployment,
  deployment,
  forge,
  ISSUER,
  JWKS_URI,
  keySet,
  makeKey,
  rejection,
  signJws,
  TYP,
  withChanges,
} from "./forge";

let license: SeededLicense;
let site: Deployment;
let ctx: AttackContext;
let verifier: LicenseVerifier;

beforeAll(async () => {
  const tenant = await createTenant("SDK attacks");
  const [trusted, attacker, ec] = await Promise.all([makeKey(), makeKey(), makeKey("ES256")]);
  site = deployment(keySet({ key: trusted, status: "current" }));
  license = await seedLicense(tenant.tenantId);
  const genuine = await site.issue(license.licenseKey);
  ctx = { trusted, attacker, ec, genuine, claims: decodeJwt(genuine) as Record<string, unknown>, jwksText: await site.jwksText() };
  verifier = site.verifier({ audience: license.applicationId! });
});

async function expectRefused(promise: Promise<unknown>, code: LicenseTokenErrorCode, claim?: string): Promise<LicenseTokenError> {
  const err = await rejection(promise);
  expect(err).toBeInstanceOf(LicenseTokenError);
  // One class per code (as jose does): named for it, with the code as its static `code`.
  expect(err.name).toBe(err.constructor.name);
  expect(err.constructor.code).toBe(code);
  expect(LICENSE_TOKEN_ERROR_CODES).toContain(err.code);
  expect({ code: err.code, message: err.message }).toMatchObject({ code, message: expect.stringMatching(/\S/) });
  if (claim !== undefined) expect(err.claim).toBe(claim);
  return err;
}

const verifierWith = (fetchImpl: typeof fetch) =>
  createLicenseVerifier({ issuer: ISSUER, jwksUri: JWKS_URI, audience: license.applicationId!, fetch: fetchImpl, cooldownDuration: 0 });

describe("createLicenseVerifier().verify with forged and tampered tokens", () => {
  it("returns the claims of a genuine token and of its claims re-signed by the trusted key (control)", async () => {
    expect(await verifier.verify(ctx.genuine)).toMatchObject({ jti: ctx.claims.jti, sub: license.licenseId, aud: license.applicationId });
    expect(await verifier.verify(await forge(ctx.trusted, ctx.claims))).toMatchObject({ jti: ctx.claims.jti });
  });

  it.each(ATTACKS.map((attack) => [attack.name, attack] as const))("throws for %s", async (_name, attack) => {
    await expectRefused(verifier.verify(await attack.token(ctx)), attack.code);
  });

  it("names the claim at fault for time claims", async () => {
    const now = Math.floor(Date.now() / 1000);
    await expectRefused(verifier.verify(await forge(ctx.trusted, withChanges(ctx.claims, { iat: now + 3600 }))), "ERR_TOKEN_NOT_YET_VALID", "iat");
    await expectRefused(verifier.verify(await forge(ctx.trusted, withChanges(ctx.claims, { nbf: now + 3600 }))), "ERR_TOKEN_NOT_YET_VALID", "nbf");
    await expectRefused(verifier.verify(await forge(ctx.trusted, withChanges(ctx.claims, { exp: String(ctx.claims.exp) }))), "ERR_CLAIM_INVALID", "exp");
  });

  it("throws ERR_TOKEN_EXPIRED for a genuine token once its exp has passed", async () => {
    const later = new Date(((ctx.claims.exp as number) + 3600) * 1000);
    await expectRefused(verifier.verify(ctx.genuine, { currentDate: later }), "ERR_TOKEN_EXPIRED");
  });

  it("throws ERR_TOKEN_MALFORMED for non-string, empty and non-JWS input", async () => {
    for (const input of [undefined, null, 42, {}, "", "not a token", "a.b.c.d.e", "....", `${ctx.genuine} `]) {
      await expectRefused(verifier.verify(input as unknown as string), "ERR_TOKEN_MALFORMED");
    }
  });
});

describe("createLicenseVerifier audience, issuer and token_use", () => {
  it("throws ERR_CLAIM_INVALID (claim aud) for a token of another application", async () => {
    const token = await forge(ctx.trusted, withChanges(ctx.claims, { aud: "app_someoneElse" }));
    await expectRefused(verifier.verify(token), "ERR_CLAIM_INVALID", "aud");
  });

  it("throws ERR_CLAIM_INVALID for a token without aud", async () => {
    const token = await forge(ctx.trusted, withChanges(ctx.claims, { aud: undefined }));
    await expectRefused(verifier.verify(token), "ERR_CLAIM_INVALID", "aud");
  });

  it("throws ERR_CLAIM_INVALID for an aud list that does not hold the application", async () => {
    const token = await forge(ctx.trusted, withChanges(ctx.claims, { aud: ["app_a", "app_b"] }));
    await expectRefused(verifier.verify(token), "ERR_CLAIM_INVALID", "aud");
  });

  it("refuses a genuine token when configured for another application, issuer or token_use", async () => {
    const audience = license.applicationId!;
    await expectRefused(site.verifier({ audience: "app_other" }).verify(ctx.genuine), "ERR_CLAIM_INVALID", "aud");
    await expectRefused(site.verifier({ audience, issuer: "https://license.example" }).verify(ctx.genuine), "ERR_CLAIM_INVALID", "iss");
    await expectRefused(site.verifier({ audience, tokenUse: "other_product_v1" }).verify(ctx.genuine), "ERR_CLAIM_INVALID", "token_use");
  });

  it("will not be created without an audience: every tenant's tokens share the signing keys", () => {
    for (const audience of [undefined, ""]) {
      expect(() => createLicenseVerifier({ issuer: ISSUER, jwksUri: JWKS_URI, audience } as never)).toThrow(TypeError);
    }
  });
});

describe("createLicenseVerifier key selection", () => {
  it("does not let an ES256 token use an RSA key's kid even when ES256 is allowed", async () => {
    const lenient = site.verifier({ audience: license.applicationId!, algorithms: ["RS256", "ES256"] });
    await expectRefused(lenient.verify(await forge(ctx.ec, ctx.claims, { kid: ctx.trusted.kid })), "ERR_KEY_NOT_FOUND");
    await expectRefused(lenient.verify(await forge(ctx.ec, ctx.claims)), "ERR_KEY_NOT_FOUND");
    expect(await lenient.verify(ctx.genuine)).toMatchObject({ jti: ctx.claims.jti });
  });

  it("ignores a symmetric key planted in the JWKS", async () => {
    const secret = crypto.getRandomValues(new Uint8Array(32));
    const hostile = { keys: [{ kty: "oct", kid: "planted", alg: "HS256", k: b64url(secret) }, JSON.parse(ctx.jwksText).keys[0]] };
    const planted = verifierWith(async () => Response.json(hostile));
    const token = await signJws({ alg: "HS256", kid: "planted", typ: TYP }, ctx.claims, { alg: "HS256", secret });
    await expectRefused(planted.verify(token), "ERR_ALG_NOT_ALLOWED");
  });

  it("fetches the JWKS at most once per cooldown however many unknown kids arrive", async () => {
    let fetches = 0;
    const counting = createLicenseVerifier({
      issuer: ISSUER,
      jwksUri: JWKS_URI,
      audience: license.applicationId!,
      fetch: (async (input: RequestInfo | URL, init?: RequestInit) => {
        fetches += 1;
        return site.fetch(input, init);
      }) as typeof fetch,
    });
    for (let i = 0; i < 5; i++) {
      await expectRefused(counting.verify(await forge(ctx.attacker, ctx.claims, { kid: `unknown-${i}` })), "ERR_KEY_NOT_FOUND");
    }
    expect(fetches).toBe(1);
  });
});

describe("createLicenseVerifier with an unusable JWKS", () => {
  const cases: [string, typeof fetch][] = [
    ["answers 503", (async () => new Response("unavailable", { status: 503 })) as typeof fetch],
    ["answers 404", (async () => new Response("not found", { status: 404 })) as typeof fetch],
    ["redirects elsewhere", (async () => Response.redirect("https://attacker.example/jwks.json", 302)) as typeof fetch],
    ["answers 200 with HTML", (async () => new Response("<html>hi</html>", { headers: { "Content-Type": "text/html" } })) as typeof fetch],
    ["answers 200 with JSON that is not a key set", (async () => Response.json({ keys: "none" })) as typeof fetch],
    [
      "cannot be reached",
      (async () => {
        throw new TypeError("Network connection lost.");
      }) as typeof fetch,
    ],
  ];

  it.each(cases)("throws ERR_JWKS_UNAVAILABLE when the JWKS endpoint %s", async (_name, fetchImpl) => {
    await expectRefused(verifierWith(fetchImpl).verify(ctx.genuine), "ERR_JWKS_UNAVAILABLE");
  });
});
