// The tenant's Token Status List: decoded here by a reader written from the draft's text
// (draft-ietf-oauth-status-list, "Status List": the byte array ZLIB-compressed (RFC 1950) and
// base64url-encoded in `lst`; with `bits` = 2, the status of index i is in byte floor(i / 4), at
// bit offset (i % 4) * 2 counted from the least significant bit) with the platform's ZLIB
// ("deflate") DecompressionStream and atob, not the SDK's decoder. After a suspension, reinstatement or revocation the list says so, its ETag changes,
// and the SDK refuses the license file given the new list.

import { env, exports } from "cloudflare:workers";
import { createStatusListKeeper, LicenseRevoked, LicenseSuspended, verifyLicenseFile } from "@edge-license/sdk";
import { eq, sql } from "drizzle-orm";
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, generateKeyPair, jwtVerify, SignJWT } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { licenses, statusLists } from "../../src/db/schema";
import { runScheduledJobs } from "../../src/scheduled";
import { call, createTenant, expectError, json, type TestTenant, withDb } from "../harness";
import { checkout, pinnedJwks, type Sold, sell, transition } from "../license-files/helpers";

let tenant: TestTenant;
let jwks: { keys: Record<string, unknown>[] };

beforeAll(async () => {
  tenant = await createTenant("Status list seller");
  jwks = await pinnedJwks();
});

/** The draft's reader: base64url, ZLIB inflate, 2 bits per index, least significant first. */
async function readStatus(lst: string, index: number): Promise<number> {
  const padded = lst.replace(/-/g, "+").replace(/_/g, "/") + "=".repeat((4 - (lst.length % 4)) % 4);
  const compressed = Uint8Array.from(atob(padded), (ch) => ch.charCodeAt(0));
  const inflated = new Response(new Blob([compressed]).stream().pipeThrough(new DecompressionStream("deflate")));
  const bytes = new Uint8Array(await inflated.arrayBuffer());
  return (bytes[Math.floor(index / 4)]! >> ((index % 4) * 2)) & 0b11;
}

async function fetchList(uri: string, etag?: string) {
  const res = await call(new URL(uri).pathname, { headers: etag ? { "If-None-Match": etag } : {} });
  return { res, token: res.status === 200 ? await res.text() : "" };
}

describe("GET /v1/status-lists/{id}", () => {
  let sold: Sold;
  let other: Sold;
  let file: string;
  let ref: { idx: number; uri: string };

  beforeAll(async () => {
    sold = await sell(tenant);
    other = await sell(tenant);
    file = (await checkout(tenant, sold.licenseId)).license_file;
    ref = (await verifyLicenseFile(file, { jwks, audience: sold.applicationId })).claims.status!.status_list;
  });

  it("is a statuslist+jwt signed by the JWKS, public and cacheable, that says valid for a fresh license", async () => {
    const { res, token } = await fetchList(ref.uri);
    expect({
      status: res.status,
      type: res.headers.get("content-type"),
      cache: res.headers.get("cache-control"),
      cors: res.headers.get("access-control-allow-origin"),
      etag: /^W\/"[0-9a-f]{32}"$/.test(res.headers.get("etag") ?? ""),
    }).toEqual({ status: 200, type: "application/statuslist+jwt", cache: "public, max-age=300", cors: "*", etag: true });
    expect(decodeProtectedHeader(token)).toEqual({ alg: "RS256", kid: jwks.keys[0]!.kid, typ: "statuslist+jwt" });
    const { payload } = await jwtVerify(token, createLocalJWKSet(jwks as never), { typ: "statuslist+jwt" });
    expect({ sub: payload.sub, ttl: payload.ttl, life: payload.exp! - payload.iat!, bits: (payload.status_list as { bits: number }).bits }).toEqual({
      sub: ref.uri,
      ttl: 300,
      life: 86_400,
      bits: 2,
    });
    expect(await readStatus((payload.status_list as { lst: string }).lst, ref.idx)).toBe(0);
    const verified = await verifyLicenseFile(file, { jwks, audience: sold.applicationId, statusList: token });
    expect(verified.listStatus).toBe("valid");
  });

  it("answers 304 to If-None-Match with the current ETag", async () => {
    const first = await fetchList(ref.uri);
    const again = await fetchList(ref.uri, first.res.headers.get("etag")!);
    expect(again.res.status).toBe(304);
  });

  it("marks a suspension (2), a reinstatement (0) and a revocation (1), with a new ETag each time, and the SDK refuses the file with the new list", async () => {
    const before = await fetchList(ref.uri);
    const etag0 = before.res.headers.get("etag");
    const otherIdx = (await verifyLicenseFile((await checkout(tenant, other.licenseId)).license_file, { jwks, audience: other.applicationId })).claims.status!
      .status_list.idx;

    await transition(tenant, sold.licenseId, "suspend");
    const suspended = await fetchList(ref.uri, etag0!);
    expect(suspended.res.status).toBe(200);
    const lst1 = (decodeJwt(suspended.token).status_list as { lst: string }).lst;
    expect([await readStatus(lst1, ref.idx), await readStatus(lst1, otherIdx)]).toEqual([2, 0]);
    const err1 = await verifyLicenseFile(file, { jwks, audience: sold.applicationId, statusList: suspended.token }).catch((e: unknown) => e);
    expect(err1).toBeInstanceOf(LicenseSuspended);

    await transition(tenant, sold.licenseId, "reinstate");
    const reinstated = await fetchList(ref.uri);
    expect(await readStatus((decodeJwt(reinstated.token).status_list as { lst: string }).lst, ref.idx)).toBe(0);
    expect(reinstated.res.headers.get("etag")).toBe(etag0);

    await transition(tenant, sold.licenseId, "revoke");
    const revoked = await fetchList(ref.uri);
    const etag3 = revoked.res.headers.get("etag");
    expect([etag3 === etag0, etag3 === suspended.res.headers.get("etag")]).toEqual([false, false]);
    const lst3 = (decodeJwt(revoked.token).status_list as { lst: string }).lst;
    expect([await readStatus(lst3, ref.idx), await readStatus(lst3, otherIdx)]).toEqual([1, 0]);
    const err3 = (await verifyLicenseFile(file, { jwks, audience: sold.applicationId, statusList: revoked.token }).catch((e: unknown) => e)) as LicenseRevoked;
    expect({ revoked: err3 instanceof LicenseRevoked, code: err3.code }).toEqual({ revoked: true, code: "ERR_LICENSE_REVOKED" });
    // The other license's file is unaffected by the same list.
    expect(
      (await verifyLicenseFile((await checkout(tenant, other.licenseId)).license_file, { jwks, audience: other.applicationId, statusList: revoked.token }))
        .listStatus,
    ).toBe("valid");
  });

  it("refuses another tenant's list for a file, and a list signed by no pinned key", async () => {
    const stranger = await createTenant("Other list");
    const theirs = await sell(stranger);
    const theirFile = (await checkout(stranger, theirs.licenseId)).license_file;
    const theirUri = (await verifyLicenseFile(theirFile, { jwks, audience: theirs.applicationId })).claims.status!.status_list.uri;
    expect(theirUri === ref.uri).toBe(false);
    const theirList = (await fetchList(theirUri)).token;
    const err = (await verifyLicenseFile(file, { jwks, audience: sold.applicationId, statusList: theirList }).catch((e: unknown) => e)) as { code: string };
    expect(err.code).toBe("ERR_STATUS_LIST_INVALID");
  });

  it("is named by the license's tokens too (`status_list`: the draft's `status` claim is LicenseChain's string there)", async () => {
    const open = await sell(tenant, { binding_mode: "none" });
    const fileRef = (await verifyLicenseFile((await checkout(tenant, open.licenseId)).license_file, { jwks, audience: open.applicationId })).claims.status!
      .status_list;
    const verified = await json(await call("/v1/licenses/verify", { body: { license_key: open.licenseKey } }));
    const claims = decodeJwt(verified.license_token);
    expect({ status: claims.status, status_list: claims.status_list }).toEqual({ status: "active", status_list: fileRef });
  });

  it("is kept on the device by the SDK's keeper: newest valid list wins, a forged or unreachable one changes nothing", async () => {
    const kept: { token: string | null } = { token: null };
    const store = {
      get: () => kept.token,
      set: (token: string) => {
        kept.token = token;
      },
    };
    let mode: "service" | "down" | "forged" = "service";
    const { privateKey } = await generateKeyPair("RS256");
    const forged = await new SignJWT({ sub: ref.uri, iat: Math.floor(Date.now() / 1000) + 60, status_list: { bits: 2, lst: "eJwDAAAAAAE" } })
      .setProtectedHeader({ alg: "RS256", kid: jwks.keys[0]!.kid as string, typ: "statuslist+jwt" })
      .sign(privateKey);
    const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
      if (mode === "down") throw new TypeError("offline");
      if (mode === "forged") return new Response(forged, { status: 200 });
      return exports.default.fetch(new Request(input, init));
    }) as typeof globalThis.fetch;
    const keeper = createStatusListKeeper({ jwks, audience: sold.applicationId, uri: ref.uri, store, fetch });
    expect(keeper.lastRefresh()).toBe(null);
    const first = await keeper.refresh();
    expect(first !== null && first === kept.token).toBe(true);
    expect(keeper.lastRefresh()).toEqual({ outcome: "updated" });
    mode = "forged";
    expect(await keeper.refresh()).toBe(first);
    expect(keeper.lastRefresh()?.outcome).toBe("unverifiable");
    mode = "down";
    expect(await keeper.refresh()).toBe(first);
    expect(keeper.lastRefresh()).toEqual({ outcome: "unreachable" });
    expect(await keeper.current()).toBe(first);
  });

  it("is rebuilt by the cron when the rebuild after a change did not happen", async () => {
    const lost = await sell(tenant);
    const lostRef = (await verifyLicenseFile((await checkout(tenant, lost.licenseId)).license_file, { jwks, audience: lost.applicationId })).claims.status!
      .status_list;
    const before = await fetchList(lostRef.uri);
    // A revocation whose deferred rebuild never ran: the status and the list's change mark, as the transaction writes them.
    await withDb(async (db) => {
      await db.update(licenses).set({ status: "revoked" }).where(eq(licenses.id, lost.licenseId));
      await db
        .update(statusLists)
        .set({ version: sql`${statusLists.version} + 1`, changedAt: new Date() })
        .where(eq(statusLists.tenantId, tenant.tenantId));
    });
    const stale = await fetchList(lostRef.uri);
    expect(await readStatus((decodeJwt(stale.token).status_list as { lst: string }).lst, lostRef.idx)).toBe(0);
    await runScheduledJobs(env);
    const rebuilt = await fetchList(lostRef.uri, before.res.headers.get("etag")!);
    expect(rebuilt.res.status).toBe(200);
    expect(await readStatus((decodeJwt(rebuilt.token).status_list as { lst: string }).lst, lostRef.idx)).toBe(1);
  });

  it("answers 404 for an unknown list and 422 for a malformed id", async () => {
    await expectError(await call("/v1/status-lists/sl_doesNotExist"), 404, "NOT_FOUND");
    await expectError(await call("/v1/status-lists/..%2F..%2Fetc"), 422, "VALIDATION_FAILED");
  });
});
