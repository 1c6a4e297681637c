CREATE TABLE "leases" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"license_id" text NOT NULL,
	"instance_id" text NOT NULL,
	"user_id" text,
	"expires_at" timestamp with time zone NOT NULL,
	"last_heartbeat_at" timestamp with time zone NOT NULL,
	"borrowed_until" timestamp with time zone,
	"released_at" timestamp with time zone,
	"expiry_notified_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "policies" ADD COLUMN "lease_mode" text DEFAULT 'none' NOT NULL;--> statement-breakpoint
ALTER TABLE "policies" ADD COLUMN "max_leases" integer;--> statement-breakpoint
ALTER TABLE "policies" ADD COLUMN "lease_ttl_s" integer DEFAULT 600 NOT NULL;--> statement-breakpoint
ALTER TABLE "policies" ADD COLUMN "max_borrow_s" integer DEFAULT 604800 NOT NULL;--> statement-breakpoint
ALTER TABLE "leases" ADD CONSTRAINT "leases_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "leases" ADD CONSTRAINT "leases_license_id_licenses_id_fk" FOREIGN KEY ("license_id") REFERENCES "public"."licenses"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "leases_license_live_idx" ON "leases" USING btree ("license_id","expires_at");--> statement-breakpoint
CREATE INDEX "leases_tenant_idx" ON "leases" USING btree ("tenant_id","created_at");--> statement-breakpoint
CREATE INDEX "leases_expiry_idx" ON "leases" USING btree ("expires_at");--> statement-breakpoint
ALTER TABLE "policies" ADD CONSTRAINT "policies_lease_mode_check" CHECK (lease_mode IN ('none', 'per_license', 'per_user'));--> statement-breakpoint
ALTER TABLE "policies" ADD CONSTRAINT "policies_lease_check" CHECK (lease_ttl_s >= 60 AND lease_ttl_s <= 86400 AND (max_leases IS NULL OR max_leases >= 0) AND max_borrow_s >= 0);