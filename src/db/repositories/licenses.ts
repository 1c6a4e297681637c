// Licenses: the validation lookup (validate, verify and validate-hardware in one round trip over
// Neon's HTTP path), the row locks activations and bindings take, and the tenant-scoped admin
// reads and writes. Every admin function filters on the tenant: another tenant's id finds nothing.
import { and, eq, gt, ilike, inArray, isNull, lte, or, type SQL, sql } from "drizzle-orm";
import type { BindingMode, LicenseStatus } from "../../contract/licenses";
import type { PlanTier, TokenTier } from "../../contract/tokens";
import type { Queryable, RowsFn, Tx } from "../client";
import { licenses, policies } from "../schema";
import { compact, selectList } from "./columns";
import { listPage, type Page, type PageRequest } from "./pagination";

export type LicenseRow = typeof licenses.$inferSelect;
export type NewLicense = typeof licenses.$inferInsert;

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
  policyId: string;
  policy: {
    tokenTier: TokenTier;
    bindingMode: BindingMode;
    heartbeatIntervalS: number | null;
    heartbeatGraceS: number;
    bindOnVerify: boolean;
    /** How long a VALID answer may be served from the edge during a database outage. */
    degradedGraceS: number;
  };
  /** The live activation matching the request's fingerprint, if any. */
  device: LiveDevice | null;
  /** The live activation matching the request's domain, if any. */
  domainDevice: LiveDevice | null;
  /** Tells NOT_ACTIVATED from FINGERPRINT/DOMAIN_MISMATCH. */
  liveActivations: number;
  /** Its place in the tenant's status list, once it has one (tokens then name it). */
  statusList?: { listId: string; idx: number } | null;
}

const LOOKUP_COLUMNS = selectList<{
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
  deviceId: string | null;
  deviceHeartbeatAt: Date | null;
  domainDeviceId: string | null;
  domainDeviceHeartbeatAt: Date | null;
  liveActivations: number;
  statusListId: string | null;
  statusListIdx: number | null;
}>({
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
  deviceId: "fp.id",
  deviceHeartbeatAt: "fp.last_heartbeat_at",
  domainDeviceId: "dm.id",
  domainDeviceHeartbeatAt: "dm.last_heartbeat_at",
  liveActivations: "(select count(*)::int from activations a where a.license_id = l.id and a.deactivated_at is null)",
  statusListId: "sl.id",
  statusListIdx: "l.status_list_idx",
});

// $2 / $3 are null when the request names no fingerprint / domain: `= null` then matches nothing.
const LOOKUP = compact(`
  select ${LOOKUP_COLUMNS.sql}
    from licenses l
    join policies p on p.id = l.policy_id
    join tenants t on t.id = l.tenant_id
    left join status_lists sl on sl.tenant_id = l.tenant_id
    left join lateral (select id, last_heartbeat_at from activations
                        where license_id = l.id and fingerprint = $2 and deactivated_at is null limit 1) fp on true
    left join lateral (select id, last_heartbeat_at from activations
                        where license_id = l.id and domain = $3 and deactivated_at is null limit 1) dm on true
   where l.key_hash = $1
   limit 1`);

/** License, policy, tenant tier, the named device's live activation and the live count: one round trip. */
export async function findLicenseByKeyHash(rows: RowsFn, keyHash: string, device: DeviceQuery = {}): Promise<LicenseRecord | undefined> {
  const [row] = await rows(LOOKUP, [keyHash, device.fingerprint ?? null, device.domain ?? null]);
  if (!row) return undefined;
  const r = LOOKUP_COLUMNS.read(row);
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
    },
    device: r.deviceId ? { id: r.deviceId, lastHeartbeatAt: r.deviceHeartbeatAt } : null,
    domainDevice: r.domainDeviceId ? { id: r.domainDeviceId, lastHeartbeatAt: r.domainDeviceHeartbeatAt } : null,
    liveActivations: r.liveActivations,
    statusList: r.statusListId !== null && r.statusListIdx !== null ? { listId: r.statusListId, idx: r.statusListIdx } : null,
  };
}

/** The license and its policy, locked for the rest of the transaction (seat changes queue on it). */
export async function lockLicenseByKeyHash(tx: Tx, keyHash: string) {
  const [row] = await tx
    .select({
      id: licenses.id,
      tenantId: licenses.tenantId,
      applicationId: licenses.applicationId,
      policyId: licenses.policyId,
      status: licenses.status,
      expiresAt: licenses.expiresAt,
      allowedCidrs: licenses.allowedCidrs,
      policy: {
        maxActivations: policies.maxActivations,
        bindingMode: policies.bindingMode,
        heartbeatIntervalS: policies.heartbeatIntervalS,
        heartbeatGraceS: policies.heartbeatGraceS,
        maxDeactivations: policies.maxDeactivations,
        deactivationWindowS: policies.deactivationWindowS,
        leaseMode: policies.leaseMode,
        maxLeases: policies.maxLeases,
        leaseTtlS: policies.leaseTtlS,
        maxBorrowS: policies.maxBorrowS,
      },
    })
    .from(licenses)
    .innerJoin(policies, eq(policies.id, licenses.policyId))
    .where(eq(licenses.keyHash, keyHash))
    .for("update", { of: licenses });
  return row;
}

export type LockedLicense = NonNullable<Awaited<ReturnType<typeof lockLicenseByKeyHash>>>;

/** Locks a tenant's license by id (admin changes to its activations). */
export async function lockLicenseById(tx: Tx, tenantId: string, licenseId: string): Promise<boolean> {
  const [row] = await tx
    .select({ id: licenses.id })
    .from(licenses)
    .where(and(eq(licenses.tenantId, tenantId), eq(licenses.id, licenseId)))
    .for("update");
  return row !== undefined;
}

export async function getLicense(db: Queryable, tenantId: string, id: string): Promise<LicenseRow | undefined> {
  const [row] = await db
    .select()
    .from(licenses)
    .where(and(eq(licenses.tenantId, tenantId), eq(licenses.id, id)));
  return row;
}

/** A tenant's licenses whose key starts with `prefix` (the visible prefix): a handful at most. */
export async function findLicensesByKeyPrefix(db: Queryable, tenantId: string, prefix: string): Promise<LicenseRow[]> {
  return db
    .select()
    .from(licenses)
    .where(and(eq(licenses.tenantId, tenantId), eq(licenses.keyPrefix, prefix)))
    .limit(10);
}

export async function licenseBelongsTo(db: Queryable, licenseId: string, tenantId: string): Promise<boolean> {
  const [row] = await db
    .select({ id: licenses.id })
    .from(licenses)
    .where(and(eq(licenses.id, licenseId), eq(licenses.tenantId, tenantId)))
    .limit(1);
  return row !== undefined;
}

export async function insertLicense(db: Queryable, values: NewLicense): Promise<LicenseRow> {
  const [row] = await db.insert(licenses).values(values).returning();
  return row!;
}

/**
 * Tenant-scoped update. With `onlyFrom`, a conditional UPDATE ... RETURNING does the state check
 * and the write in one statement, so two racing lifecycle calls cannot both pass a stale check.
 */
export async function updateLicense(
  db: Queryable,
  tenantId: string,
  id: string,
  values: Partial<NewLicense>,
  onlyFrom?: readonly LicenseStatus[],
): Promise<LicenseRow | undefined> {
  const [row] = await db
    .update(licenses)
    .set({ ...values, updatedAt: new Date() })
    .where(and(eq(licenses.tenantId, tenantId), eq(licenses.id, id), onlyFrom ? inArray(licenses.status, [...onlyFrom]) : undefined))
    .returning();
  return row;
}

/** `expired` is derived (active but past its expiry), so the filter matches what the list shows. */
function statusFilter(status: string | undefined, now: Date): SQL | undefined {
  const unexpired = or(isNull(licenses.expiresAt), gt(licenses.expiresAt, now));
  switch (status) {
    case "active":
      return and(eq(licenses.status, "active"), unexpired);
    case "expired":
      return and(eq(licenses.status, "active"), lte(licenses.expiresAt, now));
    case "suspended":
    case "revoked":
      return eq(licenses.status, status);
    default:
      return undefined;
  }
}

/** What a seller types to find a license: a whole key (by its hash), an id, a key prefix, or text. */
export type LicenseSearch = { keyHash: string } | { text: string };

/** LIKE's wildcards and escape, taken literally. */
const literalLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

function searchFilter(search: LicenseSearch | undefined): SQL | undefined {
  if (!search) return undefined;
  if ("keyHash" in search) return eq(licenses.keyHash, search.keyHash);
  const contains = `%${literalLike(search.text)}%`;
  return or(
    eq(licenses.id, search.text),
    eq(licenses.keyPrefix, search.text),
    ilike(licenses.plan, contains),
    // Sellers keep the customer (name, email, order) in metadata.
    ilike(sql`${licenses.metadata}::text`, contains),
  );
}

export function listLicenses(
  db: Queryable,
  tenantId: string,
  page: PageRequest,
  filter: { status?: string; applicationId?: string; policyId?: string; search?: LicenseSearch; now: Date },
): Promise<Page<LicenseRow>> {
  const where = and(
    statusFilter(filter.status, filter.now),
    filter.applicationId ? eq(licenses.applicationId, filter.applicationId) : undefined,
    filter.policyId ? eq(licenses.policyId, filter.policyId) : undefined,
    searchFilter(filter.search),
  );
  return listPage(db, licenses, tenantId, page, where);
}

/** Active licenses whose expiry passed and that were not announced yet, locked (skipping locked ones). */
export function lockUnannouncedExpiries(tx: Tx, now: Date, limit: number): Promise<LicenseRow[]> {
  return tx
    .select()
    .from(licenses)
    .where(and(eq(licenses.status, "active"), lte(licenses.expiresAt, now), isNull(licenses.expiryNotifiedAt)))
    .limit(limit)
    .for("update", { skipLocked: true });
}

export async function markExpiryAnnounced(tx: Tx, id: string, now: Date): Promise<void> {
  await tx.update(licenses).set({ expiryNotifiedAt: now }).where(eq(licenses.id, id));
}
