// POST /v1/licenses: issue a license under a policy. The key (`lk_`, ~234 bits) is in this answer
// only; Postgres keeps its SHA-256 hash and a short prefix.
import { z } from "@hono/zod-openapi";
import { operation, reply } from "../middleware/operation";
import { License, licenseBody } from "../wire/licenses";
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
    customer_id: LicenseFields.customer_id.optional(),
  })
  .openapi("CreateLicenseRequest");

const Created = License.extend({ key: z.string().openapi({ description: "The license key. Shown once: store or deliver it now." }) }).openapi("CreatedLicense");

export default operation({
  method: "post",
  path: "/v1/licenses",
  operationId: "createLicense",
  audience: "admin",
  permission: "licenses:write",
  tags: ["Licenses (admin)"],
  summary: "Create a license",
  request: { body: Body },
  responses: { 201: { description: "Created; `key` appears only here", schema: Created } },
  errors: ["NOT_FOUND", "CONFLICT"],
  handler: async ({ body }, { services }) => {
    const { row, key } = await services.licenses.create({
      policyId: body.policy_id,
      applicationId: body.application_id,
      plan: body.plan,
      features: body.features,
      metadata: body.metadata,
      allowedCidrs: body.allowed_cidrs,
      expiresAt: body.expires_at ? new Date(body.expires_at) : null,
      customerId: body.customer_id ?? null,
    });
    return reply(201, { ...licenseBody(row), key });
  },
});
