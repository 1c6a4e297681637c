// Activations on the wire: the public activation routes and the admin API alike.
import { z } from "@hono/zod-openapi";
import type { ActivationRow } from "../db/repositories/activations";
import { Timestamp } from "./common";

export const Activation = z
  .object({
    id: z.string().openapi({ example: "act_..." }),
    license_id: z.string(),
    fingerprint: z.string(),
    name: z.string().nullable(),
    domain: z.string().nullable(),
    metadata: z.record(z.string(), z.unknown()),
    dpop_jkt: z.string().nullable().openapi({
      description: "Key-bound devices (DPoP): the RFC 7638 thumbprint of the device key it activated with; null when not key-bound",
    }),
    last_heartbeat_at: Timestamp,
    next_heartbeat_after: Timestamp.nullable().openapi({ description: "When the next heartbeat is due (null without a heartbeat policy)" }),
    deactivated_at: Timestamp.nullable(),
    created_at: Timestamp,
  })
  .openapi("Activation");

export const ActivationResponse = z.object({ activation: Activation, created: z.boolean() }).openapi("ActivationResponse");

/** `heartbeatIntervalS`: the policy's, for `next_heartbeat_after` (null or absent: no heartbeat policy). */
export function activationBody(row: ActivationRow, heartbeatIntervalS: number | null = null) {
  return {
    id: row.id,
    license_id: row.licenseId,
    fingerprint: row.fingerprint,
    name: row.name,
    domain: row.domain,
    metadata: row.metadata,
    dpop_jkt: row.dpopJkt ?? null,
    last_heartbeat_at: row.lastHeartbeatAt.toISOString(),
    next_heartbeat_after: heartbeatIntervalS != null ? new Date(row.lastHeartbeatAt.getTime() + heartbeatIntervalS * 1000).toISOString() : null,
    deactivated_at: row.deactivatedAt?.toISOString() ?? null,
    created_at: row.createdAt.toISOString(),
  };
}

export const ReleasedActivations = z.object({ data: z.array(Activation) }).openapi("ReleasedActivations");

/** Activations an admin released, as the release answers them. */
export const releasedBody = (rows: ActivationRow[]) => ({ data: rows.map((row) => activationBody(row)) });
