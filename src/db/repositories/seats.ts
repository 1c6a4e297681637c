// The activation fast path over Neon's HTTP query endpoint: no connection to open, and no row lock
// held across round trips. A seat is taken, the activation inserted and its `activation.created`
// event written to the outbox (with a pending delivery per subscribed endpoint, as insertEvent
// does) in one statement, so the license row is locked only while that statement runs: 50
// devices racing for 5 seats get 5 seats and 45 prompt refusals, on a busy machine too.

import type { RowsFn } from "../client";
import type { ActivationRow } from "./activations";
import { compact, selectList } from "./columns";

export interface SeatClaim {
  licenseId: string;
  tenantId: string;
  maxActivations: number | null;
  /** The activation to insert, as the event announces it. */
  activation: ActivationRow;
  event: { id: string; payload: string };
}

// Postgres runs every data-modifying CTE whether or not the outer query reads it; each step feeds
// the next, so nothing is written unless the seat was taken.
const TAKE_SEAT = compact(`
  with seat as (
    update licenses set activation_count = activation_count + 1, updated_at = $3
     where id = $1 and status = 'active' and (expires_at is null or expires_at > $3)
       and ($2::int is null or activation_count < $2::int)
    returning id, tenant_id),
  act as (
    insert into activations (id, tenant_id, license_id, fingerprint, name, domain, ip, metadata, last_heartbeat_at, created_at, dpop_jkt)
    select $4, seat.tenant_id, seat.id, $5, $6, $7, $8, $9::jsonb, $3, $3, $12 from seat
    returning id, tenant_id),
  ev as (
    insert into webhook_events (id, tenant_id, type, payload, created_at)
    select $10, act.tenant_id, 'activation.created', $11, $3 from act
    returning id, tenant_id),
  dl as (
    insert into webhook_deliveries (id, tenant_id, event_id, endpoint_id, event_type, status, attempts, next_attempt_at, created_at, updated_at)
    select 'whd_' || replace(gen_random_uuid()::text, '-', ''), e.tenant_id, ev.id, e.id, 'activation.created', 'pending', 0, now(), now(), now()
      from ev join webhook_endpoints e on e.tenant_id = ev.tenant_id
     where e.enabled and (cardinality(e.event_types) = 0 or 'activation.created' = any(e.event_types))
    returning 1)
  select (select count(*) from act)::int, (select count(*) from dl)::int`);

/**
 * Takes a seat for `claim.activation` if the license is usable and has one free. Throws the
 * database's unique violation when the same device was activated meanwhile (the caller looks again).
 */
export async function takeSeatWithActivation(rows: RowsFn, claim: SeatClaim): Promise<{ taken: boolean }> {
  const a = claim.activation;
  const [row] = await rows(TAKE_SEAT, [
    claim.licenseId,
    claim.maxActivations,
    a.createdAt,
    a.id,
    a.fingerprint,
    a.name,
    a.domain,
    a.ip,
    JSON.stringify(a.metadata),
    claim.event.id,
    claim.event.payload,
    a.dpopJkt,
  ]);
  return { taken: Number(row?.[0] ?? 0) === 1 };
}

const ACTIVATION = selectList<ActivationRow>({
  id: "id",
  tenantId: "tenant_id",
  licenseId: "license_id",
  fingerprint: "fingerprint",
  name: "name",
  domain: "domain",
  ip: "ip",
  metadata: "metadata",
  lastHeartbeatAt: "last_heartbeat_at",
  deactivatedAt: "deactivated_at",
  deactivationReason: "deactivation_reason",
  createdAt: "created_at",
  dpopJkt: "dpop_jkt",
});
const ACTIVATION_BY_ID = compact(`select ${ACTIVATION.sql} from activations where id = $1 and license_id = $2`);
const LIVE_COUNT = compact("select count(*)::int from activations where license_id = $1 and deactivated_at is null");

const BIND_KEY = compact(`update activations set dpop_jkt = $3 where id = $1 and license_id = $2 and dpop_jkt is null and deactivated_at is null
  returning ${ACTIVATION.sql}`);

/** Binds a live activation that has no device key yet to `jkt`; undefined when it has one (or was released) meanwhile. */
export async function bindActivationKey(rows: RowsFn, licenseId: string, id: string, jkt: string): Promise<ActivationRow | undefined> {
  const [row] = await rows(BIND_KEY, [id, licenseId, jkt]);
  return row ? ACTIVATION.read(row) : undefined;
}

/** One activation of a license, as stored. */
export async function readActivation(rows: RowsFn, licenseId: string, id: string): Promise<ActivationRow | undefined> {
  const [row] = await rows(ACTIVATION_BY_ID, [id, licenseId]);
  return row ? ACTIVATION.read(row) : undefined;
}

/** Live activations of a license (a refusal's `details`). */
export async function liveActivationCount(rows: RowsFn, licenseId: string): Promise<number> {
  const [row] = await rows(LIVE_COUNT, [licenseId]);
  return Number(row?.[0] ?? 0);
}
