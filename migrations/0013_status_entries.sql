CREATE TABLE "status_entries" (
	"list_id" text NOT NULL,
	"idx" integer NOT NULL,
	"license_id" text NOT NULL,
	"activation_id" text,
	"lease_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "status_entries_list_id_idx_pk" PRIMARY KEY("list_id","idx"),
	CONSTRAINT "status_entries_idx_check" CHECK (idx >= 0)
);
--> statement-breakpoint
ALTER TABLE "status_lists" ADD COLUMN "capacity" integer DEFAULT 16384 NOT NULL;--> statement-breakpoint
ALTER TABLE "status_lists" ADD COLUMN "version" bigint DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "status_lists" ADD COLUMN "built_version" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "status_entries" ADD CONSTRAINT "status_entries_list_id_status_lists_id_fk" FOREIGN KEY ("list_id") REFERENCES "public"."status_lists"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "status_entries" ADD CONSTRAINT "status_entries_license_id_licenses_id_fk" FOREIGN KEY ("license_id") REFERENCES "public"."licenses"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "status_entries" ADD CONSTRAINT "status_entries_activation_id_activations_id_fk" FOREIGN KEY ("activation_id") REFERENCES "public"."activations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "status_entries" ADD CONSTRAINT "status_entries_lease_id_leases_id_fk" FOREIGN KEY ("lease_id") REFERENCES "public"."leases"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "status_entries_license_idx" ON "status_entries" USING btree ("license_id");--> statement-breakpoint
CREATE UNIQUE INDEX "status_entries_activation_idx" ON "status_entries" USING btree ("activation_id") WHERE activation_id IS NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "status_entries_lease_idx" ON "status_entries" USING btree ("lease_id") WHERE lease_id IS NOT NULL;--> statement-breakpoint
ALTER TABLE "status_lists" ADD CONSTRAINT "status_lists_capacity_check" CHECK (capacity > 0);--> statement-breakpoint
-- Existing lists keep their entries: every license index handed out so far, and a capacity that covers them.
UPDATE "status_lists" SET "capacity" = GREATEST(16384, CEIL("next_idx" / 16384.0)::int * 16384);--> statement-breakpoint
INSERT INTO "status_entries" ("list_id", "idx", "license_id")
  SELECT sl."id", l."status_list_idx", l."id" FROM "licenses" l JOIN "status_lists" sl ON sl."tenant_id" = l."tenant_id"
   WHERE l."status_list_idx" IS NOT NULL;--> statement-breakpoint
-- A list built after its last change is current (version 1 built); any other is stale for the cron.
UPDATE "status_lists" SET "built_version" = CASE WHEN "built_at" IS NOT NULL AND "changed_at" <= "built_at" THEN 1 ELSE 0 END;
