// POST /v1/licenses/verify: validate, and when valid issue a short-lived signed license token.
import { issuerOf, jwksUriOf } from "../config";
import { operation } from "../middleware/operation";
import { DPOP_ERROR_CODES } from "../services/device-proof";
import { VerifyResponse, verifyBody } from "../wire/licenses";
import { ValidateBody } from "./requests/public-body";
import { noteOutcome } from "./requests/validation-outcome";

export default operation({
  method: "post",
  path: "/v1/licenses/verify",
  operationId: "verifyLicense",
  audience: "device",
  metric: "verify",
  tags: ["Licenses (public)"],
  summary: "Validate a license key and issue a license token",
  description:
    "Same checks as validate. When valid, also returns `license_token` (a JWT clients verify offline against `license_jwks_uri`), valid 15 min / 1 h / 24 h by the policy's tier and never past the license's expiry. A floating license answers LEASE_REQUIRED and no token: its tokens come with a lease.",
  request: { body: ValidateBody },
  errors: [...DPOP_ERROR_CODES],
  responses: { 200: { description: "The outcome, with a token when valid", schema: VerifyResponse } },
  handler: ({ body }, { services, clientIp }) =>
    services.tokens.verify({ licenseKey: body.license_key, applicationId: body.application_id, fingerprint: body.fingerprint, domain: body.domain, clientIp }),
  respond: (verified, ctx) => {
    noteOutcome(ctx, verified.result);
    return { status: 200, body: verifyBody(verified, jwksUriOf(issuerOf(ctx.env))) };
  },
});
