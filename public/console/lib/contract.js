// The service's closed lists the console needs before asking the API anything: its permissions,
// in the service's order, and the permission each webhook event needs to be read. Plain data with
// no imports, so test/static/console.test.ts checks it equals src/contract/ exactly.

export const PERMISSIONS = [
  "tenants:read",
  "applications:read",
  "applications:write",
  "policies:read",
  "policies:write",
  "licenses:read",
  "licenses:write",
  "activations:read",
  "activations:write",
  "tokens:introspect",
  "tokens:revoke",
  "api_keys:read",
  "api_keys:write",
  "webhooks:read",
  "webhooks:write",
  "audit:read",
  "metrics:read",
  "metrics:write",
];

export const EVENT_READ_PERMISSION = {
  "license.created": "licenses:read",
  "license.updated": "licenses:read",
  "license.suspended": "licenses:read",
  "license.reinstated": "licenses:read",
  "license.revoked": "licenses:read",
  "license.renewed": "licenses:read",
  "license.expired": "licenses:read",
  "license.checked_out": "licenses:read",
  "activation.created": "activations:read",
  "activation.deleted": "activations:read",
  "token.revoked": "licenses:read",
  "api_key.created": "api_keys:read",
  "api_key.revoked": "api_keys:read",
  "metrics.threshold_crossed": "metrics:read",
};
