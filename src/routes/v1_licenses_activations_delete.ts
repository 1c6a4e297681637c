// DELETE /v1/licenses/{id}/activations[/{activation_id}]: release one or every seat of a license.
// The row stays as history (`deactivated_at`, reason `admin`); the seat is free at once.
import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { App, AppEnv } from "../app";
import { lockLicenseById, releaseActivations, syncActivationCount } from "../db/queries/activations";
import { notFound } from "../errors";
import { apiKeyAuth, requirePermission } from "../middleware/auth";
import { activationBody } from "../services/activations";
import { withChanges } from "../services/changes";
import { Activation } from "./activation-schemas";
import { ActivationParams, IdParam } from "./admin-schemas";
import { errorResponses } from "./schemas";

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

async function release(c: Context<AppEnv>, licenseId: string, activationId?: string) {
  const tenantId = c.var.auth.tenantId;
  const released = await withChanges(c, async (tx, record) => {
    if (!(await lockLicenseById(tx, tenantId, licenseId))) throw notFound("License");
    const now = new Date();
    const rows = await releaseActivations(tx, licenseId, now, activationId);
    if (activationId && rows.length === 0) throw notFound("Activation");
    await syncActivationCount(tx, licenseId, now);
    for (const row of rows) {
      await record({
        action: "activation.delete",
        targetType: "activation",
        targetId: row.id,
        details: { license_id: licenseId },
        event: { type: "activation.deleted", data: { ...activationBody(row), reason: "admin" } },
      });
    }
    return rows;
  });
  return { data: released.map((row) => activationBody(row)) };
}

export const registerV1LicensesActivationsDelete = (app: App) => {
  app.openapi(one, async (c) => {
    const { id, activation_id } = c.req.valid("param");
    return c.json(await release(c, id, activation_id), 200);
  });
  app.openapi(all, async (c) => c.json(await release(c, c.req.valid("param").id), 200));
};
