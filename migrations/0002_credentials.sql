CREATE TABLE "user_tokens" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"name" text NOT NULL,
	"token_hash" text NOT NULL,
	"permissions" text[] DEFAULT '{}'::text[] NOT NULL,
	"generation" integer DEFAULT 1 NOT NULL,
	"revoked_at" timestamp with time zone,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "api_keys" ADD COLUMN "kind" text DEFAULT 'api_key' NOT NULL;--> statement-breakpoint
ALTER TABLE "api_keys" ADD COLUMN "user_token_id" text;--> statement-breakpoint
ALTER TABLE "api_keys" ADD COLUMN "user_token_generation" integer;--> statement-breakpoint
ALTER TABLE "api_keys" ADD COLUMN "replaced_by" text;--> statement-breakpoint
ALTER TABLE "user_tokens" ADD CONSTRAINT "user_tokens_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "user_tokens_token_hash_idx" ON "user_tokens" USING btree ("token_hash");--> statement-breakpoint
CREATE INDEX "user_tokens_tenant_idx" ON "user_tokens" USING btree ("tenant_id","created_at");--> statement-breakpoint
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_user_token_id_user_tokens_id_fk" FOREIGN KEY ("user_token_id") REFERENCES "public"."user_tokens"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_kind_check" CHECK (kind IN ('api_key', 'access_token'));--> statement-breakpoint
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_access_token_check" CHECK (kind = 'api_key' OR (user_token_id IS NOT NULL AND user_token_generation IS NOT NULL AND expires_at IS NOT NULL));