// Licenses as the admin API manages them: issue (the key shown once), read, change, and move
// through their lifecycle. Every change takes effect on the very next validate, verify or
// introspect: each of those reads the status from Postgres, nothing caches it.
import type { LicenseStatus } from "../contract/licenses";
import { sha256Hex } from "../crypto/hash";
import { LICENSE_KEY_PATTERN, newId, newLicenseKey, visiblePrefix } from "../crypto/random";
import { getApplication } from "../db/repositories/applications";
import { assignmentsOf, lockAssignable } from "../db/repositories/assignments";
import { getCustomer } from "../db/repositories/customers";
import { getLicense, insertLicense, type LicenseRow, listLicenses, type NewLicense, updateLicense } from "../db/repositories/licenses";
import type { PageRequest } from "../db/repositories/pagination";
import { getPolicy } from "../db/repositories/policies";
import { ensureStatusIndex } from "../db/repositories/status-lists";
import { AppError, notFound } from "../errors";
import { requireActor } from "./actor";
import type { ChangeRunner } from "./changes";
import type { ServiceDeps } from "./context";
import { setEdgeLicenseStatus } from "./degraded";

/** The license fields an admin sets at creation and may change later. */
export interface LicenseFields {
  plan?: string | null;
  features?: string[];
  metadata?: Record<string, unknown>;
  allowedCidrs?: string[];
  expiresAt?: Date | null;
  /** The owning customer (null: none). */
  customerId?: string | null;
}

export interface Transition {
  action: "suspend" | "reinstate" | "revoke";
  event: "license.suspended" | "license.reinstated" | "license.revoked";
  to: LicenseStatus;
  /** Statuses the action may start from; the target status itself makes it idempotent. */
  from: readonly LicenseStatus[];
}

export const TRANSITIONS: readonly Transition[] = [
  { action: "suspend", event: "license.suspended", to: "suspended", from: ["active", "suspended"] },
  { action: "reinstate", event: "license.reinstated", to: "active", from: ["suspended", "active"] },
  { action: "revoke", event: "license.revoked", to: "revoked", from: ["active", "suspended", "revoked"] },
];

const policyMismatch = (path: string) =>
  new AppError("VALIDATION_FAILED", "The policy belongs to another application.", { details: [{ path, message: "Does not match the policy's application" }] });

export function licenseAdminService(deps: ServiceDeps, changes: ChangeRunner) {
  const tenantId = () => requireActor(deps).tenantId;

  /** A customer a license may be given to: one of the tenant's, not erased. */
  const ownerOf = async (customerId: string) => {
    const customer = await getCustomer(deps.db(), tenantId(), customerId);
    if (!customer) throw notFound("Customer");
    if (customer.erasedAt) throw new AppError("CONFLICT", "This customer's personal data was erased; it takes no new licenses.");
  };

  const get = async (id: string): Promise<LicenseRow> => {
    const row = await getLicense(deps.db(), tenantId(), id);
    if (!row) throw notFound("License");
    return row;
  };

  return {
    get,

    /** `q` finds a whole key by its hash (the key itself is never stored), else ids, key prefixes, plans and metadata. */
    async list(page: PageRequest, filter: { status?: string; applicationId?: string; policyId?: string; customerId?: string; q?: string }) {
      const q = filter.q?.trim();
      const search = !q ? undefined : LICENSE_KEY_PATTERN.test(q) ? { keyHash: await sha256Hex(q) } : { text: q };
      const { status, applicationId, policyId, customerId } = filter;
      return listLicenses(deps.db(), tenantId(), page, { status, applicationId, policyId, customerId, search, now: new Date() });
    },

    /** A license under a policy; the key (`lk_`, ~234 bits) is returned here only, Postgres keeps its hash. */
    async create(input: LicenseFields & { policyId: string; applicationId?: string }): Promise<{ row: LicenseRow; key: string }> {
      const db = deps.db();
      const policy = await getPolicy(db, tenantId(), input.policyId);
      if (!policy) throw notFound("Policy");
      const applicationId = input.applicationId ?? policy.applicationId;
      if (input.applicationId && policy.applicationId && input.applicationId !== policy.applicationId) throw policyMismatch("application_id");
      if (applicationId && !(await getApplication(db, tenantId(), applicationId))) throw notFound("Application");
      if (input.customerId) await ownerOf(input.customerId);
      const key = newLicenseKey();
      const values: NewLicense = {
        id: newId("lic"),
        tenantId: tenantId(),
        applicationId,
        policyId: policy.id,
        keyHash: await sha256Hex(key),
        keyPrefix: visiblePrefix(key),
        plan: input.plan ?? null,
        features: input.features ?? [],
        metadata: input.metadata ?? {},
        allowedCidrs: input.allowedCidrs ?? [],
        expiresAt: input.expiresAt ?? null,
        customerId: input.customerId ?? null,
      };
      const row = await changes(async (tx, record) => {
        const created = await insertLicense(tx, values);
        // Its place in the tenant's status list, for the files and tokens that will name it.
        const entry = await ensureStatusIndex(tx, created.tenantId, created.id, newId("sl"));
        await record({
          action: "license.create",
          targetType: "license",
          targetId: created.id,
          event: { type: "license.created", license: created },
          affects: entry.grown ? { statusList: true } : undefined,
        });
        return created;
      });
      return { row, key };
    },

    /** Plan, features, metadata, IP allowlist, expiry or policy; never status or seat counts. */
    async update(id: string, input: LicenseFields & { policyId?: string }, fields: string[]): Promise<LicenseRow> {
      if (input.policyId !== undefined) {
        const [policy, license] = await Promise.all([getPolicy(deps.db(), tenantId(), input.policyId), getLicense(deps.db(), tenantId(), id)]);
        if (!license) throw notFound("License");
        if (!policy) throw notFound("Policy");
        if (policy.applicationId && policy.applicationId !== license.applicationId) throw policyMismatch("policy_id");
      }
      if (input.customerId) await ownerOf(input.customerId);
      // A new expiry is a new date to announce: `license.expired` fires again when it passes.
      const values = input.expiresAt !== undefined ? { ...input, expiryNotifiedAt: null } : input;
      return changes(async (tx, record) => {
        if (input.customerId !== undefined) {
          const [locked] = await lockAssignable(tx, tenantId(), [id]);
          // Named seats belong to the customer's users: moving the license would hand them to strangers.
          const assigned = locked && locked.customerId !== input.customerId ? await assignmentsOf(tx, id) : undefined;
          if (assigned && assigned.users.length + assigned.groups.length > 0) {
            throw new AppError("CONFLICT", "The license is assigned to users or groups of its customer: unassign them before moving it to another customer.");
          }
        }
        const updated = await updateLicense(tx, tenantId(), id, values);
        if (!updated) throw notFound("License");
        await record({
          action: "license.update",
          targetType: "license",
          targetId: id,
          details: { fields },
          event: { type: "license.updated", license: updated },
        });
        return updated;
      });
    },

    /**
     * Suspend, reinstate or revoke. Idempotent; 409 when the current status does not allow it (a
     * revoked license stays revoked). Only a real change is recorded and announced: the
     * conditional UPDATE decides it atomically.
     */
    async transition(id: string, t: Transition): Promise<LicenseRow> {
      const changed = await changes(async (tx, record) => {
        const updated = await updateLicense(
          tx,
          tenantId(),
          id,
          { status: t.to },
          t.from.filter((s) => s !== t.to),
        );
        // The event versions the status list and, after the commit, tells the edge (services/changes.ts).
        if (updated) await record({ action: `license.${t.action}`, targetType: "license", targetId: id, event: { type: t.event, license: updated } });
        return updated;
      });
      if (changed) return changed;
      const current = await get(id);
      if (current.status === t.to) {
        // A repeat tells the edge again, so a lost write is repaired: degraded answers during a
        // database outage must not call a suspended or revoked license valid.
        deps.defer(setEdgeLicenseStatus(deps.kv, id, t.to));
        return current;
      }
      throw new AppError("CONFLICT", `A ${current.status} license cannot be ${t.action === "reinstate" ? "reinstated" : `${t.action}d`}.`);
    },

    /**
     * A new key for the same license (a lost key can never be re-sent: only its hash is kept). The
     * old key is dead the moment this commits: every lookup is by the key's hash, and the event
     * marks the license changed at the edge, so no degraded answer serves the old key either.
     * Activations, seats and issued tokens stand on the license, not the key, and stay.
     */
    async reissueKey(id: string): Promise<{ row: LicenseRow; key: string }> {
      const current = await get(id);
      if (current.status === "revoked") throw new AppError("CONFLICT", "A revoked license gets no new key.");
      const key = newLicenseKey();
      const keyHash = await sha256Hex(key);
      return changes(async (tx, record) => {
        const row = await updateLicense(tx, tenantId(), id, { keyHash, keyPrefix: visiblePrefix(key) }, ["active", "suspended"]);
        if (!row) throw new AppError("CONFLICT", "The license changed meanwhile; retry.");
        await record({
          action: "license.reissue_key",
          targetType: "license",
          targetId: id,
          details: { previous_key_prefix: current.keyPrefix, key_prefix: row.keyPrefix },
          event: { type: "license.key_reissued", license: row },
        });
        return { row, key };
      });
    },

    /** A new expiry, or the current one extended (from now if it has already passed). */
    async renew(id: string, input: { expiresAt?: Date; extendByS?: number }): Promise<LicenseRow> {
      const current = await get(id);
      if (current.status === "revoked") throw new AppError("CONFLICT", "A revoked license cannot be renewed.");
      const now = Date.now();
      const base = Math.max(now, current.expiresAt?.getTime() ?? now);
      const expiresAt = input.expiresAt ?? new Date(base + input.extendByS! * 1000);
      if (expiresAt.getTime() <= now) {
        throw new AppError("VALIDATION_FAILED", "The new expiry must be in the future.", { details: [{ path: "expires_at", message: "In the past" }] });
      }
      // Guarded on status: a license revoked in the meantime is not renewed.
      return changes(async (tx, record) => {
        const renewed = await updateLicense(tx, tenantId(), id, { expiresAt, expiryNotifiedAt: null }, ["active", "suspended"]);
        if (!renewed) throw new AppError("CONFLICT", "The license changed meanwhile; retry.");
        await record({
          action: "license.renew",
          targetType: "license",
          targetId: id,
          details: { previous_expires_at: current.expiresAt?.toISOString() ?? null, expires_at: expiresAt.toISOString() },
          event: { type: "license.renewed", license: renewed },
        });
        return renewed;
      });
    },
  };
}
