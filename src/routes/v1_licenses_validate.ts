// POST /v1/licenses/validate: the status of a license key. No token, no credential, one query.
import { operation } from "../middleware/operation";
import { DPOP_ERROR_CODES } from "../services/device-proof";
import { ValidateResponse, validationBody } from "../wire/licenses";
import { ValidateBody } from "./requests/public-body";
import { noteOutcome } from "./requests/validation-outcome";

export default operation({
  method: "post",
  path: "/v1/licenses/validate",
  operationId: "validateLicense",
  audience: "device",
  metric: "validate",
  tags: ["Licenses (public)"],
  summary: "Validate a license key",
  description:
    "Business outcomes are values: the answer is 200 with `valid` and a `code` (VALID, NOT_FOUND, EXPIRED, SUSPENDED, REVOKED, PRODUCT_MISMATCH, ...). An unknown and a malformed key answer alike.",
  request: { body: ValidateBody },
  errors: [...DPOP_ERROR_CODES],
  responses: { 200: { description: "The validation outcome", schema: ValidateResponse } },
  handler: async ({ body }, { services, clientIp }) => {
    const now = new Date();
    const check = { licenseKey: body.license_key, applicationId: body.application_id, fingerprint: body.fingerprint, domain: body.domain, clientIp };
    return { result: await services.tokens.validate(check, now), now };
  },
  respond: ({ result, now }, ctx) => {
    noteOutcome(ctx, result);
    return { status: 200, body: validationBody(result, now) };
  },
});
