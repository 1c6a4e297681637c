// GET /v1/licenses/{id}/checkout (admin): the license file as a download (`application/octet-stream`
// with a file name), for a seller to hand to a customer. The same choices as the POST, as query
// parameters.
import { z } from "@hono/zod-openapi";
import { operation } from "../middleware/operation";
import { CHECKOUT_ERRORS } from "../wire/license-files";
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

export default operation({
  method: "get",
  path: "/v1/licenses/{id}/checkout",
  operationId: "downloadLicenseFile",
  audience: "admin",
  permission: "licenses:write",
  metric: "checkout",
  tags: ["Licenses (admin)"],
  summary: "Download a license file",
  description: "The file of POST /v1/licenses/{id}/checkout as `application/octet-stream`, named `<license id>.lic`.",
  request: { params: IdParam("lic"), query: Query },
  responses: { 200: { description: "The armored license file", content: { "application/octet-stream": { schema: z.string() } } } },
  errors: CHECKOUT_ERRORS,
  handler: ({ params, query }, { services }) =>
    services.licenseFiles.checkout(params.id, {
      ttlS: query.ttl_s === "perpetual" ? null : query.ttl_s,
      encrypt: query.encrypt === "true",
      activationId: query.activation_id,
      now: new Date(),
    }),
  respond: (out, { raw }) =>
    raw.body(out.file, 200, {
      "Content-Type": "application/octet-stream",
      "Content-Disposition": `attachment; filename="${out.licenseId}.lic"`,
      "Cache-Control": "no-store",
    }),
});
