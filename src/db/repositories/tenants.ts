// Tenants: created by the operator, read by their own credentials.
import { eq } from "drizzle-orm";
import type { PortalBranding } from "../../contract/portal";
import type { Queryable } from "../client";
import { tenants } from "../schema";

export type TenantRow = typeof tenants.$inferSelect;

export async function insertTenant(db: Queryable, values: typeof tenants.$inferInsert): Promise<TenantRow> {
  const [row] = await db.insert(tenants).values(values).returning();
  return row!;
}

export async function getTenant(db: Queryable, id: string): Promise<TenantRow | undefined> {
  const [row] = await db.select().from(tenants).where(eq(tenants.id, id));
  return row;
}

export async function updateTenant(
  db: Queryable,
  id: string,
  values: { name?: string; activityRetentionDays?: number; portalBranding?: PortalBranding },
): Promise<TenantRow | undefined> {
  const [row] = await db
    .update(tenants)
    .set({ ...values, updatedAt: new Date() })
    .where(eq(tenants.id, id))
    .returning();
  return row;
}
