// DELETE /v1/licenses/{id}/activations[/{activation_id}]: release one or every seat of a license.
// The row stays as history (`deactivated_at`, reason `admin`); the seat is free at once.
import { createRoute, z } from "@hono/zod-openapi";
import type { App } from "../app";
import type { ActivationRow } from "../db/repositories/activations";
import { apiKeyAuth, requirePermission } from "../middleware/auth";
import { Activation, activationBody } from "../wire/activations";
import { errorResponses } from "../wire/common";
import { ActivationParams, IdParam } from "./requests/common";

const Released = z.object({ data: z.array(Activation) }).openapi("ReleasedActivations");

const common = {
  method: "delete" as const,
  tags: ["Activations"],
  security: [{ bearerAuth: [] as string[] }],
  middleware: [apiKeyAuth(), requirePermission("activations:write")],
  responses: {
    200: { description: "The released activations", content: { "application/json": { schema: Released } } },
    ...errorResponses(401, 403, 404, 422, 429, 503),
  },
};

const one = createRoute({
  ...common,
  path: "/v1/licenses/{id}/activations/{activation_id}",
  operationId: "releaseActivation",
  summary: "Release one activation",
  request: { params: ActivationParams },
});
const all = createRoute({
  ...common,
  path: "/v1/licenses/{id}/activations",
  operationId: "releaseAllActivations",
  summary: "Release every activation of a license",
  request: { params: IdParam("lic") },
});

const released = (rows: ActivationRow[]) => ({ data: rows.map((row) => activationBody(row)) });

export const registerV1LicensesActivationsDelete = (app: App) => {
  app.openapi(one, async (c) => {
    const { id, activation_id } = c.req.valid("param");
    return c.json(released(await c.var.services.activations.release(id, activation_id)), 200);
  });
  app.openapi(all, async (c) => c.json(released(await c.var.services.activations.release(c.req.valid("param").id)), 200));
};
