// License records: what the public routes judge a license by (its status, policy, tenant tier,
// the device or domain the request names, the live count and its customer), read in one statement:
// over Neon's HTTP path for validate, verify and validate-hardware, locked in a transaction for
// activations and bindings, and with one of its leases for lease heartbeats and borrows.
import type { BindingMode, LeaseMode, LicenseStatus, ProofOfPossession } from "../../contract/licenses";
import type { PlanTier, TokenTier } from "../../contract/tokens";
import { DPOP_JTI_TTL_S } from "../../crypto/dpop";
import type { RowsFn, Tx } from "../client";
import { bindPositional, compact, selectList } from "./columns";
import type { LeaseRow } from "./leases";
export interface DeviceQuery {
  fingerprint?: string;
  /** Canonical domain (services/binding.ts). */
  domain?: string;
  /**
   * A checked DPoP proof's replay key (crypto/dpop.ts dpopJtiKey): the statement records it and
   * says whether it was there already (`proofReplayed`), in the same round trip.
   */
  proofKey?: string;
}

interface LiveDevice {
  id: string | null;
  lastHeartbeatAt: Date | null;
  /** The device key the activation is bound to (DPoP thumbprint), if any. */
  jkt: string | null;
}

/** What a license is judged on (services/license-validation.ts): the license, its policy's rules, the named device. */
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
  policyId: string;
  policy: {
    tokenTier: TokenTier;
    bindingMode: BindingMode;
    heartbeatIntervalS: number | null;
    heartbeatGraceS: number;
    bindOnVerify: boolean;
    /** How long a VALID answer may be served from the edge during a database outage. */
    degradedGraceS: number;
    /** Floating licenses hand out tokens and files only with a lease. */
    leaseMode: LeaseMode;
    /** DPoP device keys: none, optional, required. */
    proofOfPossession: ProofOfPossession;
  };
  /** The live activation matching the request's fingerprint, if any. */
  device: LiveDevice | null;
  /** The live activation matching the request's domain, if any. */
  domainDevice: LiveDevice | null;
  /** Tells NOT_ACTIVATED from FINGERPRINT/DOMAIN_MISMATCH. */
  liveActivations: number;
  /** Its place in the tenant's status list, once it has one (tokens then name it). */
  statusList?: { listId: string; idx: number } | null;
  /** The customer it belongs to: `per_user` seats then go to that customer's users holding it. */
  customerId?: string | null;
  /** The request's DPoP proof had been used before (its `proofKey` was already recorded). */
  proofReplayed?: boolean;
}

/** The record as a seat change sees it, under the license row lock: the rest of the policy's limits too. */
export interface LockedLicenseRecord extends LicenseRecord {
  keyHash: string;
  limits: {
    maxActivations: number | null;
    maxDeactivations: number | null;
    deactivationWindowS: number | null;
    maxLeases: number | null;
    leaseTtlS: number;
    maxBorrowS: number;
  };
}

type LookupRow = {
  id: string;
  tenantId: string;
  applicationId: string | null;
  status: LicenseStatus;
  expiresAt: Date | null;
  plan: string | null;
  features: string[];
  allowedCidrs: string[];
  planTier: PlanTier;
  policyId: string;
  tokenTier: TokenTier;
  bindingMode: BindingMode;
  heartbeatIntervalS: number | null;
  heartbeatGraceS: number;
  bindOnVerify: boolean;
  degradedGraceS: number;
  leaseMode: LeaseMode;
  proofOfPossession: ProofOfPossession;
  deviceId: string | null;
  deviceHeartbeatAt: Date | null;
  deviceJkt: string | null;
  domainDeviceId: string | null;
  domainDeviceHeartbeatAt: Date | null;
  domainDeviceJkt: string | null;
  liveActivations: number;
  statusListId: string | null;
  statusListIdx: number | null;
  customerId: string | null;
  proofReplayed: boolean;
};

const LOOKUP_EXPRESSIONS: { [K in keyof LookupRow]-?: string } = {
  id: "l.id",
  tenantId: "l.tenant_id",
  applicationId: "l.application_id",
  status: "l.status",
  expiresAt: "l.expires_at",
  plan: "l.plan",
  features: "l.features",
  allowedCidrs: "l.allowed_cidrs",
  planTier: "t.plan_tier",
  policyId: "p.id",
  tokenTier: "p.token_tier",
  bindingMode: "p.binding_mode",
  heartbeatIntervalS: "p.heartbeat_interval_s",
  heartbeatGraceS: "p.heartbeat_grace_s",
  bindOnVerify: "p.bind_on_verify",
  degradedGraceS: "p.degraded_grace_s",
  leaseMode: "p.lease_mode",
  proofOfPossession: "p.proof_of_possession",
  deviceId: "fp.id",
  deviceHeartbeatAt: "fp.last_heartbeat_at",
  deviceJkt: "fp.dpop_jkt",
  domainDeviceId: "dm.id",
  domainDeviceHeartbeatAt: "dm.last_heartbeat_at",
  domainDeviceJkt: "dm.dpop_jkt",
  liveActivations: "(select count(*)::int from activations a where a.license_id = l.id and a.deactivated_at is null)",
  statusListId: "sl.id",
  statusListIdx: "l.status_list_idx",
  customerId: "l.customer_id",
  proofReplayed: "(pr.key is not null and not pr.fresh)",
};
const LOOKUP_COLUMNS = selectList<LookupRow>(LOOKUP_EXPRESSIONS);

type LockedRow = LookupRow & LockedLicenseRecord["limits"] & { keyHash: string };
const LOCKED_COLUMNS = selectList<LockedRow>({
  ...LOOKUP_EXPRESSIONS,
  keyHash: "l.key_hash",
  // A license may carry its own seat count (a billing quantity), else its policy's.
  maxActivations: "coalesce(l.max_activations, p.max_activations)",
  maxDeactivations: "p.max_deactivations",
  deactivationWindowS: "p.deactivation_window_s",
  maxLeases: "p.max_leases",
  leaseTtlS: "p.lease_ttl_s",
  maxBorrowS: "p.max_borrow_s",
});

/**
 * Records the request's DPoP proof key (`$n`) and tells whether it was new, inside the lookup
 * statement itself: replay detection at no extra round trip, global across isolates and colos. A
 * key is kept for the proof's whole acceptance window.
 */
const recordProof = (n: number) => `with pr_new as (
      insert into dpop_proofs (key, expires_at) values ($${n}::text, now() + interval '${DPOP_JTI_TTL_S} seconds')
       on conflict (key) do nothing returning 1),
    pr as (select $${n}::text as key, exists (select 1 from pr_new) as fresh)`;

/**
 * A lookup in its two forms: read-only for a request without a proof (most of them: `pr` then says
 * none), and recording the proof's key, its last parameter `$n`, for one with a proof.
 */
const lookupStatement = (n: number, body: string) => ({
  plain: compact(`with pr as (select null::text as key, false as fresh) ${body}`),
  proof: compact(`${recordProof(n)} ${body}`),
});

/** A lookup's statement and values: the proof's key goes last, only when there is one. */
const bound = (statement: { plain: string; proof: string }, values: unknown[], proofKey: string | undefined): [string, unknown[]] =>
  proofKey ? [statement.proof, [...values, proofKey]] : [statement.plain, values];

// $2 / $3 are null when the request names no fingerprint / domain: `= null` then matches nothing.
const lookupFrom = (where: string, join = "") => `
    from licenses l
    cross join pr
    join policies p on p.id = l.policy_id
    join tenants t on t.id = l.tenant_id
    left join status_lists sl on sl.tenant_id = l.tenant_id
    left join lateral (select id, last_heartbeat_at, dpop_jkt from activations
                        where license_id = l.id and fingerprint = $2 and deactivated_at is null limit 1) fp on true
    left join lateral (select id, last_heartbeat_at, dpop_jkt from activations
                        where license_id = l.id and domain = $3 and deactivated_at is null limit 1) dm on true
    ${join}
   where ${where}
   limit 1`;
const LOOKUP = lookupStatement(4, `select ${LOOKUP_COLUMNS.sql} ${lookupFrom("l.key_hash = $1")}`);
// The same record, with the license row locked for the transaction (only `l`: the rest is read).
const LOCKED_LOOKUP = lookupStatement(4, `select ${LOCKED_COLUMNS.aliasedSql} ${lookupFrom("l.key_hash = $1")} for update of l`);
// Read in a transaction without the lock (an activation takes it only on the seat count: services/activations.ts).
const TX_LOOKUP = lookupStatement(4, `select ${LOCKED_COLUMNS.aliasedSql} ${lookupFrom("l.key_hash = $1")}`);
// The same, over the HTTP path: an activation's first read, before any connection is opened.
const SEAT_LOOKUP = lookupStatement(4, `select ${LOCKED_COLUMNS.sql} ${lookupFrom("l.key_hash = $1")}`);
// The locked record and one of its leases ($4), in the one statement a lease heartbeat or borrow needs.
const LEASE_COLUMNS = selectList<LeaseRow>({
  id: "le.id",
  tenantId: "le.tenant_id",
  licenseId: "le.license_id",
  instanceId: "le.instance_id",
  userId: "le.user_id",
  expiresAt: "le.expires_at",
  lastHeartbeatAt: "le.last_heartbeat_at",
  borrowedUntil: "le.borrowed_until",
  releasedAt: "le.released_at",
  expiryNotifiedAt: "le.expiry_notified_at",
  createdAt: "le.created_at",
});
const LOCKED_LOOKUP_WITH_LEASE = lookupStatement(
  // Rows come back as objects keyed by column name: the lease's columns get names of their own.
  5,
  `select ${LOCKED_COLUMNS.aliasedSql}, ${LEASE_COLUMNS.sql.replace(/le\.(\w+)/g, "le.$1 as le_$1")}
   ${lookupFrom("l.key_hash = $1", "left join leases le on le.id = $4 and le.license_id = l.id")} for update of l`,
);
// The same over the HTTP path, unlocked: a lease heartbeat changes only its own lease, in one
// conditional statement after this read (leases.ts extendLiveLease), so it needs no transaction.
const LOOKUP_WITH_LEASE = lookupStatement(
  5,
  `select ${LOCKED_COLUMNS.sql}, ${LEASE_COLUMNS.sql} ${lookupFrom("l.key_hash = $1", "left join leases le on le.id = $4 and le.license_id = l.id")}`,
);
const LOCKED_LOOKUP_BY_ID = lookupStatement(5, `select ${LOCKED_COLUMNS.aliasedSql} ${lookupFrom("l.id = $1 and l.tenant_id = $4")} for update of l`);

const toDate = (value: Date | string | null): Date | null => (value === null || value instanceof Date ? value : new Date(value));

function toRecord(r: LookupRow): LicenseRecord {
  return {
    id: r.id,
    tenantId: r.tenantId,
    applicationId: r.applicationId,
    status: r.status,
    expiresAt: r.expiresAt,
    plan: r.plan,
    features: r.features,
    allowedCidrs: r.allowedCidrs,
    planTier: r.planTier,
    policyId: r.policyId,
    policy: {
      tokenTier: r.tokenTier,
      bindingMode: r.bindingMode,
      heartbeatIntervalS: r.heartbeatIntervalS,
      heartbeatGraceS: r.heartbeatGraceS,
      bindOnVerify: r.bindOnVerify,
      degradedGraceS: r.degradedGraceS,
      leaseMode: r.leaseMode,
      proofOfPossession: r.proofOfPossession,
    },
    device: r.deviceId ? { id: r.deviceId, lastHeartbeatAt: r.deviceHeartbeatAt, jkt: r.deviceJkt } : null,
    domainDevice: r.domainDeviceId ? { id: r.domainDeviceId, lastHeartbeatAt: r.domainDeviceHeartbeatAt, jkt: r.domainDeviceJkt } : null,
    liveActivations: r.liveActivations,
    statusList: r.statusListId !== null && r.statusListIdx !== null ? { listId: r.statusListId, idx: r.statusListIdx } : null,
    customerId: r.customerId,
    proofReplayed: r.proofReplayed,
  };
}

/** License, policy, tenant tier, the named device's live activation and the live count: one round trip. */
export async function findLicenseByKeyHash(rows: RowsFn, keyHash: string, device: DeviceQuery = {}): Promise<LicenseRecord | undefined> {
  const [row] = await rows(...bound(LOOKUP, [keyHash, device.fingerprint ?? null, device.domain ?? null], device.proofKey));
  return row ? toRecord(LOOKUP_COLUMNS.read(row)) : undefined;
}

/** The same record in a transaction, with the license row locked for the rest of it (seat changes queue on it). */
export function lockLicenseRecord(tx: Tx, keyHash: string, device: DeviceQuery = {}): Promise<LockedLicenseRecord | undefined> {
  return lockedRecord(tx, ...bound(LOCKED_LOOKUP, [keyHash, device.fingerprint ?? null, device.domain ?? null], device.proofKey));
}

/** The same record read in a transaction, not locked. */
export function readLicenseRecord(tx: Tx, keyHash: string, device: DeviceQuery = {}): Promise<LockedLicenseRecord | undefined> {
  return lockedRecord(tx, ...bound(TX_LOOKUP, [keyHash, device.fingerprint ?? null, device.domain ?? null], device.proofKey));
}

/**
 * The locked record and its lease `leaseId` (undefined when the license has no lease of that id),
 * in one statement: a heartbeat then only writes.
 */
export async function lockLicenseRecordWithLease(
  tx: Tx,
  keyHash: string,
  device: DeviceQuery,
  leaseId: string,
): Promise<{ license: LockedLicenseRecord; lease: LeaseRow | undefined } | undefined> {
  const result = await tx.execute(
    bindPositional(...bound(LOCKED_LOOKUP_WITH_LEASE, [keyHash, device.fingerprint ?? null, device.domain ?? null, leaseId], device.proofKey)),
  );
  const [row] = result.rows as Record<string, unknown>[];
  if (!row) return undefined;
  const values = Object.values(row);
  const license = lockedFrom(values);
  const lease = LEASE_COLUMNS.read(values, LOCKED_COLUMNS.width);
  if (lease.id === null) return { license, lease: undefined };
  for (const key of ["expiresAt", "lastHeartbeatAt", "borrowedUntil", "releasedAt", "expiryNotifiedAt", "createdAt"] as const) {
    (lease as Record<string, unknown>)[key] = toDate(lease[key] as Date | string | null);
  }
  return { license, lease };
}

/** The record and one of its leases over the HTTP path (no lock): what a lease heartbeat judges. */
export async function findLicenseRecordWithLease(
  rows: RowsFn,
  keyHash: string,
  device: DeviceQuery,
  leaseId: string,
): Promise<{ license: LockedLicenseRecord; lease: LeaseRow | undefined } | undefined> {
  const [row] = await rows(...bound(LOOKUP_WITH_LEASE, [keyHash, device.fingerprint ?? null, device.domain ?? null, leaseId], device.proofKey));
  if (!row) return undefined;
  const license = toLocked(LOCKED_COLUMNS.read(row));
  const lease = LEASE_COLUMNS.read(row, LOCKED_COLUMNS.width);
  if (lease.id === null) return { license, lease: undefined };
  for (const key of ["expiresAt", "lastHeartbeatAt", "borrowedUntil", "releasedAt", "expiryNotifiedAt", "createdAt"] as const) {
    (lease as Record<string, unknown>)[key] = toDate(lease[key] as Date | string | null);
  }
  return { license, lease };
}

/** A tenant's license by id, locked, as the admin routes that hand out files for it judge it. */
export function lockLicenseRecordById(tx: Tx, tenantId: string, licenseId: string, device: DeviceQuery = {}): Promise<LockedLicenseRecord | undefined> {
  return lockedRecord(tx, ...bound(LOCKED_LOOKUP_BY_ID, [licenseId, device.fingerprint ?? null, device.domain ?? null, tenantId], device.proofKey));
}

/** The record with the policy's limits, read over the HTTP path (no lock): what an activation judges first. */
export async function findLicenseForSeat(rows: RowsFn, keyHash: string, device: DeviceQuery = {}): Promise<LockedLicenseRecord | undefined> {
  const [row] = await rows(...bound(SEAT_LOOKUP, [keyHash, device.fingerprint ?? null, device.domain ?? null], device.proofKey));
  return row ? toLocked(LOCKED_COLUMNS.read(row)) : undefined;
}

async function lockedRecord(tx: Tx, statement: string, values: unknown[]): Promise<LockedLicenseRecord | undefined> {
  const result = await tx.execute(bindPositional(statement, values));
  const [row] = result.rows as Record<string, unknown>[];
  return row ? lockedFrom(Object.values(row)) : undefined;
}

function lockedFrom(values: unknown[]): LockedLicenseRecord {
  const r = LOCKED_COLUMNS.read(values);
  // A transaction's driver answers timestamps as text (drizzle keeps its own date mapping).
  r.expiresAt = toDate(r.expiresAt);
  r.deviceHeartbeatAt = toDate(r.deviceHeartbeatAt);
  r.domainDeviceHeartbeatAt = toDate(r.domainDeviceHeartbeatAt);
  return toLocked(r);
}

function toLocked(r: LockedRow): LockedLicenseRecord {
  return {
    ...toRecord(r),
    keyHash: r.keyHash,
    limits: {
      maxActivations: r.maxActivations,
      maxDeactivations: r.maxDeactivations,
      deactivationWindowS: r.deactivationWindowS,
      maxLeases: r.maxLeases,
      leaseTtlS: r.leaseTtlS,
      maxBorrowS: r.maxBorrowS,
    },
  };
}
