// `npm run db:migrate`: applies every SQL migration in migrations/ to the database in DATABASE_URL
// (drizzle-orm's migrator: the same files and journal drizzle-kit writes), and says what it did.
// For Neon, use the direct connection string (not the `-pooler` one): schema changes belong on a
// direct connection. Safe to run again: applied migrations are recorded and skipped.
//
//   DATABASE_URL='postgres://user:pass@ep-....neon.tech/db?sslmode=require' npm run db:migrate
import { createRequire } from "node:module";
import { applyMigrations } from "./lib/migrate.ts";

const require = createRequire(import.meta.url);
const { Client } = require("pg") as typeof import("pg");

const fail = (message: string): never => {
  console.error(`db:migrate: ${message}`);
  process.exit(1);
};

async function applied(url: string): Promise<number> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const exists = await client.query("select to_regclass('drizzle.__drizzle_migrations') is not null as present");
    if (!exists.rows[0].present) return 0;
    return Number((await client.query("select count(*)::int as n from drizzle.__drizzle_migrations")).rows[0].n);
  } finally {
    await client.end();
  }
}

async function main() {
  const url = process.env.DATABASE_URL?.trim();
  if (!url) fail("set DATABASE_URL to the database's connection string (for Neon, the direct one, not -pooler).");
  let host: string;
  try {
    host = new URL(url!).host;
  } catch {
    return fail("DATABASE_URL is not a URL (postgres://user:password@host/database?sslmode=require).");
  }
  if (host.includes("-pooler")) console.error("db:migrate: this is Neon's pooled URL; Neon recommends the direct one (without -pooler) for schema changes.");
  const before = await applied(url!).catch((err: Error) => fail(`cannot reach the database at ${host}: ${err.message}`));
  await applyMigrations(url!).catch((err: Error) => fail(`a migration failed: ${err.message}`));
  const after = await applied(url!);
  console.log(`db:migrate: ${after - before} migration(s) applied to ${host}; ${after} in all.`);
}

await main();
