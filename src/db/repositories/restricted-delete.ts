// Deleting rows that others may still reference (`ON DELETE RESTRICT`): one statement, and the
// foreign keys decide. A check-then-delete would race a row created in between; the constraint
// cannot be raced.
import { postgresCode } from "../client";

/** What the delete came to: `in_use` means the row exists in this tenant and something points at it. */
export type DeleteOutcome = "deleted" | "not_found" | "in_use";

/** `ON DELETE RESTRICT` raises restrict_violation (23001), `NO ACTION` foreign_key_violation (23503). */
function isStillReferenced(err: unknown): boolean {
  const code = postgresCode(err);
  return code === "23001" || code === "23503";
}

export async function deleteRestricted(run: () => Promise<unknown[]>): Promise<DeleteOutcome> {
  try {
    return (await run()).length > 0 ? "deleted" : "not_found";
  } catch (err) {
    if (isStillReferenced(err)) return "in_use";
    throw err;
  }
}
