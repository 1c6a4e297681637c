// Hand-written SQL for the hot paths (validate, verify, introspect, API-key auth). Measured by
// `npm run bench`: drizzle's query builder spent ~300 us of worker CPU per request building the
// same SQL text and mapping rows; these statements are fixed strings, so the per-request cost is
// the parameters alone. They run through a RowsFn (db/client.ts), Neon's HTTP query path, and
// their columns come back positionally.

/** Drops the SQL's indentation and newlines: the statement text is sent on every request. */
export const compact = (text: string) => text.replace(/\s+/g, " ").trim();
