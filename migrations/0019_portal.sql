CREATE TABLE "portal_sessions" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"customer_id" text NOT NULL,
	"code_hash" text,
	"code_expires_at" timestamp with time zone NOT NULL,
	"token_hash" text,
	"return_url" text,
	"locale" text,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"exchanged_at" timestamp with time zone,
	"last_used_at" timestamp with time zone,
	"expires_at" timestamp with time zone NOT NULL,
	"revoked_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "tenants" ADD COLUMN "portal_branding" jsonb DEFAULT '{"display_name":null,"accent_color":null,"support_email":null,"support_url":null,"return_origins":[]}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "portal_sessions" ADD CONSTRAINT "portal_sessions_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "portal_sessions" ADD CONSTRAINT "portal_sessions_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "portal_sessions_code_idx" ON "portal_sessions" USING btree ("code_hash");--> statement-breakpoint
CREATE UNIQUE INDEX "portal_sessions_token_idx" ON "portal_sessions" USING btree ("token_hash");--> statement-breakpoint
CREATE INDEX "portal_sessions_customer_idx" ON "portal_sessions" USING btree ("tenant_id","customer_id","created_at");--> statement-breakpoint
-- Upgrades: portal:write (customer portal links) is new; a credential that held every permission
-- there was before it gets it too, narrower ones stay as they were.
UPDATE "api_keys" SET "permissions" = "permissions" || ARRAY['portal:write']::text[], "updated_at" = now()
WHERE "permissions" @> ARRAY['tenants:read', 'applications:read', 'applications:write', 'policies:read', 'policies:write', 'licenses:read', 'licenses:write', 'activations:read', 'activations:write', 'tokens:introspect', 'tokens:revoke', 'api_keys:read', 'api_keys:write', 'webhooks:read', 'webhooks:write', 'audit:read', 'metrics:read', 'metrics:write', 'customers:read', 'customers:write', 'users:read', 'users:write', 'groups:read', 'groups:write', 'events:read', 'tenants:write']::text[]
  AND NOT "permissions" @> ARRAY['portal:write']::text[];
--> statement-breakpoint
UPDATE "user_tokens" SET "permissions" = "permissions" || ARRAY['portal:write']::text[], "updated_at" = now()
WHERE "permissions" @> ARRAY['tenants:read', 'applications:read', 'applications:write', 'policies:read', 'policies:write', 'licenses:read', 'licenses:write', 'activations:read', 'activations:write', 'tokens:introspect', 'tokens:revoke', 'api_keys:read', 'api_keys:write', 'webhooks:read', 'webhooks:write', 'audit:read', 'metrics:read', 'metrics:write', 'customers:read', 'customers:write', 'users:read', 'users:write', 'groups:read', 'groups:write', 'events:read', 'tenants:write']::text[]
  AND NOT "permissions" @> ARRAY['portal:write']::text[];
