// The Hono app type, declared once: bindings from `wrangler types`, variables set by middleware.
import { OpenAPIHono } from "@hono/zod-openapi";
import type { Database, RowsFn } from "./db/client";
import type { Logger } from "./logging";
import type { AuthContext } from "./middleware/auth";
import { validationHook } from "./middleware/errors";

export interface AppVariables {
  requestId: string;
  log: Logger;
  /** The request's database handle, connected on first use (JWKS and health never connect). */
  db: () => Database;
  /** One-statement queries over Neon's HTTP endpoint (no connection setup): the hot paths. */
  rows: () => RowsFn;
  /** Runs work after the response (before the request's pool closes): `ctx.waitUntil` with order. */
  defer: (work: Promise<unknown>) => void;
  auth: AuthContext;
  /** Set by bodyLimit when the body was over the limit and dropped unread. */
  bodyTooLarge?: boolean;
}

export type AppEnv = { Bindings: Env; Variables: AppVariables };

export type App = OpenAPIHono<AppEnv>;

export const createApp = (): App => new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
