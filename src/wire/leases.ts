// Floating seats (leases) on the wire.
import { z } from "@hono/zod-openapi";
import type { LeaseRow } from "../db/repositories/leases";
import { Timestamp } from "./common";

export const Lease = z
  .object({
    id: z.string(),
    license_id: z.string(),
    instance_id: z.string(),
    user: z.string().nullable().openapi({ description: "The user the seat counts for (`per_user` policies)" }),
    expires_at: Timestamp.openapi({ description: "The seat frees itself then unless heartbeated" }),
    last_heartbeat_at: Timestamp,
    borrowed_until: Timestamp.nullable().openapi({ description: "Set once borrowed: held by its license file until then" }),
    released_at: Timestamp.nullable(),
    created_at: Timestamp,
  })
  .openapi("Lease");

export const leaseBody = (row: LeaseRow) => ({
  id: row.id,
  license_id: row.licenseId,
  instance_id: row.instanceId,
  user: row.userId,
  expires_at: row.expiresAt.toISOString(),
  last_heartbeat_at: row.lastHeartbeatAt.toISOString(),
  borrowed_until: row.borrowedUntil?.toISOString() ?? null,
  released_at: row.releasedAt?.toISOString() ?? null,
  created_at: row.createdAt.toISOString(),
});

export const LeaseGrant = z
  .object({
    lease: Lease,
    license_token: z.string().openapi({ description: "A license token whose `exp` is the lease's, with a `lease` claim `{ id, exp }`" }),
    license_token_expires_at: Timestamp,
  })
  .openapi("LeaseGrant");

export const leaseGrantBody = (grant: { lease: LeaseRow; token: string; tokenExpiresAt: Date }) => ({
  lease: leaseBody(grant.lease),
  license_token: grant.token,
  license_token_expires_at: grant.tokenExpiresAt.toISOString(),
});
