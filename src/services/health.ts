// Readiness: Postgres answers a query and KV answers a read, each within a few seconds.
import { ping } from "../db/repositories/health";
import type { ServiceDeps } from "./context";

const CHECK_TIMEOUT_MS = 3_000;

export type Check = "ok" | "unavailable";

async function probe(work: () => Promise<unknown>): Promise<Check> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error("timed out")), CHECK_TIMEOUT_MS);
  });
  try {
    await Promise.race([work(), timeout]);
    return "ok";
  } catch {
    return "unavailable";
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
