// PATCH /v1/billing/connectors/{id}: rename, remap, change the graces, rotate the signing secret, or disable.
import { z } from "@hono/zod-openapi";
import { operation, reply } from "../middleware/operation";
import { BillingConnector, connectorBody } from "../wire/billing";
import { ConnectorFields, mappingInput } from "./requests/billing-fields";
import { IdParam } from "./requests/common";

const Body = z
  .strictObject({
    name: ConnectorFields.name.optional(),
    signing_secret: ConnectorFields.signing_secret.optional(),
    mappings: ConnectorFields.mappings.optional(),
    renewal_grace_s: ConnectorFields.renewal_grace_s.optional(),
    dunning_grace_s: ConnectorFields.dunning_grace_s.optional(),
    enabled: ConnectorFields.enabled.optional(),
  })
  .openapi("UpdateBillingConnectorRequest");

export default operation({
  method: "patch",
  path: "/v1/billing/connectors/{id}",
  operationId: "updateBillingConnector",
  audience: "admin",
  permission: "billing:write",
  tags: ["Billing"],
  summary: "Change a billing connector",
  description:
    "`mappings` replaces the whole list. A disabled connector's endpoint answers 404, so the provider retries its deliveries until it is enabled again. Audited with the fields changed (never the secret).",
  request: { params: IdParam("bc"), body: Body },
  responses: { 200: { description: "The connector", schema: BillingConnector } },
  errors: ["NOT_FOUND"],
  handler: async ({ params, body }, { services }) => {
    const row = await services.billing.update(params.id, {
      name: body.name,
      signingSecret: body.signing_secret,
      mappings: body.mappings?.map(mappingInput),
      renewalGraceS: body.renewal_grace_s,
      dunningGraceS: body.dunning_grace_s,
      enabled: body.enabled,
    });
    return reply(200, connectorBody(row, services.billing.endpoint(row.id)));
  },
});
