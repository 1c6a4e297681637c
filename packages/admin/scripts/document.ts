// The admin client's contract as committed: the OpenAPI document exactly as the worker serves it at
// GET /openapi.json, with one change so the file does not depend on where it was fetched from: the
// `servers` entry (the request's origin) becomes a placeholder origin. Pure functions, no
// dependencies: the generator (generate.ts, in Node) and the drift test (inside workerd) share them.

/** Where the committed document says the API lives; clients always pass their own `baseUrl`. */
export const PLACEHOLDER_ORIGIN = "https://license.example.com";

/** The served document with its `servers` made stable (the rest is kept as is, key order included). */
export function normaliseDocument(served: Record<string, unknown>): Record<string, unknown> {
  if (served.openapi !== "3.1.0") throw new Error(`expected an OpenAPI 3.1.0 document, got openapi=${String(served.openapi)}`);
  const servers = Array.isArray(served.servers) ? served.servers : [];
  if (servers.length !== 1) throw new Error(`expected one servers entry (the request origin), got ${servers.length}`);
  return { ...served, servers: [{ ...servers[0], url: PLACEHOLDER_ORIGIN }] };
}

/** The committed file's bytes: two-space JSON and a final newline. */
export function serialiseDocument(document: Record<string, unknown>): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}
