-- Upgrades: customers:*, users:* and groups:* are new (seed 003). A credential that held every
-- permission there was before them (a tenant's bootstrap key, an admin's user token and its access
-- tokens) gets them too, so a seller sees customers after upgrading; narrower credentials stay as
-- they were, since the subset rule would not let a lesser caller grant them either.
UPDATE "api_keys" SET "permissions" = "permissions" || ARRAY['customers:read', 'customers:write', 'users:read', 'users:write', 'groups:read', 'groups:write']::text[], "updated_at" = now()
WHERE "permissions" @> ARRAY['tenants:read', 'applications:read', 'applications:write', 'policies:read', 'policies:write', 'licenses:read', 'licenses:write', 'activations:read', 'activations:write', 'tokens:introspect', 'tokens:revoke', 'api_keys:read', 'api_keys:write', 'webhooks:read', 'webhooks:write', 'audit:read', 'metrics:read', 'metrics:write']::text[]
  AND NOT "permissions" @> ARRAY['customers:read']::text[];
--> statement-breakpoint
UPDATE "user_tokens" SET "permissions" = "permissions" || ARRAY['customers:read', 'customers:write', 'users:read', 'users:write', 'groups:read', 'groups:write']::text[], "updated_at" = now()
WHERE "permissions" @> ARRAY['tenants:read', 'applications:read', 'applications:write', 'policies:read', 'policies:write', 'licenses:read', 'licenses:write', 'activations:read', 'activations:write', 'tokens:introspect', 'tokens:revoke', 'api_keys:read', 'api_keys:write', 'webhooks:read', 'webhooks:write', 'audit:read', 'metrics:read', 'metrics:write']::text[]
  AND NOT "permissions" @> ARRAY['customers:read']::text[];
