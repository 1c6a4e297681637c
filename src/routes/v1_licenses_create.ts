// POST /v1/licenses: issue a license under a policy. The key (`lk_`, ~234 bits) is in this answer
// only; Postgres keeps its SHA-256 hash and a short prefix.
import { createRoute, z } from "@hono/zod-openapi";
import type { App } from "../app";
import { sha256Hex } from "../crypto/hash";
import { newId, newLicenseKey, visiblePrefix } from "../crypto/random";
import { getApplication, getPolicy } from "../db/queries/admin";
import { licenses } from "../db/schema";
import { AppError, notFound } from "../errors";
import { apiKeyAuth, requirePermission } from "../middleware/auth";
import { withChanges } from "../services/changes";
import { License, licenseBody } from "./admin-schemas";
import { LicenseFields } from "./license-fields";
import { errorResponses, jsonBody } from "./schemas";

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
    const tenantId = c.var.auth.tenantId;
    const db = c.var.db();
    const policy = await getPolicy(db, tenantId, input.policy_id);
    if (!policy) throw notFound("Policy");
    const applicationId = input.application_id ?? policy.applicationId;
    if (input.application_id && policy.applicationId && input.application_id !== policy.applicationId) {
      throw new AppError("VALIDATION_FAILED", "The policy belongs to another application.", {
        details: [{ path: "application_id", message: "Does not match the policy" }],
      });
    }
    if (applicationId && !(await getApplication(db, tenantId, applicationId))) throw notFound("Application");
    const key = newLicenseKey();
    const keyHash = await sha256Hex(key);
    const row = await withChanges(c, async (tx, record) => {
      const [created] = await tx
        .insert(licenses)
        .values({
          id: newId("lic"),
          tenantId,
          applicationId,
          policyId: policy.id,
          keyHash,
          keyPrefix: visiblePrefix(key),
          plan: input.plan ?? null,
          features: input.features ?? [],
          metadata: input.metadata ?? {},
          allowedCidrs: input.allowed_cidrs ?? [],
          expiresAt: input.expires_at ? new Date(input.expires_at) : null,
        })
        .returning();
      const body = licenseBody(created!);
      await record({ action: "license.create", targetType: "license", targetId: created!.id, event: { type: "license.created", data: body } });
      return created!;
    });
    return c.json({ ...licenseBody(row), key }, 201);
  });
