// Tenant-scoped license updates. A conditional UPDATE ... RETURNING does the state check and the
// write in one statement, so two racing lifecycle calls cannot both pass a stale check.
import { and, eq, inArray } from "drizzle-orm";
import type { LicenseStatus } from "../../contract/licenses";
import type { Queryable } from "../client";
import { licenses } from "../schema";

export async function updateLicense(
  db: Queryable,
  tenantId: string,
  id: string,
  values: Partial<typeof licenses.$inferInsert>,
  onlyFrom?: readonly LicenseStatus[],
) {
  const [row] = await db
    .update(licenses)
    .set({ ...values, updatedAt: new Date() })
    .where(and(eq(licenses.tenantId, tenantId), eq(licenses.id, id), onlyFrom ? inArray(licenses.status, [...onlyFrom]) : undefined))
    .returning();
  return row;
}
