// Response hardening shared by every route.

import { cors } from "hono/cors";
import { createMiddleware } from "hono/factory";
import { secureHeaders } from "hono/secure-headers";
import type { AppEnv } from "../app";
import { AppError } from "../errors";

declare module "hono" {
  interface ContextVariableMap {
    /** Set by bodyLimit when the body was over the limit and dropped unread. */
    bodyTooLarge?: boolean;
  }
}

const headerOptions = {
  strictTransportSecurity: "max-age=63072000; includeSubDomains; preload",
  xFrameOptions: "DENY",
  referrerPolicy: "no-referrer",
  crossOriginResourcePolicy: false,
} as const;

/**
 * API responses are JSON, never documents: they get the headers that matter for that (OWASP's
 * REST set: HSTS, nosniff, no framing, a CSP that allows nothing, no referrer). The rest of
 * Hono's secureHeaders defaults only act on HTML pages or legacy browsers, and each header costs
 * workerd CPU on every response (~1-3 us each, npm run bench), so only /docs sends them. One list,
 * for the Hono stack and the device fast path (device-path.ts) alike.
 */
export const API_HEADERS: readonly [string, string][] = [
  ["Strict-Transport-Security", headerOptions.strictTransportSecurity],
  ["X-Content-Type-Options", "nosniff"],
  ["X-Frame-Options", headerOptions.xFrameOptions],
  ["Referrer-Policy", headerOptions.referrerPolicy],
  ["Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'"],
];

const apiHeaders = createMiddleware<AppEnv>(async (c, next) => {
  await next();
  for (const [name, value] of API_HEADERS) c.res.headers.set(name, value);
});

/** The docs page runs Swagger UI (its own script and stylesheet, one inline bootstrap script). */
const docsHeaders = secureHeaders({
  ...headerOptions,
  contentSecurityPolicy: {
    defaultSrc: ["'none'"],
    scriptSrc: ["'self'", "'unsafe-inline'"],
    styleSrc: ["'self'", "'unsafe-inline'"],
    imgSrc: ["'self'", "data:"],
    connectSrc: ["'self'"],
    frameAncestors: ["'none'"],
  },
});

/**
 * HSTS (two years, preload-ready), nosniff, no framing, no referrer. API responses get a CSP that
 * allows nothing (they are never documents); only /docs may run scripts.
 */
export const hardenedHeaders = () => createMiddleware<AppEnv>((c, next) => (c.req.path === "/docs" ? docsHeaders(c, next) : apiHeaders(c, next)));

/**
 * Responses carry credentials, tokens and live status: nothing may be cached unless a route says
 * so itself (JWKS and discovery do).
 */
export const noStoreByDefault = () =>
  createMiddleware<AppEnv>(async (c, next) => {
    await next();
    if (!c.res.headers.has("Cache-Control")) c.res.headers.set("Cache-Control", "no-store");
  });

export const MAX_BODY_BYTES = 16 * 1024;
/** Payment providers' webhook bodies (a Stripe invoice with its lines) are larger than anything an app sends. */
export const PROVIDER_MAX_BODY_BYTES = 512 * 1024;
const PROVIDER_PATH = /^\/v1\/billing\/[^/]+\/events$/;

/** The request with its body emptied: nothing past the limit is ever read or parsed. */
const withoutBody = (raw: Request) => new Request(raw, { body: "" });

/**
 * 16 KB is ample for every request this API takes. An oversized body is dropped unread, and the
 * route answers 413 only when it reads its body: after authentication and permission checks, so
 * an unauthenticated caller learns nothing about a route (see `bodyTooLarge` in errors.ts), and a
 * route that takes no body ignores one as it always did.
 */
export const bodyLimit = () =>
  createMiddleware<AppEnv>(async (c, next) => {
    const raw = c.req.raw;
    if (!raw.body) return next();
    const limit = c.req.method === "POST" && PROVIDER_PATH.test(c.req.path) ? PROVIDER_MAX_BODY_BYTES : MAX_BODY_BYTES;
    const declared = raw.headers.get("content-length");
    if (declared !== null && !raw.headers.has("transfer-encoding")) {
      if (Number(declared) > limit) {
        c.set("bodyTooLarge", true);
        c.req.raw = withoutBody(raw);
      }
      return next();
    }
    const body = await readBounded(raw.body, limit);
    if (body === undefined) c.set("bodyTooLarge", true);
    c.req.raw = body === undefined ? withoutBody(raw) : new Request(raw, { body });
    return next();
  });

/** A body of unknown length, read to at most one byte past the limit: its bytes, or undefined when over. */
export async function readBounded(stream: ReadableStream<Uint8Array>, limit = MAX_BODY_BYTES): Promise<Uint8Array | undefined> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      return undefined;
    }
    chunks.push(value);
  }
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.length;
  }
  return body;
}

/** Any complaint about a body that was over the limit is the limit's: 413, not 400 or 422. */
export function payloadTooLarge(): AppError {
  return new AppError("PAYLOAD_TOO_LARGE", `Request bodies are limited to ${MAX_BODY_BYTES} bytes.`);
}

const TLS_FLOOR = /^TLSv1(\.[01])?$|^SSL/i;

/** True when the runtime reports a TLS version below 1.2 for this request. */
export const belowTlsFloor = (request: Request) => {
  const version = (request as { cf?: { tlsVersion?: unknown } }).cf?.tlsVersion;
  return typeof version === "string" && TLS_FLOOR.test(version);
};

/**
 * Refuses clients that negotiated TLS older than 1.2, when the runtime says which version was
 * used (`request.cf.tlsVersion` on Cloudflare; absent locally). Cloudflare's zone setting "Minimum
 * TLS Version: 1.2" stops them earlier; this keeps the guarantee if that setting is changed.
 */
export const tlsFloor = () =>
  createMiddleware<AppEnv>(async (c, next) => {
    if (belowTlsFloor(c.req.raw)) {
      throw new AppError("TLS_VERSION_UNSUPPORTED", "TLS 1.2 or newer is required.", { headers: { Upgrade: "TLS/1.2" } });
    }
    await next();
  });

/** A browser client may read whether an answer is degraded, and when to retry a 503. */
export const DEVICE_EXPOSE_HEADERS = ["License-Degraded", "Retry-After", "WWW-Authenticate"] as const;

/**
 * CORS for the device operations (mounted on their paths by middleware/operation.ts): off unless
 * the deployment lists origins in `CORS_ORIGINS` (comma-separated, exact match). The document
 * operations (JWKS, discovery, status lists) allow every origin.
 */
export const deviceCors = () => {
  const corsMiddleware = cors({
    origin: (origin, c) => {
      const allowed =
        (c.env as Env).CORS_ORIGINS?.split(",")
          .map((o) => o.trim())
          .filter(Boolean) ?? [];
      return allowed.includes(origin) ? origin : null;
    },
    allowMethods: ["POST", "DELETE"],
    // X-Edge-License-SDK names the SDK in the license's activity; a JSON POST is preflighted anyway.
    allowHeaders: ["Content-Type", "Idempotency-Key", "X-Edge-License-SDK", "DPoP"],
    exposeHeaders: [...DEVICE_EXPOSE_HEADERS],
    maxAge: 600,
  });
  // Off (the default): nothing to add, and Hono's cors would still append `Vary: Origin` after
  // the handler, which copies the whole response once more on every public request.
  return createMiddleware<AppEnv>((c, next) => (c.env.CORS_ORIGINS?.trim() ? corsMiddleware(c, next) : next()));
};

/** Public by nature (JWKS, discovery): any origin may read them, preflights included, for `If-None-Match`. */
export const publicCors = () => cors({ origin: "*", allowMethods: ["GET", "HEAD"], allowHeaders: ["If-None-Match"], exposeHeaders: ["ETag"], maxAge: 86400 });
