// Usage metrics for a request: the route names its event (before validation, so refusals count
// too), services add whom it concerned as they learn it (ServiceDeps.observe), and the request
// scope turns that into one data point after the response (services/metrics/recorder.ts).
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app";
import { type ActivityDraft, USER_AGENT_MAX } from "../contract/activity";
import { type MetricEvent, type MetricPoint, OK_CODE } from "../contract/metrics";
import type { MetricSubject } from "../services/context";

/** The request's metric, filled in while it runs. */
export interface MetricContext extends MetricSubject {
  event?: MetricEvent;
  /** The operation's operationId: the activity event's `operation`. */
  operation?: string;
  /** The validation code, or another outcome; unset means OK, or the error code of an error answer. */
  code?: string;
  /** An error answer's `details.validation_code`: what the activity event records (FINGERPRINT_MISMATCH, not ACTIVATION_NOT_FOUND). */
  refusal?: string;
}

/** Keeps the validation code an error answer carries, for the activity event. */
export function observeError(metric: MetricContext | undefined, err: { details?: unknown }): void {
  const refusal = (err.details as { validation_code?: unknown } | undefined)?.validation_code;
  if (metric && typeof refusal === "string") metric.refusal = refusal;
}

/**
 * @example
 * createRoute({ ..., middleware: [metricEvent("validate"), publicRateLimit()] as const })
 */
export const metricEvent = (event: MetricEvent, operation?: string) =>
  createMiddleware<AppEnv>(async (c, next) => {
    c.var.metric.event = event;
    c.var.metric.operation = operation;
    await next();
  });

/** Adds what a service learned, keeping what is already known when a field comes back empty. */
export function observe(metric: MetricContext, subject: MetricSubject): void {
  if (subject.tenantId) metric.tenantId = subject.tenantId;
  if (subject.licenseId) metric.licenseId = subject.licenseId;
  if (subject.applicationId) metric.applicationId = subject.applicationId;
  if (subject.policyId) metric.policyId = subject.policyId;
  if (subject.customerId) metric.customerId = subject.customerId;
  if (subject.activationId) metric.activationId = subject.activationId;
  if (subject.fingerprint) metric.fingerprint = subject.fingerprint;
  if (subject.domain) metric.domain = subject.domain;
}

/** The device a validated request body names (`fingerprint`, `domain`), for the activity event. */
export function observeBody(metric: MetricContext, body: unknown): void {
  if (typeof body !== "object" || body === null) return;
  const { fingerprint, domain } = body as { fingerprint?: unknown; domain?: unknown };
  if (typeof fingerprint === "string") metric.fingerprint = fingerprint;
  if (typeof domain === "string") metric.domain = domain;
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

/** An SDK's self-description (`X-Edge-License-SDK: js/0.1.0`): kept only when it looks like one. */
const SDK_HEADER = /^[a-z0-9-]{1,20}\/[0-9A-Za-z.+-]{1,30}$/;

/**
 * The activity event of a finished request that named a license of a known tenant, or undefined
 * (made-up keys concern no seller, and routes without a metric record none).
 */
export function activityDraft(metric: MetricContext, point: MetricPoint | undefined, request: Request, requestId: string): ActivityDraft | undefined {
  if (!point || !metric.operation || !point.tenantId || !point.licenseId) return undefined;
  const sdk = request.headers.get("X-Edge-License-SDK") ?? "";
  return {
    at: point.at,
    tenantId: point.tenantId,
    licenseId: point.licenseId,
    customerId: metric.customerId ?? "",
    operation: metric.operation,
    code: metric.refusal ?? point.code,
    activationId: metric.activationId ?? "",
    fingerprint: metric.fingerprint,
    domain: metric.domain ?? "",
    country: point.country,
    colo: point.colo,
    clientIp: request.headers.get("CF-Connecting-IP") ?? undefined,
    userAgent: (request.headers.get("User-Agent") ?? "").slice(0, USER_AGENT_MAX),
    sdk: SDK_HEADER.test(sdk) ? sdk : "",
    requestId,
  };
}
