// A tenant's applications (products). Every function filters on the tenant.
import { and, eq } from "drizzle-orm";
import type { Queryable } from "../client";
import { applications } from "../schema";
import { listPage, type Page, type PageRequest } from "./pagination";
import { type DeleteOutcome, deleteRestricted } from "./restricted-delete";

export type ApplicationRow = typeof applications.$inferSelect;

export async function getApplication(db: Queryable, tenantId: string, id: string): Promise<ApplicationRow | undefined> {
  const [row] = await db
    .select()
    .from(applications)
    .where(and(eq(applications.tenantId, tenantId), eq(applications.id, id)));
  return row;
}

export async function insertApplication(db: Queryable, values: typeof applications.$inferInsert): Promise<ApplicationRow> {
  const [row] = await db.insert(applications).values(values).returning();
  return row!;
}

export async function updateApplication(db: Queryable, tenantId: string, id: string, values: { name?: string }): Promise<ApplicationRow | undefined> {
  const [row] = await db
    .update(applications)
    .set({ ...values, updatedAt: new Date() })
    .where(and(eq(applications.tenantId, tenantId), eq(applications.id, id)))
    .returning();
  return row;
}

/** `in_use` while policies or licenses still belong to the application. */
export const deleteApplication = (db: Queryable, tenantId: string, id: string): Promise<DeleteOutcome> =>
  deleteRestricted(() =>
    db
      .delete(applications)
      .where(and(eq(applications.tenantId, tenantId), eq(applications.id, id)))
      .returning({ id: applications.id }),
  );

export const listApplications = (db: Queryable, tenantId: string, page: PageRequest): Promise<Page<ApplicationRow>> =>
  listPage(db, applications, tenantId, page);
