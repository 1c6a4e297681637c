// POST /v1/licenses/validate: the status of a license key. No token, no credential, one query.
import { createRoute } from "@hono/zod-openapi";
import type { App } from "../app";
import { metricEvent } from "../middleware/metrics";
import { publicRateLimit } from "../middleware/rate-limit";
import { errorResponses } from "../wire/common";
import { ValidateResponse, validationBody } from "../wire/licenses";
import { jsonBody } from "./requests/common";
import { ValidateBody } from "./requests/public-body";
import { noteOutcome } from "./requests/validation-outcome";

const route = createRoute({
  method: "post",
  path: "/v1/licenses/validate",
  operationId: "validateLicense",
  tags: ["Licenses (public)"],
  summary: "Validate a license key",
  middleware: [metricEvent("validate"), publicRateLimit()] as const,
  description:
    "Business outcomes are values: the answer is 200 with `valid` and a `code` (VALID, NOT_FOUND, EXPIRED, SUSPENDED, REVOKED, PRODUCT_MISMATCH, ...). An unknown and a malformed key answer alike.",
  request: { body: jsonBody(ValidateBody) },
  responses: {
    200: { description: "The validation outcome", content: { "application/json": { schema: ValidateResponse } } },
    ...errorResponses(400, 413, 415, 422, 429, 503),
  },
});

export const registerV1LicensesValidate = (app: App) =>
  app.openapi(route, async (c) => {
    const input = c.req.valid("json");
    const now = new Date();
    const result = await c.var.services.tokens.validate(
      {
        licenseKey: input.license_key,
        applicationId: input.application_id,
        fingerprint: input.fingerprint,
        domain: input.domain,
        clientIp: c.req.header("CF-Connecting-IP"),
      },
      now,
    );
    noteOutcome(c, result);
    return c.json(validationBody(result, now), 200);
  });
