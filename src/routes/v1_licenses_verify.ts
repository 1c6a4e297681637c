// POST /v1/licenses/verify: validate, and when valid issue a short-lived signed license token.

import { createRoute } from "@hono/zod-openapi";
import type { App } from "../app";
import { issuerOf, jwksUriOf } from "../config";
import { metricEvent } from "../middleware/metrics";
import { publicRateLimit } from "../middleware/rate-limit";
import { errorResponses } from "../wire/common";
import { VerifyResponse, verifyBody } from "../wire/licenses";
import { jsonBody } from "./requests/common";
import { ValidateBody } from "./requests/public-body";
import { noteOutcome } from "./requests/validation-outcome";

const route = createRoute({
  method: "post",
  path: "/v1/licenses/verify",
  operationId: "verifyLicense",
  tags: ["Licenses (public)"],
  summary: "Validate a license key and issue a license token",
  middleware: [metricEvent("verify"), publicRateLimit()] as const,
  description:
    "Same checks as validate. When valid, also returns `license_token` (a JWT clients verify offline against `license_jwks_uri`), valid 15 min / 1 h / 24 h by the policy's tier and never past the license's expiry.",
  request: { body: jsonBody(ValidateBody) },
  responses: {
    200: { description: "The outcome, with a token when valid", content: { "application/json": { schema: VerifyResponse } } },
    ...errorResponses(400, 413, 415, 422, 429, 503),
  },
});

export const registerV1LicensesVerify = (app: App) =>
  app.openapi(route, async (c) => {
    const input = c.req.valid("json");
    const verified = await c.var.services.tokens.verify({
      licenseKey: input.license_key,
      applicationId: input.application_id,
      fingerprint: input.fingerprint,
      domain: input.domain,
      clientIp: c.req.header("CF-Connecting-IP"),
    });
    noteOutcome(c, verified.result);
    return c.json(verifyBody(verified, jwksUriOf(issuerOf(c.env))), 200);
  });
