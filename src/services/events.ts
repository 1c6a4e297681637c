// Webhook events: written to the outbox (with one delivery per subscribed endpoint) inside the
// transaction of the change they report, so an event exists exactly when its change committed.
// Services name what happened with domain rows; the payload's shape is the wire layer's, handed in
// as an EventSerializer.
import type { EventType } from "../contract/events";
import type { DeactivationReason } from "../contract/licenses";
import type { AlertKind } from "../contract/metrics";
import { newId } from "../crypto/random";
import type { Tx } from "../db/client";
import type { ActivationRow } from "../db/repositories/activations";
import type { ApiKeyRow } from "../db/repositories/credentials";
import type { CustomerRow } from "../db/repositories/customers";
import type { LeaseRow } from "../db/repositories/leases";
import type { LicenseRow } from "../db/repositories/licenses";
import type { GroupRow, UserRow } from "../db/repositories/users";
import { insertEvent } from "../db/repositories/webhooks";

type LicenseEventType = Exclude<Extract<EventType, `license.${string}`>, "license.checked_out">;

/** Turns a domain event into its webhook payload's `data` (src/wire/events.ts); handed to services, so they never import wire shapes. */
export type EventSerializer = (event: DomainEvent) => Record<string, unknown>;

/** A license file handed out (its contents are never in the event: only who, when and until when). */
export interface LicenseCheckout {
  id: string;
  licenseId: string;
  issuedAt: Date;
  expiresAt: Date | null;
  activationId: string | null;
  encrypted: boolean;
}

export type DomainEvent =
  | { type: LicenseEventType; license: LicenseRow; source?: "billing"; portalUrl?: string }
  | { type: "license.checked_out"; checkout: LicenseCheckout; applicationId: string | null }
  | { type: Extract<EventType, `lease.${string}`>; lease: LeaseRow }
  | { type: "activation.created"; activation: ActivationRow; heartbeatIntervalS: number | null }
  | { type: "activation.deleted"; activation: ActivationRow; reason: DeactivationReason }
  | { type: "token.revoked"; jti: string; licenseId: string | null; expiresAt: Date }
  | { type: "api_key.created"; apiKey: ApiKeyRow; rotatedFrom?: string }
  | { type: "api_key.revoked"; apiKey: ApiKeyRow }
  | { type: "metrics.threshold_crossed"; alert: ThresholdCrossed }
  | { type: Extract<EventType, `customer.${string}`>; customer: CustomerRow }
  | { type: Extract<EventType, `user.${string}`>; user: UserRow }
  | { type: Extract<EventType, `group.${string}`>; group: GroupRow; memberIds: string[] }
  | { type: "webhook.test"; endpointId: string };

/** What a fired alert reports: the rule, the measured value against its threshold, over which window. */
export interface ThresholdCrossed {
  kind: AlertKind;
  threshold: number;
  value: number;
  /** Validations (failure rate) or failed authentications (per minute) in the window. */
  events: number;
  from: Date;
  to: Date;
}

/** An event's id (the `webhook-id`) and the exact JSON body its deliveries send. */
export function outboxEntry(event: DomainEvent, serialize: EventSerializer, createdAt = new Date()): { id: string; payload: string; createdAt: Date } {
  return { id: newId("msg"), payload: JSON.stringify({ type: event.type, timestamp: createdAt.toISOString(), data: serialize(event) }), createdAt };
}

/** Writes the event and its pending deliveries; returns the event id (the `webhook-id`). */
export async function recordEvent(tx: Tx, tenantId: string, event: DomainEvent, serialize: EventSerializer): Promise<string> {
  const entry = outboxEntry(event, serialize);
  await insertEvent(tx, { ...entry, tenantId, type: event.type });
  return entry.id;
}
