// License activity events as the API answers them: what happened, its code's explanation and next
// step (contract/explanations.ts), and the device with its current name.
import { z } from "@hono/zod-openapi";
import { explain } from "../contract/explanations";
import type { ActivityPage } from "../services/activity/service";
import { pageOf, Timestamp } from "./common";

const orNull = (value: string) => (value === "" ? null : value);

export const ActivityEvent = z
  .object({
    id: z.string().openapi({ example: "evt_0mi3x0k2a7Hk2pQv8sXyZ3Lm" }),
    at: Timestamp,
    operation: z
      .string()
      .openapi({ description: "The operation's operationId (validateLicense, verifyLicense, activateDevice, sendHeartbeat, acquireLease, ...)" }),
    code: z.string().openapi({ description: "The validation code, the error code, or OK", example: "FINGERPRINT_MISMATCH" }),
    explanation: z.string().openapi({ description: "What the code means, for the seller" }),
    next_step: z.string().openapi({ description: "What the seller or their customer can do about it" }),
    license_id: z.string(),
    customer_id: z.string().nullable(),
    device: z.object({
      activation_id: z.string().nullable().openapi({ description: "The activation the request matched or concerned" }),
      name: z.string().nullable().openapi({ description: "That device's name now (null when it has none, or was erased)" }),
      fingerprint_prefix: z.string().nullable().openapi({ description: "The first 12 hex characters of SHA-256 of the fingerprint the client sent" }),
    }),
    domain: z.string().nullable(),
    country: z.string().nullable(),
    colo: z.string().nullable(),
    network: z.string().nullable().openapi({ description: "The client's /24 or /48 network (never the full address); null with ACTIVITY_IP=none" }),
    user_agent: z.string().nullable(),
    sdk: z.string().nullable().openapi({ description: "The SDK and version the client named (X-Edge-License-SDK)" }),
    request_id: z.string(),
  })
  .openapi("ActivityEvent");

export const ActivityEventPage = pageOf(ActivityEvent).openapi("ActivityEventPage");

export const activityEventBody = (e: ActivityPage["data"][number]): z.infer<typeof ActivityEvent> => ({
  id: e.id,
  at: e.at.toISOString(),
  operation: e.operation,
  code: e.code,
  ...explain(e.code),
  license_id: e.licenseId,
  customer_id: orNull(e.customerId),
  device: { activation_id: orNull(e.activationId), name: e.deviceName, fingerprint_prefix: orNull(e.fingerprintPrefix) },
  domain: orNull(e.domain),
  country: orNull(e.country),
  colo: orNull(e.colo),
  network: orNull(e.network),
  user_agent: orNull(e.userAgent),
  sdk: orNull(e.sdk),
  request_id: e.requestId,
});

export const activityPageBody = (page: ActivityPage): z.infer<typeof ActivityEventPage> => ({
  has_more: page.has_more,
  next_cursor: page.next_cursor,
  data: page.data.map(activityEventBody),
});
