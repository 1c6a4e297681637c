// The README's deploy step 2, exactly: `DATABASE_URL=... npm run db:migrate` against an empty
// database (made on the test Postgres) creates every table of the schema, says how many
// migrations it applied, applies none the second time, and says in words what is wrong when it
// cannot run.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { getTableName, is } from "drizzle-orm";
import { PgTable } from "drizzle-orm/pg-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import * as schema from "../../../src/db/schema";
import { npmRun } from "./commands";

const require = createRequire(import.meta.url);
const { Client } = require("pg") as typeof import("pg");

const JOURNAL = JSON.parse(readFileSync("migrations/meta/_journal.json", "utf8")) as { entries: unknown[] };
// Every table the drizzle schema declares: the migrations must create exactly these.
const SCHEMA_TABLES = Object.values(schema)
  .filter((value) => is(value, PgTable))
  .map((table) => getTableName(table as PgTable))
  .sort();
const admin = inject("databaseUrl");
const name = `deploy_check_${Date.now()}`;
const target = (() => {
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return url.toString();
})();

async function query<T>(url: string, text: string): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text)).rows as T[];
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  await query(admin, `create database ${name}`);
});
afterAll(async () => {
  await query(admin, `drop database if exists ${name} with (force)`);
});

describe("npm run db:migrate", () => {
  it("applies every migration to an empty database, creating every table, and none the second time", async () => {
    const first = await npmRun("db:migrate", [], { DATABASE_URL: target });
    expect({ code: first.code, out: first.stdout.trim() }).toEqual({
      code: 0,
      out: `db:migrate: ${JOURNAL.entries.length} migration(s) applied to ${new URL(target).host}; ${JOURNAL.entries.length} in all.`,
    });
    const tables = (
      await query<{ table_name: string }>(target, "select table_name from information_schema.tables where table_schema = 'public' order by 1")
    ).map((t) => t.table_name);
    expect(tables).toEqual(SCHEMA_TABLES);
    const again = await npmRun("db:migrate", [], { DATABASE_URL: target });
    expect(again.stdout.trim()).toBe(`db:migrate: 0 migration(s) applied to ${new URL(target).host}; ${JOURNAL.entries.length} in all.`);
  });

  it("says what to do without DATABASE_URL, with a malformed one, and when the database cannot be reached", async () => {
    const missing = await npmRun("db:migrate", [], { DATABASE_URL: "" });
    expect({ code: missing.code, err: missing.stderr.trim() }).toEqual({
      code: 1,
      err: "db:migrate: set DATABASE_URL to the database's connection string (for Neon, the direct one, not -pooler).",
    });
    const malformed = await npmRun("db:migrate", [], { DATABASE_URL: "not a url" });
    expect(malformed.stderr.trim()).toBe("db:migrate: DATABASE_URL is not a URL (postgres://user:password@host/database?sslmode=require).");
    const unreachable = await npmRun("db:migrate", [], { DATABASE_URL: "postgres://u:p@127.0.0.1:1/db" });
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toMatch(/^db:migrate: cannot reach the database at 127\.0\.0\.1:1: /);
  });
});
