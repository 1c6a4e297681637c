// The Hono app's type, declared once: the bindings from `wrangler types`. Request variables are
// declared by the middleware that sets them (each augments hono's ContextVariableMap, as hono's own
// request-id middleware does), so this module imports nothing and no import cycle can form.
import type { OpenAPIHono } from "@hono/zod-openapi";

export type AppEnv = { Bindings: Env };

export type App = OpenAPIHono<AppEnv>;
