-- Endpoint health (GET /v1/webhooks): attempts name their endpoint, so its latest attempt and its
-- last success are index reads. Attempts recorded before the column take their delivery's endpoint.
ALTER TABLE "webhook_attempts" ADD COLUMN "endpoint_id" text;--> statement-breakpoint
UPDATE "webhook_attempts" a SET "endpoint_id" = d."endpoint_id" FROM "webhook_deliveries" d WHERE d."id" = a."delivery_id";--> statement-breakpoint
ALTER TABLE "webhook_attempts" ALTER COLUMN "endpoint_id" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "webhook_attempts" ADD COLUMN "response_excerpt" text;--> statement-breakpoint
ALTER TABLE "webhook_deliveries" ADD COLUMN "claimed_until" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "webhook_attempts" ADD CONSTRAINT "webhook_attempts_endpoint_id_webhook_endpoints_id_fk" FOREIGN KEY ("endpoint_id") REFERENCES "public"."webhook_endpoints"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "webhook_attempts_endpoint_idx" ON "webhook_attempts" USING btree ("endpoint_id","attempted_at");--> statement-breakpoint
CREATE INDEX "webhook_attempts_endpoint_ok_idx" ON "webhook_attempts" USING btree ("endpoint_id","attempted_at") WHERE status_code BETWEEN 200 AND 299;--> statement-breakpoint
CREATE INDEX "webhook_deliveries_endpoint_open_idx" ON "webhook_deliveries" USING btree ("endpoint_id","status") WHERE status <> 'succeeded';--> statement-breakpoint
ALTER TABLE "webhook_attempts" ADD CONSTRAINT "webhook_attempts_response_excerpt_check" CHECK (char_length(response_excerpt) <= 2048);