// State changes that are audited and announced: the audit row, the webhook event and the change
// itself commit in one transaction; delivery is attempted right after the response.
import type { Context } from "hono";
import type { AppEnv } from "../app";
import type { EventType } from "../contract/events";
import type { Tx } from "../db/client";
import { appendAudit } from "./audit";
import { recordEvent } from "./events";
import { deliverDue } from "./webhook-delivery";

export interface Change {
  /** Defaults to the authenticated tenant; public routes name the license's tenant. */
  tenantId?: string;
  action: string;
  targetType: string;
  targetId: string;
  /** For people reading the audit log; redacted before it is stored. */
  details?: Record<string, unknown>;
  /** A webhook event to emit, with the resource as it is after the change. */
  event?: { type: EventType; data: Record<string, unknown> };
  /** Public-route changes (activations) are announced but have no credential to audit. */
  audit?: boolean;
}

export type RecordChange = (change: Change) => Promise<void>;
/** Runs work in a transaction whose changes are audited and announced (see withChanges). */
export type ChangeRunner = <T>(work: (tx: Tx, record: RecordChange) => Promise<T>) => Promise<T>;

/**
 * Runs `work` in a transaction with a `record` function bound to it and to the caller (tenant,
 * credential, request id); after commit, delivers the new events in the background.
 *
 * @example
 * const row = await withChanges(c, async (tx, record) => {
 *   const [row] = await tx.update(licenses)...returning();
 *   await record({ action: "license.suspend", targetType: "license", targetId: row.id, event: { type: "license.suspended", data: licenseBody(row) } });
 *   return row;
 * });
 */
export async function withChanges<T>(c: Context<AppEnv>, work: (tx: Tx, record: RecordChange) => Promise<T>): Promise<T> {
  const eventIds: string[] = [];
  const result = await c.var.db().transaction(async (tx) =>
    work(tx, async (change) => {
      const tenantId = change.tenantId ?? c.var.auth.tenantId;
      if (change.audit !== false) {
        await appendAudit(tx, {
          tenantId,
          actor: c.var.auth?.keyId ?? "public",
          action: change.action,
          targetType: change.targetType,
          targetId: change.targetId,
          requestId: c.var.requestId,
          details: change.details,
        });
      }
      if (change.event) eventIds.push(await recordEvent(tx, tenantId, change.event.type, change.event.data));
    }),
  );
  if (eventIds.length > 0) c.var.defer(deliverDue(c.var.db(), c.env, { eventIds }));
  return result;
}
