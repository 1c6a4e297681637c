// Policies on the wire.
import { z } from "@hono/zod-openapi";
import { BINDING_MODES, LEASE_MODES, PROOF_OF_POSSESSION_MODES } from "../contract/licenses";
import { TOKEN_TIERS } from "../contract/tokens";
import type { PolicyRow } from "../db/repositories/policies";
import { Timestamp } from "./common";

export const Policy = z
  .object({
    id: z.string(),
    application_id: z.string().nullable(),
    name: z.string(),
    max_activations: z.number().int().nullable(),
    binding_mode: z.enum(BINDING_MODES),
    heartbeat_interval_s: z.number().int().nullable(),
    heartbeat_grace_s: z.number().int(),
    token_tier: z.enum(TOKEN_TIERS),
    max_deactivations: z.number().int().nullable(),
    deactivation_window_s: z.number().int().nullable(),
    bind_on_verify: z.boolean(),
    degraded_grace_s: z.number().int(),
    offline_ttl_default_s: z.number().int(),
    offline_ttl_max_s: z.number().int(),
    allow_perpetual_offline: z.boolean(),
    offline_outlives_license: z.boolean(),
    lease_mode: z.enum(LEASE_MODES),
    proof_of_possession: z.enum(PROOF_OF_POSSESSION_MODES),
    max_leases: z.number().int().nullable(),
    max_users: z.number().int().nullable(),
    lease_ttl_s: z.number().int(),
    max_borrow_s: z.number().int(),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .openapi("Policy");

export const policyBody = (row: PolicyRow) => ({
  id: row.id,
  application_id: row.applicationId,
  name: row.name,
  max_activations: row.maxActivations,
  binding_mode: row.bindingMode,
  heartbeat_interval_s: row.heartbeatIntervalS,
  heartbeat_grace_s: row.heartbeatGraceS,
  token_tier: row.tokenTier,
  max_deactivations: row.maxDeactivations,
  deactivation_window_s: row.deactivationWindowS,
  bind_on_verify: row.bindOnVerify,
  degraded_grace_s: row.degradedGraceS,
  offline_ttl_default_s: row.offlineTtlDefaultS,
  offline_ttl_max_s: row.offlineTtlMaxS,
  allow_perpetual_offline: row.allowPerpetualOffline,
  offline_outlives_license: row.offlineOutlivesLicense,
  lease_mode: row.leaseMode,
  proof_of_possession: row.proofOfPossession,
  max_leases: row.maxLeases,
  max_users: row.maxUsers,
  lease_ttl_s: row.leaseTtlS,
  max_borrow_s: row.maxBorrowS,
  created_at: row.createdAt.toISOString(),
  updated_at: row.updatedAt.toISOString(),
});
