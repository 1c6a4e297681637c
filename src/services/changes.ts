// State changes that are audited and announced: the audit row, the webhook event and the change
// itself commit in one transaction; delivery is attempted right after the response. What a change
// means beyond the database is derived here from what it reports, once for every route: a status
// list whose entries changed is versioned in the transaction and rebuilt after the commit, and
// the edge learns which licenses and policies changed, so no degraded answer during an outage
// repeats a snapshot older than the last committed change (services/degraded.ts).
import type { Tx } from "../db/client";
import { markStatusListChanged, markStatusListChangedFor } from "../db/repositories/status-lists";
import { appendAudit } from "./audit";
import type { ServiceDeps } from "./context";
import { markEdgeChanged } from "./degraded";
import { type DomainEvent, recordEvent } from "./events";
import { statusListService } from "./status-lists";
import { deliverDue } from "./webhook-delivery";

export interface Change {
  /** Defaults to the acting credential's tenant; public routes name the license's tenant. */
  tenantId?: string;
  action: string;
  targetType: string;
  targetId: string;
  /** For people reading the audit log; redacted before it is stored. */
  details?: Record<string, unknown>;
  /** A webhook event to emit, with the resource as it is after the change. */
  event?: DomainEvent;
  /** Public-route changes (activations) are announced but have no credential to audit. */
  audit?: boolean;
  /** What changed that no event names: a policy's rules, or the tenant's status list (its audience, or its size). */
  affects?: { policyId?: string; statusList?: true };
}

export type RecordChange = (change: Change) => Promise<void>;
/** Runs work in a transaction whose changes are audited and announced. */
export type ChangeRunner = <T>(work: (tx: Tx, record: RecordChange) => Promise<T>) => Promise<T>;

/** What the committed changes touched, collected while the transaction runs. */
interface Touched {
  licenses: Map<string, string | undefined>;
  policies: Set<string>;
  statusLists: Set<string>;
}

const STATUS_EVENTS: Record<string, string> = { "license.suspended": "suspended", "license.reinstated": "active", "license.revoked": "revoked" };

/** In the transaction: what the change touched, and the status-list version bump its entries need. */
async function derive(tx: Tx, tenantId: string, change: Change, touched: Touched): Promise<void> {
  const event = change.event;
  const now = new Date();
  let listChanged = false;
  if (event && "license" in event && event.type.startsWith("license.")) {
    touched.licenses.set(event.license.id, STATUS_EVENTS[event.type] ?? touched.licenses.get(event.license.id));
    if (STATUS_EVENTS[event.type]) listChanged = await markStatusListChanged(tx, tenantId, now);
  } else if (event?.type === "activation.deleted") {
    touched.licenses.set(event.activation.licenseId, touched.licenses.get(event.activation.licenseId));
    listChanged = await markStatusListChangedFor(tx, tenantId, { activationIds: [event.activation.id] }, now);
  } else if (event?.type === "lease.released" && event.lease.borrowedUntil) {
    listChanged = await markStatusListChangedFor(tx, tenantId, { leaseIds: [event.lease.id] }, now);
  }
  if (change.affects?.policyId) touched.policies.add(change.affects.policyId);
  if (change.affects?.statusList) listChanged = (await markStatusListChanged(tx, tenantId, now)) || listChanged;
  if (listChanged) touched.statusLists.add(tenantId);
}

/** After the commit: the edge learns what changed, and changed status lists are rebuilt. */
function afterCommit(deps: ServiceDeps, touched: Touched): void {
  if (touched.licenses.size > 0 || touched.policies.size > 0) {
    deps.defer(markEdgeChanged(deps.kv, { licenses: touched.licenses, policies: touched.policies }));
  }
  for (const tenantId of touched.statusLists) deps.defer(statusListService(deps).publishForTenant(tenantId));
}

/**
 * A ChangeRunner bound to the request: its database, actor (the audit row's actor; `actorId`
 * overrides it, e.g. "operator"), request id and deferred work. After commit it delivers the new
 * events in the background.
 *
 * @example
 * const row = await changes(async (tx, record) => {
 *   const row = await updateLicense(tx, ...);
 *   await record({ action: "license.suspend", targetType: "license", targetId: row.id, event: { type: "license.suspended", license: row } });
 *   return row;
 * });
 */
export function createChangeRunner(deps: ServiceDeps, options: { actorId?: string } = {}): ChangeRunner {
  return async (work) => {
    const eventIds: string[] = [];
    const touched: Touched = { licenses: new Map(), policies: new Set(), statusLists: new Set() };
    const result = await deps.db().transaction(async (tx) =>
      work(tx, async (change) => {
        const actor = deps.actor();
        const tenantId = change.tenantId ?? actor?.tenantId;
        if (!tenantId) throw new Error("a change needs a tenant: none given and no actor");
        if (change.audit !== false) {
          await appendAudit(tx, {
            tenantId,
            actor: options.actorId ?? actor?.keyId ?? "public",
            action: change.action,
            targetType: change.targetType,
            targetId: change.targetId,
            requestId: deps.requestId,
            details: change.details,
          });
        }
        if (change.event) eventIds.push(await recordEvent(tx, tenantId, change.event, deps.serializeEvent));
        await derive(tx, tenantId, change, touched);
      }),
    );
    if (eventIds.length > 0) deps.defer(deliverDue(deps.db(), deps.config, { eventIds }));
    afterCommit(deps, touched);
    return result;
  };
}
