CREATE TABLE "billing_connectors" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"provider" text NOT NULL,
	"name" text NOT NULL,
	"secret_ciphertext" text NOT NULL,
	"mappings" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"renewal_grace_s" integer DEFAULT 86400 NOT NULL,
	"dunning_grace_s" integer DEFAULT 259200 NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "billing_connectors_provider_check" CHECK (provider IN ('stripe', 'paddle', 'lemonsqueezy', 'polar'))
);
--> statement-breakpoint
CREATE TABLE "billing_events" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"connector_id" text NOT NULL,
	"provider_event_id" text,
	"event_type" text,
	"outcome" text NOT NULL,
	"reason" text,
	"key" text,
	"refs" text[] DEFAULT '{}'::text[] NOT NULL,
	"fact" jsonb,
	"license_id" text,
	"occurred_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "billing_events_outcome_check" CHECK (outcome IN ('applied', 'ignored', 'pending', 'failed', 'rejected'))
);
--> statement-breakpoint
CREATE TABLE "billing_links" (
	"connector_id" text NOT NULL,
	"key" text NOT NULL,
	"tenant_id" text NOT NULL,
	"license_id" text,
	"recheck_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "billing_links_connector_id_key_pk" PRIMARY KEY("connector_id","key")
);
--> statement-breakpoint
ALTER TABLE "licenses" ADD COLUMN "max_activations" integer;--> statement-breakpoint
ALTER TABLE "licenses" ADD COLUMN "billing_connector_id" text;--> statement-breakpoint
ALTER TABLE "licenses" ADD COLUMN "billing_reference" text;--> statement-breakpoint
ALTER TABLE "billing_connectors" ADD CONSTRAINT "billing_connectors_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "billing_events" ADD CONSTRAINT "billing_events_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "billing_events" ADD CONSTRAINT "billing_events_connector_id_billing_connectors_id_fk" FOREIGN KEY ("connector_id") REFERENCES "public"."billing_connectors"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "billing_events" ADD CONSTRAINT "billing_events_license_id_licenses_id_fk" FOREIGN KEY ("license_id") REFERENCES "public"."licenses"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "billing_links" ADD CONSTRAINT "billing_links_connector_id_billing_connectors_id_fk" FOREIGN KEY ("connector_id") REFERENCES "public"."billing_connectors"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "billing_links" ADD CONSTRAINT "billing_links_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "billing_links" ADD CONSTRAINT "billing_links_license_id_licenses_id_fk" FOREIGN KEY ("license_id") REFERENCES "public"."licenses"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "billing_connectors_tenant_idx" ON "billing_connectors" USING btree ("tenant_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "billing_events_provider_event_idx" ON "billing_events" USING btree ("connector_id","provider_event_id");--> statement-breakpoint
CREATE INDEX "billing_events_tenant_idx" ON "billing_events" USING btree ("tenant_id","created_at");--> statement-breakpoint
CREATE INDEX "billing_events_key_idx" ON "billing_events" USING btree ("connector_id","key");--> statement-breakpoint
CREATE INDEX "billing_events_refs_idx" ON "billing_events" USING gin ("refs");--> statement-breakpoint
CREATE INDEX "billing_links_recheck_idx" ON "billing_links" USING btree ("recheck_at");--> statement-breakpoint
ALTER TABLE "licenses" ADD CONSTRAINT "licenses_max_activations_check" CHECK (max_activations is null or max_activations >= 0);--> statement-breakpoint
-- Upgrades: billing:read and billing:write are new; a credential that held every permission there
-- was before them gets them too, narrower ones stay as they were.
UPDATE "api_keys" SET "permissions" = "permissions" || ARRAY['billing:read', 'billing:write']::text[], "updated_at" = now()
WHERE "permissions" @> ARRAY['tenants:read', 'applications:read', 'applications:write', 'policies:read', 'policies:write', 'licenses:read', 'licenses:write', 'activations:read', 'activations:write', 'tokens:introspect', 'tokens:revoke', 'api_keys:read', 'api_keys:write', 'webhooks:read', 'webhooks:write', 'audit:read', 'metrics:read', 'metrics:write', 'customers:read', 'customers:write', 'users:read', 'users:write', 'groups:read', 'groups:write', 'events:read', 'tenants:write', 'portal:write']::text[]
  AND NOT "permissions" @> ARRAY['billing:read']::text[];
--> statement-breakpoint
UPDATE "user_tokens" SET "permissions" = "permissions" || ARRAY['billing:read', 'billing:write']::text[], "updated_at" = now()
WHERE "permissions" @> ARRAY['tenants:read', 'applications:read', 'applications:write', 'policies:read', 'policies:write', 'licenses:read', 'licenses:write', 'activations:read', 'activations:write', 'tokens:introspect', 'tokens:revoke', 'api_keys:read', 'api_keys:write', 'webhooks:read', 'webhooks:write', 'audit:read', 'metrics:read', 'metrics:write', 'customers:read', 'customers:write', 'users:read', 'users:write', 'groups:read', 'groups:write', 'events:read', 'tenants:write', 'portal:write']::text[]
  AND NOT "permissions" @> ARRAY['billing:read']::text[];
