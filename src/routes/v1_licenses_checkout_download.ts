// GET /v1/licenses/{id}/checkout (admin): the license file as a download (`application/octet-stream`
// with a file name), for a seller to hand to a customer. The same choices as the POST, as query
// parameters.
import { createRoute, z } from "@hono/zod-openapi";
import type { App } from "../app";
import { apiKeyAuth, requirePermission } from "../middleware/auth";
import { metricEvent } from "../middleware/metrics";
import { errorResponses } from "../wire/common";
import { IdParam } from "./requests/common";

const Query = z.object({
  ttl_s: z
    .union([
      z.literal("perpetual"),
      z.coerce
        .number()
        .int()
        .min(60)
        .max(10 * 365 * 86400),
    ])
    .optional()
    .openapi({ description: "Seconds, or `perpetual`; default the policy's `offline_ttl_default_s`" }),
  activation_id: z.string().min(1).max(64).optional().openapi({ description: "A live activation: a machine file for that device" }),
  encrypt: z.enum(["true", "false"]).default("false"),
});

const route = createRoute({
  method: "get",
  path: "/v1/licenses/{id}/checkout",
  operationId: "downloadLicenseFile",
  tags: ["Licenses (admin)"],
  summary: "Download a license file",
  description: "The file of POST /v1/licenses/{id}/checkout as `application/octet-stream`, named `<license id>.lic`.",
  security: [{ bearerAuth: [] }],
  middleware: [metricEvent("checkout"), apiKeyAuth(), requirePermission("licenses:write")] as const,
  request: { params: IdParam("lic"), query: Query },
  responses: {
    200: { description: "The armored license file", content: { "application/octet-stream": { schema: z.string() } } },
    ...errorResponses(400, 401, 403, 404, 409, 422, 429, 503),
  },
});

export const registerV1LicensesCheckoutDownload = (app: App) =>
  app.openapi(route, async (c) => {
    const query = c.req.valid("query");
    const out = await c.var.services.licenseFiles.checkout(c.req.valid("param").id, {
      ttlS: query.ttl_s === "perpetual" ? null : query.ttl_s,
      encrypt: query.encrypt === "true",
      activationId: query.activation_id,
      now: new Date(),
    });
    return c.body(out.file, 200, {
      "Content-Type": "application/octet-stream",
      "Content-Disposition": `attachment; filename="${out.licenseId}.lic"`,
      "Cache-Control": "no-store",
    });
  });
