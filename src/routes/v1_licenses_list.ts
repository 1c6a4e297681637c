// GET /v1/licenses: the tenant's licenses, newest first, filterable by status, application, policy
// and customer, and searchable by a whole key, an id, a key prefix, the plan, metadata or the
// customer's name, email or company.
import { z } from "@hono/zod-openapi";
import { operation, reply } from "../middleware/operation";
import { pageOf } from "../wire/common";
import { License, licenseBody } from "../wire/licenses";
import { PageQuery } from "./requests/common";

const Query = PageQuery.extend({
  status: z.enum(["active", "suspended", "revoked", "expired"]).optional(),
  application_id: z.string().min(1).max(64).optional(),
  policy_id: z.string().min(1).max(64).optional(),
  customer_id: z.string().min(1).max(64).optional(),
  q: z.string().trim().min(1).max(200).optional().openapi({
    description:
      "A whole license key (matched by its hash), a license id or key prefix, or text found in the plan, the metadata or its customer's name, email or company (case-insensitive)",
  }),
});

export default operation({
  method: "get",
  path: "/v1/licenses",
  operationId: "listLicenses",
  audience: "admin",
  permission: "licenses:read",
  tags: ["Licenses (admin)"],
  summary: "List licenses",
  request: { query: Query },
  responses: { 200: { description: "A page of licenses", schema: pageOf(License).openapi("LicensePage") } },
  handler: async ({ query }, { services }) => {
    const now = new Date();
    const page = await services.licenses.list(
      { limit: query.limit, startingAfter: query.starting_after },
      { status: query.status, applicationId: query.application_id, policyId: query.policy_id, customerId: query.customer_id, q: query.q },
    );
    return reply(200, { ...page, data: page.data.map((row) => licenseBody(row, now)) });
  },
});
