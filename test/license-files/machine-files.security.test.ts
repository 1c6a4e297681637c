// Machine files live no longer than their seat, and the device does not pick their life. Each
// machine file names its activation's own status-list entry, so deactivating the device (online
// or air-gapped) makes its files read invalid; the device may ask for a shorter file than the
// policy's default, never a longer one. Status-list entries are drawn at random, and a list grows
// (and is rebuilt) before an entry past its published size is handed out. Outside finding #6 and
// the status-list hardening of the third round.

import { env } from "cloudflare:workers";
import { verifyLicenseFile } from "@edge-license/sdk";
import { eq } from "drizzle-orm";
import { decodeJwt } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { licenses, statusEntries, statusLists } from "../../src/db/schema";
import { runScheduledJobs } from "../../src/scheduled";
import { call, callWithEnv, createTenant, expectError, json, type TestTenant, withDb } from "../harness";
import { pinnedJwks, sell } from "./helpers";

const DAY = 86_400;
let tenant: TestTenant;
let jwks: { keys: Record<string, unknown>[] };
beforeAll(async () => {
  tenant = await createTenant("machine files seller");
  jwks = await pinnedJwks();
});

const activate = (key: string, fp: string) => callWithEnv({}, "/v1/licenses/activate", { body: { license_key: key, fingerprint: fp } });
const deactivate = (key: string, fp: string) => callWithEnv({}, "/v1/licenses/deactivate", { body: { license_key: key, fingerprint: fp } });
const checkout = (key: string, fp: string, extra: Record<string, unknown> = {}) =>
  callWithEnv({}, "/v1/licenses/checkout", { body: { license_key: key, fingerprint: fp, ...extra } });
const listOf = async (uri: string) => (await call(new URL(uri).pathname)).text();

describe("POST /v1/licenses/checkout", () => {
  it("lets a device shorten its file's life but never pass the policy's default", async () => {
    const sold = await sell(tenant, { offline_ttl_default_s: 7 * DAY, offline_ttl_max_s: 365 * DAY });
    expect((await activate(sold.licenseKey, "pc")).status).toBe(201);
    const tooLong = await expectError(await checkout(sold.licenseKey, "pc", { ttl_s: 30 * DAY }), 422, "VALIDATION_FAILED");
    expect(tooLong.details).toEqual([{ path: "ttl_s", message: "A device may ask for a file of at most 604800 s (the policy's offline_ttl_default_s)." }]);
    await expectError(await checkout(sold.licenseKey, "pc", { ttl_s: null }), 422, "VALIDATION_FAILED");
    const short = await json(await checkout(sold.licenseKey, "pc", { ttl_s: DAY }));
    const claims = decodeJwt(short.license_file.replace(/-----[A-Z ]+-----|\s/g, ""));
    expect((claims.exp as number) - (claims.iat as number)).toBe(DAY);
    const standard = decodeJwt((await json(await checkout(sold.licenseKey, "pc"))).license_file.replace(/-----[A-Z ]+-----|\s/g, ""));
    expect((standard.exp as number) - (standard.iat as number)).toBe(7 * DAY);
  });

  it("ends the three-cycle attack: activate, check out, deactivate three times leaves at most one valid file", async () => {
    const sold = await sell(tenant, { max_activations: 1 });
    const files: { file: string; fp: string }[] = [];
    for (const fp of ["device-1", "device-2", "device-3"]) {
      expect((await activate(sold.licenseKey, fp)).status).toBe(201);
      const out = await checkout(sold.licenseKey, fp);
      expect(out.status).toBe(201);
      files.push({ file: (await json(out)).license_file, fp });
      if (fp !== "device-3") expect((await deactivate(sold.licenseKey, fp)).status).toBe(200);
    }
    const refs = await Promise.all(
      files.map(async ({ file, fp }) => (await verifyLicenseFile(file, { jwks, audience: sold.applicationId, fingerprint: fp })).claims.status!.status_list),
    );
    // One entry per activation, all in the tenant's list.
    expect(new Set(refs.map((r) => r.idx)).size).toBe(3);
    const list = await listOf(refs[0]!.uri);
    const outcomes = await Promise.all(
      files.map(({ file, fp }) =>
        verifyLicenseFile(file, { jwks, audience: sold.applicationId, fingerprint: fp, statusList: list }).then(
          () => "valid",
          (err: { code: string }) => err.code,
        ),
      ),
    );
    expect(outcomes).toEqual(["ERR_LICENSE_REVOKED", "ERR_LICENSE_REVOKED", "valid"]);
  });

  it("marks an admin-released device's file invalid too", async () => {
    const sold = await sell(tenant);
    expect((await activate(sold.licenseKey, "kiosk")).status).toBe(201);
    const file = (await json(await checkout(sold.licenseKey, "kiosk"))).license_file;
    const activationId = (await verifyLicenseFile(file, { jwks, audience: sold.applicationId, fingerprint: "kiosk" })).claims.activation_id;
    const released = await callWithEnv({}, `/v1/licenses/${sold.licenseId}/activations/${activationId}`, { token: tenant.apiKey, method: "DELETE" });
    expect(released.status).toBe(200);
    const ref = (await verifyLicenseFile(file, { jwks, audience: sold.applicationId, fingerprint: "kiosk" })).claims.status!.status_list;
    await expect(
      verifyLicenseFile(file, { jwks, audience: sold.applicationId, fingerprint: "kiosk", statusList: await listOf(ref.uri) }),
    ).rejects.toMatchObject({ code: "ERR_LICENSE_REVOKED" });
  });
});

describe("status-list entries", () => {
  it("are drawn at random: a seller's first licenses do not sit at indexes 0, 1, 2...", async () => {
    const t = await createTenant("fresh list seller");
    const app = await json(await call("/v1/applications", { token: t.apiKey, body: { name: "a" } }));
    const policy = await json(await call("/v1/policies", { token: t.apiKey, body: { name: "p", application_id: app.id } }));
    for (let i = 0; i < 5; i++) await call("/v1/licenses", { token: t.apiKey, body: { policy_id: policy.id } });
    const rows = await withDb((db) =>
      db
        .select({ idx: statusEntries.idx })
        .from(statusEntries)
        .innerJoin(statusLists, eq(statusLists.id, statusEntries.listId))
        .where(eq(statusLists.tenantId, t.tenantId)),
    );
    const indexes = rows.map((r) => r.idx).sort((a, b) => a - b);
    expect(indexes).toHaveLength(5);
    expect(indexes).not.toEqual([0, 1, 2, 3, 4]);
    expect(indexes.every((i) => i >= 0 && i < 16_384)).toBe(true);
  });

  it("grow the list by a block, versioned, when draws keep colliding, so the rebuilt list covers the new entry", async () => {
    const t = await createTenant("full list seller");
    const app = await json(await call("/v1/applications", { token: t.apiKey, body: { name: "a" } }));
    const policy = await json(await call("/v1/policies", { token: t.apiKey, body: { name: "p", application_id: app.id, binding_mode: "none" } }));
    const first = await json(await call("/v1/licenses", { token: t.apiKey, body: { policy_id: policy.id } }));
    // A list with room for exactly one entry, already taken: the next entry must grow it.
    await withDb(async (db) => {
      await db.update(statusEntries).set({ idx: 0 }).where(eq(statusEntries.licenseId, first.id));
      await db.update(licenses).set({ statusListIdx: 0 }).where(eq(licenses.id, first.id));
      await db.update(statusLists).set({ capacity: 1 }).where(eq(statusLists.tenantId, t.tenantId));
    });
    const [before] = await withDb((db) => db.select().from(statusLists).where(eq(statusLists.tenantId, t.tenantId)));
    const second = await json(await callWithEnv({}, "/v1/licenses", { token: t.apiKey, body: { policy_id: policy.id } }));
    const [after] = await withDb((db) => db.select().from(statusLists).where(eq(statusLists.tenantId, t.tenantId)));
    expect(after!.capacity).toBe(1 + 16_384);
    expect(after!.version).toBeGreaterThan(before!.version);
    const out = await json(await callWithEnv({}, `/v1/licenses/${second.id}/checkout`, { token: t.apiKey, body: {} }));
    const ref = (await verifyLicenseFile(out.license_file, { jwks, audience: app.id })).claims.status!.status_list;
    expect(ref.idx).toBeGreaterThanOrEqual(1);
    // The list published after the growth holds the new entry (valid).
    await expect(verifyLicenseFile(out.license_file, { jwks, audience: app.id, statusList: await listOf(ref.uri) })).resolves.toMatchObject({
      listStatus: "valid",
    });
  });

  it("never let an older build replace a newer one at the edge, and the cron repairs an edge copy behind its version", async () => {
    const sold = await sell(tenant);
    const out = await json(await callWithEnv({}, `/v1/licenses/${sold.licenseId}/checkout`, { token: tenant.apiKey, body: {} }));
    const ref = (await verifyLicenseFile(out.license_file, { jwks, audience: sold.applicationId })).claims.status!.status_list;
    const listId = new URL(ref.uri).pathname.split("/").pop()!;
    // An edge copy that says it read a far newer version: a rebuild that read an older one keeps off it.
    const key = `status-list:${listId}`;
    const current = JSON.parse((await env.REVOCATIONS.get(key))!);
    await env.REVOCATIONS.put(key, JSON.stringify({ ...current, version: 1e9, token: "newer" }));
    expect((await callWithEnv({}, `/v1/licenses/${sold.licenseId}/suspend`, { token: tenant.apiKey, method: "POST" })).status).toBe(200);
    expect(JSON.parse((await env.REVOCATIONS.get(key))!).token).toBe("newer");
    // An edge copy behind the list's version (a slow old build that wrote last) is rebuilt by the cron.
    await env.REVOCATIONS.put(key, JSON.stringify({ ...current, version: 0 }));
    await runScheduledJobs(env);
    const repaired = JSON.parse((await env.REVOCATIONS.get(key))!);
    const [row] = await withDb((db) => db.select().from(statusLists).where(eq(statusLists.id, listId)));
    expect(repaired.version).toBe(row!.version);
  });
});
