CREATE TABLE "dpop_proofs" (
	"key" text PRIMARY KEY NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "activations" ADD COLUMN "dpop_jkt" text;--> statement-breakpoint
ALTER TABLE "policies" ADD COLUMN "proof_of_possession" text DEFAULT 'none' NOT NULL;--> statement-breakpoint
CREATE INDEX "dpop_proofs_expires_idx" ON "dpop_proofs" USING btree ("expires_at");--> statement-breakpoint
ALTER TABLE "policies" ADD CONSTRAINT "policies_proof_of_possession_check" CHECK (proof_of_possession IN ('none', 'optional', 'required'));