// Deleting what other rows may still reference (applications, policies): one statement decided by
// the foreign keys, audited when it happened, 404 or 409 (with the caller's message) otherwise.
import type { Tx } from "../db/client";
import type { DeleteOutcome } from "../db/repositories/restricted-delete";
import { AppError, notFound } from "../errors";
import type { ChangeRunner } from "./changes";

export interface RestrictedDelete {
  /** "Application": the 404's noun and the audit action ("application.delete"). */
  noun: string;
  /** The 409's message: what still belongs to the resource and what to do. */
  inUse: string;
  remove: (tx: Tx) => Promise<DeleteOutcome>;
}

export async function deleteRestricted(changes: ChangeRunner, id: string, spec: RestrictedDelete): Promise<void> {
  const type = spec.noun.toLowerCase();
  // A delete refused by the foreign key aborts the transaction: nothing is recorded then.
  const outcome = await changes(async (tx, record) => {
    const result = await spec.remove(tx);
    if (result === "deleted") await record({ action: `${type}.delete`, targetType: type, targetId: id });
    return result;
  });
  if (outcome === "not_found") throw notFound(spec.noun);
  if (outcome === "in_use") throw new AppError("CONFLICT", spec.inUse);
}
