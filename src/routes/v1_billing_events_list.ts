// GET /v1/billing/events: every delivery a connector received, with what became of it.
import { z } from "@hono/zod-openapi";
import { BILLING_EVENT_OUTCOMES } from "../contract/billing";
import { operation, reply } from "../middleware/operation";
import { BillingEvent, billingEventBody } from "../wire/billing";
import { pageOf } from "../wire/common";
import { PageQuery } from "./requests/common";

const Query = PageQuery.extend({
  connector_id: z.string().min(1).max(64).optional(),
  outcome: z.enum(BILLING_EVENT_OUTCOMES).optional(),
  license_id: z.string().min(1).max(64).optional(),
});

export default operation({
  method: "get",
  path: "/v1/billing/events",
  operationId: "listBillingEvents",
  audience: "admin",
  permission: "billing:read",
  tags: ["Billing"],
  summary: "The billing event log",
  description:
    "Newest first: `applied` (the license now matches every fact received about its subscription or order), `ignored` (an event type licenses don't depend on), `pending` (waiting for the event it refers to, or for what was bought), `failed` (with the error; the provider's retry applies it afresh) and `rejected` (bad signature, malformed body or unmapped price: nothing of the body is kept).",
  request: { query: Query },
  responses: { 200: { description: "A page of events", schema: pageOf(BillingEvent).openapi("BillingEventPage") } },
  handler: async ({ query }, { services }) => {
    const page = await services.billing.events(
      { limit: query.limit, startingAfter: query.starting_after },
      { connectorId: query.connector_id, outcome: query.outcome, licenseId: query.license_id },
    );
    return reply(200, { ...page, data: page.data.map(billingEventBody) });
  },
});
