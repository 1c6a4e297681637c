// POST /v1/licenses/validate-hardware: verify bound to a device that holds a live activation.

import { createRoute } from "@hono/zod-openapi";
import type { App } from "../app";
import { issuerOf, jwksUriOf } from "../config";
import { metricEvent } from "../middleware/metrics";
import { publicRateLimit } from "../middleware/rate-limit";
import { errorResponses } from "../wire/common";
import { VerifyResponse, verifyBody } from "../wire/licenses";
import { jsonBody } from "./requests/common";
import { Domain, publicLicenseBody } from "./requests/public-body";
import { noteOutcome } from "./requests/validation-outcome";

const Body = publicLicenseBody(
  "ValidateHardwareRequest",
  { domain: Domain.optional().openapi({ description: "The site, for a domain-bound license (as verify takes it)" }) },
  { fingerprint: true, application: true, description: "`hwuid` (or `fingerprint`) must be a live activation of the license" },
);

const route = createRoute({
  method: "post",
  path: "/v1/licenses/validate-hardware",
  operationId: "validateLicenseHardware",
  tags: ["Licenses (public)"],
  summary: "Verify a license for an activated device",
  middleware: [metricEvent("validate_hardware"), publicRateLimit()] as const,
  description:
    "Valid only when `hwuid` is a live activation of the license (NOT_ACTIVATED, FINGERPRINT_MISMATCH, HEARTBEAT_DEAD otherwise). The token then has `hw_bound: true`.",
  request: { body: jsonBody(Body) },
  responses: {
    200: { description: "The outcome, with a device-bound token when valid", content: { "application/json": { schema: VerifyResponse } } },
    ...errorResponses(400, 413, 415, 422, 429, 503),
  },
});

export const registerV1LicensesValidateHardware = (app: App) =>
  app.openapi(route, async (c) => {
    const input = c.req.valid("json");
    const verified = await c.var.services.tokens.verify({
      licenseKey: input.license_key,
      applicationId: input.application_id,
      fingerprint: input.fingerprint,
      domain: input.domain,
      requireDevice: true,
      clientIp: c.req.header("CF-Connecting-IP"),
    });
    noteOutcome(c, verified.result);
    return c.json(verifyBody(verified, jwksUriOf(issuerOf(c.env))), 200);
  });
