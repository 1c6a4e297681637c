// A newcomer's install, from the repository's files alone: `npm ci` stays light (under 450 MB of
// node_modules: no Node, Deno or Bun binaries, no formatter: scripts/run.mjs brings those on first
// use), and a hardened `npm ci --ignore-scripts` followed by the README's build step still builds
// the deployable bundle with its static assets. Every package carries a licence.
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let dir: string;
beforeAll(() => {
  // The working tree as git sees it (tracked, plus new files not ignored): what a clone would hold.
  dir = mkdtempSync(join(tmpdir(), "fresh-clone-"));
  const files = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard", "-z"], { encoding: "utf8" }).split("\0").filter(Boolean);
  for (const file of files) {
    if (!existsSync(file)) continue;
    mkdirSync(join(dir, dirname(file)), { recursive: true });
    cpSync(file, join(dir, file));
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sh = (cmd: string, args: string[]) => execFileSync(cmd, args, { cwd: dir, encoding: "utf8", stdio: "pipe", timeout: 240_000 });

describe("a fresh clone's install", () => {
  it("npm ci --ignore-scripts leaves node_modules under 450 MB, and `npm run build` then builds the worker and its assets", () => {
    sh("npm", ["ci", "--ignore-scripts", "--prefer-offline", "--no-audit", "--no-fund"]);
    const megabytes = Number(sh("du", ["-sm", "node_modules"]).split("\t")[0]);
    expect(megabytes).toBeLessThanOrEqual(450);
    for (const gone of ["node", "deno", "bun", "@biomejs/biome", "drizzle-kit"]) expect(existsSync(join(dir, "node_modules", gone)), gone).toBe(false);
    sh("npm", ["run", "build"]);
    expect(existsSync(join(dir, "dist", "index.js"))).toBe(true);
    for (const asset of ["public/console/vendor/preact.mjs", "public/docs/assets/swagger-ui-dist/swagger-ui-bundle.js", "packages/sdk/dist/index.js"]) {
      expect(existsSync(join(dir, asset)), asset).toBe(true);
    }
  }, 300_000);

  it("has a LICENSE, and every package.json names its licence", () => {
    expect(readFileSync(join(dir, "LICENSE"), "utf8")).toMatch(/^\s+Apache License\s+Version 2\.0, January 2004/);
    const packages = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard", "*package.json"], { encoding: "utf8" })
      .split("\n")
      .filter((p) => p && !p.includes("node_modules") && !p.startsWith("test/"));
    const licences = Object.fromEntries(packages.map((p) => [p, JSON.parse(readFileSync(p, "utf8")).license]));
    expect(Object.values(licences).every((l) => l === "Apache-2.0" || l === "MIT")).toBe(true);
    expect(licences["package.json"]).toBe("Apache-2.0");
    expect(licences["packages/sdk/package.json"]).toBe("MIT");
  });
});
