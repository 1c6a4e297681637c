CREATE TABLE "status_lists" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"next_idx" integer DEFAULT 0 NOT NULL,
	"changed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"built_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "status_lists_next_idx_check" CHECK (next_idx >= 0)
);
--> statement-breakpoint
ALTER TABLE "licenses" ADD COLUMN "status_list_idx" integer;--> statement-breakpoint
ALTER TABLE "policies" ADD COLUMN "offline_ttl_default_s" integer DEFAULT 2592000 NOT NULL;--> statement-breakpoint
ALTER TABLE "policies" ADD COLUMN "offline_ttl_max_s" integer DEFAULT 31536000 NOT NULL;--> statement-breakpoint
ALTER TABLE "policies" ADD COLUMN "allow_perpetual_offline" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "policies" ADD COLUMN "offline_outlives_license" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "status_lists" ADD CONSTRAINT "status_lists_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "status_lists_tenant_idx" ON "status_lists" USING btree ("tenant_id");--> statement-breakpoint
CREATE UNIQUE INDEX "licenses_status_list_idx" ON "licenses" USING btree ("tenant_id","status_list_idx");--> statement-breakpoint
CREATE INDEX "licenses_tenant_key_prefix_idx" ON "licenses" USING btree ("tenant_id","key_prefix");--> statement-breakpoint
ALTER TABLE "policies" ADD CONSTRAINT "policies_offline_ttl_check" CHECK (offline_ttl_default_s >= 60 AND offline_ttl_default_s <= offline_ttl_max_s AND offline_ttl_max_s <= 315360000);