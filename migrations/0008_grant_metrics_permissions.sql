-- Upgrades: metrics:read and metrics:write are new. A credential that held every permission there
-- was before them (a tenant's bootstrap key, an admin's user token and its access tokens) gets them
-- too, so a seller sees metrics after upgrading; narrower credentials stay as they were, since the
-- subset rule would not let a lesser caller grant them either.
UPDATE "api_keys" SET "permissions" = "permissions" || ARRAY['metrics:read', 'metrics:write']::text[], "updated_at" = now()
WHERE "permissions" @> ARRAY['tenants:read', 'applications:read', 'applications:write', 'policies:read', 'policies:write', 'licenses:read', 'licenses:write', 'activations:read', 'activations:write', 'tokens:introspect', 'tokens:revoke', 'api_keys:read', 'api_keys:write', 'webhooks:read', 'webhooks:write', 'audit:read']::text[]
  AND NOT "permissions" @> ARRAY['metrics:read']::text[];
--> statement-breakpoint
UPDATE "user_tokens" SET "permissions" = "permissions" || ARRAY['metrics:read', 'metrics:write']::text[], "updated_at" = now()
WHERE "permissions" @> ARRAY['tenants:read', 'applications:read', 'applications:write', 'policies:read', 'policies:write', 'licenses:read', 'licenses:write', 'activations:read', 'activations:write', 'tokens:introspect', 'tokens:revoke', 'api_keys:read', 'api_keys:write', 'webhooks:read', 'webhooks:write', 'audit:read']::text[]
  AND NOT "permissions" @> ARRAY['metrics:read']::text[];
