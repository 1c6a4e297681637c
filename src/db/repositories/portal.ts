// Customer portal sessions: made with a code's hash, exchanged once (the code's hash cleared in the
// same statement that sets the credential's), looked up by the credential's hash with its tenant's
// plan and idle deadline in one statement, and revoked.
import { and, desc, eq, isNull, sql } from "drizzle-orm";
import type { UserRole } from "../../contract/customers";
import type { PortalBranding } from "../../contract/portal";
import type { PlanTier } from "../../contract/tokens";
import type { Queryable, RowsFn } from "../client";
import { portalSessions } from "../schema";
import { compact } from "./columns";

export type PortalSessionRow = typeof portalSessions.$inferSelect;

export async function insertPortalSession(db: Queryable, values: typeof portalSessions.$inferInsert): Promise<PortalSessionRow> {
  const [row] = await db.insert(portalSessions).values(values).returning();
  return row!;
}

/**
 * Exchanges a code, once: the row whose code hash matches, unexpired and unrevoked, takes the
 * credential's hash and loses the code's, in one statement, so two racing exchanges get one session.
 */
export async function exchangePortalCode(db: Queryable, input: { codeHash: string; tokenHash: string; now: Date }): Promise<PortalSessionRow | undefined> {
  const [row] = await db
    .update(portalSessions)
    .set({ codeHash: null, tokenHash: input.tokenHash, exchangedAt: input.now, lastUsedAt: input.now })
    .where(
      and(
        eq(portalSessions.codeHash, input.codeHash),
        sql`${portalSessions.codeExpiresAt} > ${input.now}`,
        isNull(portalSessions.revokedAt),
        sql`${portalSessions.expiresAt} > ${input.now}`,
      ),
    )
    .returning();
  return row;
}

/** A live session by its credential's hash, with what authentication needs; idle and dead ones are absent. */
export interface PortalCredential {
  sessionId: string;
  tenantId: string;
  customerId: string;
  /** The customer's user the session is for (null: the account holder), and that user's role now. */
  userId: string | null;
  userRole: UserRole | null;
  planTier: PlanTier;
  branding: PortalBranding;
  expiresAt: Date;
  lastUsedAt: Date;
}

const LOOKUP = compact(`
  select s.id, s.tenant_id, s.customer_id, t.plan_tier, t.portal_branding, s.expires_at, s.last_used_at, s.user_id, u.role
    from portal_sessions s join tenants t on t.id = s.tenant_id join customers c on c.id = s.customer_id
    left join users u on u.id = s.user_id
   where s.token_hash = $1 and s.revoked_at is null and s.expires_at > $2
     and s.last_used_at > $2::timestamptz - make_interval(secs => $3) and c.erased_at is null`);

export async function findPortalCredential(rows: RowsFn, tokenHash: string, now: Date, idleS: number): Promise<PortalCredential | undefined> {
  const [r] = await rows(LOOKUP, [tokenHash, now, idleS]);
  if (!r) return undefined;
  return {
    sessionId: r[0] as string,
    tenantId: r[1] as string,
    customerId: r[2] as string,
    planTier: r[3] as PlanTier,
    branding: (typeof r[4] === "string" ? JSON.parse(r[4]) : r[4]) as PortalBranding,
    expiresAt: new Date(r[5] as string),
    lastUsedAt: new Date(r[6] as string),
    userId: (r[7] as string | null) ?? null,
    userRole: (r[8] as UserRole | null) ?? null,
  };
}

/** Keeps a session alive (after the response; at most once a minute per session). */
export async function touchPortalSession(rows: RowsFn, sessionId: string, now: Date): Promise<void> {
  await rows("update portal_sessions set last_used_at = $2 where id = $1 and last_used_at < $2::timestamptz - interval '1 minute'", [sessionId, now]);
}

export async function revokePortalSession(db: Queryable, tenantId: string, id: string, now: Date): Promise<PortalSessionRow | undefined> {
  const [row] = await db
    .update(portalSessions)
    .set({ revokedAt: sql`coalesce(${portalSessions.revokedAt}, ${now})` })
    .where(and(eq(portalSessions.tenantId, tenantId), eq(portalSessions.id, id)))
    .returning();
  return row;
}

export async function listPortalSessions(db: Queryable, tenantId: string, customerId: string, limit: number): Promise<PortalSessionRow[]> {
  return db
    .select()
    .from(portalSessions)
    .where(and(eq(portalSessions.tenantId, tenantId), eq(portalSessions.customerId, customerId)))
    .orderBy(desc(portalSessions.createdAt))
    .limit(limit);
}
