// GET /v1/licenses/{id}/activations: the license's live activations (with `include_released`, all),
// newest first, with the same cursor pagination as every other list.
import { createRoute, z } from "@hono/zod-openapi";
import { and, eq, isNull } from "drizzle-orm";
import type { App } from "../app";
import { getLicense, getPolicy } from "../db/queries/admin";
import { listPage } from "../db/queries/pagination";
import { activations } from "../db/schema";
import { notFound } from "../errors";
import { apiKeyAuth, requirePermission } from "../middleware/auth";
import { activationBody } from "../services/activations";
import { Activation } from "./activation-schemas";
import { IdParam } from "./admin-schemas";
import { errorResponses, PageQuery, pageOf } from "./schemas";

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
    const { id } = c.req.valid("param");
    const query = c.req.valid("query");
    const tenantId = c.var.auth.tenantId;
    const db = c.var.db();
    const license = await getLicense(db, tenantId, id);
    if (!license) throw notFound("License");
    const filter = and(eq(activations.licenseId, id), query.include_released === "true" ? undefined : isNull(activations.deactivatedAt));
    const [policy, page] = await Promise.all([
      getPolicy(db, tenantId, license.policyId),
      listPage(db, activations, tenantId, { limit: query.limit, startingAfter: query.starting_after }, filter),
    ]);
    return c.json({ ...page, data: page.data.map((row) => activationBody(row, policy)) }, 200);
  });
