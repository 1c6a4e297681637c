// PATCH /v1/licenses/{id}: change plan, features, metadata, IP allowlist, expiry, policy or customer.
// Status and seat counts are not writable here (lifecycle actions and activations own them).
import { z } from "@hono/zod-openapi";
import { operation, reply } from "../middleware/operation";
import { License, licenseBody } from "../wire/licenses";
import { IdParam } from "./requests/common";
import { LicenseFields } from "./requests/license-fields";

const Body = z
  .strictObject({
    policy_id: z.string().min(1).max(64).optional(),
    plan: LicenseFields.plan.optional(),
    features: LicenseFields.features.optional(),
    metadata: LicenseFields.metadata.optional(),
    allowed_cidrs: LicenseFields.allowed_cidrs.optional(),
    expires_at: LicenseFields.expires_at.optional(),
    customer_id: LicenseFields.customer_id.optional(),
  })
  .refine((b) => Object.keys(b).length > 0, { message: "Send at least one field to change." })
  .openapi("UpdateLicenseRequest", { minProperties: 1 });

export default operation({
  method: "patch",
  path: "/v1/licenses/{id}",
  operationId: "updateLicense",
  audience: "admin",
  permission: "licenses:write",
  tags: ["Licenses (admin)"],
  summary: "Update a license (including changing its policy)",
  request: { params: IdParam("lic"), body: Body },
  responses: { 200: { description: "Updated", schema: License } },
  errors: ["NOT_FOUND", "CONFLICT"],
  handler: async ({ body, params }, { services }) => {
    const row = await services.licenses.update(
      params.id,
      {
        policyId: body.policy_id,
        plan: body.plan,
        features: body.features,
        metadata: body.metadata,
        allowedCidrs: body.allowed_cidrs,
        expiresAt: body.expires_at === undefined ? undefined : body.expires_at === null ? null : new Date(body.expires_at),
        customerId: body.customer_id,
      },
      Object.keys(body),
    );
    return reply(200, licenseBody(row));
  },
});
