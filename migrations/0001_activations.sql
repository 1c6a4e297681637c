CREATE TABLE "idempotency_keys" (
	"license_id" text NOT NULL,
	"key" text NOT NULL,
	"route" text NOT NULL,
	"request_hash" text NOT NULL,
	"status" integer NOT NULL,
	"body" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "idempotency_keys_license_id_route_key_pk" PRIMARY KEY("license_id","route","key")
);
--> statement-breakpoint
ALTER TABLE "activations" ADD COLUMN "deactivation_reason" text;--> statement-breakpoint
ALTER TABLE "idempotency_keys" ADD CONSTRAINT "idempotency_keys_license_id_licenses_id_fk" FOREIGN KEY ("license_id") REFERENCES "public"."licenses"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "idempotency_keys_created_idx" ON "idempotency_keys" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "activations_license_released_idx" ON "activations" USING btree ("license_id","deactivated_at");--> statement-breakpoint
ALTER TABLE "activations" ADD CONSTRAINT "activations_deactivation_reason_check" CHECK (deactivation_reason IS NULL OR deactivation_reason IN ('client', 'admin', 'heartbeat'));