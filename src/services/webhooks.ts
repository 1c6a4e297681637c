// A tenant's webhook endpoints and their deliveries. Endpoint URLs must be public https (services/
// ssrf.ts); signing secrets are `whsec_` + base64 of 24 random bytes (the Standard Webhooks
// format), shown once and sealed with AES-256-GCM before they reach Postgres. Subscribing needs
// the read permission of each event's data: a subscriber receives the resources themselves. Each
// endpoint carries its health, derived from its attempts; a delivery can be retried now, and a
// test event sent, each attempted within the request and answered with the attempt's outcome.
import { type DeliveryStatus, EVENT_READ_PERMISSION, EVENT_TYPES, type EventType } from "../contract/events";
import { SECRET_PREFIXES } from "../contract/ids";
import type { Permission } from "../contract/permissions";
import { encryptSecret } from "../crypto/aes";
import { newId } from "../crypto/random";
import type { PageRequest } from "../db/repositories/pagination";
import {
  claimDeliveryNow,
  deleteWebhookEndpoint,
  deliveryExists,
  type EndpointHealthRow,
  endpointHealth,
  getDeliveryWithAttempts,
  getWebhookEndpoint,
  insertClaimedTestDelivery,
  insertWebhookEndpoint,
  listDeliveries,
  listWebhookEndpoints,
  requeueDelivery,
  updateWebhookEndpoint,
  type WebhookAttemptRow,
  type WebhookDeliveryRow,
  type WebhookEndpointRow,
} from "../db/repositories/webhooks";
import { AppError, notFound } from "../errors";
import { requireActor } from "./actor";
import type { ChangeRunner } from "./changes";
import type { ServiceDeps } from "./context";
import { outboxEntry } from "./events";
import { webhookUrlProblem } from "./ssrf";
import { deliverDue, LEASE_S, sendClaimed } from "./webhook-delivery";

const newWebhookSecret = () => `${SECRET_PREFIXES.webhookSecret}_${btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(24))))}`;

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

/**
 * An endpoint's health. `failing` exactly when its most recent attempt (of any of its deliveries,
 * by the time it was recorded) got no 2xx: an error status, a redirect, a timeout, a network error
 * or a refusal at send (disabled, URL refused); `healthy` when that attempt got a 2xx; `unknown`
 * before any attempt. `failing_since` is the first attempt after the last 2xx.
 */
export type HealthStatus = "healthy" | "failing" | "unknown";

export interface EndpointHealth extends EndpointHealthRow {
  status: HealthStatus;
}

export type EndpointWithHealth = WebhookEndpointRow & { health: EndpointHealth };

const NO_ATTEMPTS: EndpointHealthRow = { lastAttemptAt: null, lastStatusCode: null, lastError: null, failingSince: null, retrying: 0, failed: 0 };

export function healthOf(row: EndpointHealthRow = NO_ATTEMPTS): EndpointHealth {
  const ok = row.lastStatusCode !== null && row.lastStatusCode >= 200 && row.lastStatusCode < 300;
  return { ...row, status: row.lastAttemptAt === null ? "unknown" : ok ? "healthy" : "failing" };
}

/** An attempt made within a request (retry now, a test event): the attempt and the delivery as recorded. */
export interface AttemptMade {
  attempt: WebhookAttemptRow;
  delivery: WebhookDeliveryRow;
}

export function webhookService(deps: ServiceDeps, changes: ChangeRunner) {
  const actor = () => requireActor(deps);

  /** 422 unless the URL is an acceptable webhook target. */
  const assertUrl = (url: string) => {
    const problem = webhookUrlProblem(url, { allowLoopback: deps.config.allowLoopbackWebhooks });
    if (problem) throw new AppError("VALIDATION_FAILED", `The webhook URL is refused: ${problem}.`, { details: [{ path: "url", message: problem }] });
  };

  const seal = (secret: string, endpointId: string) => encryptSecret(deps.config.webhookSecretsKey, secret, endpointId);

  /** Endpoints with their health, read for the whole page in one statement. */
  async function withHealth(rows: WebhookEndpointRow[]): Promise<EndpointWithHealth[]> {
    const health = await endpointHealth(
      deps.db(),
      actor().tenantId,
      rows.map((r) => r.id),
    );
    return rows.map((row) => ({ ...row, health: healthOf(health.get(row.id)) }));
  }

  /** The tenant's endpoint, or 404. */
  async function endpoint(id: string): Promise<WebhookEndpointRow> {
    const row = await getWebhookEndpoint(deps.db(), actor().tenantId, id);
    if (!row) throw notFound("Webhook endpoint");
    return row;
  }

  return {
    /** A new endpoint (nothing attempted yet: health unknown); its signing secret is returned here only. */
    async create(input: { url: string; eventTypes: EventType[]; enabled: boolean }): Promise<{ row: EndpointWithHealth; secret: string }> {
      assertUrl(input.url);
      assertCanSubscribe(input.eventTypes, actor().permissions);
      const id = newId("whk");
      const secret = newWebhookSecret();
      const secretCiphertext = await seal(secret, id);
      const row = await changes(async (tx, record) => {
        const created = await insertWebhookEndpoint(tx, {
          id,
          tenantId: actor().tenantId,
          url: input.url,
          eventTypes: [...new Set(input.eventTypes)],
          enabled: input.enabled,
          secretCiphertext,
        });
        await record({ action: "webhook.create", targetType: "webhook_endpoint", targetId: id, details: { url: input.url, event_types: input.eventTypes } });
        return created;
      });
      return { row: { ...row, health: healthOf() }, secret };
    },

    async get(id: string): Promise<EndpointWithHealth> {
      const [row] = await withHealth([await endpoint(id)]);
      return row!;
    },

    async list(page: PageRequest) {
      const found = await listWebhookEndpoints(deps.db(), actor().tenantId, page);
      return { ...found, data: await withHealth(found.data) };
    },

    /** A new URL or new event types need the read permissions of what the endpoint will receive. */
    async update(id: string, input: { url?: string; eventTypes?: EventType[]; enabled?: boolean }): Promise<EndpointWithHealth> {
      if (input.url !== undefined) assertUrl(input.url);
      const row = await changes(async (tx, record) => {
        const current = await getWebhookEndpoint(tx, actor().tenantId, id, { lock: true });
        if (!current) throw notFound("Webhook endpoint");
        // A new URL receives what the endpoint subscribes to: pointing it elsewhere is reading it.
        if (input.eventTypes !== undefined || input.url !== undefined) {
          assertCanSubscribe((input.eventTypes ?? current.eventTypes) as EventType[], actor().permissions);
        }
        const updated = await updateWebhookEndpoint(tx, actor().tenantId, id, {
          url: input.url,
          eventTypes: input.eventTypes && [...new Set(input.eventTypes)],
          enabled: input.enabled,
        });
        await record({
          action: "webhook.update",
          targetType: "webhook_endpoint",
          targetId: id,
          details: { url: input.url, event_types: input.eventTypes, enabled: input.enabled },
        });
        return updated!;
      });
      const [withState] = await withHealth([row]);
      return withState!;
    },

    remove: (id: string) =>
      changes(async (tx, record) => {
        if (!(await deleteWebhookEndpoint(tx, actor().tenantId, id))) throw notFound("Webhook endpoint");
        await record({ action: "webhook.delete", targetType: "webhook_endpoint", targetId: id });
      }),

    /**
     * A new signing secret (returned here only). For `overlapS` the old secret signs too (two
     * signatures per delivery). Concurrent rotations queue on the row lock.
     */
    async rotateSecret(id: string, overlapS: number): Promise<{ row: EndpointWithHealth; secret: string }> {
      const secret = newWebhookSecret();
      const sealed = await seal(secret, id);
      const row = await changes(async (tx, record) => {
        const current = await getWebhookEndpoint(tx, actor().tenantId, id, { lock: true });
        if (!current) throw notFound("Webhook endpoint");
        const updated = await updateWebhookEndpoint(tx, actor().tenantId, id, {
          secretCiphertext: sealed,
          previousSecretCiphertext: overlapS > 0 ? current.secretCiphertext : null,
          previousSecretExpiresAt: overlapS > 0 ? new Date(Date.now() + overlapS * 1000) : null,
        });
        await record({ action: "webhook.rotate_secret", targetType: "webhook_endpoint", targetId: id, details: { overlap_s: overlapS } });
        return updated!;
      });
      const [withState] = await withHealth([row]);
      return { row: withState!, secret };
    },

    async deliveries(endpointId: string, page: PageRequest, filter: { status?: DeliveryStatus }) {
      await endpoint(endpointId);
      return listDeliveries(deps.db(), actor().tenantId, endpointId, page, filter);
    },

    /** One delivery of the endpoint: the exact body it sends, and every attempt with the receiver's answer. */
    async delivery(endpointId: string, deliveryId: string) {
      const found = await getDeliveryWithAttempts(deps.db(), { tenantId: actor().tenantId, endpointId, deliveryId });
      if (!found) throw notFound("Delivery");
      return found;
    },

    /**
     * Retry now: the delivery's next attempt, made at once and answered. A retrying delivery's
     * schedule goes on from this attempt (as if it had come due now: attempt n, then the wait
     * after attempt n, failed after the last); a failed one gets this one attempt and stays
     * failed if it fails again (redeliver gives it a fresh set). The claim is a conditional update,
     * so a scheduled run never sends the same delivery at the same time: whoever claims first
     * sends, the other finds it taken (409 DELIVERY_IN_PROGRESS) or not due.
     */
    async retryNow(endpointId: string, deliveryId: string): Promise<AttemptMade> {
      const tenantId = actor().tenantId;
      const target = await endpoint(endpointId);
      if (!target.enabled) throw new AppError("ENDPOINT_DISABLED", "The endpoint is disabled: enable it before retrying its deliveries.");
      // The claim and its audit row commit together; a refused retry writes nothing.
      const claim = await changes(async (tx, record) => {
        const found = await claimDeliveryNow(tx, { tenantId, endpointId, deliveryId }, LEASE_S);
        if ("claimed" in found) {
          await record({ action: "webhook.retry", targetType: "webhook_delivery", targetId: deliveryId, details: { endpoint_id: endpointId } });
        }
        return found;
      });
      if ("refused" in claim) {
        if (claim.refused === "not_found") throw notFound("Delivery");
        if (claim.refused === "succeeded") {
          throw new AppError("ALREADY_DELIVERED", "The delivery already arrived; redeliver it to send the event again.");
        }
        throw new AppError("DELIVERY_IN_PROGRESS", "An attempt of this delivery is under way; its outcome shows in the deliveries shortly.");
      }
      return sendClaimed(deps.db(), deps.config, claim.claimed);
    },

    /**
     * Sends a `webhook.test` event to this endpoint only, at once, signed like every delivery and
     * checked against the same URL rules; also to a disabled endpoint, so a receiver can be tried
     * before it is enabled. It is recorded as a delivery (shown with the others, counted in the
     * endpoint's health) that is attempted once and never retried by itself.
     */
    async sendTest(endpointId: string): Promise<AttemptMade> {
      const tenantId = actor().tenantId;
      const entry = outboxEntry({ type: "webhook.test", endpointId }, deps.serializeEvent);
      const deliveryId = newId("dlv");
      // The endpoint is read under its row lock: the test goes to its URL and secret as they are
      // when the delivery is written, and an endpoint deleted meanwhile is a 404.
      const { target, delivery } = await changes(async (tx, record) => {
        const current = await getWebhookEndpoint(tx, tenantId, endpointId, { lock: true });
        if (!current) throw notFound("Webhook endpoint");
        const row = await insertClaimedTestDelivery(tx, { ...entry, tenantId }, { id: deliveryId, endpointId, leaseS: LEASE_S });
        await record({
          action: "webhook.test",
          targetType: "webhook_endpoint",
          targetId: endpointId,
          details: { delivery_id: deliveryId, event_id: entry.id },
        });
        return { target: current, delivery: row };
      });
      return sendClaimed(
        deps.db(),
        deps.config,
        {
          id: delivery.id,
          tenant_id: tenantId,
          event_id: entry.id,
          event_type: "webhook.test",
          endpoint_id: endpointId,
          attempts: delivery.attempts,
          payload: entry.payload,
          url: target.url,
          enabled: target.enabled,
          secret_ciphertext: target.secretCiphertext,
          previous_secret_ciphertext: target.previousSecretCiphertext,
          previous_secret_expires_at: target.previousSecretExpiresAt,
        },
        { force: true },
      );
    },

    /** Queues a finished delivery again with a fresh attempt budget, and sends it after the response. */
    async redeliver(id: string): Promise<WebhookDeliveryRow> {
      const tenantId = actor().tenantId;
      const row = await changes(async (tx, record) => {
        const queued = await requeueDelivery(tx, tenantId, id);
        if (queued) await record({ action: "webhook.redeliver", targetType: "webhook_delivery", targetId: id });
        return queued;
      });
      if (!row) {
        if (!(await deliveryExists(deps.db(), tenantId, id))) throw notFound("Delivery");
        throw new AppError("CONFLICT", "The delivery is still pending (being retried, or an attempt is under way): retry it now instead.");
      }
      deps.defer(deliverDue(deps.db(), deps.config, { eventIds: [row.eventId] }));
      return row;
    },
  };
}
