// The integrator's side: `npm pack` of packages/sdk, installed into an empty project as anyone
// would install it from the registry, with check.mjs and one small runner per runtime beside it.
import { execFileSync } from "node:child_process";
import { copyFileSync, cpSync, readdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { ensureTool } from "../../../scripts/run.mjs";
import type { Fixtures } from "./fixtures.ts";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, "../../..");
export const SDK_DIR = join(ROOT, "packages/sdk");
/**
 * The runtimes' binaries: pinned Deno and Bun, installed on first use under .data/toolchain
 * (scripts/run.mjs), so `npm ci` does not carry 195 MB of binaries for this one suite.
 */
export const BIN = {
  get deno() {
    return join(ensureTool("deno"), "deno");
  },
  get bun() {
    return join(ensureTool("bun"), "bun");
  },
};

export interface Packed {
  tarball: string;
  /** Paths inside the tarball, as npm pack lists them. */
  files: string[];
  /** Top-level entries of the project's node_modules after the install. */
  installed: string[];
}

/** Packs the SDK into `dir` and installs the tarball there (jose from npm's cache when it has it). */
export function packAndInstall(dir: string): Packed {
  const [pack] = JSON.parse(execFileSync("npm", ["pack", "--json", "--pack-destination", dir], { cwd: SDK_DIR, encoding: "utf8" })) as [
    { filename: string; files: { path: string }[] },
  ];
  const tarball = join(dir, pack.filename);
  writeFileSync(join(dir, "package.json"), `${JSON.stringify({ name: "sdk-runtime-check", private: true, type: "module" }, null, 2)}\n`);
  execFileSync("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", "--ignore-scripts", tarball], { cwd: dir, stdio: "pipe" });
  return {
    tarball,
    files: pack.files.map((f) => f.path).sort(),
    installed: readdirSync(join(dir, "node_modules")).filter((name) => !name.startsWith(".")),
  };
}

const IMPORT_MAP = {
  imports: { "@edge-license/sdk": "/node_modules/@edge-license/sdk/dist/index.js", jose: "/node_modules/jose/dist/webapi/index.js" },
};

/** check.mjs, the fixtures, and the runners: one for Node, Deno and Bun, a page, a worker; the README's examples. */
export function writeRunners(dir: string, fixtures: Fixtures): void {
  cpSync(join(SDK_DIR, "examples"), join(dir, "examples"), { recursive: true });
  writeFileSync(join(dir, "jwks.json"), JSON.stringify(fixtures.jwks));
  copyFileSync(join(HERE, "check.mjs"), join(dir, "check.mjs"));
  writeFileSync(join(dir, "fixtures.json"), JSON.stringify(fixtures));
  writeFileSync(
    join(dir, "run.mjs"),
    [
      'import { check } from "./check.mjs";',
      'import fixtures from "./fixtures.json" with { type: "json" };',
      'const runtime = globalThis.Deno ? "deno" : globalThis.Bun ? "bun" : "node";',
      "console.log(JSON.stringify({ runtime, results: await check(fixtures) }));",
      "",
    ].join("\n"),
  );
  writeFileSync(
    join(dir, "page.mjs"),
    'import { check } from "./check.mjs";\nconst fixtures = await (await fetch("./fixtures.json")).json();\nwindow.results = await check(fixtures);\n',
  );
  writeFileSync(
    join(dir, "index.html"),
    `<!doctype html>\n<meta charset="utf-8">\n<title>SDK check</title>\n<script type="importmap">${JSON.stringify(IMPORT_MAP)}</script>\n<script type="module" src="./page.mjs"></script>\n`,
  );
  writeFileSync(
    join(dir, "worker.mjs"),
    'import { check } from "./check.mjs";\nimport fixtures from "./fixtures.json";\nexport default { fetch: async () => Response.json(await check(fixtures)) };\n',
  );
}
