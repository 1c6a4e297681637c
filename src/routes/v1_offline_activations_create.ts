// POST /v1/offline/activations (admin): a seller uploads an air-gapped device's activation request
// (written by the SDK's createActivationRequest); it takes a seat exactly as activate does and
// answers the machine file to hand back to the device.
import { createRoute, z } from "@hono/zod-openapi";
import type { App } from "../app";
import { apiKeyAuth, requirePermission } from "../middleware/auth";
import { metricEvent } from "../middleware/metrics";
import { Activation, activationBody } from "../wire/activations";
import { errorResponses } from "../wire/common";
import { CheckoutFields, LicenseFileResponse, licenseFileBody } from "../wire/license-files";
import { jsonBody } from "./requests/common";

const Body = z
  .strictObject({
    request: z.string().min(1).max(32_768).openapi({ description: "The request file's text: -----BEGIN ACTIVATION REQUEST----- ..." }),
    license_id: z.string().min(1).max(64).optional().openapi({ description: "The license it is for; else found by the key prefix the request names" }),
    ...CheckoutFields,
  })
  .openapi("OfflineActivationRequest");

const Response = z.object({ activation: Activation, created: z.boolean(), license_file: LicenseFileResponse }).openapi("OfflineActivationResponse");

const route = createRoute({
  method: "post",
  path: "/v1/offline/activations",
  operationId: "activateOffline",
  tags: ["Offline"],
  summary: "Activate an air-gapped device from its request file",
  description:
    "Checks the request's HMAC against the license's key (a forged or altered request is 422), takes a seat under the same lock and limit as activate (409 TOO_MANY_ACTIVATIONS when full; `activation.created`), and answers the device's machine file. The request's nonce is its idempotency key: uploading the same request again takes no second seat.",
  security: [{ bearerAuth: [] }],
  middleware: [metricEvent("activate"), apiKeyAuth(), requirePermission("activations:write"), requirePermission("licenses:write")] as const,
  request: { body: jsonBody(Body) },
  responses: {
    200: {
      description: "Already active (a new request from a device holding a seat): the same seat, a fresh machine file",
      content: { "application/json": { schema: Response } },
    },
    201: { description: "Activated", content: { "application/json": { schema: Response } } },
    ...errorResponses(400, 401, 403, 404, 409, 413, 415, 422, 429, 503),
  },
});

export const registerV1OfflineActivationsCreate = (app: App) =>
  app.openapi(route, async (c) => {
    const input = c.req.valid("json");
    const out = await c.var.services.offline.activate({
      request: input.request,
      licenseId: input.license_id,
      ttlS: input.ttl_s,
      encrypt: input.encrypt,
      now: new Date(),
    });
    return c.json(
      { activation: activationBody(out.activation, out.heartbeatIntervalS), created: out.created, license_file: licenseFileBody(out.file) },
      out.status,
    );
  });
