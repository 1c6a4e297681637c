CREATE TABLE "metric_alert_rules" (
	"tenant_id" text NOT NULL,
	"kind" text NOT NULL,
	"threshold" double precision NOT NULL,
	"min_events" integer NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"last_fired_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "metric_alert_rules_tenant_id_kind_pk" PRIMARY KEY("tenant_id","kind"),
	CONSTRAINT "metric_alert_rules_kind_check" CHECK (kind IN ('validation_failure_rate', 'auth_failures_per_minute'))
);
--> statement-breakpoint
CREATE TABLE "metric_rollups" (
	"tenant_id" text NOT NULL,
	"minute" timestamp with time zone NOT NULL,
	"event" text NOT NULL,
	"code" text NOT NULL,
	"application_id" text DEFAULT '' NOT NULL,
	"policy_id" text DEFAULT '' NOT NULL,
	"license_id" text DEFAULT '' NOT NULL,
	"colo" text DEFAULT '' NOT NULL,
	"country" text DEFAULT '' NOT NULL,
	"count" integer NOT NULL,
	"duration_ms_sum" bigint NOT NULL,
	CONSTRAINT "metric_rollups_pk" PRIMARY KEY("tenant_id","minute","event","code","application_id","policy_id","license_id","colo","country")
);
--> statement-breakpoint
ALTER TABLE "metric_alert_rules" ADD CONSTRAINT "metric_alert_rules_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;