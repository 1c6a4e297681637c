// POST /v1/licenses/activate: bind a device to a license, under its policy's seat limit.

import { createRoute, z } from "@hono/zod-openapi";
import type { App } from "../app";
import { deviceNameSchema } from "../contract/device-fields";
import { metricEvent } from "../middleware/metrics";
import { publicRateLimit } from "../middleware/rate-limit";
import { ActivationResponse, activationBody } from "../wire/activations";
import { errorResponses } from "../wire/common";
import { jsonBody, Metadata } from "./requests/common";
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

const route = createRoute({
  method: "post",
  path: "/v1/licenses/activate",
  operationId: "activateDevice",
  tags: ["Licenses (public)"],
  summary: "Activate a device",
  middleware: [metricEvent("activate"), publicRateLimit()] as const,
  description:
    "201 with a new activation, 200 when this fingerprint is already active (no extra seat). Over the policy's limit: 409 TOO_MANY_ACTIVATIONS. Send an `Idempotency-Key` header so a retried request replays the first answer instead of taking another seat.",
  request: {
    headers: z.object({ "idempotency-key": z.string().min(1).max(255).optional() }),
    body: jsonBody(Body),
  },
  responses: {
    200: { description: "Already active", content: { "application/json": { schema: ActivationResponse } } },
    201: { description: "Activated", content: { "application/json": { schema: ActivationResponse } } },
    ...errorResponses(400, 403, 404, 409, 413, 415, 422, 429, 503),
  },
});

export const registerV1LicensesActivate = (app: App) =>
  app.openapi(route, async (c) => {
    const input = c.req.valid("json");
    const outcome = await c.var.services.activations.activate({
      licenseKey: input.license_key,
      fingerprint: input.fingerprint,
      name: input.name,
      domain: input.domain,
      metadata: input.metadata,
      clientIp: c.req.header("CF-Connecting-IP"),
      idempotencyKey: c.req.valid("header")["idempotency-key"],
      now: new Date(),
    });
    return c.json({ activation: activationBody(outcome.activation, outcome.heartbeatIntervalS), created: outcome.created }, outcome.status);
  });
