// Cursor pagination shared by every list: newest first, ordered by (created_at, id) so the order
// is total; `starting_after` is the id of the last item of the previous page. The cursor row is
// looked up within the same tenant, so another tenant's id is just an unknown cursor.
import { and, desc, eq, type SQL, sql } from "drizzle-orm";
import type { PgColumn, PgTable } from "drizzle-orm/pg-core";
import type { Queryable } from "../client";

export interface PageRequest {
  limit: number;
  startingAfter?: string;
}

export interface Page<T> {
  data: T[];
  has_more: boolean;
  /** Pass as `starting_after` for the next page; null on the last page. */
  next_cursor: string | null;
}

interface ListableColumns {
  id: PgColumn;
  tenantId: PgColumn;
  createdAt: PgColumn;
}

export async function listPage<TTable extends PgTable & ListableColumns>(
  db: Queryable,
  table: TTable,
  tenantId: string,
  page: PageRequest,
  filter?: SQL,
): Promise<Page<TTable["$inferSelect"]>> {
  const cursor = page.startingAfter
    ? sql`(${table.createdAt}, ${table.id}) < (select c.created_at, c.id from ${table} c where c.id = ${page.startingAfter} and c.tenant_id = ${tenantId})`
    : undefined;
  const rows = (await db
    .select()
    .from(table as PgTable)
    .where(and(eq(table.tenantId, tenantId), filter, cursor))
    .orderBy(desc(table.createdAt), desc(table.id))
    .limit(page.limit + 1)) as TTable["$inferSelect"][];
  const hasMore = rows.length > page.limit;
  const data = hasMore ? rows.slice(0, page.limit) : rows;
  const last = data.at(-1) as { id?: string } | undefined;
  return { data, has_more: hasMore, next_cursor: hasMore && last?.id ? last.id : null };
}
