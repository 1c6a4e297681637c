// Tests are found by operation: every operation's operationId, or its `METHOD /path`, names a test
// (a `describe` or a test's title), so a newcomer goes from an operationId to its declaration
// (src/routes), its errors (the declaration's `errors`) and its tests with one search.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

function files(dir: string, ext: RegExp): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name), ext) : ext.test(e.name) ? [join(dir, e.name)] : [],
  );
}

/** Each operation as its route file declares it (or as a shared declaration is called with). */
function declared(): { operationId: string; method: string; path: string; file: string }[] {
  const out: { operationId: string; method: string; path: string; file: string }[] = [];
  for (const file of files("src/routes", /\.ts$/)) {
    const text = readFileSync(file, "utf8");
    for (const m of text.matchAll(/method: "(\w+)",\s*path: "([^"]+)",\s*operationId: "(\w+)"/g))
      out.push({ method: m[1]!, path: m[2]!, operationId: m[3]!, file });
    for (const m of text.matchAll(/transitionOperation\("(\w+)", "(\w+)"\)/g))
      out.push({ method: "post", path: `/v1/licenses/{id}/${m[1]}`, operationId: m[2]!, file });
    for (const m of text.matchAll(/restrictedDelete\(\{\s*path: "([^"]+)",\s*operationId: "(\w+)"/g))
      out.push({ method: "delete", path: m[1]!, operationId: m[2]!, file });
    for (const m of text.matchAll(/jwksOperation\("([^"]+)", "(\w+)"\)/g)) out.push({ method: "get", path: m[1]!, operationId: m[2]!, file });
  }
  return out;
}

describe("operations and their tests", () => {
  const operations = declared();
  const tests = files("test", /\.test\.ts$/).map((f) => readFileSync(f, "utf8"));
  // Titles only: the first argument of describe/it/test calls.
  const titles = tests.flatMap((t) => [...t.matchAll(/\b(?:describe|it|test)(?:\.each\([^)]*\))?\(\s*(["'`])((?:(?!\1).)*)\1/g)].map((m) => m[2]!));

  it("reads every route file's declaration", () => {
    expect(operations.length).toBeGreaterThanOrEqual(70);
    expect(new Set(operations.map((o) => o.operationId)).size).toBe(operations.length);
  });

  it("names every operation in a test title, by operationId or METHOD path", () => {
    const untested = operations
      .filter((op) => !titles.some((t) => t.includes(op.operationId) || t.includes(`${op.method.toUpperCase()} ${op.path}`)))
      .map((op) => `${op.operationId} (${op.method.toUpperCase()} ${op.path}, ${op.file})`);
    expect(untested).toEqual([]);
  });
});
