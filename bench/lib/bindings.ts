// What each kind of worker, and the Node peer, is started with. The floors run the service's own
// lookup and token code; the peer gets the lookup's SQL text and the same key set.
import { randomBytes } from "node:crypto";
import type { Artifacts } from "./artifacts.ts";
import { CONNECTIONS, ISSUER, TOKEN_USE } from "./settings.ts";
import type { Stack } from "./stack.ts";
import type { WorkerOptions } from "./workerd.ts";

const tokenEnv = (stack: Stack, signingKeys: string) => ({ DATABASE_URL: stack.pg.url, SIGNING_KEYS: signingKeys, ISSUER, TOKEN_USE });

/** The floors reach Postgres through the relay, as the service does; RS256 unless told otherwise. */
export const floorBindings = (stack: Stack, art: Artifacts, signingKeys = art.rsKeys) => ({
  ...tokenEnv(stack, signingKeys),
  DB_RELAY_URL: stack.relay.address,
});

/** The peer keeps a pool as large as the load's connections, as a Node service would. */
export const peerEnv = (stack: Stack, art: Artifacts) => ({
  ...tokenEnv(stack, art.rsKeys),
  LOOKUP_SQL: art.lookup.sql,
  LOOKUP_PARAMS: JSON.stringify(art.lookup.params),
  PG_POOL_MAX: String(CONNECTIONS),
});

/** The service's settings; the operator token and webhook key are random (nothing here uses them). */
export const serviceBindings = (stack: Stack, signingKeys: string) => ({
  DATABASE_URL: stack.pg.url,
  DB_RELAY_URL: stack.relay.address,
  SIGNING_KEYS: signingKeys,
  OPERATOR_TOKEN: `op_${randomBytes(32).toString("base64url")}`,
  WEBHOOK_SECRETS_KEY: randomBytes(32).toString("base64"),
  ISSUER,
  TOKEN_USE,
  LOG_LEVEL: "warn",
  CORS_ORIGINS: "",
});

/**
 * A service instance: up once /healthz answers; introspection's revocation list is a local KV, the
 * degraded answers' snapshots go to the bench's Cache API (lib/edge-cache.ts).
 */
export const serviceWorker = (stack: Stack, name: string, art: Artifacts, bindings: Record<string, string>): WorkerOptions => ({
  name,
  scriptPath: art.bundle.path,
  bindings,
  kvNamespaces: ["REVOCATIONS"],
  cacheAddress: stack.cache.address,
  probe: { path: "/healthz" },
});
