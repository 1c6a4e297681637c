// GET /v1/billing/connectors
import { operation, reply } from "../middleware/operation";
import { BillingConnector, connectorBody } from "../wire/billing";
import { pageOf } from "../wire/common";
import { PageQuery } from "./requests/common";

export default operation({
  method: "get",
  path: "/v1/billing/connectors",
  operationId: "listBillingConnectors",
  audience: "admin",
  permission: "billing:read",
  tags: ["Billing"],
  summary: "List billing connectors",
  request: { query: PageQuery },
  responses: { 200: { description: "A page of connectors, newest first", schema: pageOf(BillingConnector).openapi("BillingConnectorPage") } },
  handler: async ({ query }, { services }) => {
    const page = await services.billing.list({ limit: query.limit, startingAfter: query.starting_after });
    return reply(200, { ...page, data: page.data.map((row) => connectorBody(row, services.billing.endpoint(row.id))) });
  },
});
