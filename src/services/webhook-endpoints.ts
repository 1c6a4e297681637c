// Webhook endpoint secrets: `whsec_` + base64 of 24 random bytes (the Standard Webhooks format),
// sealed with AES-256-GCM before they reach Postgres.
import { and, eq } from "drizzle-orm";
import { EVENT_READ_PERMISSION, EVENT_TYPES, type EventType } from "../contract/events";
import { SECRET_PREFIXES } from "../contract/ids";
import type { Permission } from "../contract/permissions";
import { encryptSecret } from "../crypto/aes";
import type { Queryable } from "../db/client";
import { webhookEndpoints } from "../db/schema";
import { AppError } from "../errors";
import { webhookUrlProblem } from "./ssrf";

export const newWebhookSecret = () => `${SECRET_PREFIXES.webhookSecret}_${btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(24))))}`;

export const sealWebhookSecret = (env: Env, secret: string, endpointId: string) => encryptSecret(env, secret, endpointId);

/**
 * 403 unless the caller may read every event type it subscribes to; an empty list means every
 * event, so it needs every read permission.
 */
export function assertCanSubscribe(eventTypes: readonly EventType[], held: readonly Permission[]): void {
  const types = eventTypes.length > 0 ? eventTypes : EVENT_TYPES;
  const missing = [...new Set(types.map((type) => EVENT_READ_PERMISSION[type]))].filter((p) => !held.includes(p));
  if (missing.length > 0) {
    throw new AppError("FORBIDDEN", `Subscribing to these events needs the permission to read their data; missing: ${missing.join(", ")}.`, {
      details: { missing_permissions: missing },
    });
  }
}

/** 422 unless the URL is an acceptable webhook target (see services/ssrf.ts). */
export function assertWebhookUrl(env: Env, url: string): void {
  const problem = webhookUrlProblem(url, { allowLoopback: env.WEBHOOK_ALLOW_LOOPBACK === "true" });
  if (problem) throw new AppError("VALIDATION_FAILED", `The webhook URL is refused: ${problem}.`, { details: [{ path: "url", message: problem }] });
}

/** A tenant's endpoint; with `lock`, row-locked for the rest of the transaction (changes serialise on it). */
export async function getWebhookEndpoint(db: Queryable, tenantId: string, id: string, options: { lock?: boolean } = {}) {
  const query = db
    .select()
    .from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.tenantId, tenantId), eq(webhookEndpoints.id, id)));
  const [row] = options.lock ? await query.for("update") : await query;
  return row;
}
