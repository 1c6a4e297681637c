// Writable policy fields, shared by create and update (PATCH) so both validate alike.
import { z } from "@hono/zod-openapi";
import { BINDING_MODES, LEASE_MODES, PROOF_OF_POSSESSION_MODES } from "../../contract/licenses";
import { TOKEN_TIERS } from "../../contract/tokens";

const Seconds = z
  .number()
  .int()
  .min(1)
  .max(366 * 86400);

export const PolicyFields = {
  name: z.string().trim().min(1).max(200),
  max_activations: z.number().int().min(0).max(100_000).nullable().openapi({ description: "null = unlimited" }),
  binding_mode: z.enum(BINDING_MODES),
  heartbeat_interval_s: Seconds.nullable().openapi({ description: "null = no heartbeat required" }),
  heartbeat_grace_s: z
    .number()
    .int()
    .min(0)
    .max(30 * 86400),
  token_tier: z.enum(TOKEN_TIERS).openapi({ description: "basic 15 min, advanced 1 h, custom 24 h" }),
  max_deactivations: z.number().int().min(0).max(100_000).nullable(),
  deactivation_window_s: Seconds.nullable(),
  degraded_grace_s: z
    .number()
    .int()
    .min(0)
    .max(7 * 86400)
    .openapi({
      description:
        "While Postgres is unreachable, how long after its last live check a VALID answer may still be served from the edge (marked `degraded`); 0 = never. Default 3600.",
    }),
  offline_ttl_default_s: z
    .number()
    .int()
    .min(60)
    .max(10 * 365 * 86400)
    .openapi({ description: "License files: the lifetime a checkout gets when it asks for none. Default 2592000 (30 days)." }),
  offline_ttl_max_s: z
    .number()
    .int()
    .min(60)
    .max(10 * 365 * 86400)
    .openapi({ description: "License files: the longest lifetime a checkout may ask for. Default 31536000 (365 days)." }),
  allow_perpetual_offline: z.boolean().openapi({ description: "License files may have no `exp` (checked out with `ttl_s: null`). Default false." }),
  offline_outlives_license: z
    .boolean()
    .openapi({ description: "License files may outlive the license's own expiry (else their `exp` stops there). Default false." }),
  lease_mode: z
    .enum(LEASE_MODES)
    .openapi({ description: "Floating seats: `none` (default), `per_license` (a seat per lease), `per_user` (a seat per user, however many instances)" }),
  max_leases: z.number().int().min(0).max(100_000).nullable().openapi({ description: "Concurrent floating seats; null = unlimited" }),
  proof_of_possession: z.enum(PROOF_OF_POSSESSION_MODES).openapi({
    description:
      "Device keys (DPoP, RFC 9449): `none` (default) ignores proofs; `optional` binds a device that activates with a `DPoP` proof, which then needs a proof from that key on every device route; `required` needs one on every device route, activate included. Artifacts issued under a proof carry `cnf.jkt`.",
  }),
  max_users: z
    .number()
    .int()
    .min(1)
    .max(1_000_000)
    .nullable()
    .openapi({ description: "Named seats: how many of the customer's users may hold a license (directly or through groups); null = no limit" }),
  lease_ttl_s: z.number().int().min(60).max(86_400).openapi({ description: "A lease frees its seat this long after its last heartbeat. Default 600." }),
  max_borrow_s: z
    .number()
    .int()
    .min(0)
    .max(366 * 86400)
    .openapi({ description: "The longest a lease may be borrowed (turned into a license file); 0 = no borrowing. Default 604800 (7 days)." }),
  bind_on_verify: z.boolean().openapi({
    description:
      'LicenseChain\'s "binds device on first verify": a verify with a `hwuid`/`fingerprint` that holds no seat activates it (same seat limit, lock and events as activate)',
  }),
};

/** The policy columns a create or update body sets (undefined = leave unchanged). */
export const policyColumns = (input: {
  name?: string;
  max_activations?: number | null;
  binding_mode?: (typeof BINDING_MODES)[number];
  heartbeat_interval_s?: number | null;
  heartbeat_grace_s?: number;
  token_tier?: (typeof TOKEN_TIERS)[number];
  max_deactivations?: number | null;
  deactivation_window_s?: number | null;
  bind_on_verify?: boolean;
  degraded_grace_s?: number;
  offline_ttl_default_s?: number;
  offline_ttl_max_s?: number;
  allow_perpetual_offline?: boolean;
  offline_outlives_license?: boolean;
  lease_mode?: (typeof LEASE_MODES)[number];
  proof_of_possession?: (typeof PROOF_OF_POSSESSION_MODES)[number];
  max_leases?: number | null;
  max_users?: number | null;
  lease_ttl_s?: number;
  max_borrow_s?: number;
}) => ({
  name: input.name,
  maxActivations: input.max_activations,
  bindingMode: input.binding_mode,
  heartbeatIntervalS: input.heartbeat_interval_s,
  heartbeatGraceS: input.heartbeat_grace_s,
  tokenTier: input.token_tier,
  maxDeactivations: input.max_deactivations,
  deactivationWindowS: input.deactivation_window_s,
  bindOnVerify: input.bind_on_verify,
  degradedGraceS: input.degraded_grace_s,
  offlineTtlDefaultS: input.offline_ttl_default_s,
  offlineTtlMaxS: input.offline_ttl_max_s,
  allowPerpetualOffline: input.allow_perpetual_offline,
  offlineOutlivesLicense: input.offline_outlives_license,
  leaseMode: input.lease_mode,
  proofOfPossession: input.proof_of_possession,
  maxLeases: input.max_leases,
  maxUsers: input.max_users,
  leaseTtlS: input.lease_ttl_s,
  maxBorrowS: input.max_borrow_s,
});
