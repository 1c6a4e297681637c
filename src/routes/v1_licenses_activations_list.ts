// GET /v1/licenses/{id}/activations: the license's live activations (with `include_released`, all).
import { createRoute, z } from "@hono/zod-openapi";
import type { App } from "../app";
import { apiKeyAuth, requirePermission } from "../middleware/auth";
import { getLicense, getPolicy } from "../db/queries/admin";
import { listActivations } from "../db/queries/activations";
import { activationBody } from "../services/activations";
import { notFound } from "../errors";
import { errorResponses } from "./schemas";
import { IdParam } from "./admin-schemas";
import { Activation } from "./activation-schemas";

const route = createRoute({
  method: "get",
  path: "/v1/licenses/{id}/activations",
  tags: ["Activations"],
  summary: "List a license's activations",
  security: [{ bearerAuth: [] }],
  middleware: [apiKeyAuth(), requirePermission("licenses:read")] as const,
  request: {
    params: IdParam("lic"),
    query: z.object({ include_released: z.enum(["true", "false"]).optional() }),
  },
  responses: {
    200: { description: "Activations, newest first", content: { "application/json": { schema: z.object({ data: z.array(Activation) }) } } },
    ...errorResponses(401, 403, 404, 422, 429, 503),
  },
});

export const registerV1LicensesActivationsList = (app: App) =>
  app.openapi(route, async (c) => {
    const { id } = c.req.valid("param");
    const tenantId = c.var.auth.tenantId;
    const db = c.var.db();
    const license = await getLicense(db, tenantId, id);
    if (!license) throw notFound("License");
    const [policy, rows] = await Promise.all([
      getPolicy(db, tenantId, license.policyId),
      listActivations(db, tenantId, id, { includeReleased: c.req.valid("query").include_released === "true" }),
    ]);
    return c.json({ data: rows.map((row) => activationBody(row, policy)) }, 200);
  });
