// CI's check that the committed contract files are what the generator writes: src/openapi.json in
// its canonical form, and src/schema.ts exactly what openapi-typescript makes of it. The other half,
// that src/openapi.json is what the worker serves, is test/admin-client/document.test.ts.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { serialiseDocument } from "../scripts/document.ts";
import { schemaFromDocument } from "../scripts/schema.ts";

const read = (name: string) => readFileSync(new URL(`../src/${name}`, import.meta.url), "utf8");

/** Where two texts first differ, as `line N` with both lines, or null when they are equal. */
function firstDifference(committed: string, generated: string): string | null {
  if (committed === generated) return null;
  const a = committed.split("\n");
  const b = generated.split("\n");
  const line = a.findIndex((text, i) => text !== b[i]);
  const at = line === -1 ? a.length : line;
  return `line ${at + 1}: committed ${JSON.stringify(a[at])}, generated ${JSON.stringify(b[at])}`;
}

const STALE = "stale: run `npm run admin:generate` and commit packages/admin/src";

describe("packages/admin/src, the admin client's generated contract", () => {
  it("openapi.json is in the generator's canonical form (two-space JSON, final newline)", () => {
    const text = read("openapi.json");
    expect(firstDifference(text, serialiseDocument(JSON.parse(text))), STALE).toBeNull();
  });

  it("schema.ts is byte for byte what openapi-typescript generates from openapi.json", async () => {
    const generated = await schemaFromDocument(read("openapi.json"));
    expect(generated).toMatch(/^\/\/ Generated from src\/openapi\.json/);
    expect(firstDifference(read("schema.ts"), generated), STALE).toBeNull();
  }, 60_000);
});
