// GET /v1/licenses/{id}/leases (admin): a license's floating seats, live ones unless include_ended.
import { z } from "@hono/zod-openapi";
import { operation, reply } from "../middleware/operation";
import { pageOf } from "../wire/common";
import { Lease, leaseBody } from "../wire/leases";
import { IdParam, PageQuery } from "./requests/common";

export default operation({
  method: "get",
  path: "/v1/licenses/{id}/leases",
  operationId: "listLeases",
  audience: "admin",
  permission: "licenses:read",
  tags: ["Licenses (admin)"],
  summary: "List a license's floating seats",
  request: {
    params: IdParam("lic"),
    query: PageQuery.extend({ include_ended: z.enum(["true", "false"]).default("false").openapi({ description: "Also released and expired leases" }) }),
  },
  responses: { 200: { description: "Leases, newest first", schema: pageOf(Lease).openapi("LeasePage") } },
  errors: ["NOT_FOUND"],
  handler: async ({ params, query }, { services }) => {
    const page = await services.leases.list(
      params.id,
      { limit: query.limit, startingAfter: query.starting_after },
      { includeEnded: query.include_ended === "true" },
    );
    return reply(200, { ...page, data: page.data.map(leaseBody) });
  },
});
