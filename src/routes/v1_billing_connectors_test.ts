// POST /v1/billing/connectors/{id}/test: the console's "send a test event" button.
import { operation, reply } from "../middleware/operation";
import { BillingEvent, billingEventBody } from "../wire/billing";
import { IdParam } from "./requests/common";

export default operation({
  method: "post",
  path: "/v1/billing/connectors/{id}/test",
  operationId: "testBillingConnector",
  audience: "admin",
  permission: "billing:write",
  tags: ["Billing"],
  summary: "Send the connector a test event",
  description:
    "Signs an event of a type licenses don't use, with the stored secret and the provider's own scheme, and runs it through the same intake as a provider's delivery: it shows up in the event log as `ignored`. It checks this side (secret, scheme, log); the provider's dashboard has its own test button for the other side.",
  request: { params: IdParam("bc") },
  responses: { 200: { description: "The logged test event", schema: BillingEvent } },
  errors: ["NOT_FOUND", "BILLING_SIGNATURE_INVALID", "BILLING_EVENT_MALFORMED"],
  handler: async ({ params }, { services }) => reply(200, billingEventBody(await services.billing.sendTest(params.id, new Date()))),
});
