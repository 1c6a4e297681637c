// Usage metrics for a request: the route names its event (before validation, so refusals count
// too), services add whom it concerned as they learn it (ServiceDeps.observe), and the request
// scope turns that into one data point after the response (services/metrics/recorder.ts).
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app";
import { type MetricEvent, type MetricPoint, OK_CODE } from "../contract/metrics";
import type { MetricSubject } from "../services/context";

/** The request's metric, filled in while it runs. */
export interface MetricContext extends MetricSubject {
  event?: MetricEvent;
  /** The validation code, or another outcome; unset means OK, or the error code of an error answer. */
  code?: string;
}

/**
 * @example
 * createRoute({ ..., middleware: [metricEvent("validate"), publicRateLimit()] as const })
 */
export const metricEvent = (event: MetricEvent) =>
  createMiddleware<AppEnv>(async (c, next) => {
    c.var.metric.event = event;
    await next();
  });

/** Adds what a service learned, keeping what is already known when a field comes back empty. */
export function observe(metric: MetricContext, subject: MetricSubject): void {
  if (subject.tenantId) metric.tenantId = subject.tenantId;
  if (subject.licenseId) metric.licenseId = subject.licenseId;
  if (subject.applicationId) metric.applicationId = subject.applicationId;
  if (subject.policyId) metric.policyId = subject.policyId;
}

/** The data point of a finished request, or undefined when its route records none. */
export function metricPoint(
  metric: MetricContext,
  answer: { status: number; errorCode?: string; started: number; cf?: { colo?: unknown; country?: unknown } },
): MetricPoint | undefined {
  if (!metric.event) return undefined;
  const now = Date.now();
  return {
    at: new Date(now),
    tenantId: metric.tenantId ?? "",
    event: metric.event,
    code: metric.code ?? (answer.status >= 400 ? (answer.errorCode ?? `HTTP_${answer.status}`) : OK_CODE),
    applicationId: metric.applicationId ?? "",
    policyId: metric.policyId ?? "",
    licenseId: metric.licenseId ?? "",
    colo: typeof answer.cf?.colo === "string" ? answer.cf.colo : "",
    country: typeof answer.cf?.country === "string" ? answer.cf.country : "",
    durationMs: now - answer.started,
  };
}
