// Finding things, as the console does: a license by a whole key (matched by its hash, the key is
// never stored), an id, a key prefix, or text in its plan or metadata; the audit log by action.
// Wildcards in the search text are taken literally, and another tenant's rows never match.
import { beforeAll, describe, expect, it } from "vitest";
import { collectPages, createLicense, createPolicy } from "../admin/helpers";
import { call, createTenant, expectError, json, type TestTenant } from "../harness";

let t: TestTenant;
let other: TestTenant;
let licenses: Record<"ada" | "bob" | "percent" | "theirs", { id: string; key: string; key_prefix: string }>;

const found = async (tenant: TestTenant, q: string) => {
  const res = await call(`/v1/licenses?q=${encodeURIComponent(q)}`, { token: tenant.apiKey });
  const body = await json(res);
  expect(res.status, JSON.stringify(body)).toBe(200);
  return body.data.map((l: { id: string }) => l.id).sort();
};

beforeAll(async () => {
  [t, other] = await Promise.all([createTenant("search"), createTenant("search other")]);
  const policy = await createPolicy(t);
  const theirPolicy = await createPolicy(other);
  licenses = {
    ada: await createLicense(t, { policy_id: policy.id, plan: "Pro yearly", metadata: { email: "ada@example.com" } }),
    bob: await createLicense(t, { policy_id: policy.id, plan: "basic", metadata: { email: "bob@example.org" } }),
    percent: await createLicense(t, { policy_id: policy.id, plan: "100%_off" }),
    theirs: await createLicense(other, { policy_id: theirPolicy.id, plan: "Pro yearly", metadata: { email: "ada@example.com" } }),
  };
});

describe("GET /v1/licenses?q=", () => {
  it("finds a license by its whole key, and by its id", async () => {
    expect(await found(t, licenses.bob.key)).toEqual([licenses.bob.id]);
    expect(await found(t, licenses.ada.id)).toEqual([licenses.ada.id]);
    // A key that is no license's, and another tenant's key, find nothing.
    expect(await found(t, `lk_${"Z".repeat(40)}`)).toEqual([]);
    expect(await found(t, licenses.theirs.key)).toEqual([]);
  });

  it("finds text in the plan and metadata, case-insensitively, in this tenant only", async () => {
    expect(await found(t, "ADA@EXAMPLE")).toEqual([licenses.ada.id]);
    expect(await found(t, "pro YEAR")).toEqual([licenses.ada.id]);
    expect(await found(t, "example")).toEqual([licenses.ada.id, licenses.bob.id].sort());
    expect(await found(t, licenses.ada.key_prefix)).toContain(licenses.ada.id);
  });

  it("takes LIKE wildcards literally", async () => {
    expect(await found(t, "%")).toEqual([licenses.percent.id]);
    expect(await found(t, "0%_o")).toEqual([licenses.percent.id]);
    expect(await found(t, "_")).toEqual([licenses.percent.id]);
    expect(await found(t, "\\")).toEqual([]);
  });

  it("combines with the status filter and paginates", async () => {
    expect((await call(`/v1/licenses/${licenses.bob.id}/suspend`, { token: t.apiKey, body: {} })).status).toBe(200);
    expect((await json(await call("/v1/licenses?q=example&status=suspended", { token: t.apiKey }))).data.map((l: { id: string }) => l.id)).toEqual([
      licenses.bob.id,
    ]);
    const { ids } = await collectPages("/v1/licenses?q=example", t.apiKey, 1);
    expect(ids).toEqual([licenses.bob.id, licenses.ada.id]);
  });

  it("filters by policy", async () => {
    const other = await createPolicy(t, { name: "Other policy" });
    const moved = await createLicense(t, { policy_id: other.id, plan: "moved" });
    const ids = async (path: string) => (await json(await call(path, { token: t.apiKey }))).data.map((l: { id: string }) => l.id);
    expect(await ids(`/v1/licenses?policy_id=${other.id}`)).toEqual([moved.id]);
    expect(await ids(`/v1/licenses?policy_id=${other.id}&q=ada`)).toEqual([]);
  });

  it("refuses an empty or overlong query (422)", async () => {
    await expectError(await call("/v1/licenses?q=", { token: t.apiKey }), 422, "VALIDATION_FAILED");
    await expectError(await call(`/v1/licenses?q=${"a".repeat(201)}`, { token: t.apiKey }), 422, "VALIDATION_FAILED");
  });
});

describe("GET /v1/audit-log?action=", () => {
  it("finds an action and the actions under a prefix", async () => {
    const actions = async (action: string) => {
      const res = await call(`/v1/audit-log?action=${action}&limit=100`, { token: t.apiKey });
      const body = await json(res);
      expect(res.status, JSON.stringify(body)).toBe(200);
      return body.data.map((row: { action: string }) => row.action);
    };
    // This file's own history, newest first: three licenses, a suspension, a second policy and its license.
    expect(await actions("license.suspend")).toEqual(["license.suspend"]);
    expect(await actions("license")).toEqual(["license.create", "license.suspend", "license.create", "license.create", "license.create"]);
    expect(await actions("policy")).toEqual(["policy.create", "policy.create"]);
    // `licen` is not an action prefix: prefixes end at a dot.
    expect(await actions("licen")).toEqual([]);
  });

  it("refuses what is not an action (422)", async () => {
    for (const bad of ["license%", "LICENSE", "license.", "a".repeat(65), "license'--"]) {
      await expectError(await call(`/v1/audit-log?action=${encodeURIComponent(bad)}`, { token: t.apiKey }), 422, "VALIDATION_FAILED");
    }
  });
});
