// POST /v1/offline/activations (admin): a seller uploads an air-gapped device's activation request
// (written by the SDK's createActivationRequest); it takes a seat exactly as activate does and
// answers the machine file to hand back to the device.
import { z } from "@hono/zod-openapi";
import { operation, reply } from "../middleware/operation";
import { Activation, activationBody } from "../wire/activations";
import { CHECKOUT_ERRORS, CheckoutFields, LicenseFileResponse, licenseFileBody } from "../wire/license-files";

const Body = z
  .strictObject({
    request: z.string().min(1).max(32_768).openapi({ description: "The request file's text: -----BEGIN ACTIVATION REQUEST----- ..." }),
    license_id: z.string().min(1).max(64).optional().openapi({ description: "The license it is for; else found by the key prefix the request names" }),
    ...CheckoutFields,
  })
  .openapi("OfflineActivationRequest");

const Response = z.object({ activation: Activation, created: z.boolean(), license_file: LicenseFileResponse }).openapi("OfflineActivationResponse");

export default operation({
  method: "post",
  path: "/v1/offline/activations",
  operationId: "activateOffline",
  audience: "admin",
  permission: ["activations:write", "licenses:write"],
  metric: "activate",
  tags: ["Offline"],
  summary: "Activate an air-gapped device from its request file",
  description:
    "Checks the request's HMAC against the license's key (a forged or altered request is 422), takes a seat under the same lock and limit as activate (409 TOO_MANY_ACTIVATIONS when full; `activation.created`), and answers the device's machine file. The request's nonce is its idempotency key: uploading the same request again takes no second seat.",
  request: { body: Body },
  responses: {
    200: {
      description: "Already active (a new request from a device holding a seat): the same seat, a fresh machine file",
      content: { "application/json": { schema: Response } },
    },
    201: { description: "Activated", schema: Response },
  },
  errors: [...CHECKOUT_ERRORS, "TOO_MANY_ACTIVATIONS", "IDEMPOTENCY_KEY_REUSED", "CONFLICT"],
  handler: async ({ body }, { services }) => {
    const out = await services.offline.activate({
      request: body.request,
      licenseId: body.license_id,
      ttlS: body.ttl_s,
      encrypt: body.encrypt,
      now: new Date(),
    });
    return reply(out.status, {
      activation: activationBody(out.activation, out.heartbeatIntervalS),
      created: out.created,
      license_file: licenseFileBody(out.file),
    });
  },
});
