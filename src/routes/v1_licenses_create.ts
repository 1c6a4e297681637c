// POST /v1/licenses: issue a license under a policy. The key (`lk_`, ~234 bits) is in this answer
// only; Postgres keeps its SHA-256 hash and a short prefix.
import { createRoute, z } from "@hono/zod-openapi";
import type { App } from "../app";
import { apiKeyAuth, requirePermission } from "../middleware/auth";
import { errorResponses } from "../wire/common";
import { License, licenseBody } from "../wire/licenses";
import { jsonBody } from "./requests/common";
import { LicenseFields } from "./requests/license-fields";

const Body = z
  .strictObject({
    policy_id: z.string().min(1).max(64),
    application_id: z.string().min(1).max(64).optional().openapi({ description: "Defaults to the policy's application" }),
    plan: LicenseFields.plan.optional(),
    features: LicenseFields.features.optional(),
    metadata: LicenseFields.metadata.optional(),
    allowed_cidrs: LicenseFields.allowed_cidrs.optional(),
    expires_at: LicenseFields.expires_at.optional(),
  })
  .openapi("CreateLicenseRequest");

const Created = License.extend({ key: z.string().openapi({ description: "The license key. Shown once: store or deliver it now." }) }).openapi("CreatedLicense");

const route = createRoute({
  method: "post",
  path: "/v1/licenses",
  operationId: "createLicense",
  tags: ["Licenses (admin)"],
  summary: "Create a license",
  security: [{ bearerAuth: [] }],
  middleware: [apiKeyAuth(), requirePermission("licenses:write")] as const,
  request: { body: jsonBody(Body) },
  responses: {
    201: { description: "Created; `key` appears only here", content: { "application/json": { schema: Created } } },
    ...errorResponses(400, 401, 403, 404, 413, 415, 422, 429, 503),
  },
});

export const registerV1LicensesCreate = (app: App) =>
  app.openapi(route, async (c) => {
    const input = c.req.valid("json");
    const { row, key } = await c.var.services.licenses.create({
      policyId: input.policy_id,
      applicationId: input.application_id,
      plan: input.plan,
      features: input.features,
      metadata: input.metadata,
      allowedCidrs: input.allowed_cidrs,
      expiresAt: input.expires_at ? new Date(input.expires_at) : null,
    });
    return c.json({ ...licenseBody(row), key }, 201);
  });
