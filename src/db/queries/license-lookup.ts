// The validation lookup: everything validate/verify/validate-hardware need, in one round trip.

import type { BindingMode, LicenseStatus } from "../../contract/licenses";
import type { PlanTier, TokenTier } from "../../contract/tokens";
import type { RowsFn } from "../client";
import { compact } from "./raw";

export interface DeviceQuery {
  fingerprint?: string;
  /** Canonical domain (services/binding.ts). */
  domain?: string;
}

interface LiveDevice {
  id: string | null;
  lastHeartbeatAt: Date | null;
}

export interface LicenseRecord {
  id: string;
  tenantId: string;
  applicationId: string | null;
  status: LicenseStatus;
  expiresAt: Date | null;
  plan: string | null;
  features: string[];
  allowedCidrs: string[];
  planTier: PlanTier;
  policy: { tokenTier: TokenTier; bindingMode: BindingMode; heartbeatIntervalS: number | null; heartbeatGraceS: number; bindOnVerify: boolean };
  /** The live activation matching the request's fingerprint, if any. */
  device: LiveDevice | null;
  /** The live activation matching the request's domain, if any. */
  domainDevice: LiveDevice | null;
  /** Tells NOT_ACTIVATED from FINGERPRINT/DOMAIN_MISMATCH. */
  liveActivations: number;
}

// $2 / $3 are null when the request names no fingerprint / domain: `= null` then matches nothing.
const LOOKUP = compact(`
  select l.id, l.tenant_id, l.application_id, l.status, l.expires_at, l.plan, l.features, l.allowed_cidrs,
         t.plan_tier, p.token_tier, p.binding_mode, p.heartbeat_interval_s, p.heartbeat_grace_s,
         fp.id, fp.last_heartbeat_at, dm.id, dm.last_heartbeat_at,
         (select count(*)::int from activations a where a.license_id = l.id and a.deactivated_at is null),
         p.bind_on_verify
    from licenses l
    join policies p on p.id = l.policy_id
    join tenants t on t.id = l.tenant_id
    left join lateral (select id, last_heartbeat_at from activations
                        where license_id = l.id and fingerprint = $2 and deactivated_at is null limit 1) fp on true
    left join lateral (select id, last_heartbeat_at from activations
                        where license_id = l.id and domain = $3 and deactivated_at is null limit 1) dm on true
   where l.key_hash = $1
   limit 1`);

/** License, policy, tenant tier, the named device's live activation and the live count. */
export async function findLicenseByKeyHash(rows: RowsFn, keyHash: string, device: DeviceQuery = {}): Promise<LicenseRecord | undefined> {
  const [row] = await rows(LOOKUP, [keyHash, device.fingerprint ?? null, device.domain ?? null]);
  if (!row) return undefined;
  const r = row as [
    string,
    string,
    string | null,
    LicenseStatus,
    Date | null,
    string | null,
    string[],
    string[],
    PlanTier,
    TokenTier,
    BindingMode,
    number | null,
    number,
    string | null,
    Date | null,
    string | null,
    Date | null,
    number,
    boolean,
  ];
  return {
    id: r[0],
    tenantId: r[1],
    applicationId: r[2],
    status: r[3],
    expiresAt: r[4],
    plan: r[5],
    features: r[6],
    allowedCidrs: r[7],
    planTier: r[8],
    policy: { tokenTier: r[9], bindingMode: r[10], heartbeatIntervalS: r[11], heartbeatGraceS: r[12], bindOnVerify: r[18] },
    device: r[13] ? { id: r[13], lastHeartbeatAt: r[14] } : null,
    domainDevice: r[15] ? { id: r[15], lastHeartbeatAt: r[16] } : null,
    liveActivations: r[17],
  };
}
