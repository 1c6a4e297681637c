// PATCH /v1/policies/{id}: rules between fields are checked on the merged row (the stored policy
// with the change applied) and answer 422 naming the field; no database CHECK is reachable as a
// 500. Outside finding #13 of the third round: both TTLs in one body were compared as text by the
// database guard, passed it, and hit the CHECK constraint.

import { beforeAll, describe, expect, it } from "vitest";
import { call, createTenant, expectError, json, type TestTenant } from "../harness";

const DAY = 86_400;
let tenant: TestTenant;
beforeAll(async () => {
  tenant = await createTenant("policy rules seller");
});

const create = async (body: Record<string, unknown> = {}) => json(await call("/v1/policies", { token: tenant.apiKey, body: { name: "p", ...body } }));
const patch = (id: string, body: Record<string, unknown>) => call(`/v1/policies/${id}`, { token: tenant.apiKey, method: "PATCH", body });
const stored = async (id: string) => json(await call(`/v1/policies/${id}`, { token: tenant.apiKey }));
const ORDER = "offline_ttl_default_s may not exceed offline_ttl_max_s.";

describe("PATCH /v1/policies/{id}", () => {
  it.each([
    ["the default above the stored maximum", { offline_ttl_default_s: 400 * DAY }, "offline_ttl_default_s"],
    ["the maximum below the stored default", { offline_ttl_max_s: 10 * DAY }, "offline_ttl_max_s"],
    // 100000 > 99999, but '100000' < '99999' as text: the case that reached the CHECK constraint.
    ["both, out of order", { offline_ttl_default_s: 100_000, offline_ttl_max_s: 99_999 }, "offline_ttl_default_s"],
  ])("answers 422 naming the field for %s, and changes nothing", async (_, body, path) => {
    const policy = await create({ offline_ttl_default_s: 30 * DAY, offline_ttl_max_s: 365 * DAY });
    const error = await expectError(await patch(policy.id, body), 422, "VALIDATION_FAILED");
    expect(error.details).toEqual([{ path, message: ORDER }]);
    expect(await stored(policy.id)).toEqual(policy);
  });

  it("takes both TTLs in order in one body", async () => {
    const policy = await create();
    const res = await patch(policy.id, { offline_ttl_default_s: 99_999, offline_ttl_max_s: 100_000 });
    expect(res.status).toBe(200);
    expect(await json(res)).toMatchObject({ offline_ttl_default_s: 99_999, offline_ttl_max_s: 100_000 });
  });

  it("keeps the churn pair whole against the stored half", async () => {
    const policy = await create();
    const error = await expectError(await patch(policy.id, { max_deactivations: 3 }), 422, "VALIDATION_FAILED");
    expect(error.details).toEqual([{ path: "max_deactivations", message: "Does not match the stored deactivation_window_s" }]);
  });

  it("answers 404 for another tenant's policy before judging the body", async () => {
    const other = await createTenant("policy rules other");
    const theirs = await json(await call("/v1/policies", { token: other.apiKey, body: { name: "theirs" } }));
    await expectError(await patch(theirs.id, { offline_ttl_default_s: 400 * DAY }), 404, "NOT_FOUND");
  });
});
