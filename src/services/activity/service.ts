// The activity API's answers: a license's, a customer's or the whole tenant's events, newest first,
// within the tenant's retention, each with its code's explanation and its device's current name.
// Reading first writes out what this isolate still buffers, so a refusal is readable at once here
// and within FLUSH_INTERVAL_MS from any other isolate (README "License activity").
import { type ActivityEvent, DEFAULT_ACTIVITY_RETENTION_DAYS, MAX_ACTIVITY_RETENTION_DAYS } from "../../contract/activity";
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

/** Events an export answers at most (the newest); the route's schema says so. */
export const EXPORT_MAX_EVENTS = 5_000;

export function activityService(deps: ServiceDeps) {
  return {
    /**
     * Every event held about a customer (for its GDPR export): those naming it, and those of its
     * licenses from before they were its; newest first, at most EXPORT_MAX_EVENTS.
     */
    async ofCustomer(customerId: string, licenseIds: readonly string[]): Promise<ActivityPage["data"]> {
      const { tenantId } = requireActor(deps);
      await settleActivity();
      await deps.activity.sink.flush();
      const until = new Date(Date.now() + 60_000);
      const since = new Date(Date.now() - MAX_ACTIVITY_RETENTION_DAYS * DAY_MS);
      const seen = new Map<string, ActivityEvent>();
      for (const filter of [{ customerId }, ...licenseIds.map((licenseId) => ({ licenseId }))]) {
        let beforeId: string | undefined;
        while (seen.size < EXPORT_MAX_EVENTS) {
          const page = await deps.activity.reader.list({ tenantId, ...filter, since, until, beforeId, limit: 200 });
          for (const e of page) seen.set(e.id, e);
          if (page.length < 200) break;
          beforeId = page.at(-1)!.id;
        }
      }
      const events = [...seen.values()].sort((a, b) => (a.id < b.id ? 1 : -1)).slice(0, EXPORT_MAX_EVENTS);
      const names = await activationNames(
        deps.rows(),
        tenantId,
        events.map((e) => e.activationId).filter((id) => id !== ""),
      );
      return events.map((e) => ({ ...e, deviceName: names.get(e.activationId) ?? null }));
    },

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
