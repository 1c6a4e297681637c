// Runs once, in Node, before the workerd test pool starts: a throwaway embedded Postgres with every
// migration applied, the WebSocket relay the Neon driver reaches it through, and fresh secrets.
// The values reach the worker as bindings (vitest.config.ts).
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { faultRoleUrl } from "../scripts/lib/faults.ts";
import { applyMigrations } from "../scripts/lib/migrate.ts";
import { startPostgres } from "../scripts/lib/postgres.ts";
import { startRelay } from "../scripts/lib/relay.ts";
import { generateDevSecrets } from "../scripts/lib/secrets.ts";
import { startWebhookReceiver } from "../scripts/lib/webhook-receiver.ts";

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
    /** The same database as a role the relay's fault switch can single out (scripts/lib/faults.ts). */
    faultyDatabaseUrl: string;
    relayAddress: string;
    operatorToken: string;
    signingKeys: string;
    webhookSecretsKey: string;
    webhookReceiverUrl: string;
  }
}

export default async function setup(project: TestProject) {
  // Under the OS temp dir: the `postgres` user must be able to reach the data dir.
  const root = mkdtempSync(join(tmpdir(), "license-test-"));
  chmodSync(root, 0o755);
  // Concurrency suites open dozens of connections at once while other files run in parallel.
  const pg = await startPostgres({ dataDir: join(root, "pg"), ephemeral: true, extraFlags: ["-c", "max_connections=400"] });
  await applyMigrations(pg.url);
  const relay = await startRelay();
  const secrets = await generateDevSecrets();
  const receiver = await startWebhookReceiver();

  project.provide("databaseUrl", pg.url);
  project.provide("faultyDatabaseUrl", await faultRoleUrl(pg.url));
  project.provide("relayAddress", relay.address);
  project.provide("operatorToken", secrets.OPERATOR_TOKEN);
  project.provide("signingKeys", secrets.SIGNING_KEYS);
  project.provide("webhookSecretsKey", secrets.WEBHOOK_SECRETS_KEY);
  project.provide("webhookReceiverUrl", receiver.url);

  return async () => {
    await receiver.close();
    await relay.close();
    await pg.stop();
    rmSync(root, { recursive: true, force: true });
  };
}
