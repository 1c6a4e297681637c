// Readiness: Postgres answers a query and KV answers a read, each within a few seconds; an open
// circuit breaker is reported as such.
import { CircuitOpenError } from "../db/breaker";
import { ping } from "../db/repositories/health";
import type { ServiceDeps } from "./context";

const CHECK_TIMEOUT_MS = 3_000;

/** `circuit_open`: recent calls failed, so the database is not even tried for a few seconds (db/breaker.ts). */
export type Check = "ok" | "unavailable" | "circuit_open";

async function probe(work: () => Promise<unknown>): Promise<Check> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error("timed out")), CHECK_TIMEOUT_MS);
  });
  try {
    await Promise.race([work(), timeout]);
    return "ok";
  } catch (err) {
    return err instanceof CircuitOpenError || (err as { cause?: unknown })?.cause instanceof CircuitOpenError ? "circuit_open" : "unavailable";
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
}

export function healthService(deps: ServiceDeps) {
  return {
    async readiness(): Promise<{ database: Check; kv: Check }> {
      const [database, kv] = await Promise.all([probe(() => ping(deps.db())), probe(() => deps.kv.get("readyz"))]);
      return { database, kv };
    },
  };
}
