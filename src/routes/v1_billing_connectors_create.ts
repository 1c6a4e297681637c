// POST /v1/billing/connectors: wire a payment provider to licenses. The answer's `endpoint_url` goes
// into the provider's webhook settings; the signing secret is stored encrypted and never returned.
import { z } from "@hono/zod-openapi";
import { operation, reply } from "../middleware/operation";
import { BillingConnector, connectorBody } from "../wire/billing";
import { ConnectorFields, mappingInput } from "./requests/billing-fields";

const Body = z
  .strictObject({
    provider: ConnectorFields.provider,
    name: ConnectorFields.name,
    signing_secret: ConnectorFields.signing_secret.optional().openapi({
      description:
        "The provider's webhook signing secret. Optional here: most providers show it only after the endpoint URL is registered with them, so create the connector, register its `endpoint_url`, then PATCH the secret in. Until then every delivery is refused (400) and logged.",
    }),
    mappings: ConnectorFields.mappings.default([]),
    renewal_grace_s: ConnectorFields.renewal_grace_s.default(86_400),
    dunning_grace_s: ConnectorFields.dunning_grace_s.default(259_200),
    enabled: ConnectorFields.enabled.default(true),
  })
  .openapi("CreateBillingConnectorRequest");

export default operation({
  method: "post",
  path: "/v1/billing/connectors",
  operationId: "createBillingConnector",
  audience: "admin",
  permission: "billing:write",
  tags: ["Billing"],
  summary: "Connect a payment provider",
  description:
    "Stripe, Paddle Billing, Lemon Squeezy or Polar. The signing secret may follow with PATCH (providers show it after the URL is registered). Each mapping names a provider id (price, variant or product) and what buying it grants: a policy (its application), plan, features and seats. 422 naming the mapping whose policy is not this tenant's. Audited (`billing_connector.create`, without the secret).",
  request: { body: Body },
  responses: { 201: { description: "The connector and the URL to paste into the provider", schema: BillingConnector } },
  handler: async ({ body }, { services }) => {
    const row = await services.billing.create({
      provider: body.provider,
      name: body.name,
      signingSecret: body.signing_secret,
      mappings: body.mappings.map(mappingInput),
      renewalGraceS: body.renewal_grace_s,
      dunningGraceS: body.dunning_grace_s,
      enabled: body.enabled,
    });
    return reply(201, connectorBody(row, services.billing.endpoint(row.id)));
  },
});
