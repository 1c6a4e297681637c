// A provider's delivery at a connector's public endpoint: the signature is verified over the raw
// body before anything is parsed; a bad signature, a malformed body or an unmapped price is refused
// (4xx, so the provider retries: a seller who fixes a mapping gets the purchase applied) and leaves
// only a line in the event log. An accepted event is stored once per provider event id and its
// subscription's or order's license made to match every fact stored about it (apply.ts), in one
// transaction under the connector's lock. A retry of an event that failed is applied afresh.
import type { BillingFact, BillingItem, BillingMapping } from "../../contract/billing";
import { decryptSecret } from "../../crypto/aes";
import { sha256Hex } from "../../crypto/hash";
import { newId } from "../../crypto/random";
import {
  type BillingConnectorRow,
  type BillingEventRow,
  deleteBillingEvent,
  dueRechecks,
  findBillingConnector,
  findBillingEvent,
  insertBillingEvent,
  linkKeys,
  lockConnectorApply,
  recordFailedBillingEvent,
} from "../../db/repositories/billing";
import { AppError, notFound } from "../../errors";
import { type ChangeRunner, createChangeRunner } from "../changes";
import type { Actor, ServiceDeps } from "../context";
import { type Applied, applyGroup } from "./apply";
import { MalformedBillingEvent, normalizeFact } from "./providers";
import { verifyBillingSignature } from "./signatures";

export interface Received {
  event: BillingEventRow;
  /** The same provider event id was already applied or ignored: nothing was done again. */
  duplicate: boolean;
  applied?: Applied;
}

/** The first mapping that matches an item (by price, variant, then product), or undefined. */
export function mappingFor(items: BillingItem[], mappings: BillingMapping[]): BillingMapping | undefined {
  for (const mapping of mappings) {
    if (items.some((i) => i.priceId === mapping.match || i.variantId === mapping.match || i.productId === mapping.match)) return mapping;
  }
  return undefined;
}

/** What a connector acts as: the audit log names the connector; it may only change licenses and customers. */
export const connectorActor = (connector: BillingConnectorRow, planTier: Actor["planTier"]): Actor => ({
  tenantId: connector.tenantId,
  planTier,
  keyId: connector.id,
  permissions: ["licenses:read", "licenses:write", "customers:read", "customers:write"],
});

export function billingIntake(deps: ServiceDeps, changes: ChangeRunner) {
  /** A refused delivery: one log line (no body, no fact), then the error. */
  async function reject(connector: BillingConnectorRow, eventType: string | null, error: AppError): Promise<never> {
    await insertBillingEvent(deps.db(), {
      id: newId("bev"),
      tenantId: connector.tenantId,
      connectorId: connector.id,
      eventType,
      outcome: "rejected",
      reason: `${error.code}: ${error.message}`,
    });
    throw error;
  }

  return {
    /** The connector a delivery names, and the actor it applies as; 404 for an unknown or disabled one. */
    async connector(id: string): Promise<{ connector: BillingConnectorRow; actor: Actor }> {
      const connector = /^bc_[A-Za-z0-9]{1,60}$/.test(id) ? await findBillingConnector(deps.db(), id) : undefined;
      if (!connector?.enabled) {
        deps.log.warn("billing delivery for an unknown or disabled connector", { connector_id: id.slice(0, 64) });
        throw notFound("Billing connector");
      }
      return { connector, actor: connectorActor(connector, connector.planTier) };
    },

    /** Verifies, normalises, stores and applies one delivery. */
    async receive(connector: BillingConnectorRow, headers: Headers, body: string, now: Date): Promise<Received> {
      const secret = await decryptSecret(deps.config.webhookSecretsKey, connector.secretCiphertext, connector.id);
      if (!secret) {
        return reject(
          connector,
          null,
          new AppError(
            "BILLING_SIGNATURE_INVALID",
            "The connector has no signing secret yet: copy it from the provider's webhook settings into the connector.",
          ),
        );
      }
      const check = await verifyBillingSignature(connector.provider, secret, headers, body, now.getTime());
      if (!check.ok) return reject(connector, null, new AppError("BILLING_SIGNATURE_INVALID", `${check.code}: ${check.message}`));
      let payload: unknown;
      try {
        payload = JSON.parse(body);
      } catch {
        return reject(connector, null, new AppError("BILLING_EVENT_MALFORMED", "The body is not JSON."));
      }
      let fact: BillingFact;
      try {
        // Lemon Squeezy names no event id: a retry resends the same bytes, so their hash is the id.
        const eventId = check.eventId ?? (connector.provider === "lemonsqueezy" ? `ls_${(await sha256Hex(body)).slice(0, 40)}` : undefined);
        fact = normalizeFact(connector.provider, payload, { eventId, eventName: check.eventName, receivedAt: now.getTime() });
      } catch (err) {
        if (err instanceof MalformedBillingEvent) return reject(connector, null, new AppError("BILLING_EVENT_MALFORMED", err.message));
        throw err;
      }
      if (fact.kind !== "ignored" && fact.items && fact.items.length > 0 && !mappingFor(fact.items, connector.mappings)) {
        const ids = fact.items.map((i) => i.priceId ?? i.variantId ?? i.productId).filter(Boolean);
        return reject(
          connector,
          fact.eventType,
          new AppError(
            "BILLING_UNMAPPED",
            `No mapping for ${ids.join(", ") || "the purchased item"}: add one to the connector; the provider's retry will apply it.`,
          ),
        );
      }
      try {
        return await changes(async (tx, record) => {
          await lockConnectorApply(tx, connector.id);
          const prior = await findBillingEvent(tx, connector.id, fact.eventId);
          if (prior && prior.outcome !== "failed") return { event: prior, duplicate: true };
          if (prior) await deleteBillingEvent(tx, prior.id);
          const stored = await insertBillingEvent(tx, {
            id: newId("bev"),
            tenantId: connector.tenantId,
            connectorId: connector.id,
            providerEventId: fact.eventId,
            eventType: fact.eventType,
            outcome: fact.kind === "ignored" ? "ignored" : "pending",
            reason: fact.ignoredReason ?? null,
            key: fact.key,
            refs: fact.refs,
            fact,
            occurredAt: new Date(fact.occurredAt),
          });
          // An ignored fact may still link others (a payment naming the invoice a refund refers to).
          if (fact.kind === "ignored" && fact.refs.length === 0 && !fact.key) return { event: stored, duplicate: false };
          const applied = await applyGroup(
            tx,
            record,
            connector,
            [fact.key, ...fact.refs].filter((id): id is string => !!id),
            now,
            deps.config.issuer(),
          );
          if (fact.kind === "ignored") return { event: stored, duplicate: false, applied };
          return { event: { ...stored, outcome: applied.outcome, reason: applied.reason, licenseId: applied.licenseId }, duplicate: false, applied };
        });
      } catch (err) {
        // An outage is the provider's to retry; anything else is this event's failure, logged with
        // its reason (a deleted policy, an erased customer) and refused so the provider retries.
        if (err instanceof AppError && err.code === "SERVICE_UNAVAILABLE") throw err;
        const reason = err instanceof AppError ? err.message : "An unexpected error; the service's logs have the details.";
        if (!(err instanceof AppError)) deps.log.error("billing event failed", { connector_id: connector.id, error: err });
        await recordFailedBillingEvent(deps.db(), {
          id: newId("bev"),
          tenantId: connector.tenantId,
          connectorId: connector.id,
          providerEventId: fact.eventId,
          eventType: fact.eventType,
          outcome: "failed",
          reason,
          key: fact.key,
          refs: fact.refs,
          fact,
          occurredAt: new Date(fact.occurredAt),
        }).catch(() => {});
        throw new AppError("BILLING_APPLY_FAILED", `The event could not be applied: ${reason}`);
      }
    },
  };
}

/**
 * The cron's part: groups whose dunning grace has ended are applied again (a failed payment with no
 * payment since suspends now). Each under its connector's lock, audited as the connector; a group
 * that no longer needs a look is cleared, so nothing is looked at twice.
 */
export async function recheckDueBilling(deps: ServiceDeps, now: Date): Promise<number> {
  const due = await dueRechecks(deps.db(), now, 20);
  for (const { connectorId, tenantId, key } of due) {
    const connector = await findBillingConnector(deps.db(), connectorId);
    const changes = createChangeRunner(deps, { actorId: connectorId });
    await changes(async (tx, record) => {
      await lockConnectorApply(tx, connectorId);
      await linkKeys(tx, { connectorId, tenantId, keys: [key], licenseId: null, recheckAt: null });
      if (connector) await applyGroup(tx, record, connector, [key], now, deps.config.issuer());
    });
  }
  return due.length;
}
