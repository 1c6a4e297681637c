// A tenant's webhook endpoints and their deliveries. Endpoint URLs must be public https (services/
// ssrf.ts); signing secrets are `whsec_` + base64 of 24 random bytes (the Standard Webhooks
// format), shown once and sealed with AES-256-GCM before they reach Postgres. Subscribing needs
// the read permission of each event's data: a subscriber receives the resources themselves.
import { type DeliveryStatus, EVENT_READ_PERMISSION, EVENT_TYPES, type EventType } from "../contract/events";
import { SECRET_PREFIXES } from "../contract/ids";
import type { Permission } from "../contract/permissions";
import { encryptSecret } from "../crypto/aes";
import { newId } from "../crypto/random";
import type { PageRequest } from "../db/repositories/pagination";
import {
  deleteWebhookEndpoint,
  deliveryExists,
  getWebhookEndpoint,
  insertWebhookEndpoint,
  listDeliveries,
  listWebhookEndpoints,
  requeueDelivery,
  updateWebhookEndpoint,
  type WebhookDeliveryRow,
  type WebhookEndpointRow,
} from "../db/repositories/webhooks";
import { AppError, notFound } from "../errors";
import { requireActor } from "./actor";
import type { ChangeRunner } from "./changes";
import type { ServiceDeps } from "./context";
import { webhookUrlProblem } from "./ssrf";
import { deliverDue } from "./webhook-delivery";

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

export function webhookService(deps: ServiceDeps, changes: ChangeRunner) {
  const actor = () => requireActor(deps);

  /** 422 unless the URL is an acceptable webhook target. */
  const assertUrl = (url: string) => {
    const problem = webhookUrlProblem(url, { allowLoopback: deps.config.allowLoopbackWebhooks });
    if (problem) throw new AppError("VALIDATION_FAILED", `The webhook URL is refused: ${problem}.`, { details: [{ path: "url", message: problem }] });
  };

  const seal = (secret: string, endpointId: string) => encryptSecret(deps.config.webhookSecretsKey, secret, endpointId);

  return {
    /** A new endpoint; its signing secret is returned here only. */
    async create(input: { url: string; eventTypes: EventType[]; enabled: boolean }): Promise<{ row: WebhookEndpointRow; secret: string }> {
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
      return { row, secret };
    },

    async get(id: string): Promise<WebhookEndpointRow> {
      const row = await getWebhookEndpoint(deps.db(), actor().tenantId, id);
      if (!row) throw notFound("Webhook endpoint");
      return row;
    },

    list: (page: PageRequest) => listWebhookEndpoints(deps.db(), actor().tenantId, page),

    /** A new URL or new event types need the read permissions of what the endpoint will receive. */
    async update(id: string, input: { url?: string; eventTypes?: EventType[]; enabled?: boolean }): Promise<WebhookEndpointRow> {
      if (input.url !== undefined) assertUrl(input.url);
      return changes(async (tx, record) => {
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
    async rotateSecret(id: string, overlapS: number): Promise<{ row: WebhookEndpointRow; secret: string }> {
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
      return { row, secret };
    },

    async deliveries(endpointId: string, page: PageRequest, filter: { status?: DeliveryStatus }) {
      const tenantId = actor().tenantId;
      if (!(await getWebhookEndpoint(deps.db(), tenantId, endpointId))) throw notFound("Webhook endpoint");
      return listDeliveries(deps.db(), tenantId, endpointId, page, filter);
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
        throw new AppError("CONFLICT", "The delivery is still pending; it is being retried.");
      }
      deps.defer(deliverDue(deps.db(), deps.config, { eventIds: [row.eventId] }));
      return row;
    },
  };
}
