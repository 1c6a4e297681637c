// POST /v1/licenses/{id}/checkout (admin): a license file, or a machine file for one of the
// license's live activations, as JSON. GET on the same path hands the same file out as a download.
import { createRoute, z } from "@hono/zod-openapi";
import type { App } from "../app";
import { apiKeyAuth, requirePermission } from "../middleware/auth";
import { metricEvent } from "../middleware/metrics";
import { errorResponses } from "../wire/common";
import { CheckoutFields, LicenseFileResponse, licenseFileBody } from "../wire/license-files";
import { IdParam, jsonBody } from "./requests/common";

const Body = z
  .strictObject({
    ...CheckoutFields,
    activation_id: z.string().min(1).max(64).optional().openapi({ description: "A live activation of the license: a machine file for that device" }),
  })
  .openapi("CheckoutLicenseRequest");

const route = createRoute({
  method: "post",
  path: "/v1/licenses/{id}/checkout",
  operationId: "checkoutLicense",
  tags: ["Licenses (admin)"],
  summary: "Check out a license file",
  description:
    "A signed license file for offline use (see the README's offline model): the license's plan, features, expiry and policy, and its status-list reference. With `activation_id`, a machine file bound to that device. Only active, unexpired licenses get one (409 otherwise).",
  security: [{ bearerAuth: [] }],
  middleware: [metricEvent("checkout"), apiKeyAuth(), requirePermission("licenses:write")] as const,
  request: { params: IdParam("lic"), body: jsonBody(Body) },
  responses: {
    201: { description: "The license file", content: { "application/json": { schema: LicenseFileResponse } } },
    ...errorResponses(400, 401, 403, 404, 409, 413, 415, 422, 429, 503),
  },
});

export const registerV1LicensesCheckout = (app: App) =>
  app.openapi(route, async (c) => {
    const input = c.req.valid("json");
    const out = await c.var.services.licenseFiles.checkout(c.req.valid("param").id, {
      ttlS: input.ttl_s,
      encrypt: input.encrypt,
      activationId: input.activation_id,
      now: new Date(),
    });
    return c.json(licenseFileBody(out), 201);
  });
