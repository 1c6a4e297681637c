// The audience every SDK verifier needs. All tenants' license tokens, license files and status
// lists are signed by the deployment's one key set, so a valid signature says nothing of whose an
// artifact is: without an `aud` check, one seller's token or file would unlock another seller's
// app (RFC 8725 §3.9). Here, against real artifacts from the worker: no verifier exists without an
// audience; tenant A's token and file are refused by tenant B's app; a status list that does not
// name the app is refused; a list past its exp vouches for nothing; the keeper tells the app when
// lists stop verifying (a key it did not pin); and `requireLease` keeps out non-floating tokens.
import { env, exports } from "cloudflare:workers";
import {
  ClaimInvalid,
  createLicenseVerifier,
  createStatusListKeeper,
  FileClaimInvalid,
  LicenseRevoked,
  StatusListInvalid,
  StatusListStale,
  unarmorLicenseFile,
  verifyLicenseFile,
  verifyStatusList,
} from "@edge-license/sdk";
import { decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair, SignJWT } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { getKeyRing } from "../../src/crypto/keys";
import { signStatusList } from "../../src/crypto/license-file";
import { BASE, call, createTenant, json, seedLicense, type TestTenant } from "../harness";
import { checkout, pinnedJwks, post, type Sold, sell, transition } from "../license-files/helpers";

const DAY = 86_400;
const AUDIENCE_REQUIRED = "`audience` is required: your application id (or, for licenses without one, your tenant id).";

let a: TestTenant;
let b: TestTenant;
let soldA: Sold;
let soldB: Sold;
let jwks: { keys: Record<string, unknown>[] };
let tokenA: string;
let tokenB: string;
let fileA: string;
let fileB: string;
let uriA: string;
let listA: string;

/** A license token from POST /v1/licenses/verify. */
async function issue(licenseKey: string): Promise<string> {
  const body = await json(await call("/v1/licenses/verify", { body: { license_key: licenseKey } }));
  expect(body.valid, JSON.stringify(body)).toBe(true);
  return body.license_token;
}

/** The status list at `uri`, as the worker serves it. */
const fetchList = async (uri: string) => (await call(new URL(uri).pathname)).text();

/** What `fn` threw, synchronously or as a rejection. */
async function caught(fn: () => unknown): Promise<any> {
  try {
    await fn();
  } catch (err) {
    return err;
  }
  throw new Error("expected a throw");
}

const at = (seconds: number) => new Date(seconds * 1000);
const serve = ((input: RequestInfo | URL, init?: RequestInit) => exports.default.fetch(new Request(input, init))) as typeof fetch;

function memoryStore(token: string | null = null) {
  const store = {
    token,
    get: () => store.token,
    set: (next: string) => {
      store.token = next;
    },
  };
  return store;
}

beforeAll(async () => {
  [a, b] = await Promise.all([createTenant("Seller A"), createTenant("Seller B")]);
  [soldA, soldB] = await Promise.all([sell(a, { offline_ttl_default_s: 7 * DAY }), sell(b)]);
  jwks = await pinnedJwks();
  [tokenA, tokenB] = await Promise.all([issue(soldA.licenseKey), issue(soldB.licenseKey)]);
  fileA = (await checkout(a, soldA.licenseId)).license_file;
  fileB = (await checkout(b, soldB.licenseId)).license_file;
  uriA = (await verifyLicenseFile(fileA, { jwks, audience: soldA.applicationId })).claims.status!.status_list.uri;
  listA = await fetchList(uriA);
});

describe("every verifier needs an audience", () => {
  it.each([
    ["missing", {}],
    ["empty", { audience: "" }],
  ])("createLicenseVerifier, verifyLicenseFile, verifyStatusList and createStatusListKeeper throw a TypeError when it is %s", async (_name, given) => {
    const errors = [
      await caught(() => createLicenseVerifier({ issuer: BASE, jwks, ...given } as never)),
      await caught(() => createLicenseVerifier({ issuer: BASE, jwksUri: `${BASE}/v1/licenses/jwks`, ...given } as never)),
      await caught(() => verifyLicenseFile(fileA, { jwks, ...given } as never)),
      await caught(() => verifyStatusList(listA, { jwks, ...given } as never)),
      await caught(() => createStatusListKeeper({ jwks, uri: uriA, store: memoryStore(), fetch: serve, ...given } as never)),
    ];
    expect(errors.map((err) => ({ type: err instanceof TypeError, message: err.message }))).toEqual(Array(5).fill({ type: true, message: AUDIENCE_REQUIRED }));
  });
});

describe("tenant A's artifacts in tenant B's app (both signed by the same key)", () => {
  it("refuses A's license token in a verifier configured with B's application id or tenant id", async () => {
    expect(decodeProtectedHeader(tokenA).kid).toBe(decodeProtectedHeader(tokenB).kid);
    expect([decodeJwt(tokenA).aud, decodeJwt(tokenB).aud]).toEqual([soldA.applicationId, soldB.applicationId]);
    for (const audience of [soldB.applicationId, b.tenantId]) {
      const err = await caught(() => createLicenseVerifier({ issuer: BASE, jwks, audience }).verify(tokenA));
      expect({ type: err instanceof ClaimInvalid, code: err.code, claim: err.claim }).toEqual({ type: true, code: "ERR_CLAIM_INVALID", claim: "aud" });
    }
    // Control: each app accepts its own seller's token.
    expect((await createLicenseVerifier({ issuer: BASE, jwks, audience: soldB.applicationId }).verify(tokenB)).sub).toBe(soldB.licenseId);
    expect((await createLicenseVerifier({ issuer: BASE, jwks, audience: soldA.applicationId }).verify(tokenA)).sub).toBe(soldA.licenseId);
  });

  it("refuses A's license file in B's app", async () => {
    expect(decodeProtectedHeader(unarmorLicenseFile(fileA)!).kid).toBe(decodeProtectedHeader(unarmorLicenseFile(fileB)!).kid);
    for (const audience of [soldB.applicationId, b.tenantId]) {
      const err = await caught(() => verifyLicenseFile(fileA, { jwks, audience }));
      expect({ type: err instanceof FileClaimInvalid, code: err.code, message: err.message }).toEqual({
        type: true,
        code: "ERR_FILE_CLAIM_INVALID",
        message: "The file is for another application.",
      });
    }
    expect((await verifyLicenseFile(fileB, { jwks, audience: soldB.applicationId })).claims.sub).toBe(soldB.licenseId);
  });

  it("gives a license without an application the tenant id as aud: A's tenant id verifies it, B's does not", async () => {
    const bare = await seedLicense(a.tenantId, { applicationId: null });
    const token = await issue(bare.licenseKey);
    expect(decodeJwt(token).aud).toBe(a.tenantId);
    expect((await createLicenseVerifier({ issuer: BASE, jwks, audience: a.tenantId }).verify(token)).sub).toBe(bare.licenseId);
    for (const audience of [b.tenantId, soldA.applicationId]) {
      const err = await caught(() => createLicenseVerifier({ issuer: BASE, jwks, audience }).verify(token));
      expect({ code: err.code, claim: err.claim }).toEqual({ code: "ERR_CLAIM_INVALID", claim: "aud" });
    }
  });
});

describe("a status list's aud", () => {
  const anotherSellers = { type: true, code: "ERR_STATUS_LIST_INVALID", message: "The status list is another seller's." };
  const describeErr = (err: any) => ({ type: err instanceof StatusListInvalid, code: err.code, message: err.message });

  it("names the seller's tenant and applications, and a list that does not name the audience is refused", async () => {
    expect(decodeJwt(listA).aud).toEqual([a.tenantId, soldA.applicationId]);
    expect((await verifyStatusList(listA, { jwks, audience: soldA.applicationId, uri: uriA })).sub).toBe(uriA);
    expect((await verifyStatusList(listA, { jwks, audience: a.tenantId })).sub).toBe(uriA);
    expect(describeErr(await caught(() => verifyStatusList(listA, { jwks, audience: soldB.applicationId })))).toEqual(anotherSellers);
    expect(describeErr(await caught(() => verifyStatusList(listA, { jwks, audience: b.tenantId })))).toEqual(anotherSellers);
  });

  it("refuses, in verifyLicenseFile, a list for the file's own uri signed by the deployment's key whose aud names another seller, or no one", async () => {
    const ring = await getKeyRing(env.SIGNING_KEYS);
    const claims = decodeJwt(listA) as Record<string, unknown>;
    const resign = (aud: unknown) => signStatusList(ring, { ...claims, aud } as never);
    for (const aud of [[b.tenantId, soldB.applicationId], undefined]) {
      const err = await caught(async () => verifyLicenseFile(fileA, { jwks, audience: soldA.applicationId, statusList: await resign(aud) }));
      expect(describeErr(err)).toEqual(anotherSellers);
    }
    // Control: the same claims re-signed unchanged verify.
    const same = await verifyLicenseFile(fileA, { jwks, audience: soldA.applicationId, statusList: await resign(claims.aud) });
    expect(same.listStatus).toBe("valid");
  });

  it("keeps a keeper of B's app from taking A's list (an unverifiable refresh)", async () => {
    const errors: unknown[] = [];
    const store = memoryStore();
    const keeper = createStatusListKeeper({ jwks, audience: soldB.applicationId, uri: uriA, store, fetch: serve, onUnverifiable: (e) => errors.push(e) });
    expect(await keeper.refresh()).toBe(null);
    expect({ kept: store.token, calls: errors.length, error: describeErr(errors[0]) }).toEqual({ kept: null, calls: 1, error: anotherSellers });
    expect(keeper.lastRefresh()).toEqual({ outcome: "unverifiable", error: errors[0] });
  });
});

describe("a status list past its exp (lists live 24 h)", () => {
  it("answers listStatus stale, not valid; with requireFreshStatusList it throws StatusListStale", async () => {
    const list = decodeJwt(listA) as { iat: number; exp: number };
    const file = await verifyLicenseFile(fileA, { jwks, audience: soldA.applicationId });
    // The file outlives the list: only the list's age differs below.
    expect({ fileTtl: file.claims.exp! - file.claims.iat, listLife: list.exp - list.iat }).toEqual({ fileTtl: 7 * DAY, listLife: DAY });
    const check = (now: number, requireFreshStatusList = false) =>
      verifyLicenseFile(fileA, { jwks, audience: soldA.applicationId, statusList: listA, now: at(now), requireFreshStatusList });
    expect((await check(list.iat + 60, true)).listStatus).toBe("valid");
    // Within the 30 s clock tolerance past exp: still current.
    expect((await check(list.exp + 20)).listStatus).toBe("valid");
    expect((await check(list.exp + 60)).listStatus).toBe("stale");
    expect((await check(list.exp + 3 * DAY)).listStatus).toBe("stale");
    const err = await caught(() => check(list.exp + 60, true));
    expect({ type: err instanceof StatusListStale, code: err.code, static: StatusListStale.code }).toEqual({
      type: true,
      code: "ERR_STATUS_LIST_STALE",
      static: "ERR_STATUS_LIST_STALE",
    });
  });

  it("still refuses a revoked license, whatever the list's age", async () => {
    const c = await createTenant("Seller C");
    const sold = await sell(c, { offline_ttl_default_s: 7 * DAY });
    const file = (await checkout(c, sold.licenseId)).license_file;
    const { uri } = (await verifyLicenseFile(file, { jwks, audience: sold.applicationId })).claims.status!.status_list;
    await transition(c, sold.licenseId, "revoke");
    const revoked = await fetchList(uri);
    const { exp } = decodeJwt(revoked) as { exp: number };
    for (const requireFreshStatusList of [false, true]) {
      const err = await caught(() =>
        verifyLicenseFile(file, { jwks, audience: sold.applicationId, statusList: revoked, now: at(exp + 3600), requireFreshStatusList }),
      );
      expect({ type: err instanceof LicenseRevoked, code: err.code }).toEqual({ type: true, code: "ERR_LICENSE_REVOKED" });
    }
  });
});

describe("the status-list keeper after a key rotation the app was not updated for", () => {
  it("keeps the old list, calls onUnverifiable once and reports unverifiable; a pinned next key makes it updated", async () => {
    const { privateKey, publicKey } = await generateKeyPair("RS256", { extractable: true });
    const claims = decodeJwt(listA) as Record<string, unknown>;
    const rotated = await new SignJWT({ ...claims, iat: (claims.iat as number) + 3600 })
      .setProtectedHeader({ alg: "RS256", kid: "the-next-key", typ: "statuslist+jwt" })
      .sign(privateKey);
    let answer: "service" | "rotated" = "service";
    const fetch = (async (input: RequestInfo | URL, init?: RequestInit) =>
      answer === "rotated"
        ? new Response(rotated, { status: 200, headers: { "Content-Type": "application/statuslist+jwt" } })
        : serve(input, init)) as typeof globalThis.fetch;

    const unverifiable: unknown[] = [];
    const store = memoryStore();
    const keeper = createStatusListKeeper({ jwks, audience: soldA.applicationId, uri: uriA, store, fetch, onUnverifiable: (e) => unverifiable.push(e) });
    expect(keeper.lastRefresh()).toBe(null);
    const good = await keeper.refresh();
    expect({ kept: store.token === good && good !== null, last: keeper.lastRefresh(), calls: unverifiable.length }).toEqual({
      kept: true,
      last: { outcome: "updated" },
      calls: 0,
    });

    answer = "rotated";
    expect(await keeper.refresh()).toBe(good);
    const [err] = unverifiable as any[];
    expect({ kept: store.token === good, calls: unverifiable.length, type: err instanceof StatusListInvalid, code: err.code, message: err.message }).toEqual({
      kept: true,
      calls: 1,
      type: true,
      code: "ERR_STATUS_LIST_INVALID",
      message: "The status list: No pinned key matches the signature's kid.",
    });
    const last = keeper.lastRefresh();
    expect({ outcome: last?.outcome, sameError: last?.outcome === "unverifiable" && last.error === err }).toEqual({ outcome: "unverifiable", sameError: true });

    // An app that shipped the next key before it started signing takes the new list...
    const withNext = { keys: [...jwks.keys, { ...(await exportJWK(publicKey)), kid: "the-next-key", alg: "RS256", use: "sig" }] };
    const updated = createStatusListKeeper({ jwks: withNext, audience: soldA.applicationId, uri: uriA, store: memoryStore(good), fetch });
    expect({ list: await updated.refresh(), last: updated.lastRefresh() }).toEqual({ list: rotated, last: { outcome: "updated" } });
    // ...and keeps it over an older one.
    answer = "service";
    expect({ list: await updated.refresh(), last: updated.lastRefresh() }).toEqual({ list: rotated, last: { outcome: "kept_newer" } });
  });
});

describe("verify(token, { requireLease: true })", () => {
  it("refuses a plain verify token (claim lease) and accepts a floating seat's lease token", async () => {
    const d = await createTenant("Floating seller");
    const app = await post(d, "/v1/applications", { name: "Studio" }, 201);
    const policy = (extra: Record<string, unknown>) =>
      post(d, "/v1/policies", { name: "Studio", application_id: app.id, binding_mode: "none", max_activations: 5, ...extra }, 201);
    const [fixed, floating] = [await policy({}), await policy({ lease_mode: "per_license", max_leases: 2 })];
    const plainLicense = await post(d, "/v1/licenses", { policy_id: fixed.id }, 201);
    const floatingLicense = await post(d, "/v1/licenses", { policy_id: floating.id }, 201);
    const plain = await issue(plainLicense.key);
    const res = await call("/v1/licenses/leases", { body: { license_key: floatingLicense.key, instance_id: "cad-1" } });
    const granted = await json(res);
    expect(res.status).toBe(201);

    const verifier = createLicenseVerifier({ issuer: BASE, jwks, audience: app.id });
    expect((await verifier.verify(plain)).sub).toBe(plainLicense.id);
    const err = await caught(() => verifier.verify(plain, { requireLease: true }));
    expect({ type: err instanceof ClaimInvalid, code: err.code, claim: err.claim }).toEqual({ type: true, code: "ERR_CLAIM_INVALID", claim: "lease" });

    const claims = await verifier.verify(granted.license_token, { requireLease: true });
    expect({ sub: claims.sub, aud: claims.aud, lease: claims.lease }).toEqual({
      sub: floatingLicense.id,
      aud: app.id,
      lease: { id: granted.lease.id, exp: claims.exp },
    });
  });
});
