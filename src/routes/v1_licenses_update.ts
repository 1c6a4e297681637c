// PATCH /v1/licenses/{id}: change plan, features, metadata, IP allowlist, expiry or policy.
// Status and seat counts are not writable here (lifecycle actions and activations own them).
import { createRoute, z } from "@hono/zod-openapi";
import type { App } from "../app";
import { getLicense, getPolicy } from "../db/queries/admin";
import { updateLicense } from "../db/queries/license-updates";
import { AppError, notFound } from "../errors";
import { apiKeyAuth, requirePermission } from "../middleware/auth";
import { withChanges } from "../services/changes";
import { IdParam, License, licenseBody } from "./admin-schemas";
import { LicenseFields } from "./license-fields";
import { errorResponses, jsonBody } from "./schemas";

const Body = z
  .strictObject({
    policy_id: z.string().min(1).max(64).optional(),
    plan: LicenseFields.plan.optional(),
    features: LicenseFields.features.optional(),
    metadata: LicenseFields.metadata.optional(),
    allowed_cidrs: LicenseFields.allowed_cidrs.optional(),
    expires_at: LicenseFields.expires_at.optional(),
  })
  .refine((b) => Object.keys(b).length > 0, { message: "Send at least one field to change." })
  .openapi("UpdateLicenseRequest", { minProperties: 1 });

const route = createRoute({
  method: "patch",
  path: "/v1/licenses/{id}",
  operationId: "updateLicense",
  tags: ["Licenses (admin)"],
  summary: "Update a license (including changing its policy)",
  security: [{ bearerAuth: [] }],
  middleware: [apiKeyAuth(), requirePermission("licenses:write")] as const,
  request: { params: IdParam("lic"), body: jsonBody(Body) },
  responses: {
    200: { description: "Updated", content: { "application/json": { schema: License } } },
    ...errorResponses(400, 401, 403, 404, 413, 415, 422, 429, 503),
  },
});

export const registerV1LicensesUpdate = (app: App) =>
  app.openapi(route, async (c) => {
    const input = c.req.valid("json");
    const { id } = c.req.valid("param");
    const tenantId = c.var.auth.tenantId;
    const db = c.var.db();
    if (input.policy_id !== undefined) {
      const [policy, license] = await Promise.all([getPolicy(db, tenantId, input.policy_id), getLicense(db, tenantId, id)]);
      if (!license) throw notFound("License");
      if (!policy) throw notFound("Policy");
      if (policy.applicationId && policy.applicationId !== license.applicationId) {
        throw new AppError("VALIDATION_FAILED", "The policy belongs to another application.", {
          details: [{ path: "policy_id", message: "Application mismatch" }],
        });
      }
    }
    const row = await withChanges(c, async (tx, record) => {
      const updated = await updateLicense(tx, tenantId, id, {
        policyId: input.policy_id,
        plan: input.plan,
        features: input.features,
        metadata: input.metadata,
        allowedCidrs: input.allowed_cidrs,
        expiresAt: input.expires_at === undefined ? undefined : input.expires_at === null ? null : new Date(input.expires_at),
      });
      if (!updated) throw notFound("License");
      await record({
        action: "license.update",
        targetType: "license",
        targetId: id,
        details: { fields: Object.keys(input) },
        event: { type: "license.updated", data: licenseBody(updated) },
      });
      return updated;
    });
    return c.json(licenseBody(row), 200);
  });
