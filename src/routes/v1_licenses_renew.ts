// POST /v1/licenses/{id}/renew: set a new expiry, or extend the current one (from now if it has
// already passed).
import { createRoute, z } from "@hono/zod-openapi";
import type { App } from "../app";
import { getLicense } from "../db/queries/admin";
import { updateLicense } from "../db/queries/license-updates";
import { AppError, notFound } from "../errors";
import { apiKeyAuth, requirePermission } from "../middleware/auth";
import { withChanges } from "../services/changes";
import { IdParam, License, licenseBody } from "./admin-schemas";
import { errorResponses, jsonBody } from "./schemas";

const Body = z
  .strictObject({
    expires_at: z.string().datetime({ offset: true }).optional(),
    extend_by_s: z
      .number()
      .int()
      .min(1)
      .max(10 * 366 * 86400)
      .optional(),
  })
  .refine((b) => (b.expires_at === undefined) !== (b.extend_by_s === undefined), { message: "Send exactly one of expires_at or extend_by_s." })
  .openapi("RenewLicenseRequest");

const route = createRoute({
  method: "post",
  path: "/v1/licenses/{id}/renew",
  operationId: "renewLicense",
  tags: ["Licenses (admin)"],
  summary: "Renew or extend a license",
  security: [{ bearerAuth: [] }],
  middleware: [apiKeyAuth(), requirePermission("licenses:write")] as const,
  request: { params: IdParam("lic"), body: jsonBody(Body) },
  responses: {
    200: { description: "The renewed license", content: { "application/json": { schema: License } } },
    ...errorResponses(400, 401, 403, 404, 409, 413, 415, 422, 429, 503),
  },
});

export const registerV1LicensesRenew = (app: App) =>
  app.openapi(route, async (c) => {
    const input = c.req.valid("json");
    const { id } = c.req.valid("param");
    const tenantId = c.var.auth.tenantId;
    const db = c.var.db();
    const current = await getLicense(db, tenantId, id);
    if (!current) throw notFound("License");
    if (current.status === "revoked") throw new AppError("CONFLICT", "A revoked license cannot be renewed.");
    const now = Date.now();
    const base = Math.max(now, current.expiresAt?.getTime() ?? now);
    const expiresAt = input.expires_at ? new Date(input.expires_at) : new Date(base + input.extend_by_s! * 1000);
    if (expiresAt.getTime() <= now)
      throw new AppError("VALIDATION_FAILED", "The new expiry must be in the future.", { details: [{ path: "expires_at", message: "In the past" }] });
    // Guarded on status: a license revoked in the meantime is not renewed.
    const row = await withChanges(c, async (tx, record) => {
      const renewed = await updateLicense(tx, tenantId, id, { expiresAt, expiryNotifiedAt: null }, ["active", "suspended"]);
      if (!renewed) throw new AppError("CONFLICT", "The license changed meanwhile; retry.");
      await record({
        action: "license.renew",
        targetType: "license",
        targetId: id,
        details: { previous_expires_at: current.expiresAt?.toISOString() ?? null, expires_at: expiresAt.toISOString() },
        event: { type: "license.renewed", data: licenseBody(renewed) },
      });
      return renewed;
    });
    return c.json(licenseBody(row), 200);
  });
