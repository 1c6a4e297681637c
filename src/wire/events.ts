// Webhook payloads: the `data` of each event is the resource as the API shows it (never a key or
// secret). Services name events with domain rows; this turns them into what receivers get, and
// the OpenAPI `webhooks` section documents the same shapes (routes/webhook-events.ts).
import { z } from "@hono/zod-openapi";
import type { EventType } from "../contract/events";
import { DEACTIVATION_REASONS } from "../contract/licenses";
import { ALERT_KINDS } from "../contract/metrics";
import type { DomainEvent, LicenseCheckout } from "../services/events";
import { Activation, activationBody } from "./activations";
import { Timestamp } from "./common";
import { ApiKey, apiKeyBody } from "./credentials";
import { Customer, customerBody, Group, groupBody, User, userBody } from "./customers";
import { Lease, leaseBody } from "./leases";
import { License, licenseBody } from "./licenses";

export function serializeEvent(event: DomainEvent): Record<string, unknown> {
  switch (event.type) {
    case "activation.created":
      return activationBody(event.activation, event.heartbeatIntervalS);
    case "activation.deleted":
      return { ...activationBody(event.activation), reason: event.reason };
    case "token.revoked":
      return { jti: event.jti, license_id: event.licenseId, expires_at: event.expiresAt.toISOString() };
    case "api_key.created":
      return event.rotatedFrom ? { ...apiKeyBody(event.apiKey), rotated_from: event.rotatedFrom } : apiKeyBody(event.apiKey);
    case "api_key.revoked":
      return apiKeyBody(event.apiKey);
    case "metrics.threshold_crossed":
      return alertBody(event.alert);
    case "license.checked_out":
      return checkoutBody(event.checkout, event.applicationId);
    case "lease.created":
    case "lease.released":
    case "lease.expired":
    case "lease.borrowed":
      return leaseBody(event.lease);
    case "customer.created":
    case "customer.updated":
    case "customer.deleted":
    case "customer.erased":
      return customerBody(event.customer);
    case "user.created":
    case "user.updated":
    case "user.deleted":
      return userBody(event.user);
    case "group.created":
    case "group.updated":
    case "group.deleted":
      return groupBody(event.group, event.memberIds);
    case "webhook.test":
      return { endpoint_id: event.endpointId, message: TEST_MESSAGE };
    case "license.created":
      // Who made it, and for a billing purchase the buyer's one-time portal link (for the seller's mailer).
      return { ...licenseBody(event.license), source: event.source ?? "api", ...(event.portalUrl ? { portal_url: event.portalUrl } : {}) };
    default:
      return licenseBody(event.license);
  }
}

const ThresholdCrossed = z
  .object({
    rule: z.enum(ALERT_KINDS),
    threshold: z.number(),
    value: z.number().openapi({ description: "The failure rate (0..1) or failed authentications per minute measured over the window" }),
    events: z.number().int(),
    window: z.object({ from: Timestamp, to: Timestamp }),
  })
  .openapi("ThresholdCrossedEventData");

const alertBody = (alert: Extract<DomainEvent, { type: "metrics.threshold_crossed" }>["alert"]) => ({
  rule: alert.kind,
  threshold: alert.threshold,
  value: alert.value,
  events: alert.events,
  window: { from: alert.from.toISOString(), to: alert.to.toISOString() },
});

const CheckedOut = z
  .object({
    id: z.string().openapi({ description: "The file's `jti`" }),
    license_id: z.string(),
    application_id: z.string().nullable(),
    activation_id: z.string().nullable().openapi({ description: "Set for a machine file" }),
    issued_at: Timestamp,
    expires_at: Timestamp.nullable().openapi({ description: "null: a perpetual file" }),
    encrypted: z.boolean(),
  })
  .openapi("LicenseCheckedOutEventData");

const checkoutBody = (c: LicenseCheckout, applicationId: string | null) => ({
  id: c.id,
  license_id: c.licenseId,
  application_id: applicationId,
  activation_id: c.activationId,
  issued_at: c.issuedAt.toISOString(),
  expires_at: c.expiresAt?.toISOString() ?? null,
  encrypted: c.encrypted,
});

const TEST_MESSAGE = "A test event, sent because someone asked for one: nothing changed.";

const WebhookTest = z
  .object({
    endpoint_id: z.string().openapi({ description: "The endpoint the test was sent to" }),
    message: z.string(),
  })
  .openapi("WebhookTestEventData");

const RevokedToken = z.object({ jti: z.string(), license_id: z.string().nullable(), expires_at: Timestamp }).openapi("RevokedTokenEventData");

/** The schema of each event's `data`. */
export const EVENT_DATA: Record<EventType, z.ZodType> = {
  "license.created": License.extend({
    source: z.enum(["api", "billing"]).openapi({ description: "`billing`: a billing connector made it from a purchase" }),
    portal_url: z.string().optional().openapi({
      description:
        "Billing purchases with a customer: a one-time customer-portal link (valid 72 hours) for the seller's mailer, where the buyer takes their license key. Treat it as a secret.",
    }),
  }).openapi("LicenseCreatedEventData"),
  "license.updated": License,
  "license.suspended": License,
  "license.reinstated": License,
  "license.revoked": License,
  "license.renewed": License,
  "license.expired": License,
  "license.key_reissued": License,
  "license.checked_out": CheckedOut,
  "activation.created": Activation,
  "activation.deleted": Activation.extend({ reason: z.enum(DEACTIVATION_REASONS) }).openapi("ReleasedActivationEventData"),
  "lease.created": Lease,
  "lease.released": Lease,
  "lease.expired": Lease,
  "lease.borrowed": Lease,
  "token.revoked": RevokedToken,
  "api_key.created": ApiKey.extend({ rotated_from: z.string().optional().openapi({ description: "Set when the key replaces a rotated one" }) }).openapi(
    "CreatedApiKeyEventData",
  ),
  "api_key.revoked": ApiKey,
  "metrics.threshold_crossed": ThresholdCrossed,
  "customer.created": Customer,
  "customer.updated": Customer,
  "customer.deleted": Customer,
  "customer.erased": Customer,
  "user.created": User,
  "user.updated": User,
  "user.deleted": User,
  "group.created": Group,
  "group.updated": Group,
  "group.deleted": Group,
  "webhook.test": WebhookTest,
};
