// Response hardening shared by every route.
import { createMiddleware } from "hono/factory";
import { bodyLimit as honoBodyLimit } from "hono/body-limit";
import { secureHeaders } from "hono/secure-headers";
import type { AppEnv } from "../app";
import { AppError } from "../errors";

/** HSTS (two years, preload-ready), nosniff, no framing, no referrer; an API serves no documents. */
export const hardenedHeaders = () =>
  secureHeaders({
    strictTransportSecurity: "max-age=63072000; includeSubDomains; preload",
    xFrameOptions: "DENY",
    referrerPolicy: "no-referrer",
    contentSecurityPolicy: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
    crossOriginResourcePolicy: false,
  });

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

/** 16 KB is ample for every request this API takes; larger bodies are refused unread. */
export const bodyLimit = () =>
  honoBodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: () => {
      throw new AppError("PAYLOAD_TOO_LARGE", `Request bodies are limited to ${MAX_BODY_BYTES} bytes.`);
    },
  });
