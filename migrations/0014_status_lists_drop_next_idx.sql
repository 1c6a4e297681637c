ALTER TABLE "status_lists" DROP CONSTRAINT "status_lists_next_idx_check";--> statement-breakpoint
ALTER TABLE "status_lists" DROP COLUMN "next_idx";