// Activity retention (PATCH /v1/tenant activity_retention_days, enforced by the cron): events older
// than a tenant's setting are gone after the scheduled run, younger ones and other tenants' stay;
// the setting is bounded, audited and needs tenants:write; erasing a customer deletes its events.
import { env } from "cloudflare:workers";
import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { activityEvents } from "../../src/db/schema";
import { runScheduledJobs } from "../../src/scheduled";
import { createCustomer, sellTo, send } from "../customers/helpers";
import { call, createTenant, expectError, insertApiKey, json, type TestTenant, withDb } from "../harness";

let short: TestTenant;
let long: TestTenant;
beforeAll(async () => {
  short = await createTenant("retention short");
  long = await createTenant("retention long");
});

const DAY = 86_400_000;
let n = 0;
async function eventAged(t: TestTenant, licenseId: string, days: number, customerId = "") {
  const at = new Date(Date.now() - days * DAY);
  const id = `evt_${at.getTime().toString(36).padStart(9, "0")}${String(++n).padStart(14, "A")}`;
  await withDb((db) => db.insert(activityEvents).values({ id, tenantId: t.tenantId, at, licenseId, customerId, operation: "validateLicense", code: "VALID" }));
  return id;
}
const idsOf = (t: TestTenant) =>
  withDb(async (db) =>
    ((await db.execute(sql`select id from activity_events where tenant_id = ${t.tenantId} order by id`)).rows as { id: string }[]).map((r) => r.id),
  );

describe("PATCH /v1/tenant (updateTenant) activity_retention_days and the cron", () => {
  it("deletes what is older than each tenant's retention once the cron runs, and nothing else", async () => {
    const a = await sellTo(short, null);
    const b = await sellTo(long, null);
    const updated = await send(short, "PATCH", "/v1/tenant", { activity_retention_days: 30 }, 200);
    expect(updated.activity_retention_days).toBe(30);
    expect((await send(long, "GET", "/v1/tenant", undefined, 200)).activity_retention_days).toBe(90);
    const old = await eventAged(short, a.licenseId, 31);
    const young = await eventAged(short, a.licenseId, 29);
    const keptElsewhere = await eventAged(long, b.licenseId, 60);
    const goneElsewhere = await eventAged(long, b.licenseId, 91);
    // Before the cron, reads already stop at the retention.
    const listed = await json(await call(`/v1/licenses/${a.licenseId}/events`, { token: short.apiKey }));
    expect(listed.data.map((e: any) => e.id)).toEqual([young]);

    await runScheduledJobs(env);
    expect(await idsOf(short)).toEqual([young]);
    expect(await idsOf(long)).toEqual([keptElsewhere]);
    expect(old).not.toBe(goneElsewhere);
    const audit = await json(await call("/v1/audit-log?action=tenant.update", { token: short.apiKey }));
    expect(audit.data.map((e: any) => e.details)).toEqual([{ fields: ["activity_retention_days"] }]);
  });

  it("bounds the setting to 1-400 days, needs tenants:write, and refuses an empty or unknown change", async () => {
    for (const body of [{ activity_retention_days: 0 }, { activity_retention_days: 401 }, { activity_retention_days: 1.5 }, {}, { plan_tier: "enterprise" }]) {
      await expectError(await call("/v1/tenant", { token: short.apiKey, method: "PATCH", body }), 422, "VALIDATION_FAILED");
    }
    const { secret: reader } = await insertApiKey(short.tenantId, { permissions: ["tenants:read"] });
    await expectError(await call("/v1/tenant", { token: reader, method: "PATCH", body: { activity_retention_days: 7 } }), 403, "FORBIDDEN");
    await expectError(await call("/v1/tenant", { method: "PATCH", body: { activity_retention_days: 7 } }), 401, "UNAUTHORIZED");
    expect((await send(short, "GET", "/v1/tenant", undefined, 200)).activity_retention_days).toBe(30);
    expect((await send(short, "PATCH", "/v1/tenant", { activity_retention_days: 400 }, 200)).activity_retention_days).toBe(400);
  });

  it("erasing a customer deletes its licenses' events", async () => {
    const customer = await createCustomer(long, { name: "Erased Co" });
    const sold = await sellTo(long, customer.id);
    const mine = await eventAged(long, sold.licenseId, 1, customer.id);
    const before = await idsOf(long);
    expect(before).toContain(mine);
    await send(long, "POST", `/v1/customers/${customer.id}/erase`, { licenses: "keep" }, 200);
    const after = await idsOf(long);
    expect(after).toEqual(before.filter((id) => id !== mine));
  });
});
