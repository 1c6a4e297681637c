// Query pieces the metrics routes share: a bounded time range and its interval.
import { z } from "@hono/zod-openapi";
import { METRIC_INTERVALS } from "../../contract/metrics";

const Instant = z.string().datetime({ offset: true });

export const RangeQuery = z.object({
  from: Instant.optional().openapi({ description: "Start (inclusive); default 24 h before `to`" }),
  to: Instant.optional().openapi({ description: "End (exclusive); default now. At most 90 days after `from`" }),
});

export const IntervalQuery = RangeQuery.extend({
  from: Instant.optional().openapi({ description: "Start (inclusive); default 1 h (minute), 24 h (hour) or 30 days (day) before `to`" }),
  interval: z.enum(METRIC_INTERVALS).default("hour").openapi({ description: "Bucket size; at most 1,000 buckets" }),
});

/** The range as the services take it. */
export const rangeOf = (q: { from?: string; to?: string }) => ({ from: q.from ? new Date(q.from) : undefined, to: q.to ? new Date(q.to) : undefined });
