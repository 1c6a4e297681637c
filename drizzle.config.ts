// drizzle-kit's configuration. `npm run db:generate` writes SQL migrations from the schema (it needs
// no database). drizzle-kit is installed on first use (scripts/run.mjs), so this file imports
// nothing of it. `npm run db:migrate` applies migrations with drizzle-orm's migrator
// (scripts/db-migrate.ts); `drizzle-kit migrate` reads the same DATABASE_URL if you prefer it.
export default {
  dialect: "postgresql",
  schema: "./src/db/schema/index.ts",
  out: "./migrations",
  ...(process.env.DATABASE_URL ? { dbCredentials: { url: process.env.DATABASE_URL } } : {}),
};
