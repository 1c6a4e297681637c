// POST /v1/licenses/validate-hardware: verify bound to a device that holds a live activation.

import { issuerOf, jwksUriOf } from "../config";
import { operation } from "../middleware/operation";
import { DPOP_ERROR_CODES } from "../services/device-proof";
import { VerifyResponse, verifyBody } from "../wire/licenses";
import { Domain, publicLicenseBody } from "./requests/public-body";
import { noteOutcome } from "./requests/validation-outcome";

const Body = publicLicenseBody(
  "ValidateHardwareRequest",
  { domain: Domain.optional().openapi({ description: "The site, for a domain-bound license (as verify takes it)" }) },
  { fingerprint: true, application: true, description: "`hwuid` (or `fingerprint`) must be a live activation of the license" },
);

export default operation({
  method: "post",
  path: "/v1/licenses/validate-hardware",
  operationId: "validateLicenseHardware",
  audience: "device",
  metric: "validate_hardware",
  tags: ["Licenses (public)"],
  summary: "Verify a license for an activated device",
  description:
    "Valid only when `hwuid` is a live activation of the license (NOT_ACTIVATED, FINGERPRINT_MISMATCH, HEARTBEAT_DEAD otherwise). The token then has `hw_bound: true`.",
  request: { body: Body },
  errors: [...DPOP_ERROR_CODES],
  responses: { 200: { description: "The outcome, with a device-bound token when valid", schema: VerifyResponse } },
  handler: ({ body }, { services, clientIp }) =>
    services.tokens.verify({
      licenseKey: body.license_key,
      applicationId: body.application_id,
      fingerprint: body.fingerprint,
      domain: body.domain,
      requireDevice: true,
      clientIp,
    }),
  respond: (verified, ctx) => {
    noteOutcome(ctx, verified.result);
    return { status: 200, body: verifyBody(verified, jwksUriOf(issuerOf(ctx.env))) };
  },
});
