// The audit log is append-only (a trigger refuses UPDATE, DELETE and TRUNCATE), and whatever gets
// past the trigger (a superuser disabling it) is caught by the hash chain: /v1/audit-log/verify
// reports the first broken row. Each tampering test uses a tenant of its own.
//
// The trigger is disabled only inside the transaction that edits the rows (ALTER TABLE takes an
// ACCESS EXCLUSIVE lock until commit), and re-enabled before that commit: no other session, in
// this file or any other, ever sees the table without its trigger.

import { and, asc, eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import type { Database } from "../../src/db/client";
import { auditLog } from "../../src/db/schema";
import { chainHash } from "../../src/services/audit";
import { createTenant, type TestTenant, withDb } from "../harness";
import { act, auditRows, verifyAudit } from "../webhooks/helpers";

type Tx = Parameters<Parameters<Database["transaction"]>[0]>[0];

/** A tenant with `n` admin actions after its creation: n + 1 audit rows. */
async function tenantWithRows(name: string, n = 4): Promise<{ t: TestTenant; rows: (typeof auditLog.$inferSelect)[] }> {
  const t = await createTenant(name);
  for (let i = 0; i < n; i++) expect((await act("/v1/applications", { token: t.apiKey, body: { name: `app ${i}` } })).status).toBe(201);
  const rows = await withDb((db) => db.select().from(auditLog).where(eq(auditLog.tenantId, t.tenantId)).orderBy(asc(auditLog.seq)));
  expect(rows.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5].slice(0, n + 1));
  expect(await verifyAudit(t.apiKey)).toEqual({ ok: true, count: n + 1 });
  return { t, rows };
}

/** Runs `edit` with the append-only trigger disabled, in one transaction that re-enables it. */
async function tamper(edit: (tx: Tx) => Promise<unknown>): Promise<void> {
  await withDb((db) =>
    db.transaction(async (tx) => {
      await tx.execute(sql`alter table audit_log disable trigger audit_log_no_update_delete`);
      await edit(tx);
      await tx.execute(sql`alter table audit_log enable trigger audit_log_no_update_delete`);
    }),
  );
  // The trigger is back on.
  const state = await withDb((db) => db.execute(sql`select tgenabled from pg_trigger where tgname = 'audit_log_no_update_delete'`));
  expect((state.rows[0] as { tgenabled: string }).tgenabled).toBe("O");
}

/** The error a statement failed with, all causes included, as text; fails the test if it succeeded. */
async function refusal(run: () => Promise<unknown>): Promise<string> {
  const outcome = await run().then(
    () => "succeeded",
    (err: unknown) => {
      const parts: string[] = [];
      for (let e = err as { message?: string; cause?: unknown } | undefined; e; e = e.cause as typeof e) parts.push(String(e.message));
      return parts.join(" | ");
    },
  );
  expect(outcome).not.toBe("succeeded");
  return outcome;
}

describe("append-only trigger", () => {
  it("refuses UPDATE, DELETE and TRUNCATE on audit_log", async () => {
    const { t, rows } = await tenantWithRows("audit trigger");
    const where = and(eq(auditLog.tenantId, t.tenantId), eq(auditLog.seq, 2));
    expect(await refusal(() => withDb((db) => db.update(auditLog).set({ action: "nothing.happened" }).where(where)))).toMatch(/append-only/);
    expect(await refusal(() => withDb((db) => db.execute(sql`update audit_log set details = '{}'::jsonb where tenant_id = ${t.tenantId}`)))).toMatch(
      /append-only/,
    );
    expect(await refusal(() => withDb((db) => db.delete(auditLog).where(where)))).toMatch(/append-only/);
    expect(await refusal(() => withDb((db) => db.execute(sql`delete from audit_log where tenant_id = ${t.tenantId}`)))).toMatch(/append-only/);
    // TRUNCATE inside a transaction that is always rolled back: even if the trigger failed to
    // refuse it, nobody's rows would be lost.
    const truncated = await refusal(() =>
      withDb((db) =>
        db.transaction(async (tx) => {
          await tx.execute(sql`truncate audit_log`);
          tx.rollback();
        }),
      ),
    );
    expect(truncated).toMatch(/append-only/);

    const after = await withDb((db) => db.select().from(auditLog).where(eq(auditLog.tenantId, t.tenantId)).orderBy(asc(auditLog.seq)));
    expect(after).toEqual(rows);
    expect(await verifyAudit(t.apiKey)).toEqual({ ok: true, count: rows.length });
  });
});

describe("tampering detected by GET /v1/audit-log/verify (verifyAuditLog)", () => {
  it("an edited row's details: hash_mismatch at that row", async () => {
    const { t, rows } = await tenantWithRows("audit tamper edit");
    await tamper((tx) => tx.execute(sql`update audit_log set details = '{"name":"forged"}'::jsonb where tenant_id = ${t.tenantId} and seq = 3`));
    expect(await verifyAudit(t.apiKey)).toEqual({ ok: false, count: 2, broken_at: { seq: 3, id: rows[2]!.id, reason: "hash_mismatch" } });
  });

  it("an edited actor: hash_mismatch at that row", async () => {
    const { t, rows } = await tenantWithRows("audit tamper actor");
    await tamper((tx) => tx.execute(sql`update audit_log set actor = 'key_someoneelse' where tenant_id = ${t.tenantId} and seq = 4`));
    expect(await verifyAudit(t.apiKey)).toEqual({ ok: false, count: 3, broken_at: { seq: 4, id: rows[3]!.id, reason: "hash_mismatch" } });
  });

  it("an edited row whose own hash was recomputed: the next row's prev_hash no longer matches", async () => {
    const { t, rows } = await tenantWithRows("audit tamper rehash");
    const forged = { ...rows[2]!, details: { name: "forged" } };
    const forgedHash = await chainHash(forged.prevHash, forged);
    await tamper((tx) =>
      tx.execute(sql`update audit_log set details = '{"name":"forged"}'::jsonb, hash = ${forgedHash} where tenant_id = ${t.tenantId} and seq = 3`),
    );
    expect(await verifyAudit(t.apiKey)).toEqual({ ok: false, count: 3, broken_at: { seq: 4, id: rows[3]!.id, reason: "prev_hash_mismatch" } });
  });

  it("a deleted middle row: sequence_gap at the next row", async () => {
    const { t, rows } = await tenantWithRows("audit tamper delete");
    await tamper((tx) => tx.execute(sql`delete from audit_log where tenant_id = ${t.tenantId} and seq = 3`));
    expect(await verifyAudit(t.apiKey)).toEqual({ ok: false, count: 2, broken_at: { seq: 4, id: rows[3]!.id, reason: "sequence_gap" } });
    // The listing shows the gap too.
    expect((await auditRows(t.apiKey)).map((r) => r.seq)).toEqual([1, 2, 4, 5]);
  });

  it("reordered rows (two seq values swapped): reported at the first swapped position", async () => {
    const { t, rows } = await tenantWithRows("audit tamper reorder");
    await tamper(async (tx) => {
      await tx.execute(sql`update audit_log set seq = -1 where tenant_id = ${t.tenantId} and seq = 2`);
      await tx.execute(sql`update audit_log set seq = 2 where tenant_id = ${t.tenantId} and seq = 3`);
      await tx.execute(sql`update audit_log set seq = 3 where tenant_id = ${t.tenantId} and seq = -1`);
    });
    // Position 2 now holds what was row 3: its link points at the old row 2, not at row 1.
    expect(await verifyAudit(t.apiKey)).toEqual({ ok: false, count: 1, broken_at: { seq: 2, id: rows[2]!.id, reason: "prev_hash_mismatch" } });
  });

  it("a forged row appended with a made-up hash: hash_mismatch at that row", async () => {
    const { t, rows } = await tenantWithRows("audit tamper append", 2);
    const last = rows.at(-1)!;
    // No trigger stands in the way of an INSERT; the chain does.
    await withDb((db) =>
      db.insert(auditLog).values({
        ...last,
        seq: last.seq + 1,
        id: `aud_forged${crypto.randomUUID().slice(0, 8)}`,
        action: "license.create",
        prevHash: last.hash,
        hash: "f".repeat(64),
      }),
    );
    expect(await verifyAudit(t.apiKey)).toMatchObject({ ok: false, count: 3, broken_at: { seq: 4, reason: "hash_mismatch" } });
  });

  it("a created_at moved by one microsecond (below JavaScript's millisecond): hash_mismatch at that row", async () => {
    const { t, rows } = await tenantWithRows("audit tamper microseconds");
    await tamper((tx) => tx.execute(sql`update audit_log set created_at = created_at + interval '1 microsecond' where tenant_id = ${t.tenantId} and seq = 2`));
    // The row still reads back as the same millisecond, but what Postgres stores has changed.
    const [moved] = await withDb((db) =>
      db
        .select()
        .from(auditLog)
        .where(and(eq(auditLog.tenantId, t.tenantId), eq(auditLog.seq, 2))),
    );
    expect(moved!.createdAt.getTime()).toBe(rows[1]!.createdAt.getTime());
    expect(await verifyAudit(t.apiKey)).toEqual({ ok: false, count: 1, broken_at: { seq: 2, id: rows[1]!.id, reason: "hash_mismatch" } });
  });

  it("tampering with one tenant's chain leaves every other tenant's chain valid", async () => {
    const { t: victim } = await tenantWithRows("audit tamper victim", 2);
    const { t: bystander, rows } = await tenantWithRows("audit tamper bystander", 2);
    await tamper((tx) => tx.execute(sql`update audit_log set action = 'x' where tenant_id = ${victim.tenantId} and seq = 2`));
    expect((await verifyAudit(victim.apiKey)).ok).toBe(false);
    expect(await verifyAudit(bystander.apiKey)).toEqual({ ok: true, count: rows.length });
  });
});
