// The SDK as an integrator gets it: `npm pack` of packages/sdk installed into an empty project,
// and one test file (sdk-runtimes/check.mjs) run unchanged on Node 22, Deno, Bun, headless
// Chromium (a page importing the built module through an import map) and workerd (the module
// bundled as wrangler would). Each run verifies a real token from the worker against pinned and
// fetched keys, refuses a forged and an altered one, verifies a real webhook delivery and refuses
// it altered, and calls the worker's public routes through the client, offline fallback included;
// and for a device-bound license (DPoP) creates a device key kept as that runtime keeps it
// (file, IndexedDB, memory), activates and verifies with proofs, and refuses a token and a machine
// file on a device with another key.
import { execFile, spawn } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { build } from "esbuild";
import { Miniflare } from "miniflare";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, startWorker, type Worker } from "./harness";
import { type Fixtures, makeFixtures } from "./sdk-runtimes/fixtures";
import { BIN, type Packed, packAndInstall, writeRunners } from "./sdk-runtimes/project";
import { deadUrl, type Site, startSite } from "./sdk-runtimes/site";

const run = promisify(execFile);
/** check.mjs's checks: each runtime must answer all of them, each "ok". */
const CHECKS = 22;

let dir: string;
let site: Site;
let worker: Worker;
let browser: Browser | undefined;
let fixtures: Fixtures;
let packed: Packed;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "sdk-runtimes-"));
  site = await startSite(dir);
  // The page calls the public routes from the site's origin: the deployment allows it, as a seller would.
  let base: string;
  ({ worker, base } = await startWorker({ database: true, vars: { CORS_ORIGINS: site.origin } }));
  fixtures = await makeFixtures({
    base,
    issuer: "https://license.test",
    hooks: { url: `${site.origin}/hooks`, next: site.next },
    unreachableUrl: await deadUrl(),
  });
  packed = packAndInstall(dir);
  writeRunners(dir, fixtures);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await worker?.dispose();
  await site?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** What a process printed last, as JSON (a runtime's check outcomes, or an example's answer). */
async function lastLine(command: string, args: string[], env: Record<string, string> = {}): Promise<any> {
  const { stdout } = await run(command, args, { cwd: dir, env: { ...process.env, NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1", ...env }, timeout: 60_000 });
  return JSON.parse(stdout.trim().split("\n").at(-1)!);
}
/** run.mjs on a runtime: which runtime it really was, and the outcome of each check. */
const inProcess = (command: string, args: string[]): Promise<{ runtime: string; results: Record<string, string> }> => lastLine(command, args);

function expectAllOk(results: Record<string, string>): void {
  expect(Object.keys(results)).toHaveLength(CHECKS);
  expect(results).toEqual(Object.fromEntries(Object.keys(results).map((name) => [name, "ok"])));
}

/** The device-key files check.mjs's runs left in the project (Node, Deno and Bun keep the key in one). */
const deviceKeyFiles = () => readdirSync(dir).filter((name) => /^device-key-[0-9a-f-]{36}\.json$/.test(name));

/** Runs check.mjs on a file-system runtime: all checks ok, and its device key kept in a new file of mode 0600. */
async function expectAllOkKeepingAKeyFile(command: string, args: string[], expectedRuntime: string): Promise<void> {
  const before = deviceKeyFiles();
  const { runtime, results } = await inProcess(command, args);
  expect(runtime).toBe(expectedRuntime);
  expectAllOk(results);
  const added = deviceKeyFiles().filter((name) => !before.includes(name));
  expect(added.map((name) => (statSync(join(dir, name)).mode & 0o777).toString(8))).toEqual(["600"]);
}

describe("the SDK README's examples, run with Node against the service", () => {
  const env = () => ({
    LICENSE_SERVICE_URL: fixtures.baseUrl,
    LICENSE_JWKS_URI: fixtures.jwksUri,
    LICENSE_ISSUER: fixtures.issuer,
    LICENSE_KEY: fixtures.licenseKey,
    LICENSE_FINGERPRINT: fixtures.fingerprint,
    LICENSE_APP_ID: fixtures.applicationId,
    LICENSE_API_KEY: fixtures.apiKey,
    LICENSE_JWKS: "jwks.json",
    LICENSE_TOKEN_FILE: join(dir, "kept-token"),
  });

  it("verify-token.mjs gets a token for the device and verifies it", async () => {
    const out = await lastLine(process.execPath, ["examples/verify-token.mjs"], env());
    expect({ ...out, expires: typeof out.expires }).toEqual({
      valid: true,
      license: fixtures.licenseId,
      plan: "pro",
      features: fixtures.features,
      expires: "string",
    });
  });

  it("desktop-offline.mjs answers online, then from the kept token with the service out of reach", async () => {
    const online = await lastLine(process.execPath, ["examples/desktop-offline.mjs"], env());
    expect({ ...online, until: typeof online.until }).toEqual({ valid: true, source: "online", features: fixtures.features, until: "string" });
    const offline = await lastLine(process.execPath, ["examples/desktop-offline.mjs"], { ...env(), LICENSE_SERVICE_URL: fixtures.unreachableUrl });
    expect(offline).toEqual({ ...online, source: "cached" });
  });

  it("offline-file.mjs fetches this device's machine file and verifies it offline; on another device or in another app it is refused", async () => {
    const here = await lastLine(process.execPath, ["examples/offline-file.mjs"], { ...env(), LICENSE_FILE: join(dir, "machine.lic") });
    expect({ ...here, until: typeof here.until }).toEqual({ valid: true, machine: true, features: fixtures.features, until: "string" });
    // The same file copied to another machine (and no service to ask): refused.
    const elsewhere = await lastLine(process.execPath, ["examples/offline-file.mjs"], {
      ...env(),
      LICENSE_SERVICE_URL: fixtures.unreachableUrl,
      LICENSE_FINGERPRINT: "another-machine",
      LICENSE_FILE: join(dir, "machine.lic"),
    });
    expect(elsewhere).toEqual({ valid: false, code: "ERR_FILE_WRONG_MACHINE" });
    // The same file in another seller's app (its LICENSE_APP_ID): refused, though the same keys signed it.
    const otherApp = await lastLine(process.execPath, ["examples/offline-file.mjs"], {
      ...env(),
      LICENSE_SERVICE_URL: fixtures.unreachableUrl,
      LICENSE_APP_ID: "app_someone_else",
      LICENSE_FILE: join(dir, "machine.lic"),
    });
    expect(otherApp).toEqual({ valid: false, code: "ERR_FILE_CLAIM_INVALID" });
    // A device with no activation, never given a file: a clear answer, not a crash.
    const fresh = await lastLine(process.execPath, ["examples/offline-file.mjs"], {
      ...env(),
      LICENSE_FINGERPRINT: "never-activated",
      LICENSE_FILE: join(dir, "none.lic"),
    });
    expect(fresh).toEqual({ valid: false, code: "NO_LICENSE_FILE" });
  });

  it("introspect.mjs says the token is live", async () => {
    expect(await lastLine(process.execPath, ["examples/introspect.mjs", fixtures.token], env())).toEqual({
      active: true,
      license: fixtures.licenseId,
      status: "active",
    });
  });

  it("webhook-receiver.mjs accepts the real delivery and refuses it altered", async () => {
    const port = Number(new URL(await deadUrl()).port);
    const receiver = spawn(process.execPath, ["examples/webhook-receiver.mjs"], {
      cwd: dir,
      env: { ...process.env, WEBHOOK_SECRET: fixtures.webhook.secret, PORT: String(port) },
    });
    try {
      const post = async (body: string) => {
        for (let tries = 0; ; tries++) {
          try {
            return (await fetch(`http://127.0.0.1:${port}/hooks`, { method: "POST", headers: fixtures.webhook.headers, body })).status;
          } catch (err) {
            if (tries >= 50) throw err;
            await new Promise((resolve) => setTimeout(resolve, 100));
          }
        }
      };
      expect(await post(fixtures.webhook.body)).toBe(204);
      expect(await post(fixtures.webhook.body.replace(fixtures.licenseId, "lic_other"))).toBe(400);
    } finally {
      receiver.kill();
    }
  });
});

describe("the SDK's packed tarball", () => {
  it("holds the build, its types, README and LICENSE, and installs with jose as its only dependency", () => {
    expect(packed.files).toEqual(
      [
        "LICENSE",
        "README.md",
        ...[
          "client",
          "digest",
          "dpop",
          "errors",
          "index",
          "license-file",
          "lease",
          "license-file-format",
          "offline",
          "offline-activation",
          "status-list",
          "status-list-keeper",
          "token-format",
          "verifier",
          "verify",
          "webhooks",
        ].flatMap((m) => [`dist/${m}.d.ts`, `dist/${m}.js`]),
        "package.json",
      ].sort(),
    );
    expect(packed.installed.sort()).toEqual(["@edge-license", "jose"]);
  });

  it("passes every check on Node 22, its device key kept in a 0600 file", async () => {
    expect(process.versions.node.split(".")[0]).toBe("22");
    await expectAllOkKeepingAKeyFile(process.execPath, ["run.mjs"], "node");
  });

  it("passes every check on Deno, its device key kept in a 0600 file", async () => {
    await expectAllOkKeepingAKeyFile(BIN.deno, ["run", "--allow-net=127.0.0.1", "--allow-read=.", "--allow-write=.", "run.mjs"], "deno");
  });

  it("passes every check on Bun, its device key kept in a 0600 file", async () => {
    await expectAllOkKeepingAKeyFile(BIN.bun, ["run.mjs"], "bun");
  });

  it("passes every check in headless Chromium, imported by a page, its device key kept in IndexedDB", async () => {
    browser = await launchBrowser();
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on("pageerror", (err) => problems.push(err.message));
    await page.goto(`${site.origin}/index.html`);
    await page.waitForFunction(() => "results" in window, null, { timeout: 60_000 });
    expectAllOk(await page.evaluate(() => (window as unknown as { results: Record<string, string> }).results));
    const databases = await page.evaluate(async () => (await indexedDB.databases()).map((db) => db.name ?? ""));
    expect(databases.filter((name) => name.startsWith("sdk-check-"))).toHaveLength(1);
    expect(problems).toEqual([]);
  });

  it("passes every check in workerd, bundled as wrangler bundles a worker", async () => {
    const bundle = await build({
      entryPoints: [join(dir, "worker.mjs")],
      bundle: true,
      format: "esm",
      platform: "neutral",
      conditions: ["workerd", "worker", "browser"],
      mainFields: ["module", "main"],
      write: false,
      absWorkingDir: dir,
    });
    const mf = new Miniflare({
      // No request.cf lookup from the internet: this machine reaches loopback only.
      cf: false,
      workers: [
        {
          config: {
            name: "sdk-check",
            compatibilityDate: "2026-10-20",
            manifest: { mainModule: "worker.js", modules: { "worker.js": { type: "esm", contents: bundle.outputFiles[0]!.text } } },
          },
        },
      ],
    });
    try {
      const res = await mf.dispatchFetch("http://sdk.check/");
      expectAllOk((await res.json()) as Record<string, string>);
    } finally {
      await mf.dispose();
    }
  });
});
