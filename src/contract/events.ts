// Webhook events: their types, and the read permission that covers each one's data (a subscriber
// receives the resource itself, so subscribing needs what reading it would).
import type { Permission } from "./permissions";

export const EVENT_TYPES = [
  "license.created",
  "license.updated",
  "license.suspended",
  "license.reinstated",
  "license.revoked",
  "license.renewed",
  "license.expired",
  "license.checked_out",
  "license.key_reissued",
  "activation.created",
  "activation.deleted",
  "lease.created",
  "lease.released",
  "lease.expired",
  "lease.borrowed",
  "token.revoked",
  "api_key.created",
  "api_key.revoked",
  "metrics.threshold_crossed",
  "customer.created",
  "customer.updated",
  "customer.deleted",
  "customer.erased",
  "user.created",
  "user.updated",
  "user.deleted",
  "group.created",
  "group.updated",
  "group.deleted",
  "webhook.test",
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

export const EVENT_READ_PERMISSION: Record<EventType, Permission> = {
  "license.created": "licenses:read",
  "license.updated": "licenses:read",
  "license.suspended": "licenses:read",
  "license.reinstated": "licenses:read",
  "license.revoked": "licenses:read",
  "license.renewed": "licenses:read",
  "license.key_reissued": "licenses:read",
  "license.expired": "licenses:read",
  "license.checked_out": "licenses:read",
  "activation.created": "activations:read",
  "activation.deleted": "activations:read",
  "lease.created": "licenses:read",
  "lease.released": "licenses:read",
  "lease.expired": "licenses:read",
  "lease.borrowed": "licenses:read",
  "token.revoked": "licenses:read",
  "api_key.created": "api_keys:read",
  "api_key.revoked": "api_keys:read",
  "metrics.threshold_crossed": "metrics:read",
  "customer.created": "customers:read",
  "customer.updated": "customers:read",
  "customer.deleted": "customers:read",
  "customer.erased": "customers:read",
  "user.created": "users:read",
  "user.updated": "users:read",
  "user.deleted": "users:read",
  "group.created": "groups:read",
  "group.updated": "groups:read",
  "group.deleted": "groups:read",
  // Sent to one endpoint when someone managing it asks (POST /v1/webhooks/{id}/test); its data is
  // that endpoint's id, which whoever may create or change an endpoint already holds the right to.
  "webhook.test": "webhooks:write",
};

export const DELIVERY_STATUSES = ["pending", "succeeded", "failed"] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];
