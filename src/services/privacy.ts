// A customer's personal data, exported whole or erased everywhere it is stored (GDPR articles 15,
// 17 and 20). Erasure runs in one transaction under the customer's row lock: the licenses are kept
// working or revoked as the caller chooses, devices and floating seats are released and
// anonymised, and every event that carried the data is scrubbed. The audit log holds only ids
// and field names (services/customers.ts), so its hash chain verifies unchanged afterwards.

import type { EraseLicenseAction } from "../contract/customers";
import { getCustomer, lockCustomer } from "../db/repositories/customers";
import { updateLicense } from "../db/repositories/licenses";
import { auditNaming, customerFootprint, erasePersonalData, eventsNaming, footprintIds, scrubEvents } from "../db/repositories/privacy";
import { memberIds } from "../db/repositories/users";
import { notFound } from "../errors";
import { activityService } from "./activity/service";
import { requireActor } from "./actor";
import type { ChangeRunner } from "./changes";
import type { ServiceDeps } from "./context";

export function privacyService(deps: ServiceDeps, changes: ChangeRunner) {
  const tenantId = () => requireActor(deps).tenantId;

  return {
    /** Everything held about the customer and its users, as rows (the route serialises them). */
    async export(customerId: string) {
      const db = deps.db();
      const customer = await getCustomer(db, tenantId(), customerId);
      if (!customer) throw notFound("Customer");
      const footprint = await customerFootprint(db, tenantId(), customerId);
      const ids = footprintIds(customerId, footprint);
      const members = await memberIds(
        db,
        footprint.groups.map((g) => g.id),
      );
      return {
        customer,
        ...footprint,
        members,
        events: await eventsNaming(db, tenantId(), ids),
        audit: await auditNaming(db, tenantId(), ids),
        activity: await activityService(deps).ofCustomer(
          customerId,
          footprint.licenses.map((l) => l.id),
        ),
      };
    },

    /**
     * Erases the customer's personal data. `licenses: "keep"` leaves its licenses valid (their
     * devices must activate again); `"revoke"` revokes them too. Idempotent: erasing again finds
     * nothing left and changes nothing but the audit trail.
     */
    erase: (customerId: string, options: { licenses: EraseLicenseAction }) =>
      changes(async (tx, record) => {
        if (!(await lockCustomer(tx, tenantId(), customerId))) throw notFound("Customer");
        const footprint = await customerFootprint(tx, tenantId(), customerId);
        const now = new Date();
        const erased = await erasePersonalData(tx, tenantId(), customerId, footprint, now);
        // Every event written before now that named the customer's data; the ones below carry none.
        const scrubbed = await scrubEvents(tx, tenantId(), footprintIds(customerId, footprint));
        let revoked = 0;
        if (options.licenses === "revoke") {
          for (const license of footprint.licenses.filter((l) => l.status !== "revoked")) {
            const row = (await updateLicense(tx, tenantId(), license.id, { status: "revoked" }))!;
            await record({
              action: "license.revoke",
              targetType: "license",
              targetId: row.id,
              details: { reason: "customer_erased" },
              event: { type: "license.revoked", license: row },
            });
            revoked++;
          }
        }
        for (const activation of erased.released) {
          await record({
            action: "activation.release",
            targetType: "activation",
            targetId: activation.id,
            details: { license_id: activation.licenseId, reason: "customer_erased" },
            event: { type: "activation.deleted", activation, reason: "admin" },
          });
        }
        for (const lease of erased.ended) {
          await record({
            action: "lease.release",
            targetType: "lease",
            targetId: lease.id,
            details: { license_id: lease.licenseId, reason: "customer_erased" },
            event: { type: "lease.released", lease },
          });
        }
        const summary = {
          licenses: options.licenses,
          licenses_revoked: revoked,
          users_deleted: footprint.users.length,
          groups_deleted: footprint.groups.length,
          devices_released: erased.released.length,
          seats_released: erased.ended.length,
          events_scrubbed: scrubbed,
        };
        await record({
          action: "customer.erase",
          targetType: "customer",
          targetId: customerId,
          details: summary,
          event: { type: "customer.erased", customer: { ...erased.customer, externalIds: {} } },
        });
        return { customer: { ...erased.customer, externalIds: {} }, summary };
      }),
  };
}
