// The closed list of permissions an API key, user token or access token can carry.
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
  "customers:read",
  "customers:write",
  "users:read",
  "users:write",
  "groups:read",
  "groups:write",
  "events:read",
  "tenants:write",
  "portal:write",
  "billing:read",
  "billing:write",
] as const;

export type Permission = (typeof PERMISSIONS)[number];

/** API keys (`sk_`) and the access tokens (`at_`) exchanged for user tokens: both are bearer credentials. */
export const CREDENTIAL_KINDS = ["api_key", "access_token"] as const;
export type CredentialKind = (typeof CREDENTIAL_KINDS)[number];
