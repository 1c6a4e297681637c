// Hand-written SQL for the hot paths (validate, verify, introspect, API-key auth). Measured by
// `npm run bench`: drizzle's query builder spent ~300 us of worker CPU per request building the
// same SQL text and mapping rows; these statements are fixed strings, so the per-request cost is
// the parameters alone. Columns come back positionally (rowMode "array").
import type { Queryable } from "../client";

/** Runs a fixed statement; one round trip. */
export async function queryRows(db: Queryable, text: string, values: unknown[]): Promise<unknown[][]> {
  const client = (db as unknown as { $client: { query(q: { text: string; values: unknown[]; rowMode: "array" }): Promise<{ rows: unknown[][] }> } }).$client;
  const result = await client.query({ text, values, rowMode: "array" });
  return result.rows;
}

/** Drops the SQL's indentation and newlines: the statement text is sent on every request. */
export const compact = (text: string) => text.replace(/\s+/g, " ").trim();
