// Customers: the buying accounts licenses belong to (seed 003). Audit rows name the customer and
// the fields that changed, never their values, so erasing a customer's personal data leaves the
// hash-chained audit log intact (services/privacy.ts).
import { newId } from "../crypto/random";
import { postgresCode } from "../db/client";
import {
  type CustomerFields,
  type CustomerFilter,
  type CustomerRow,
  customerCounts,
  deleteCustomer,
  getCustomer,
  insertCustomer,
  listCustomerDevices,
  listCustomerSeats,
  listCustomers,
  updateCustomer,
} from "../db/repositories/customers";
import type { PageRequest } from "../db/repositories/pagination";
import { customerFootprint, footprintIds, scrubEvents } from "../db/repositories/privacy";
import { AppError, notFound } from "../errors";
import { requireActor } from "./actor";
import type { ChangeRunner } from "./changes";
import type { ServiceDeps } from "./context";

/** The names of the fields a change set, as the API spells them, for the audit row (values may be personal data). */
export const changedFields = (fields: object) =>
  Object.keys(fields)
    .filter((k) => (fields as Record<string, unknown>)[k] !== undefined)
    .map((k) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`));

/** A unique-index violation as the error the caller can act on. */
export async function conflictAs<T>(work: Promise<T>, message: string): Promise<T> {
  try {
    return await work;
  } catch (err) {
    if (postgresCode(err) === "23505") throw new AppError("CONFLICT", message);
    throw err;
  }
}

const EXTERNAL_ID_TAKEN = "Another customer of this tenant already has this external id for the provider.";

export function customerService(deps: ServiceDeps, changes: ChangeRunner) {
  const tenantId = () => requireActor(deps).tenantId;

  async function get(id: string): Promise<CustomerRow> {
    const row = await getCustomer(deps.db(), tenantId(), id);
    if (!row) throw notFound("Customer");
    return row;
  }

  return {
    get,

    /** The customer and how much hangs on it (its detail view). */
    async detail(id: string) {
      const customer = await get(id);
      return { customer, counts: await customerCounts(deps.db(), tenantId(), id, new Date()) };
    },

    list: (page: PageRequest, filter: CustomerFilter) => listCustomers(deps.db(), tenantId(), page, filter),

    /** The live devices across the customer's licenses. */
    async devices(id: string, page: PageRequest) {
      await get(id);
      return listCustomerDevices(deps.db(), tenantId(), id, page);
    },

    /** The live floating seats across the customer's licenses. */
    async seats(id: string, page: PageRequest) {
      await get(id);
      return listCustomerSeats(deps.db(), tenantId(), id, page, new Date());
    },

    create: (fields: CustomerFields & { name: string; email: string }) =>
      conflictAs(
        changes(async (tx, record) => {
          const { externalIds, ...columns } = fields;
          const present = Object.fromEntries(Object.entries(externalIds ?? {}).filter((e): e is [string, string] => e[1] !== null));
          const row = await insertCustomer(tx, { id: newId("cust"), tenantId: tenantId(), ...columns }, present);
          await record({
            action: "customer.create",
            targetType: "customer",
            targetId: row.id,
            details: { fields: changedFields(fields) },
            event: { type: "customer.created", customer: row },
          });
          return row;
        }),
        EXTERNAL_ID_TAKEN,
      ),

    update: (id: string, fields: CustomerFields) =>
      conflictAs(
        changes(async (tx, record) => {
          const row = await updateCustomer(tx, tenantId(), id, fields);
          if (!row) {
            const existing = await getCustomer(tx, tenantId(), id);
            if (!existing) throw notFound("Customer");
            throw new AppError("CONFLICT", "This customer's personal data was erased; it cannot be changed.");
          }
          await record({
            action: "customer.update",
            targetType: "customer",
            targetId: id,
            details: { fields: changedFields(fields) },
            event: { type: "customer.updated", customer: row },
          });
          return row;
        }),
        EXTERNAL_ID_TAKEN,
      ),

    /**
     * Deletes a customer that owns no licenses, with its users and groups, and scrubs the events
     * that carried their data (the deletion's own event names the id only); 409 while it owns
     * licenses (erase it instead).
     */
    remove: (id: string) =>
      changes(async (tx, record) => {
        const row = await getCustomer(tx, tenantId(), id);
        if (!row) throw notFound("Customer");
        const footprint = await customerFootprint(tx, tenantId(), id);
        const outcome = await deleteCustomer(tx, tenantId(), id);
        if (outcome === "in_use") {
          throw new AppError("CONFLICT", "The customer still owns licenses: move them to another customer, or erase the customer's personal data instead.");
        }
        await scrubEvents(tx, tenantId(), footprintIds(id, footprint));
        const gone: CustomerRow = { ...row, name: null, email: null, company: null, country: null, metadata: {}, externalIds: {} };
        await record({ action: "customer.delete", targetType: "customer", targetId: id, event: { type: "customer.deleted", customer: gone } });
      }),
  };
}
