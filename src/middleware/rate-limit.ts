// Rate limits on Cloudflare's Workers Rate Limiting bindings (wrangler.toml `[[ratelimits]]`).
// They run before any signing or database work they protect:
//   public license routes   per client IP + license key          RL_PUBLIC
//                           per client IP, across every key      RL_PUBLIC_IP
//   failed authentications  per client IP                        RL_AUTH_FAILURES
//   server routes           per tenant and per credential, by plan tier   RL_TIER_*
// A binding that is missing (not configured) lets requests through: the limiter protects the
// service; it is not what keeps data safe.
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app";
import type { PlanTier } from "../contract/tokens";
import { sha256Hex } from "../crypto/hash";
import { AppError } from "../errors";
import type { Logger } from "../logging";

/** Mirrors wrangler.toml, for the RateLimit-* headers (the binding does not report its limit). */
export const RATE_LIMITS = {
  RL_PUBLIC: 60,
  RL_PUBLIC_IP: 600,
  RL_AUTH_FAILURES: 30,
  RL_TIER_FREE: 60,
  RL_TIER_PRO: 600,
  RL_TIER_ENTERPRISE: 6000,
} as const;

type LimiterName = keyof typeof RATE_LIMITS;
export const WINDOW_S = 60;

const TIER_LIMITER: Record<PlanTier, LimiterName> = { free: "RL_TIER_FREE", pro: "RL_TIER_PRO", enterprise: "RL_TIER_ENTERPRISE" };

export const clientIp = (c: Context) => c.req.header("CF-Connecting-IP") ?? "unknown";

function limited(name: LimiterName, scope: string): AppError {
  const limit = String(RATE_LIMITS[name]);
  return new AppError("RATE_LIMITED", `Too many requests (${scope}); retry after the window resets.`, {
    headers: {
      "Retry-After": String(WINDOW_S),
      "RateLimit-Limit": limit,
      "RateLimit-Remaining": "0",
      "RateLimit-Reset": String(WINDOW_S),
      "RateLimit-Policy": `${limit};w=${WINDOW_S}`,
    },
  });
}

/** Consumes one unit of `key` on limiter `name`; false when over the limit. */
async function take(env: Env, log: Logger, name: LimiterName, key: string): Promise<boolean> {
  const binding = env[name] as RateLimit | undefined;
  if (!binding) return true;
  try {
    return (await binding.limit({ key })).success;
  } catch (err) {
    log.warn("rate limiter unavailable", { limiter: name, error: err });
    return true;
  }
}

const POLICY = Object.fromEntries(Object.entries(RATE_LIMITS).map(([name, limit]) => [name, `${limit};w=${WINDOW_S}`])) as Record<LimiterName, string>;

/** The license key under either of its names (`license_key`, LicenseChain's `key`), unvalidated. */
function licenseKeyOf(body: unknown): string {
  const fields = (body ?? {}) as { license_key?: unknown; key?: unknown };
  const value = typeof fields.license_key === "string" ? fields.license_key : fields.key;
  return typeof value === "string" ? value : "";
}

async function takePerIp(env: Env, log: Logger, ip: string): Promise<void> {
  if (!(await take(env, log, "RL_PUBLIC_IP", ip))) throw limited("RL_PUBLIC_IP", "per IP");
}

/** The customer portal: per client IP before anything is looked up, then per portal session once it is known. */
export async function takePortal(c: Context<AppEnv>, sessionId?: string): Promise<void> {
  if (sessionId === undefined) return takePerIp(c.env, c.var.log, clientIp(c));
  if (!(await take(c.env, c.var.log, "RL_PUBLIC", `portal:${sessionId}`))) throw limited("RL_PUBLIC", "per portal session");
}

/** Public reads that name no license (a status list): per client IP only, as made-up ids may reach Postgres. */
export const publicIpRateLimit = () =>
  createMiddleware<AppEnv>(async (c, next) => {
    await takePerIp(c.env, c.var.log, clientIp(c));
    await next();
  });

/**
 * Public license routes: per client IP, and per client IP and license key (hashed: keys never
 * leave the worker). `body` is the parsed JSON body, or undefined when it is not JSON (the
 * validator answers that after the limits). Resolves to the `RateLimit-Policy` to advertise.
 */
export async function takePublic(env: Env, log: Logger, ip: string, body: () => Promise<unknown>): Promise<string | undefined> {
  // One IP cycling through made-up keys costs a Postgres lookup per key: a ceiling across keys.
  await takePerIp(env, log, ip);
  // No per-key limiter configured: skip the body parse and hash as well.
  if (!env.RL_PUBLIC) return undefined;
  const licenseKey = licenseKeyOf(await body()).slice(0, 256);
  const keyPart = licenseKey ? (await sha256Hex(licenseKey)).slice(0, 32) : "-";
  if (!(await take(env, log, "RL_PUBLIC", `${ip}|${keyPart}`))) throw limited("RL_PUBLIC", "per license key and IP");
  return POLICY.RL_PUBLIC;
}

/** The public limits as middleware; reads the JSON body once (Hono caches it for the route's validator). */
export const publicRateLimit = () =>
  createMiddleware<AppEnv>(async (c, next) => {
    const policy = await takePublic(c.env, c.var.log, clientIp(c), () => c.req.json().catch(() => undefined));
    if (policy) c.header("RateLimit-Policy", policy);
    await next();
  });

// IPs that ran out of failed authentications, remembered by this isolate until the window ends,
// so they are refused before any database lookup.
const blockedIps = new Map<string, number>();

/** Refuses (429) an IP that already spent its failed authentications; no I/O. */
export function assertNotBlocked(c: Context<AppEnv>): void {
  const until = blockedIps.get(clientIp(c));
  if (until === undefined) return;
  if (until > Date.now()) throw limited("RL_AUTH_FAILURES", "failed authentications");
  blockedIps.delete(clientIp(c));
}

/** Counts a failed authentication; returns the error to throw (401, or 429 once over the limit). */
export async function authFailure(c: Context<AppEnv>, error: AppError): Promise<AppError> {
  // One data point per failed authentication, in place of the request's own kind.
  c.var.metric.event = "auth_failure";
  const ip = clientIp(c);
  if (await take(c.env, c.var.log, "RL_AUTH_FAILURES", ip)) return error;
  if (blockedIps.size > 10_000) blockedIps.clear();
  blockedIps.set(ip, Date.now() + WINDOW_S * 1000);
  return limited("RL_AUTH_FAILURES", "failed authentications");
}

/** Server routes, after authentication: the tenant's and the credential's budgets for its tier. */
export async function enforceTenantLimit(c: Context<AppEnv>, auth: { tenantId: string; keyId: string; planTier: PlanTier }) {
  const name = TIER_LIMITER[auth.planTier] ?? "RL_TIER_FREE";
  const [tenantOk, keyOk] = await Promise.all([take(c.env, c.var.log, name, `tenant:${auth.tenantId}`), take(c.env, c.var.log, name, `key:${auth.keyId}`)]);
  if (!tenantOk || !keyOk) throw limited(name, tenantOk ? "per credential" : "per tenant");
  c.header("RateLimit-Policy", POLICY[name]);
}
