// A customer's data export (GDPR articles 15 and 20): one JSON document with everything the
// service holds about the customer and its users, and what erasure answers.

import { z } from "@hono/zod-openapi";
import type { privacyService } from "../services/privacy";
import { Activation, activationBody } from "./activations";
import { ActivityEvent, activityEventBody } from "./activity";
import { AuditEntry, auditEntryBody } from "./audit";
import { iso, Timestamp } from "./common";
import { Customer, customerBody, Group, groupBody, User, userBody } from "./customers";
import { Lease, leaseBody } from "./leases";
import { License, licenseBody } from "./licenses";

type Exported = Awaited<ReturnType<ReturnType<typeof privacyService>["export"]>>;

const ExportedDevice = Activation.extend({
  network: z.string().nullable().openapi({ description: "The network it activated from (/24 or /48), never the address" }),
  deactivation_reason: z.string().nullable(),
});

const ExportedEvent = z.object({
  id: z.string(),
  type: z.string(),
  created_at: Timestamp,
  payload: z.unknown().openapi({ description: "The webhook body as it is stored (and delivered)" }),
});

export const CustomerExport = z
  .object({
    exported_at: Timestamp,
    customer: Customer,
    users: z.array(User),
    groups: z.array(Group),
    licenses: z.array(License),
    devices: z.array(ExportedDevice).openapi({ description: "Every activation of its licenses, released ones too" }),
    seats: z.array(Lease).openapi({ description: "Every floating seat taken on its licenses" }),
    events: z.array(ExportedEvent).openapi({ description: "Webhook events that name the customer, its users, groups, licenses, devices or seats" }),
    audit: z.array(AuditEntry).openapi({ description: "Audit rows about any of them (ids and field names only: the chain holds no personal data)" }),
    activity: z.array(ActivityEvent).openapi({
      description: "License activity naming the customer or its licenses (newest first, at most 5,000): networks, user agents, fingerprint prefixes",
    }),
  })
  .openapi("CustomerExport");

export const exportBody = (e: Exported, now = new Date()) => ({
  exported_at: now.toISOString(),
  customer: customerBody(e.customer),
  users: e.users.map(userBody),
  groups: e.groups.map((g) => groupBody(g, e.members.get(g.id) ?? [])),
  licenses: e.licenses.map((l) => licenseBody(l, now)),
  devices: e.activations.map((a) => ({ ...activationBody(a), network: a.ip, deactivation_reason: a.deactivationReason })),
  seats: e.leases.map(leaseBody),
  events: e.events.map((ev) => ({ id: ev.id, type: ev.type, created_at: iso(ev.createdAt)!, payload: JSON.parse(ev.payload) as unknown })),
  audit: e.audit.map(auditEntryBody),
  activity: e.activity.map(activityEventBody),
});

export const ErasureResult = z
  .object({
    customer: Customer,
    licenses: z.enum(["keep", "revoke"]),
    licenses_revoked: z.number().int(),
    users_deleted: z.number().int(),
    groups_deleted: z.number().int(),
    devices_released: z.number().int(),
    seats_released: z.number().int(),
    events_scrubbed: z
      .number()
      .int()
      .openapi({ description: "Stored webhook events whose payload named the customer's data, now reduced to their type and time" }),
  })
  .openapi("ErasureResult");
