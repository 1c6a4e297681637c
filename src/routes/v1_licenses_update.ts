// PATCH /v1/licenses/{id}: change plan, features, metadata, IP allowlist, expiry or policy.
// Status and seat counts are not writable here (lifecycle actions and activations own them).
import { createRoute, z } from "@hono/zod-openapi";
import type { App } from "../app";
import { apiKeyAuth, requirePermission } from "../middleware/auth";
import { errorResponses } from "../wire/common";
import { License, licenseBody } from "../wire/licenses";
import { IdParam, jsonBody } from "./requests/common";
import { LicenseFields } from "./requests/license-fields";

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
    const row = await c.var.services.licenses.update(
      c.req.valid("param").id,
      {
        policyId: input.policy_id,
        plan: input.plan,
        features: input.features,
        metadata: input.metadata,
        allowedCidrs: input.allowed_cidrs,
        expiresAt: input.expires_at === undefined ? undefined : input.expires_at === null ? null : new Date(input.expires_at),
      },
      Object.keys(input),
    );
    return c.json(licenseBody(row), 200);
  });
