// Prints, as JSON, the SQL text and parameters that src/db/queries/license-lookup.ts sends for a
// plain key lookup (no device), with "$KEY_HASH" where the key hash goes. The floor worker and the
// Node peer run exactly this statement, so they stay in step with the service's query.
// Bundled by esbuild for Node and run in a child process (bench/lib/service-node.ts).
import { connectDb } from "@service/db/client";
import { findLicenseByKeyHash } from "@service/db/queries/license-lookup";

const KEY_HASH = "$KEY_HASH";
const { db, pool } = connectDb({ DATABASE_URL: "postgres://bench:bench@127.0.0.1:9/bench", DB_RELAY_URL: "" });

let captured: { text: string; values: unknown[] } | undefined;
class Captured extends Error {}
// The lookup runs a fixed statement through the pool (`$client.query({ text, values, rowMode })`);
// drizzle's session would pass the values as a second argument instead: accept both.
db.$client.query = (async (config: { text: string; values?: unknown[] }, values?: unknown[]) => {
  captured = { text: config.text, values: config.values ?? values ?? [] };
  throw new Captured();
}) as never;
try {
  await findLicenseByKeyHash(db, KEY_HASH);
} catch (err) {
  if (!(err instanceof Captured) && !(err instanceof Error && err.cause instanceof Captured)) throw err;
}
await pool.end().catch(() => {});
if (!captured) throw new Error("findLicenseByKeyHash sent no query");
if (!captured.values.includes(KEY_HASH)) throw new Error("the key hash is not a parameter of the lookup");
process.stdout.write(JSON.stringify({ sql: captured.text, params: captured.values }) + "\n");
