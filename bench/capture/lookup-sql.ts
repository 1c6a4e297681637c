// Prints, as JSON, the SQL text and parameters that src/db/repositories/licenses.ts sends for a
// plain key lookup (no device), with "$KEY_HASH" where the key hash goes. The floor worker and the
// Node peer run exactly this statement, so they stay in step with the service's query.
// Bundled by esbuild for Node and run in a child process (bench/lib/service-node.ts).
import { findLicenseByKeyHash } from "@service/db/repositories/licenses";

const KEY_HASH = "$KEY_HASH";
let captured: { text: string; values: unknown[] } | undefined;
// The lookup runs its statement through a RowsFn: hand it one that records instead of querying.
await findLicenseByKeyHash(async (text: string, values: unknown[]) => {
  captured = { text, values };
  return [];
}, KEY_HASH);
if (!captured) throw new Error("findLicenseByKeyHash sent no query");
if (!captured.values.includes(KEY_HASH)) throw new Error("the key hash is not a parameter of the lookup");
process.stdout.write(`${JSON.stringify({ sql: captured.text, params: captured.values })}\n`);
