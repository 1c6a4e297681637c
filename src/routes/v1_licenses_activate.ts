// POST /v1/licenses/activate: bind a device to a license, under its policy's seat limit.

import { z } from "@hono/zod-openapi";
import { deviceNameSchema } from "../contract/device-fields";
import { operation, reply } from "../middleware/operation";
import { REFUSAL_ERROR_CODES } from "../services/license-validation";
import { ActivationResponse, activationBody } from "../wire/activations";
import { Metadata } from "./requests/common";
import { Domain, publicLicenseBody } from "./requests/public-body";

const Body = publicLicenseBody(
  "ActivateRequest",
  {
    name: deviceNameSchema().optional(),
    domain: Domain.optional().openapi({ description: "Required for domain-bound policies" }),
    metadata: Metadata.optional(),
  },
  { fingerprint: true },
);

export default operation({
  method: "post",
  path: "/v1/licenses/activate",
  operationId: "activateDevice",
  audience: "device",
  metric: "activate",
  tags: ["Licenses (public)"],
  summary: "Activate a device",
  description:
    "201 with a new activation, 200 when this fingerprint is already active (no extra seat). Over the policy's limit: 409 TOO_MANY_ACTIVATIONS. Send an `Idempotency-Key` header so a retried request replays the first answer instead of taking another seat.",
  request: { headers: z.object({ "idempotency-key": z.string().min(1).max(255).optional() }), body: Body },
  responses: { 200: { description: "Already active", schema: ActivationResponse }, 201: { description: "Activated", schema: ActivationResponse } },
  errors: [...REFUSAL_ERROR_CODES, "TOO_MANY_ACTIVATIONS", "IDEMPOTENCY_KEY_REUSED", "CONFLICT"],
  handler: async ({ body, headers }, { clientIp, services }) => {
    const outcome = await services.activations.activate({
      licenseKey: body.license_key,
      fingerprint: body.fingerprint,
      name: body.name,
      domain: body.domain,
      metadata: body.metadata,
      clientIp,
      idempotencyKey: headers["idempotency-key"],
      now: new Date(),
    });
    return reply(outcome.status, { activation: activationBody(outcome.activation, outcome.heartbeatIntervalS), created: outcome.created });
  },
});
