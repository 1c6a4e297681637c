// What every service is built from: plain values and small interfaces, never a Hono context. The
// request scope (middleware/scope.ts) and the scheduled handler (src/scheduled.ts) fill these in.
import type { Permission } from "../contract/permissions";
import type { PlanTier } from "../contract/tokens";
import type { Database, RowsFn } from "../db/client";
import type { Logger } from "../logging";
import type { ActivityStore } from "./activity/store";
import type { SnapshotStore } from "./degraded";
import type { DeviceProof } from "./device-proof";
import type { EventSerializer } from "./events";
import type { MetricsStore } from "./metrics/store";

/** Deployment settings the services read (from vars and secrets; see src/config.ts). */
export interface ServiceConfig {
  /** The token `iss` and base of advertised URLs; throws (503) while ISSUER is unset. */
  issuer(): string;
  tokenUse: string;
  /** The SIGNING_KEYS secret's text (a JWK set). */
  signingKeys: string | undefined;
  /** The WEBHOOK_SECRETS_KEY secret (base64, 32 bytes). */
  webhookSecretsKey: string;
  /** Development only: webhook endpoints may be http://127.0.0.1. */
  allowLoopbackWebhooks: boolean;
}

/** The authenticated credential acting, as auth admitted it. */
export interface Actor {
  tenantId: string;
  planTier: PlanTier;
  /** The credential's id (`key_...`), recorded as the actor of what it changes. */
  keyId: string;
  permissions: readonly Permission[];
  /** Set for access tokens: what they create or extend may not outlive them (services/credentials.ts). */
  accessToken?: { expiresAt: Date; userTokenId: string; userTokenGeneration: number };
}

export type { EventSerializer };

export interface ServiceDeps {
  config: ServiceConfig;
  /** Transactions over the driver's WebSocket pool, connected on first use. */
  db: () => Database;
  /** One-statement queries over Neon's HTTP endpoint (no connection setup): the hot paths. */
  rows: () => RowsFn;
  /** The edge cache of revocations, and of license suspensions for degraded answers. */
  kv: KVNamespace;
  /** The edge's last VALID answers, for outages (services/degraded.ts). */
  snapshots: SnapshotStore;
  /** Who is acting; undefined on public routes and before authentication. */
  actor: () => Actor | undefined;
  requestId?: string;
  /** Runs work after the response (before the request's pool closes). */
  defer: (work: Promise<unknown>) => void;
  log: Logger;
  serializeEvent: EventSerializer;
  /** Where usage metrics go and are read from (services/metrics/store.ts). */
  metrics: MetricsStore;
  /** Where license activity goes and is read from (services/activity/store.ts). */
  activity: ActivityStore;
  /** Tells the request's metric what it concerns, as a service learns it (a no-op outside requests). */
  observe: (subject: MetricSubject) => void;
  /** The request's DPoP proof (services/device-proof.ts); NO_PROOF outside device requests. */
  proof: DeviceProof;
}

/** What a request's data point (and its activity event) says about whom it concerns. */
export interface MetricSubject {
  tenantId?: string;
  licenseId?: string;
  applicationId?: string | null;
  policyId?: string;
  customerId?: string | null;
  /** The activation the request matched or concerned. */
  activationId?: string | null;
  /** The fingerprint or domain the client sent (operation bodies name them; air-gapped files inside). */
  fingerprint?: string;
  domain?: string;
}

/** Whom a request about a license concerns: the license, its customer and the device it matched. */
export function licenseSubject(license: {
  tenantId: string;
  id: string;
  applicationId: string | null;
  policyId: string;
  customerId?: string | null;
  device?: { id: string | null } | null;
  domainDevice?: { id: string | null } | null;
}): MetricSubject {
  return {
    tenantId: license.tenantId,
    licenseId: license.id,
    applicationId: license.applicationId,
    policyId: license.policyId,
    customerId: license.customerId,
    activationId: license.device?.id ?? license.domainDevice?.id,
  };
}
