// GET /v1/licenses/{id}/activations: the license's live activations (with `include_released`, all),
// newest first, with the same cursor pagination as every other list.

import { z } from "@hono/zod-openapi";
import { operation, reply } from "../middleware/operation";
import { Activation, activationBody } from "../wire/activations";
import { pageOf } from "../wire/common";
import { IdParam, PageQuery } from "./requests/common";

export default operation({
  method: "get",
  path: "/v1/licenses/{id}/activations",
  operationId: "listActivations",
  audience: "admin",
  permission: "activations:read",
  tags: ["Activations"],
  summary: "List a license's activations",
  description: "Needs `activations:read`. Live activations only, unless `include_released=true`.",
  request: { params: IdParam("lic"), query: PageQuery.extend({ include_released: z.enum(["true", "false"]).optional() }) },
  responses: { 200: { description: "A page of activations, newest first", schema: pageOf(Activation).openapi("ActivationPage") } },
  errors: ["NOT_FOUND"],
  handler: async ({ params, query }, { services }) => {
    const { page, heartbeatIntervalS } = await services.activations.list(
      params.id,
      { limit: query.limit, startingAfter: query.starting_after },
      { includeReleased: query.include_released === "true" },
    );
    return reply(200, { ...page, data: page.data.map((row) => activationBody(row, heartbeatIntervalS)) });
  },
});
