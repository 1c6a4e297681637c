// Tenant-scoped reads and writes for the admin API. Every function takes the tenant id and filters
// on it: another tenant's id simply finds nothing (404 upstream).
import { and, eq } from "drizzle-orm";
import type { Database } from "../client";
import { applications, licenses, policies } from "../schema";

export async function getApplication(db: Database, tenantId: string, id: string) {
  const [row] = await db.select().from(applications).where(and(eq(applications.tenantId, tenantId), eq(applications.id, id)));
  return row;
}

export async function getPolicy(db: Database, tenantId: string, id: string) {
  const [row] = await db.select().from(policies).where(and(eq(policies.tenantId, tenantId), eq(policies.id, id)));
  return row;
}

export async function getLicense(db: Database, tenantId: string, id: string) {
  const [row] = await db.select().from(licenses).where(and(eq(licenses.tenantId, tenantId), eq(licenses.id, id)));
  return row;
}

export type PolicyRow = typeof policies.$inferSelect;
export type LicenseRow = typeof licenses.$inferSelect;
export type ApplicationRow = typeof applications.$inferSelect;
