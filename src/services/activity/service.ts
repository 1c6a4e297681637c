// The activity API's answers: a license's, a customer's or the whole tenant's events, newest first,
// within the tenant's retention, each with its code's explanation and its device's current name.
// Reading first writes out what this isolate still buffers, so a refusal is readable at once here
// and within FLUSH_INTERVAL_MS from any other isolate (README "License activity").
import { type ActivityEvent, DEFAULT_ACTIVITY_RETENTION_DAYS } from "../../contract/activity";
import { activationNames, activityRetentionDays } from "../../db/repositories/activity";
import { getCustomer } from "../../db/repositories/customers";
import { getLicense } from "../../db/repositories/licenses";
import { AppError } from "../../errors";
import { requireActor } from "../actor";
import type { ServiceDeps } from "../context";
import { settleActivity } from "./recorder";

export interface ActivityFilter {
  licenseId?: string;
  customerId?: string;
  code?: string;
  operation?: string;
  device?: string;
  since?: Date;
  until?: Date;
  startingAfter?: string;
  limit: number;
}

export interface ActivityPage {
  data: (ActivityEvent & { deviceName: string | null })[];
  has_more: boolean;
  next_cursor: string | null;
}

const DAY_MS = 86_400_000;

export function activityService(deps: ServiceDeps) {
  return {
    async list(filter: ActivityFilter): Promise<ActivityPage> {
      const { tenantId } = requireActor(deps);
      // Another tenant's license or customer is simply not found.
      if (filter.licenseId && !(await getLicense(deps.db(), tenantId, filter.licenseId))) {
        throw new AppError("NOT_FOUND", "No license with this id.");
      }
      if (filter.customerId && !(await getCustomer(deps.db(), tenantId, filter.customerId))) {
        throw new AppError("NOT_FOUND", "No customer with this id.");
      }
      const now = Date.now();
      const retention = (await activityRetentionDays(deps.rows(), tenantId)) || DEFAULT_ACTIVITY_RETENTION_DAYS;
      // Nothing older than the tenant's retention is answered, even where the store still has it.
      const oldest = new Date(now - retention * DAY_MS);
      const since = filter.since && filter.since > oldest ? filter.since : oldest;
      const until = filter.until ?? new Date(now + 60_000);
      if (since >= until) return { data: [], has_more: false, next_cursor: null };
      await settleActivity();
      await deps.activity.sink.flush();
      const events = await deps.activity.reader.list({
        tenantId,
        licenseId: filter.licenseId,
        customerId: filter.customerId,
        code: filter.code,
        operation: filter.operation,
        device: filter.device,
        since,
        until,
        beforeId: filter.startingAfter,
        limit: filter.limit + 1,
      });
      const hasMore = events.length > filter.limit;
      const page = hasMore ? events.slice(0, filter.limit) : events;
      const names = await activationNames(
        deps.rows(),
        tenantId,
        page.map((e) => e.activationId).filter((id) => id !== ""),
      );
      return {
        data: page.map((e) => ({ ...e, deviceName: names.get(e.activationId) ?? null })),
        has_more: hasMore,
        next_cursor: hasMore ? page.at(-1)!.id : null,
      };
    },
  };
}
