ALTER TABLE "webhook_deliveries" ADD COLUMN "event_type" text;--> statement-breakpoint
-- Deliveries made before the column: their event says what they were.
UPDATE "webhook_deliveries" d SET "event_type" = e."type" FROM "webhook_events" e WHERE e."id" = d."event_id" AND d."event_type" IS NULL;
