// Helpers for the admin API suites: resources are created through the API (as a seller would);
// Postgres is read directly only to check what was stored.

import { eq } from "drizzle-orm";
import { expect } from "vitest";
import { applications, policies } from "../../src/db/schema";
import { call, json, type TestTenant, withDb } from "../harness";

/** POST /v1/applications; fails the test unless it answers 201. */
export async function createApplication(t: TestTenant, name = "Test app"): Promise<any> {
  const res = await call("/v1/applications", { token: t.apiKey, body: { name } });
  const body = await json(res);
  expect(res.status, JSON.stringify(body)).toBe(201);
  return body;
}

/** POST /v1/policies; fails the test unless it answers 201. */
export async function createPolicy(t: TestTenant, policy: Record<string, unknown> = {}): Promise<any> {
  const res = await call("/v1/policies", { token: t.apiKey, body: { name: "Test policy", ...policy } });
  const body = await json(res);
  expect(res.status, JSON.stringify(body)).toBe(201);
  return body;
}

/** POST /v1/licenses; fails the test unless it answers 201. */
export async function createLicense(t: TestTenant, body: Record<string, unknown>): Promise<any> {
  const res = await call("/v1/licenses", { token: t.apiKey, body });
  const out = await json(res);
  expect(res.status, JSON.stringify(out)).toBe(201);
  return out;
}

/**
 * Follows `next_cursor` from the first page to the last, asserting the page shape on the way.
 * `path` may carry a query already (e.g. a filter).
 */
export async function collectPages(path: string, token: string, limit: number): Promise<{ pages: any[]; ids: string[] }> {
  const pages: any[] = [];
  let cursor: string | null = null;
  const sep = path.includes("?") ? "&" : "?";
  do {
    const res = await call(`${path}${sep}limit=${limit}${cursor ? `&starting_after=${cursor}` : ""}`, { token });
    const page = await json(res);
    expect(res.status, JSON.stringify(page)).toBe(200);
    expect(page.data.length).toBeLessThanOrEqual(limit);
    if (page.has_more) {
      expect(page.data.length).toBe(limit);
      expect(page.next_cursor).toBe(page.data.at(-1).id);
    } else {
      expect(page.next_cursor).toBeNull();
    }
    pages.push(page);
    cursor = page.next_cursor;
    expect(pages.length, "pagination does not terminate").toBeLessThan(50);
  } while (cursor);
  return { pages, ids: pages.flatMap((p) => p.data.map((item: { id: string }) => item.id)) };
}

export const storedApplication = (id: string) => withDb(async (db) => (await db.select().from(applications).where(eq(applications.id, id)))[0]);

export const storedPolicy = (id: string) => withDb(async (db) => (await db.select().from(policies).where(eq(policies.id, id)))[0]);

/** Moves `updated_at` into the past, so a later update is visible whatever the clock resolution. */
export async function backdate(table: typeof applications | typeof policies, id: string): Promise<Date> {
  const past = new Date("2020-01-01T00:00:00.000Z");
  await withDb((db) =>
    db
      .update(table)
      .set({ updatedAt: past })
      .where(eq(table.id, id))
      .then(() => undefined),
  );
  return past;
}
