// What the browser tests share: the worker from wrangler.toml in workerd (static assets included),
// optionally on the real Postgres test/global-setup.ts started, and headless Chromium (Debian's
// `chromium`, installed by .ci/run).
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";
import { inject } from "vitest";
import { unstable_startWorker } from "wrangler";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
/** Where the tests write their screenshots (gitignored). */
export const SHOTS = join(process.cwd(), ".data", "console-shots");

export type Worker = Awaited<ReturnType<typeof unstable_startWorker>>;

/** The worker on a free port (or `port`); with `database`, bound to the test Postgres and fresh secrets, plus any `vars`. */
export async function startWorker(
  options: { database?: boolean; port?: number; vars?: Record<string, string> } = {},
): Promise<{ worker: Worker; base: string }> {
  const plain = (value: string) => ({ type: "plain_text" as const, value });
  const bindings = options.database
    ? {
        DATABASE_URL: plain(inject("databaseUrl")),
        DB_RELAY_URL: plain(inject("relayAddress")),
        OPERATOR_TOKEN: plain(inject("operatorToken")),
        SIGNING_KEYS: plain(inject("signingKeys")),
        WEBHOOK_SECRETS_KEY: plain(inject("webhookSecretsKey")),
        ISSUER: plain("https://license.test"),
        LOG_LEVEL: plain("warn"),
        WEBHOOK_ALLOW_LOOPBACK: plain("true"),
      }
    : undefined;
  const vars = Object.fromEntries(Object.entries(options.vars ?? {}).map(([name, value]) => [name, plain(value)]));
  const all = bindings || options.vars ? { ...bindings, ...vars } : undefined;
  const worker = await unstable_startWorker({
    config: "wrangler.toml",
    ...(all ? { bindings: all } : {}),
    dev: { server: { hostname: "127.0.0.1", port: options.port ?? 0 }, inspector: false, logLevel: "error" },
  });
  return { worker, base: (await worker.url).origin };
}

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}: install Debian's chromium (apt-get install chromium) or set CHROMIUM_PATH`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/** Everything a page reports that a test should fail on: uncaught errors, console errors, CSP violations. */
export function watchProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on("pageerror", (err) => problems.push(`pageerror: ${err.message}`));
  page.on("console", (msg) => {
    // A refused request (the API's 4xx) is logged by Chromium as a console error: expected in tests that provoke one.
    if (msg.type() === "error" && !/Failed to load resource: the server responded with a status of 4\d\d/.test(msg.text())) {
      problems.push(`console: ${msg.text()}`);
    }
  });
  return problems;
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SHOTS, { recursive: true });
  const path = join(SHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
