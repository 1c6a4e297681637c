// The activity lists' filters: code, operation, device, a time window and cursor paging.
import { z } from "@hono/zod-openapi";
import { PageQuery } from "./common";

export const ActivityQuery = PageQuery.extend({
  starting_after: z
    .string()
    .regex(/^evt_[0-9a-z]{9}[1-9A-HJ-NP-Za-km-z]{14}$/, "The `next_cursor` of the previous page")
    .optional()
    .openapi({ description: "The `next_cursor` of the previous page" }),
  code: z
    .string()
    .regex(/^[A-Z][A-Z0-9_]{0,63}$/, "A result code such as FINGERPRINT_MISMATCH")
    .optional()
    .openapi({ description: "Only events with this result code (VALID, OK, FINGERPRINT_MISMATCH, NO_LEASES_AVAILABLE, ...)" }),
  operation: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9]{0,63}$/, "An operationId such as validateLicense")
    .optional()
    .openapi({ description: "Only this operation (its operationId: validateLicense, verifyLicense, activateDevice, acquireLease, ...)" }),
  device: z
    .string()
    .regex(/^(act_[1-9A-HJ-NP-Za-km-z]{1,60}|[0-9a-f]{12})$/, "An activation id (act_...) or a 12-hex fingerprint prefix")
    .optional()
    .openapi({ description: "Only events of this device: an activation id, or the fingerprint prefix an event showed" }),
  since: z.string().datetime({ offset: true }).optional().openapi({ description: "From this time (inclusive); at most the tenant's retention ago" }),
  until: z.string().datetime({ offset: true }).optional().openapi({ description: "Before this time (exclusive); now by default" }),
});

export type ActivityQueryInput = z.infer<typeof ActivityQuery>;

export const activityFilter = (q: ActivityQueryInput) => ({
  code: q.code,
  operation: q.operation,
  device: q.device,
  since: q.since ? new Date(q.since) : undefined,
  until: q.until ? new Date(q.until) : undefined,
  startingAfter: q.starting_after,
  limit: q.limit,
});
