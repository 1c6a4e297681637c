// Migrations that change data, not just shape: run again on rows as an older version left them.
// Each runs inside a transaction that is rolled back, so other test files' rows come out unchanged.
import { inArray, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import grantMetrics from "../../migrations/0008_grant_metrics_permissions.sql?raw";
import { PERMISSIONS, type Permission } from "../../src/contract/permissions";
import { apiKeys } from "../../src/db/schema";
import { createTenant, insertApiKey, withDb } from "../harness";

const statements = (text: string) =>
  text
    .split("--> statement-breakpoint")
    .map((s) => s.trim())
    .filter(Boolean);
const ROLLBACK = new Error("rollback");

describe("0008: metrics permissions for credentials that had every permission", () => {
  it("grants metrics:read and metrics:write to full credentials only", async () => {
    const { tenantId } = await createTenant("upgrade tenant");
    const before = PERMISSIONS.filter((p) => !p.startsWith("metrics:"));
    const full = await insertApiKey(tenantId, { permissions: before });
    const narrow = await insertApiKey(tenantId, { permissions: ["licenses:read", "audit:read"] });
    const almost = await insertApiKey(tenantId, { permissions: before.filter((p) => p !== "audit:read") });
    let after: Record<string, Permission[]> = {};
    await withDb((db) =>
      db
        .transaction(async (tx) => {
          for (const statement of statements(grantMetrics)) await tx.execute(sql.raw(statement));
          const rows = await tx
            .select({ id: apiKeys.id, permissions: apiKeys.permissions })
            .from(apiKeys)
            .where(inArray(apiKeys.id, [full.id, narrow.id, almost.id]));
          after = Object.fromEntries(rows.map((r) => [r.id, r.permissions as Permission[]]));
          throw ROLLBACK;
        })
        .catch((err) => {
          if (err !== ROLLBACK) throw err;
        }),
    );
    expect(after[full.id]).toEqual([...before, "metrics:read", "metrics:write"]);
    expect(after[narrow.id]).toEqual(["licenses:read", "audit:read"]);
    expect(after[almost.id]).toEqual(before.filter((p) => p !== "audit:read"));
  });
});
