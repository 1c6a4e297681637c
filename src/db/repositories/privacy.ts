// What the service holds about one customer, found by id (privacy export and erasure). Personal data
// lives in known columns only: customers (name, email, company, country, metadata), external ids,
// users (email, name, metadata), groups (name), the customer's licenses' metadata, their devices
// (fingerprint, name, domain, network, metadata), their floating seats (instance, user), replayable
// responses, and the webhook events that carried any of these. Audit rows carry ids and field names
// only, so the hash chain never holds what erasure must remove.
import { and, eq, inArray, sql } from "drizzle-orm";
import type { Queryable, Tx } from "../client";
import {
  activations,
  activityEvents,
  auditLog,
  customerExternalIds,
  customers,
  groups,
  idempotencyKeys,
  leases,
  licenses,
  users,
  webhookEvents,
} from "../schema";
import type { ActivationRow } from "./activations";
import type { LeaseRow } from "./leases";
import type { LicenseRow } from "./licenses";
import type { GroupRow, UserRow } from "./users";

export interface Footprint {
  licenses: LicenseRow[];
  users: UserRow[];
  groups: GroupRow[];
  activations: ActivationRow[];
  leases: LeaseRow[];
}

/** Every row that belongs to the customer, oldest first. */
export async function customerFootprint(db: Queryable, tenantId: string, customerId: string): Promise<Footprint> {
  const owned = await db
    .select()
    .from(licenses)
    .where(and(eq(licenses.tenantId, tenantId), eq(licenses.customerId, customerId)))
    .orderBy(licenses.createdAt, licenses.id);
  const licenseIds = owned.map((l) => l.id);
  const none = licenseIds.length === 0;
  return {
    licenses: owned,
    users: await db
      .select()
      .from(users)
      .where(and(eq(users.tenantId, tenantId), eq(users.customerId, customerId)))
      .orderBy(users.createdAt, users.id),
    groups: await db
      .select()
      .from(groups)
      .where(and(eq(groups.tenantId, tenantId), eq(groups.customerId, customerId)))
      .orderBy(groups.createdAt, groups.id),
    activations: none
      ? []
      : await db.select().from(activations).where(inArray(activations.licenseId, licenseIds)).orderBy(activations.createdAt, activations.id),
    leases: none ? [] : await db.select().from(leases).where(inArray(leases.licenseId, licenseIds)).orderBy(leases.createdAt, leases.id),
  };
}

/** The ids that name the customer's data in events and audit rows. */
export const footprintIds = (customerId: string, f: Footprint) => [
  customerId,
  ...f.licenses.map((r) => r.id),
  ...f.users.map((r) => r.id),
  ...f.groups.map((r) => r.id),
  ...f.activations.map((r) => r.id),
  ...f.leases.map((r) => r.id),
];

/** Any of the ids as a JSON string inside the column's text (ids are `prefix_base58`: no LIKE wildcards). */ const anyLike = (
  column: unknown,
  ids: string[],
) =>
  sql`(${sql.join(
    ids.map((id) => sql`${column} like ${`%"${id}"%`}`),
    sql` or `,
  )})`;

/** The webhook events whose payload names any of the ids, oldest first. */
export async function eventsNaming(db: Queryable, tenantId: string, ids: string[]) {
  return db
    .select()
    .from(webhookEvents)
    .where(and(eq(webhookEvents.tenantId, tenantId), anyLike(webhookEvents.payload, ids)))
    .orderBy(webhookEvents.createdAt, webhookEvents.id);
}

/** The audit rows about any of the ids (as target or in their details), in chain order. */
export async function auditNaming(db: Queryable, tenantId: string, ids: string[]) {
  return db
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.tenantId, tenantId), sql`(${inArray(auditLog.targetId, ids)} or ${anyLike(sql`${auditLog.details}::text`, ids)})`))
    .orderBy(auditLog.seq);
}

/**
 * Replaces the payload of every event naming the ids with its type, time and a marker: the
 * event stays (its deliveries, the outbox's history) but carries nothing personal.
 */
export async function scrubEvents(tx: Tx, tenantId: string, ids: string[]): Promise<number> {
  const rows = await tx
    .update(webhookEvents)
    .set({
      payload: sql`json_build_object('type', ${webhookEvents.type}, 'timestamp', to_char(${webhookEvents.createdAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'data', json_build_object('erased', true))::text`,
    })
    .where(and(eq(webhookEvents.tenantId, tenantId), anyLike(webhookEvents.payload, ids)))
    .returning({ id: webhookEvents.id });
  return rows.length;
}

/**
 * Erases the personal data of a customer's footprint: devices released and their identifying
 * fields overwritten, seats ended and anonymised, licenses' metadata emptied, replayable
 * responses dropped, users and groups deleted, external ids removed, the customer blanked.
 * Returns the activations and leases it ended (for their events).
 */
export async function erasePersonalData(tx: Tx, tenantId: string, customerId: string, f: Footprint, now: Date) {
  const licenseIds = f.licenses.map((l) => l.id);
  let released: ActivationRow[] = [];
  let ended: LeaseRow[] = [];
  if (licenseIds.length > 0) {
    released = await tx
      .update(activations)
      .set({ deactivatedAt: now, deactivationReason: "admin" })
      .where(and(inArray(activations.licenseId, licenseIds), sql`${activations.deactivatedAt} is null`))
      .returning();
    await tx
      .update(activations)
      .set({ fingerprint: sql`'erased:' || ${activations.id}`, name: null, domain: null, ip: null, metadata: {} })
      .where(inArray(activations.licenseId, licenseIds));
    await tx.update(licenses).set({ activationCount: 0, metadata: {}, updatedAt: now }).where(inArray(licenses.id, licenseIds));
    ended = await tx
      .update(leases)
      .set({ releasedAt: now })
      .where(and(inArray(leases.licenseId, licenseIds), sql`${leases.releasedAt} is null and ${leases.expiresAt} > ${now}`))
      .returning();
    await tx.update(leases).set({ instanceId: "erased", userId: null }).where(inArray(leases.licenseId, licenseIds));
    await tx.delete(idempotencyKeys).where(inArray(idempotencyKeys.licenseId, licenseIds));
    // The local activity store's events (fingerprint prefixes, networks, user agents) go too.
    await tx.delete(activityEvents).where(and(eq(activityEvents.tenantId, tenantId), inArray(activityEvents.licenseId, licenseIds)));
  }
  await tx.delete(activityEvents).where(and(eq(activityEvents.tenantId, tenantId), eq(activityEvents.customerId, customerId)));
  await tx.delete(users).where(and(eq(users.tenantId, tenantId), eq(users.customerId, customerId)));
  await tx.delete(groups).where(and(eq(groups.tenantId, tenantId), eq(groups.customerId, customerId)));
  await tx.delete(customerExternalIds).where(eq(customerExternalIds.customerId, customerId));
  const [customer] = await tx
    .update(customers)
    .set({ name: null, email: null, company: null, country: null, metadata: {}, erasedAt: now, updatedAt: now })
    .where(and(eq(customers.tenantId, tenantId), eq(customers.id, customerId)))
    .returning();
  // The rows as they read now (anonymised) are what the release events carry.
  const anonymised =
    released.length > 0
      ? await tx
          .select()
          .from(activations)
          .where(
            inArray(
              activations.id,
              released.map((a) => a.id),
            ),
          )
      : [];
  const endedNow =
    ended.length > 0
      ? await tx
          .select()
          .from(leases)
          .where(
            inArray(
              leases.id,
              ended.map((l) => l.id),
            ),
          )
      : [];
  return { customer: customer!, released: anonymised, ended: endedNow };
}
