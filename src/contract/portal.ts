// The customer portal: sessions a seller's backend creates for one customer, the one-time link
// that opens one, the credential the portal holds, and what that credential may do.
import type { Permission } from "./permissions";

/** A portal link works once, within this long of its creation. */
export const PORTAL_CODE_TTL_S = 10 * 60;
/** A portal credential dies after this long without use... */
export const PORTAL_IDLE_S = 30 * 60;
/** ...and after this long in any case. */
export const PORTAL_MAX_S = 12 * 60 * 60;

/**
 * What a portal credential may do, whatever its customer: read its own licenses, devices, seats
 * and activity, free its devices (within the churn budget) and seats, and take its files. Every
 * portal route checks first that the license is the session's customer's.
 */
export const PORTAL_PERMISSIONS: readonly Permission[] = ["licenses:read", "activations:read", "activations:write", "events:read"];

/**
 * What a customer admin's session may do on top: manage the customer's users and who holds its
 * licenses (named seats), and take a new key for a license (a lost one, or a purchase's first). A session is a customer admin's when it was made for the customer's
 * account holder (no `user_id`) or for one of its users whose role is `admin` now: demoting the
 * user takes the right away from a live session, deleting the user ends it.
 */
export const PORTAL_ADMIN_PERMISSIONS: readonly Permission[] = [...PORTAL_PERMISSIONS, "users:read", "users:write", "licenses:write"];

/**
 * A billing purchase's portal link (in `license.created`, for the seller's mailer) works once within
 * this long: an email is read hours or days later, not minutes.
 */
export const PORTAL_BILLING_CODE_TTL_S = 72 * 60 * 60;

/** How a tenant's portal looks and where it sends people (PATCH /v1/tenant `portal`). */
export interface PortalBranding {
  display_name: string | null;
  /** `#rrggbb`; the portal checks its contrast before using it. */
  accent_color: string | null;
  support_email: string | null;
  support_url: string | null;
  /** Origins (`https://app.example.com`) a session's `return_url` may point into. */
  return_origins: string[];
}

export const DEFAULT_BRANDING: PortalBranding = { display_name: null, accent_color: null, support_email: null, support_url: null, return_origins: [] };
