// State changes that are audited and announced: the audit row, the webhook event and the change
// itself commit in one transaction; delivery is attempted right after the response.
import type { Tx } from "../db/client";
import { appendAudit } from "./audit";
import type { ServiceDeps } from "./context";
import { type DomainEvent, recordEvent } from "./events";
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
}

export type RecordChange = (change: Change) => Promise<void>;
/** Runs work in a transaction whose changes are audited and announced. */
export type ChangeRunner = <T>(work: (tx: Tx, record: RecordChange) => Promise<T>) => Promise<T>;

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
      }),
    );
    if (eventIds.length > 0) deps.defer(deliverDue(deps.db(), deps.config, { eventIds }));
    return result;
  };
}
