// Activation shapes shared by the public activation routes and the admin API.
import { z } from "@hono/zod-openapi";
import { publicLicenseBody } from "./public-body";
import { Timestamp } from "./schemas";

export const Activation = z
  .object({
    id: z.string().openapi({ example: "act_..." }),
    license_id: z.string(),
    fingerprint: z.string(),
    name: z.string().nullable(),
    domain: z.string().nullable(),
    metadata: z.record(z.string(), z.unknown()),
    last_heartbeat_at: Timestamp,
    next_heartbeat_after: Timestamp.nullable().openapi({ description: "When the next heartbeat is due (null without a heartbeat policy)" }),
    deactivated_at: Timestamp.nullable(),
    created_at: Timestamp,
  })
  .openapi("Activation");

export const ActivationResponse = z.object({ activation: Activation, created: z.boolean() }).openapi("ActivationResponse");

/** Deactivate and heartbeat: the license key and the device, nothing else. */
export const deviceBody = (name: string) => publicLicenseBody(name, {}, { fingerprint: true });
