// POST /v1/customers/{id}/erase: remove a customer's personal data everywhere it is stored (a data
// subject's erasure request). The caller chooses what happens to the licenses: `keep` (they stay
// valid; their devices must activate again) or `revoke`. The audit chain still verifies after.
import { z } from "@hono/zod-openapi";
import { ERASE_LICENSE_ACTIONS } from "../contract/customers";
import { operation, reply } from "../middleware/operation";
import { customerBody } from "../wire/customers";
import { ErasureResult } from "../wire/privacy";
import { IdParam } from "./requests/common";

const Body = z
  .strictObject({
    licenses: z.enum(ERASE_LICENSE_ACTIONS).openapi({ description: "`keep`: the licenses keep working, unowned data gone; `revoke`: revoked as well" }),
  })
  .openapi("EraseCustomerRequest");

export default operation({
  method: "post",
  path: "/v1/customers/{id}/erase",
  operationId: "eraseCustomer",
  audience: "admin",
  permission: ["customers:write", "users:write", "groups:write", "licenses:write", "activations:write"],
  tags: ["Customers"],
  summary: "Erase a customer's personal data (GDPR)",
  description:
    "Blanks the customer (name, email, company, country, metadata, external ids), deletes its users and groups, empties its licenses' metadata, releases and anonymises their devices and floating seats, drops replayable responses, and reduces stored webhook events that named any of it to their type and time. Audit rows hold ids and field names only, so `GET /v1/audit-log/verify` still verifies. Idempotent.",
  request: { params: IdParam("cust"), body: Body },
  responses: { 200: { description: "What was erased", schema: ErasureResult } },
  errors: ["NOT_FOUND"],
  handler: async ({ params, body }, { services }) => {
    const { customer, summary } = await services.privacy.erase(params.id, { licenses: body.licenses });
    return reply(200, { customer: customerBody(customer), ...summary });
  },
});
