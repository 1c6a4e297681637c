// Runs a project command with the toolchain it needs, so `npm ci` installs only what every run
// needs (no Node binary, no Deno or Bun, no formatter) and the rest comes on first use:
//
// - Node 22.12 or later: when the Node running npm is older, a pinned Node (the `node` package
//   from the npm registry) is installed once under .data/toolchain and put first on PATH, so
//   every script and every tool's `#!/usr/bin/env node` runs on it.
// - Tools only some commands use (Biome for lint and format, drizzle-kit to generate migrations,
//   Deno and Bun for the SDK's cross-runtime tests) are installed once, pinned, the same way.
// - Libraries only a test imports (the billing providers' SDKs) likewise: `ensurePackages(set)`.
//
// Plain JS that any Node 18+ runs: it is what the older Node starts.
//
//   node scripts/run.mjs vitest run                      a tool from node_modules/.bin, on Node 22
//   node scripts/run.mjs --with biome biome ci .         a pinned on-demand tool first
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const TOOLCHAIN = join(ROOT, ".data", "toolchain");

/** Pinned versions of what is installed on first use (name: npm spec, and the binary it provides). */
export const TOOLS = {
  node: { spec: "node@22.23.3", bin: "node" },
  biome: { spec: "@biomejs/biome@2.6.8", bin: "biome" },
  "drizzle-kit": { spec: "drizzle-kit@0.31.11", bin: "drizzle-kit" },
  deno: { spec: "deno@2.9.6", bin: "deno" },
  // The admin client's generator, with the TypeScript 5 it needs (it uses the compiler API TypeScript 7 lacks).
  "openapi-typescript": { spec: "openapi-typescript@7.13.0 typescript@5.9.3", bin: "openapi-typescript" },
  bun: { spec: "bun@1.4.4", bin: "bun" },
};

/**
 * Pinned packages a test imports (rather than runs), each set installed once, together, into
 * .data/toolchain/<set>: the payment providers' official SDKs (stripe alone is 28 MB) are checked
 * against by the billing conformance test only, so they stay out of package.json.
 */
export const PACKAGE_SETS = {
  "billing-sdks": "stripe@23.1.0 @paddle/paddle-node-sdk@3.10.0 @polar-sh/sdk@1.0.1 standardwebhooks@1.1.1",
};

const MIN_NODE = [22, 12];

/** True when the running Node is recent enough for wrangler, vitest and the .ts scripts. */
export function nodeIsRecent(version = process.versions.node) {
  const [major, minor] = version.split(".").map(Number);
  return major > MIN_NODE[0] || (major === MIN_NODE[0] && minor >= MIN_NODE[1]);
}

/**
 * The `node_modules/.bin` holding `tool`, installing it first if needed (into its own folder under
 * .data/toolchain, keyed by its pinned version, so a version bump installs afresh).
 */
export function ensureTool(name) {
  const tool = TOOLS[name];
  if (!tool) throw new Error(`unknown tool ${name}: one of ${Object.keys(TOOLS).join(", ")}`);
  const dir = join(TOOLCHAIN, tool.spec.split(" ")[0].replace(/^@/, "").replace(/[/@]/g, "-"));
  const bin = join(dir, "node_modules", ".bin");
  if (existsSync(join(bin, tool.bin))) return bin;
  mkdirSync(dir, { recursive: true });
  // Their install scripts fetch the platform binary (from the npm registry): allowed by name only.
  writeFileSync(join(dir, "package.json"), JSON.stringify({ private: true, allowScripts: { node: true, deno: true, bun: true } }));
  process.stderr.write(`run: installing ${tool.spec} into .data/toolchain (once)\n`);
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  const done = spawnSync(npm, ["install", "--no-audit", "--no-fund", "--no-package-lock", "--prefix", dir, ...tool.spec.split(" ")], { stdio: "inherit" });
  if (done.status !== 0 || !existsSync(join(bin, tool.bin))) throw new Error(`could not install ${tool.spec} (npm exited ${done.status})`);
  return bin;
}

/**
 * The folder whose node_modules holds the pinned set `name` (import from it with createRequire),
 * installing it first if needed; a changed pin installs afresh.
 */
export function ensurePackages(name) {
  const spec = PACKAGE_SETS[name];
  if (!spec) throw new Error(`unknown package set ${name}: one of ${Object.keys(PACKAGE_SETS).join(", ")}`);
  const dir = join(TOOLCHAIN, name);
  // Written last, so an interrupted install is retried rather than half-used.
  const stamp = join(dir, "installed.txt");
  if (existsSync(stamp) && readFileSync(stamp, "utf8") === spec) return dir;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "package.json"), JSON.stringify({ private: true }));
  process.stderr.write(`run: installing ${spec} into .data/toolchain/${name} (once)\n`);
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  // Libraries only: none of them needs an install script.
  const args = ["install", "--no-audit", "--no-fund", "--no-package-lock", "--ignore-scripts", "--prefix", dir, ...spec.split(" ")];
  // npm's report goes to stderr, so a caller's stdout carries only what the caller prints.
  const done = spawnSync(npm, args, { stdio: ["ignore", 2, 2], shell: process.platform === "win32" });
  if (done.status !== 0) throw new Error(`could not install ${spec} (npm exited ${done.status})`);
  writeFileSync(stamp, spec);
  return dir;
}

/** PATH for a command: Node 22 first (the running one when recent), then the tools, then the project's own binaries. */
export function toolchainPath(tools = []) {
  const nodeBin = nodeIsRecent() ? dirname(process.execPath) : ensureTool("node");
  return [nodeBin, ...tools.map(ensureTool), join(ROOT, "node_modules", ".bin"), process.env.PATH ?? ""].join(delimiter);
}

function main(argv) {
  const tools = [];
  while (argv[0] === "--with") {
    tools.push(argv[1]);
    argv = argv.slice(2);
  }
  const [command, ...args] = argv;
  if (!command) {
    process.stderr.write("usage: node scripts/run.mjs [--with tool]... command [args...]\n");
    process.exit(2);
  }
  const env = { ...process.env, PATH: toolchainPath(tools) };
  const child = spawn(command, args, { stdio: "inherit", env, cwd: process.cwd(), shell: process.platform === "win32" });
  // Ctrl-C reaches the whole process group: the child handles it, this process waits for it.
  const handlers = { SIGINT: () => {}, SIGTERM: () => child.kill("SIGTERM"), SIGHUP: () => child.kill("SIGHUP") };
  for (const [signal, handler] of Object.entries(handlers)) process.on(signal, handler);
  child.on("exit", (code, signal) => {
    for (const [name, handler] of Object.entries(handlers)) process.off(name, handler);
    if (signal) process.kill(process.pid, signal);
    else process.exit(code ?? 1);
  });
  child.on("error", (err) => {
    process.stderr.write(`run: ${command}: ${err.message}\n`);
    process.exit(127);
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main(process.argv.slice(2));
