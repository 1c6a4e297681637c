// GET /v1/licenses/{id}/activations: the license's live activations (with `include_released`, all),
// newest first, with the same cursor pagination as every other list.

import { createRoute, z } from "@hono/zod-openapi";
import type { App } from "../app";
import { apiKeyAuth, requirePermission } from "../middleware/auth";
import { Activation, activationBody } from "../wire/activations";
import { errorResponses, pageOf } from "../wire/common";
import { IdParam, PageQuery } from "./requests/common";

const route = createRoute({
  method: "get",
  path: "/v1/licenses/{id}/activations",
  operationId: "listActivations",
  tags: ["Activations"],
  summary: "List a license's activations",
  description: "Needs `activations:read`. Live activations only, unless `include_released=true`.",
  security: [{ bearerAuth: [] }],
  middleware: [apiKeyAuth(), requirePermission("activations:read")] as const,
  request: {
    params: IdParam("lic"),
    query: PageQuery.extend({ include_released: z.enum(["true", "false"]).optional() }),
  },
  responses: {
    200: { description: "A page of activations, newest first", content: { "application/json": { schema: pageOf(Activation).openapi("ActivationPage") } } },
    ...errorResponses(401, 403, 404, 422, 429, 503),
  },
});

export const registerV1LicensesActivationsList = (app: App) =>
  app.openapi(route, async (c) => {
    const query = c.req.valid("query");
    const { page, heartbeatIntervalS } = await c.var.services.activations.list(
      c.req.valid("param").id,
      { limit: query.limit, startingAfter: query.starting_after },
      { includeReleased: query.include_released === "true" },
    );
    return c.json({ ...page, data: page.data.map((row) => activationBody(row, heartbeatIntervalS)) }, 200);
  });
