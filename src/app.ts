// The Hono app type, declared once: bindings from `wrangler types`, variables set by middleware.
import { OpenAPIHono } from "@hono/zod-openapi";
import type { Logger } from "./logging";
import { validationHook } from "./middleware/errors";
import type { MetricContext } from "./middleware/metrics";
import type { Actor, Services } from "./services";

export interface AppVariables {
  requestId: string;
  log: Logger;
  /** The request's services (src/services), built by the scope middleware. */
  services: Services;
  /** The credential acting, once authentication admitted it. */
  auth: Actor;
  /** Set by bodyLimit when the body was over the limit and dropped unread. */
  bodyTooLarge?: boolean;
  /** The request's usage metric, filled in as it runs (middleware/metrics.ts). */
  metric: MetricContext;
  /** The error code of an error answer, for the metric. */
  errorCode?: string;
}

export type AppEnv = { Bindings: Env; Variables: AppVariables };

export type App = OpenAPIHono<AppEnv>;

export const createApp = (): App => new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
