// POST /v1/licenses/{id}/renew: set a new expiry, or extend the current one (from now if it has
// already passed).
import { createRoute, z } from "@hono/zod-openapi";
import type { App } from "../app";
import { apiKeyAuth, requirePermission } from "../middleware/auth";
import { errorResponses } from "../wire/common";
import { License, licenseBody } from "../wire/licenses";
import { IdParam, jsonBody } from "./requests/common";

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
    const row = await c.var.services.licenses.renew(c.req.valid("param").id, {
      expiresAt: input.expires_at ? new Date(input.expires_at) : undefined,
      extendByS: input.extend_by_s,
    });
    return c.json(licenseBody(row), 200);
  });
