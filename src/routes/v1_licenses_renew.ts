// POST /v1/licenses/{id}/renew: set a new expiry, or extend the current one (from now if it has
// already passed).
import { z } from "@hono/zod-openapi";
import { operation, reply } from "../middleware/operation";
import { License, licenseBody } from "../wire/licenses";
import { IdParam } from "./requests/common";

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

export default operation({
  method: "post",
  path: "/v1/licenses/{id}/renew",
  operationId: "renewLicense",
  audience: "admin",
  permission: "licenses:write",
  tags: ["Licenses (admin)"],
  summary: "Renew or extend a license",
  request: { params: IdParam("lic"), body: Body },
  responses: { 200: { description: "The renewed license", schema: License } },
  errors: ["NOT_FOUND", "CONFLICT"],
  handler: async ({ body, params }, { services }) => {
    const row = await services.licenses.renew(params.id, {
      expiresAt: body.expires_at ? new Date(body.expires_at) : undefined,
      extendByS: body.extend_by_s,
    });
    return reply(200, licenseBody(row));
  },
});
