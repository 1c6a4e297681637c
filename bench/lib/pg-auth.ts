// Switches the bench Postgres between password authentication methods for new connections.
//
// scripts/lib/postgres.ts sets up `scram-sha-256`, as a real server should. But the Neon driver
// runs SCRAM's PBKDF2 (4096 HMAC rounds, each an awaited crypto.subtle call plus a Buffer copy) in
// the worker's JavaScript on every new connection, and the service opens one per request: ~24 ms
// of CPU per request that production does not pay, because Neon's proxy authenticates WebSocket
// clients with a cleartext password over TLS (the driver's default `pipelineConnect: "password"`
// relies on it). So the bench measures with `password` (cleartext) auth, as on Neon, and reports
// one run with SCRAM separately.

import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";

const require = createRequire(import.meta.url);
const { Client } = require("pg") as typeof import("pg");

export type AuthMethod = "password" | "scram-sha-256";

export async function setPasswordAuth(dataDir: string, url: string, method: AuthMethod): Promise<void> {
  const path = join(dataDir, "pg_hba.conf");
  const lines = readFileSync(path, "utf8").split("\n");
  const rewritten = lines.map((line) => (/^\s*(host|local)\s/.test(line) ? line.replace(/\b(scram-sha-256|md5|password)\s*$/, method) : line));
  writeFileSync(path, rewritten.join("\n"));
  const admin = new Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query("SELECT pg_reload_conf()");
  } finally {
    await admin.end();
  }
  // The reload is asynchronous (SIGHUP to the postmaster): wait until a new session is asked for
  // the method we set.
  for (let i = 0; i < 100; i++) {
    if ((await askedMethod(url)) === method) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`Postgres did not switch to ${method} authentication`);
}

/** The password method the server asks a new connection for. */
async function askedMethod(url: string): Promise<AuthMethod | "other"> {
  const client = new Client({ connectionString: url });
  let asked: AuthMethod | "other" = "other";
  const connection = (client as unknown as { connection: import("node:events").EventEmitter }).connection;
  connection.once("authenticationCleartextPassword", () => (asked = "password"));
  connection.once("authenticationSASL", () => (asked = "scram-sha-256"));
  await client.connect();
  await client.end();
  return asked;
}
