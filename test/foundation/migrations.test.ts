// The migrated database matches src/db/schema.ts: every table and column exists, drizzle recorded
// every migration of the journal, and the constraints the code relies on are enforced by Postgres.
import { is, sql } from "drizzle-orm";
import { getTableConfig, PgTable } from "drizzle-orm/pg-core";
import { beforeAll, describe, expect, it } from "vitest";
import journal from "../../migrations/meta/_journal.json";
import type { LicenseStatus } from "../../src/contract/licenses";
import { newId, randomBase58 } from "../../src/crypto/random";
import * as schema from "../../src/db/schema";
import { licenses, policies } from "../../src/db/schema";
import { createTenant, withDb } from "../harness";

const tables = (Object.values(schema) as unknown[]).filter((value): value is PgTable => is(value, PgTable));

/** The SQLSTATE of the database error `work` fails with, or undefined if it succeeds. */
async function sqlstate(work: Promise<unknown>): Promise<string | undefined> {
  try {
    await work;
    return undefined;
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause;
    return cause?.code ?? (err as { code?: string }).code;
  }
}

describe("migrations", () => {
  it("create every table of the schema, with every column", async () => {
    expect(tables.length).toBeGreaterThanOrEqual(7);
    const rows = await withDb(
      async (db) =>
        (
          await db.execute<{ table_name: string; column_name: string }>(
            sql`select table_name, column_name from information_schema.columns where table_schema = 'public'`,
          )
        ).rows,
    );
    const existing = new Set(rows.map((r) => `${r.table_name}.${r.column_name}`));
    for (const table of tables) {
      const { name, columns } = getTableConfig(table);
      for (const column of columns) expect(existing, `${name}.${column.name}`).toContain(`${name}.${column.name}`);
    }
  });

  it("are all recorded in drizzle.__drizzle_migrations, one row per journal entry", async () => {
    const rows = await withDb(
      async (db) => (await db.execute<{ created_at: string }>(sql`select created_at from drizzle.__drizzle_migrations order by created_at`)).rows,
    );
    expect(rows).toHaveLength(journal.entries.length);
    expect(rows.map((r) => Number(r.created_at))).toEqual(journal.entries.map((e) => e.when));
  });
});

describe("constraints", () => {
  let tenantId: string;
  let policyId: string;
  beforeAll(async () => {
    ({ tenantId } = await createTenant("Constraints tenant"));
    policyId = newId("pol");
    await withDb((db) => db.insert(policies).values({ id: policyId, tenantId, name: "Default" }));
  });

  const license = (overrides: Partial<typeof licenses.$inferInsert> = {}) => ({
    id: newId("lic"),
    tenantId,
    policyId,
    keyHash: randomBase58(40),
    keyPrefix: "lk_abcd",
    ...overrides,
  });

  it("accept a valid license", async () => {
    expect(await sqlstate(withDb((db) => db.insert(licenses).values(license())))).toBeUndefined();
  });

  it("refuse two licenses with the same key_hash (unique_violation)", async () => {
    const keyHash = randomBase58(40);
    await withDb((db) => db.insert(licenses).values(license({ keyHash })));
    expect(await sqlstate(withDb((db) => db.insert(licenses).values(license({ keyHash }))))).toBe("23505");
  });

  it("refuse a negative activation_count (check_violation)", async () => {
    expect(await sqlstate(withDb((db) => db.insert(licenses).values(license({ activationCount: -1 }))))).toBe("23514");
  });

  it("refuse an unknown license status (check_violation)", async () => {
    const status = "expired" as LicenseStatus;
    expect(await sqlstate(withDb((db) => db.insert(licenses).values(license({ status }))))).toBe("23514");
  });

  it("refuse a license whose policy does not exist (foreign_key_violation)", async () => {
    expect(await sqlstate(withDb((db) => db.insert(licenses).values(license({ policyId: newId("pol") }))))).toBe("23503");
  });
});
