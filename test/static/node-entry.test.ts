// The dev stack (npm run dev), the test setup and the bench run some of the service's modules in
// plain Node, which resolves no extensionless import and runs TypeScript only by stripping types.
// Each of those entry points must load there, as it will for someone running `npm run dev`.
import { execFileSync } from "node:child_process";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

const ENTRIES = ["scripts/lib/seed.ts", "scripts/lib/secrets.ts", "scripts/lib/postgres.ts", "scripts/lib/relay.ts", "scripts/keys.ts", "bench/lib/data.ts"];

describe("modules Node runs directly", () => {
  it.each(ENTRIES)("%s loads in plain Node", (entry) => {
    const out = execFileSync(process.execPath, ["--input-type=module", "-e", `await import(${JSON.stringify(`./${entry}`)}); console.log("loaded");`], {
      cwd: ROOT,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
    expect(out.trim()).toBe("loaded");
  });
});
