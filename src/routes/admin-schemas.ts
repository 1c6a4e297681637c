// Admin API resource shapes and their serialisers (database row -> wire JSON).
import { z } from "@hono/zod-openapi";
import { BINDING_MODES, effectiveStatus } from "../contract/licenses";
import { TOKEN_TIERS } from "../contract/tokens";
import type { ApplicationRow, LicenseRow, PolicyRow } from "../db/queries/admin";
import { Timestamp } from "./schemas";

/** Ids are short and plain: anything else (over-long, NUL, `..`) is malformed (422), never queried. */
const pathId = (name: string, prefix: string) =>
  z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, "Not an id: at most 64 letters, digits, `_` and `-`.")
    .openapi({ param: { name, in: "path" }, example: `${prefix}_...` });

export const IdParam = (prefix: string) => z.object({ id: pathId("id", prefix) });

export const ActivationParams = z.object({ id: pathId("id", "lic"), activation_id: pathId("activation_id", "act") });

export const Application = z.object({ id: z.string(), name: z.string(), created_at: Timestamp, updated_at: Timestamp }).openapi("Application");

export const applicationBody = (row: ApplicationRow) => ({
  id: row.id,
  name: row.name,
  created_at: row.createdAt.toISOString(),
  updated_at: row.updatedAt.toISOString(),
});

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
  created_at: row.createdAt.toISOString(),
  updated_at: row.updatedAt.toISOString(),
});

export const License = z
  .object({
    id: z.string(),
    key_prefix: z.string().openapi({ description: "The first characters of the key, to recognise it" }),
    application_id: z.string().nullable(),
    policy_id: z.string(),
    status: z.enum(["active", "suspended", "revoked", "expired"]),
    expires_at: Timestamp.nullable(),
    plan: z.string().nullable(),
    features: z.array(z.string()),
    metadata: z.record(z.string(), z.unknown()),
    allowed_cidrs: z.array(z.string()),
    activation_count: z.number().int(),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .openapi("License");

export const licenseBody = (row: LicenseRow, now = new Date()) => ({
  id: row.id,
  key_prefix: row.keyPrefix,
  application_id: row.applicationId,
  policy_id: row.policyId,
  status: effectiveStatus(row, now),
  expires_at: row.expiresAt?.toISOString() ?? null,
  plan: row.plan,
  features: row.features,
  metadata: row.metadata,
  allowed_cidrs: row.allowedCidrs,
  activation_count: row.activationCount,
  created_at: row.createdAt.toISOString(),
  updated_at: row.updatedAt.toISOString(),
});
