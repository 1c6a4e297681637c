// Fault injection for the local relay and its `/sql` stand-in: what a Postgres outage looks like
// from the worker, without killing processes. Tests and the bench flip it over HTTP on the relay
// (`POST /__faults`), scoped to one database role so other tests sharing the relay are untouched.
//
//   { "mode": "refuse" }                 connections and queries are refused at once
//   { "mode": "hang" }                   accepted, never answered (a frozen database)
//   { "mode": "delay", "delay_ms": 800 } every query waits that long first
//   { "mode": "fail_every", "every": 3 } every third query fails (the connection drops)
//   { "mode": "none" }                   back to normal; hung requests and connections are dropped
// Add "user": "<role>" to affect only connections made as that Postgres role.

import { createRequire } from "node:module";

export const FAULT_MODES = ["none", "refuse", "hang", "delay", "fail_every"] as const;
export type FaultMode = (typeof FAULT_MODES)[number];

export interface FaultSetting {
  mode: FaultMode;
  delayMs: number;
  every: number;
  /** The Postgres role it applies to; undefined = every connection. */
  user?: string;
}

/** What a query or connection should suffer now. */
export type FaultAction = { kind: "pass" } | { kind: "refuse" } | { kind: "hang" } | { kind: "delay"; ms: number } | { kind: "fail" };

const NONE: FaultSetting = { mode: "none", delayMs: 0, every: 0 };

export class Faults {
  #setting: FaultSetting = NONE;
  #count = 0;
  /** Called when faults are lifted: hung requests and poisoned connections are cut. */
  readonly #onReset = new Set<() => void>();

  get setting(): FaultSetting {
    return this.#setting;
  }

  set(next: Partial<FaultSetting> & { mode: FaultMode }): FaultSetting {
    this.#setting = { ...NONE, ...next };
    this.#count = 0;
    if (next.mode === "none") {
      for (const cut of this.#onReset) cut();
      this.#onReset.clear();
    }
    return this.#setting;
  }

  /** Registers what to cut when faults are lifted (a hung response, a connection fed nothing). */
  onReset(cut: () => void): void {
    this.#onReset.add(cut);
  }

  /** The action for one query (or connection attempt) made as `user`. */
  next(user: string | undefined): FaultAction {
    const s = this.#setting;
    if (s.mode === "none" || (s.user !== undefined && s.user !== user)) return { kind: "pass" };
    switch (s.mode) {
      case "refuse":
        return { kind: "refuse" };
      case "hang":
        return { kind: "hang" };
      case "delay":
        return { kind: "delay", ms: s.delayMs };
      case "fail_every":
        this.#count++;
        return s.every > 0 && this.#count % s.every === 0 ? { kind: "fail" } : { kind: "pass" };
    }
  }
}

/** Parses the control endpoint's body; throws a message for a bad one. */
export function parseFaultSetting(body: unknown): Partial<FaultSetting> & { mode: FaultMode } {
  const b = (body ?? {}) as Record<string, unknown>;
  if (!FAULT_MODES.includes(b.mode as FaultMode)) throw new Error(`mode must be one of ${FAULT_MODES.join(", ")}`);
  const delayMs = b.delay_ms === undefined ? 0 : Number(b.delay_ms);
  const every = b.every === undefined ? 0 : Number(b.every);
  if (!Number.isInteger(delayMs) || delayMs < 0 || delayMs > 600_000) throw new Error("delay_ms must be an integer 0..600000");
  if (!Number.isInteger(every) || every < 0) throw new Error("every must be a non-negative integer");
  if (b.user !== undefined && typeof b.user !== "string") throw new Error("user must be a string");
  return { mode: b.mode as FaultMode, delayMs, every, user: b.user as string | undefined };
}

/** The role of a Postgres startup message (length, protocol, then key\0value\0 pairs). */
export function startupUser(message: Buffer): string | undefined {
  if (message.length < 8) return undefined;
  const fields = message.subarray(8).toString("utf8").split("\0");
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === "user") return fields[i + 1];
  return undefined;
}

/** The Postgres role tests connect as when faults should reach them and nobody else. */
export const FAULT_ROLE = "license_faults";

/**
 * Creates FAULT_ROLE (a superuser, as the test database's own user is) and answers the same
 * database's URL connecting as it: faults scoped to that role leave every other connection alone.
 */
export async function faultRoleUrl(databaseUrl: string): Promise<string> {
  const { Client } = createRequire(import.meta.url)("pg") as typeof import("pg");
  const url = new URL(databaseUrl);
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(`CREATE ROLE ${FAULT_ROLE} LOGIN SUPERUSER PASSWORD '${url.password.replaceAll("'", "''")}'`);
  } finally {
    await client.end();
  }
  url.username = FAULT_ROLE;
  return url.toString();
}
