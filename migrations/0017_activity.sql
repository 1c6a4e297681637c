CREATE TABLE "activity_events" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"license_id" text NOT NULL,
	"customer_id" text DEFAULT '' NOT NULL,
	"operation" text NOT NULL,
	"code" text NOT NULL,
	"activation_id" text DEFAULT '' NOT NULL,
	"fingerprint_prefix" text DEFAULT '' NOT NULL,
	"domain" text DEFAULT '' NOT NULL,
	"country" text DEFAULT '' NOT NULL,
	"colo" text DEFAULT '' NOT NULL,
	"network" text DEFAULT '' NOT NULL,
	"user_agent" text DEFAULT '' NOT NULL,
	"sdk" text DEFAULT '' NOT NULL,
	"request_id" text DEFAULT '' NOT NULL
);
--> statement-breakpoint
ALTER TABLE "tenants" ADD COLUMN "activity_retention_days" integer DEFAULT 90 NOT NULL;--> statement-breakpoint
CREATE INDEX "activity_events_license_idx" ON "activity_events" USING btree ("tenant_id","license_id","at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "activity_events_customer_idx" ON "activity_events" USING btree ("tenant_id","customer_id","at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "activity_events_tenant_idx" ON "activity_events" USING btree ("tenant_id","at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
ALTER TABLE "tenants" ADD CONSTRAINT "tenants_activity_retention_check" CHECK (activity_retention_days between 1 and 400);--> statement-breakpoint
-- Upgrades: events:read (license activity) and tenants:write (the tenant's settings) are new. A
-- credential that held every permission there was before them gets them too; narrower ones stay.
UPDATE "api_keys" SET "permissions" = "permissions" || ARRAY['events:read', 'tenants:write']::text[], "updated_at" = now()
WHERE "permissions" @> ARRAY['tenants:read', 'applications:read', 'applications:write', 'policies:read', 'policies:write', 'licenses:read', 'licenses:write', 'activations:read', 'activations:write', 'tokens:introspect', 'tokens:revoke', 'api_keys:read', 'api_keys:write', 'webhooks:read', 'webhooks:write', 'audit:read', 'metrics:read', 'metrics:write', 'customers:read', 'customers:write', 'users:read', 'users:write', 'groups:read', 'groups:write']::text[]
  AND NOT "permissions" @> ARRAY['events:read']::text[];
--> statement-breakpoint
UPDATE "user_tokens" SET "permissions" = "permissions" || ARRAY['events:read', 'tenants:write']::text[], "updated_at" = now()
WHERE "permissions" @> ARRAY['tenants:read', 'applications:read', 'applications:write', 'policies:read', 'policies:write', 'licenses:read', 'licenses:write', 'activations:read', 'activations:write', 'tokens:introspect', 'tokens:revoke', 'api_keys:read', 'api_keys:write', 'webhooks:read', 'webhooks:write', 'audit:read', 'metrics:read', 'metrics:write', 'customers:read', 'customers:write', 'users:read', 'users:write', 'groups:read', 'groups:write']::text[]
  AND NOT "permissions" @> ARRAY['events:read']::text[];
