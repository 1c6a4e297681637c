// Makes a subscription's or order's license what its facts say, in the transaction that stored the
// latest fact and under the connector's lock. The license is a function of the SET of stored facts
// (machine.ts), so applying is idempotent and converges whatever order deliveries arrive in: a
// retry, a duplicate or a late old event at worst re-applies the same state. The first complete,
// mapped group creates the customer (found by the provider's id, then email) and the license;
// every later application updates it.

import type { BillingCustomer, DesiredLicense } from "../../contract/billing";
import { PORTAL_BILLING_CODE_TTL_S, PORTAL_MAX_S } from "../../contract/portal";
import { sha256Hex } from "../../crypto/hash";
import { newId, newLicenseKey, newPortalCode, visiblePrefix } from "../../crypto/random";
import type { Tx } from "../../db/client";
import type { BillingConnectorRow, BillingEventRow } from "../../db/repositories/billing";
import { linkedFacts, linkedLicense, linkKeys, setBillingEventOutcome, storedFact } from "../../db/repositories/billing";
import { type CustomerRow, findCustomerByEmail, findCustomerByExternalId, insertCustomer, setExternalIds } from "../../db/repositories/customers";
import { getLicense, insertLicense, type LicenseRow, updateLicense } from "../../db/repositories/licenses";
import { getPolicy } from "../../db/repositories/policies";
import { insertPortalSession } from "../../db/repositories/portal";
import { ensureStatusIndex } from "../../db/repositories/status-lists";
import { AppError } from "../../errors";
import type { RecordChange } from "../changes";
import { desiredLicense, foldFacts } from "./machine";

export interface Applied {
  outcome: "applied" | "pending";
  reason: string | null;
  licenseId: string | null;
  /** Set when this application created the license. */
  created?: LicenseRow;
}

const sameDate = (a: Date | null, b: number | null) => (a === null ? b === null : b !== null && a.getTime() === b);
const sameList = (a: string[], b: string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/** The buyer: the customer with the provider's id, else the tenant's customer with the email, else a new one. */
async function buyer(tx: Tx, record: RecordChange, connector: BillingConnectorRow, who: BillingCustomer | null): Promise<CustomerRow | null> {
  if (!who) return null;
  const tenantId = connector.tenantId;
  const byId = who.externalId ? await findCustomerByExternalId(tx, tenantId, connector.provider, who.externalId) : undefined;
  if (byId && !byId.erasedAt) return byId;
  const byEmail = who.email ? await findCustomerByEmail(tx, tenantId, who.email) : undefined;
  if (byEmail) {
    // Remember the provider's id, so the next purchase finds the customer even with a new email.
    if (who.externalId && !byEmail.externalIds[connector.provider]) await setExternalIds(tx, tenantId, byEmail.id, { [connector.provider]: who.externalId });
    return byEmail;
  }
  if (!who.email && !who.externalId) return null;
  const row = await insertCustomer(
    tx,
    { id: newId("cust"), tenantId, name: who.name ?? who.email ?? who.externalId, email: who.email?.toLowerCase() ?? null },
    who.externalId ? { [connector.provider]: who.externalId } : {},
  );
  await record({
    tenantId,
    action: "customer.create",
    targetType: "customer",
    targetId: row.id,
    details: { source: "billing", connector_id: connector.id },
    event: { type: "customer.created", customer: row },
  });
  return row;
}

/** The status change a desired status asks of the license: revoked stays revoked, whatever billing says later. */
function transitionTo(license: LicenseRow, desired: DesiredLicense["status"]) {
  if (license.status === desired || license.status === "revoked") return null;
  if (desired === "revoked") return { action: "revoke", event: "license.revoked" } as const;
  if (desired === "suspended") return { action: "suspend", event: "license.suspended" } as const;
  return { action: "reinstate", event: "license.reinstated" } as const;
}

/** A one-time portal link for the buyer, where they take their key (for the seller's mailer, in `license.created`). */
async function portalLink(tx: Tx, connector: BillingConnectorRow, customerId: string, issuer: string, now: Date): Promise<string> {
  const code = newPortalCode();
  const codeExpiresAt = new Date(now.getTime() + PORTAL_BILLING_CODE_TTL_S * 1000);
  await insertPortalSession(tx, {
    id: newId("ps"),
    tenantId: connector.tenantId,
    customerId,
    codeHash: await sha256Hex(code),
    codeExpiresAt,
    createdBy: connector.id,
    expiresAt: new Date(codeExpiresAt.getTime() + PORTAL_MAX_S * 1000),
  });
  return `${issuer}/portal/#code=${code}`;
}

async function createLicense(
  tx: Tx,
  record: RecordChange,
  connector: BillingConnectorRow,
  reference: string,
  d: DesiredLicense,
  context: { issuer: string; now: Date },
): Promise<LicenseRow> {
  const tenantId = connector.tenantId;
  const policy = await getPolicy(tx, tenantId, d.mapping.policyId);
  if (!policy) throw new AppError("NOT_FOUND", `The mapping's policy ${d.mapping.policyId} no longer exists: map the price to another policy.`);
  const customer = await buyer(tx, record, connector, d.customer);
  const key = newLicenseKey();
  const created = await insertLicense(tx, {
    id: newId("lic"),
    tenantId,
    applicationId: policy.applicationId,
    policyId: policy.id,
    // The key is never shown: the buyer gets one from the customer portal (a new key, shown once).
    keyHash: await sha256Hex(key),
    keyPrefix: visiblePrefix(key),
    status: d.status,
    plan: d.plan,
    features: d.features,
    expiresAt: d.expiresAt === null ? null : new Date(d.expiresAt),
    maxActivations: d.seats,
    customerId: customer?.id ?? null,
    billingConnectorId: connector.id,
    billingReference: reference,
  });
  const entry = await ensureStatusIndex(tx, tenantId, created.id, newId("sl"));
  const portalUrl = customer && d.status === "active" ? await portalLink(tx, connector, customer.id, context.issuer, context.now) : undefined;
  await record({
    tenantId,
    action: "license.create",
    targetType: "license",
    targetId: created.id,
    details: { source: "billing", connector_id: connector.id, reference, status: d.status },
    event: { type: "license.created", license: created, source: "billing", portalUrl },
    affects: entry.grown ? { statusList: true } : undefined,
  });
  return created;
}

/** Brings an existing license to the desired state, recording only what changed. */
async function updateToDesired(tx: Tx, record: RecordChange, connector: BillingConnectorRow, license: LicenseRow, d: DesiredLicense): Promise<void> {
  const tenantId = connector.tenantId;
  const fields: Partial<LicenseRow> = {};
  if (license.plan !== d.plan) fields.plan = d.plan;
  if (!sameList(license.features, d.features)) fields.features = d.features;
  if (!sameDate(license.expiresAt, d.expiresAt)) {
    fields.expiresAt = d.expiresAt === null ? null : new Date(d.expiresAt);
    fields.expiryNotifiedAt = null;
  }
  if (license.maxActivations !== d.seats) fields.maxActivations = d.seats;
  if (license.policyId !== d.mapping.policyId) {
    const policy = await getPolicy(tx, tenantId, d.mapping.policyId);
    // An upgrade may move the license to another policy of the same application, never elsewhere.
    if (policy && policy.applicationId === license.applicationId) fields.policyId = policy.id;
  }
  let current = license;
  if (Object.keys(fields).length > 0) {
    current = (await updateLicense(tx, tenantId, license.id, fields))!;
    await record({
      tenantId,
      action: "license.update",
      targetType: "license",
      targetId: license.id,
      details: { source: "billing", connector_id: connector.id, fields: Object.keys(fields).sort() },
      event: { type: "license.updated", license: current },
    });
  }
  const step = transitionTo(current, d.status);
  if (step) {
    const moved = await updateLicense(tx, tenantId, license.id, { status: d.status }, [current.status]);
    if (moved) {
      await record({
        tenantId,
        action: `license.${step.action}`,
        targetType: "license",
        targetId: license.id,
        details: { source: "billing", connector_id: connector.id, reason: d.reason },
        event: { type: step.event, license: moved },
      });
    }
  }
}

/** When the sweep must look again: the end of a running dunning grace. */
function recheckAt(rows: BillingEventRow[], dunningGraceS: number, now: number): Date | null {
  let paid = 0;
  let failed = 0;
  for (const fact of rows.map(storedFact)) {
    if (fact.kind === "payment_succeeded" || fact.kind === "purchase") paid = Math.max(paid, fact.occurredAt);
    if (fact.kind === "payment_failed") failed = Math.max(failed, fact.occurredAt);
  }
  const due = failed + dunningGraceS * 1000;
  return failed > paid && due > now ? new Date(due) : null;
}

/**
 * Folds every fact linked to `ids` and makes the license match. Call with the connector's lock held
 * (repositories/billing.ts lockConnectorApply) and the newest fact already stored.
 */
export async function applyGroup(tx: Tx, record: RecordChange, connector: BillingConnectorRow, ids: string[], now: Date, issuer: string): Promise<Applied> {
  const rows = await linkedFacts(tx, connector.id, ids);
  const keys = [...new Set(rows.map((r) => r.key).filter((k): k is string => k !== null))].sort();
  // Ignored facts only link others (an invoice payment naming its payment intent): they stay ignored.
  const linked = rows.filter((r) => storedFact(r).kind !== "ignored").map((r) => r.id);
  const mark = (a: Applied) => setBillingEventOutcome(tx, linked, { outcome: a.outcome, reason: a.reason, licenseId: a.licenseId });
  if (linked.length === 0) return { outcome: "pending", reason: null, licenseId: null };
  if (keys.length === 0) {
    const pending: Applied = { outcome: "pending", reason: "Waiting for the subscription or order this event refers to.", licenseId: null };
    await mark(pending);
    return pending;
  }
  const state = foldFacts(rows.map(storedFact).filter((f) => f.kind !== "ignored"));
  const result = desiredLicense(state, connector.mappings, { graceS: connector.renewalGraceS, dunningGraceS: connector.dunningGraceS }, now.getTime());
  const existingId = await linkedLicense(tx, connector.id, keys);
  if (!result.ok) {
    const pending: Applied = { outcome: "pending", reason: result.message, licenseId: existingId };
    await mark(pending);
    return pending;
  }
  const existing = existingId ? await getLicense(tx, connector.tenantId, existingId) : undefined;
  let applied: Applied;
  if (existing) {
    await updateToDesired(tx, record, connector, existing, result.desired);
    applied = { outcome: "applied", reason: result.desired.reason, licenseId: existing.id };
  } else {
    const created = await createLicense(tx, record, connector, keys[0]!, result.desired, { issuer, now });
    applied = { outcome: "applied", reason: result.desired.reason, licenseId: created.id, created };
  }
  await linkKeys(tx, {
    connectorId: connector.id,
    tenantId: connector.tenantId,
    keys,
    licenseId: applied.licenseId,
    recheckAt: recheckAt(rows, connector.dunningGraceS, now.getTime()),
  });
  await mark(applied);
  return applied;
}
