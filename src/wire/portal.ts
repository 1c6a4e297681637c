// The customer portal on the wire: sessions as the seller sees them, the exchange's answer, and
// what a customer sees of its own licenses (no seller metadata, no raw fingerprints).
import { z } from "@hono/zod-openapi";
import { explain } from "../contract/explanations";
import { effectiveStatus, PUBLIC_LICENSE_STATUSES } from "../contract/licenses";
import { PORTAL_IDLE_S, type PortalBranding } from "../contract/portal";
import type { ActivationRow } from "../db/repositories/activations";
import type { LeaseRow } from "../db/repositories/leases";
import type { LicenseRow } from "../db/repositories/licenses";
import type { PolicyRow } from "../db/repositories/policies";
import type { PortalSessionRow } from "../db/repositories/portal";
import type { ActivityPage } from "../services/activity/service";
import { iso, Timestamp } from "./common";
import { PortalUser } from "./portal-users";

export const PortalSession = z
  .object({
    id: z.string().openapi({ example: "ps_..." }),
    customer_id: z.string(),
    user_id: z.string().nullable().openapi({ description: "The customer's user it is for; null: the customer's account holder" }),
    return_url: z.string().nullable(),
    locale: z.string().nullable(),
    created_at: Timestamp,
    code_expires_at: Timestamp.openapi({ description: "The link works once, until then" }),
    exchanged_at: Timestamp.nullable().openapi({ description: "When the link was opened (it works no more)" }),
    last_used_at: Timestamp.nullable(),
    expires_at: Timestamp.openapi({ description: `The session ends then at the latest, and after ${PORTAL_IDLE_S / 60} minutes without use` }),
    revoked_at: Timestamp.nullable(),
  })
  .openapi("PortalSession");

export const portalSessionBody = (row: PortalSessionRow) => ({
  id: row.id,
  customer_id: row.customerId,
  user_id: row.userId,
  return_url: row.returnUrl,
  locale: row.locale,
  created_at: row.createdAt.toISOString(),
  code_expires_at: row.codeExpiresAt.toISOString(),
  exchanged_at: iso(row.exchangedAt),
  last_used_at: iso(row.lastUsedAt),
  expires_at: row.expiresAt.toISOString(),
  revoked_at: iso(row.revokedAt),
});

export const Branding = z
  .object({
    display_name: z.string().nullable(),
    accent_color: z.string().nullable(),
    support_email: z.string().nullable(),
    support_url: z.string().nullable(),
  })
  .openapi("PortalBranding");

export const brandingBody = (b: PortalBranding) => ({
  display_name: b.display_name,
  accent_color: b.accent_color,
  support_email: b.support_email,
  support_url: b.support_url,
});

export const PortalExchange = z
  .object({
    token: z.string().openapi({ description: "The portal credential (`pt_...`): `Authorization: Bearer` on /v1/portal/*. Keep it in the tab only." }),
    token_type: z.literal("Bearer"),
    idle_timeout_s: z.number().int(),
    expires_at: Timestamp,
    return_url: z.string().nullable(),
    locale: z.string().nullable(),
    branding: Branding,
  })
  .openapi("PortalExchangeResponse");

const PortalLicenseSummary = z
  .object({
    id: z.string(),
    key_prefix: z.string(),
    status: z.enum(PUBLIC_LICENSE_STATUSES),
    plan: z.string().nullable(),
    features: z.array(z.string()),
    expires_at: Timestamp.nullable(),
    devices: z.object({ used: z.number().int(), max: z.number().int().nullable().openapi({ description: "null: unlimited" }) }),
    floating: z.object({ mode: z.string(), max: z.number().int().nullable() }).nullable().openapi({ description: "Floating seats, when the license has them" }),
    churn: z
      .object({ max_deactivations: z.number().int(), window_s: z.number().int() })
      .nullable()
      .openapi({ description: "How many devices may be freed per window (null: no limit)" }),
  })
  .openapi("PortalLicenseSummary");

export const portalLicenseBody = (license: LicenseRow, policy: PolicyRow | undefined, now = new Date()) => ({
  id: license.id,
  key_prefix: license.keyPrefix,
  status: effectiveStatus(license, now),
  plan: license.plan,
  features: license.features,
  expires_at: iso(license.expiresAt),
  devices: { used: license.activationCount, max: policy?.maxActivations ?? null },
  floating: policy && policy.leaseMode !== "none" ? { mode: policy.leaseMode, max: policy.maxLeases ?? null } : null,
  churn:
    policy?.maxDeactivations != null && policy.deactivationWindowS
      ? { max_deactivations: policy.maxDeactivations, window_s: policy.deactivationWindowS }
      : null,
});

export const PortalOverview = z
  .object({
    customer: z.object({ id: z.string(), name: z.string().nullable(), email: z.string().nullable(), company: z.string().nullable() }),
    viewer: z
      .object({
        user: PortalUser.nullable().openapi({ description: "The customer's user the session is for; null: the account holder" }),
        can_manage_users: z.boolean().openapi({ description: "The account holder, or a user whose role is admin: may manage users and seats" }),
      })
      .openapi({ description: "Who is signed in" }),
    branding: Branding,
    licenses: z.array(PortalLicenseSummary),
  })
  .openapi("PortalOverview");

export const PortalDevice = z
  .object({
    id: z.string(),
    name: z.string().nullable(),
    domain: z.string().nullable(),
    key_bound: z.boolean().openapi({ description: "The device proved a device key when it activated: its license works only with that key" }),
    activated_at: Timestamp,
    last_seen_at: Timestamp.openapi({ description: "Its last heartbeat, or its activation" }),
  })
  .openapi("PortalDevice");

export const portalDeviceBody = (row: ActivationRow) => ({
  id: row.id,
  name: row.name,
  domain: row.domain,
  key_bound: row.dpopJkt !== null && row.dpopJkt !== undefined,
  activated_at: row.createdAt.toISOString(),
  last_seen_at: row.lastHeartbeatAt.toISOString(),
});

export const PortalSeat = z
  .object({ id: z.string(), user: z.string().nullable(), instance_id: z.string(), expires_at: Timestamp, borrowed_until: Timestamp.nullable() })
  .openapi("PortalSeat");

export const portalSeatBody = (row: LeaseRow) => ({
  id: row.id,
  user: row.userId,
  instance_id: row.instanceId,
  expires_at: row.expiresAt.toISOString(),
  borrowed_until: iso(row.borrowedUntil),
});

const PortalActivity = z.object({
  at: Timestamp,
  operation: z.string(),
  code: z.string(),
  explanation: z.string(),
  device: z.string().nullable().openapi({ description: "The device's name, or its id" }),
});

export const PortalLicense = PortalLicenseSummary.extend({
  devices_list: z.array(PortalDevice),
  seats: z.array(PortalSeat),
  activity: z.array(PortalActivity),
}).openapi("PortalLicense");

export const portalLicenseDetailBody = (d: {
  license: LicenseRow;
  policy: PolicyRow | undefined;
  devices: ActivationRow[];
  seats: LeaseRow[];
  activity: ActivityPage;
}) => ({
  ...portalLicenseBody(d.license, d.policy),
  devices_list: d.devices.map(portalDeviceBody),
  seats: d.seats.map(portalSeatBody),
  activity: d.activity.data.map((e) => ({
    at: e.at.toISOString(),
    operation: e.operation,
    code: e.code,
    explanation: explain(e.code).explanation,
    device: e.deviceName ?? (e.activationId || null),
  })),
});
