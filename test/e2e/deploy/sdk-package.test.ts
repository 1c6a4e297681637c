// The SDK as npm would publish it from a clean checkout: `npm pack` with no prior build runs
// `prepack`, so the tarball holds dist/ (a module and its types for every source file), the README
// and the licence, nothing else; and the metadata a registry page shows is there.
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

// Inside the repository, so `prepack`'s tsc and the SDK's jose types resolve as in a checkout.
const scratch = join(".data", "sdk-pack-check");
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("packages/sdk, packed", () => {
  it("builds dist/ itself when packed without a prior build, and holds exactly its modules, types, README and LICENSE", () => {
    rmSync(scratch, { recursive: true, force: true });
    mkdirSync(scratch, { recursive: true });
    const copy = join(scratch, "sdk");
    cpSync("packages/sdk", copy, { recursive: true, filter: (src) => !/(^|\/)(dist|node_modules)(\/|$)/.test(src.slice("packages/sdk".length)) });
    const [pack] = JSON.parse(execFileSync("npm", ["pack", "--dry-run", "--json"], { cwd: copy, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }));
    const modules = readdirSync("packages/sdk/src")
      .filter((f) => f.endsWith(".ts"))
      .map((f) => f.replace(/\.ts$/, ""));
    const expected = ["LICENSE", "README.md", "package.json", ...modules.flatMap((m) => [`dist/${m}.d.ts`, `dist/${m}.js`])].sort();
    expect((pack.files as { path: string }[]).map((f) => f.path).sort()).toEqual(expected);
  });

  it("names its licence, repository, homepage, issues and keywords, and builds before packing", () => {
    const pkg = JSON.parse(readFileSync("packages/sdk/package.json", "utf8"));
    expect({
      license: pkg.license,
      repository: pkg.repository.url,
      homepage: /^https:\/\//.test(pkg.homepage),
      bugs: /^https:\/\//.test(pkg.bugs.url),
      keywords: pkg.keywords.length >= 5,
      prepack: pkg.scripts.prepack,
      dependencies: pkg.dependencies,
    }).toEqual({
      license: "MIT",
      repository: "git+https://github.com/edge-license/edge-license.git",
      homepage: true,
      bugs: true,
      keywords: true,
      prepack: "tsc -p tsconfig.json",
      dependencies: { jose: "6.2.17" },
    });
  });
});
