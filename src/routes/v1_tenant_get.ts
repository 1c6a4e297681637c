// The authenticated tenant and the calling credential: what an integrator calls first to check a key.

import { operation, reply } from "../middleware/operation";
import { Tenant, tenantBody } from "../wire/tenants";

export default operation({
  method: "get",
  path: "/v1/tenant",
  operationId: "getTenant",
  audience: "admin",
  permission: "tenants:read",
  tags: ["Tenant"],
  summary: "The tenant of the calling API key",
  responses: { 200: { description: "The tenant", schema: Tenant } },
  handler: async (_, { actor, services }) => reply(200, tenantBody(await services.tenants.current(), actor)),
});
