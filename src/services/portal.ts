// The customer portal's services: a seller's backend makes a session for one customer and gets a
// one-time link; the portal exchanges the link's code, once, for a credential scoped to that
// customer; with it, the customer reads its own licenses and frees its own devices and seats. Every
// change goes through the same services as the admin API's, with the customer as the audit actor
// (so the same webhook events follow), and every license is checked to be the customer's first:
// another customer's or tenant's license is simply not found.
import {
  DEFAULT_BRANDING,
  PORTAL_ADMIN_PERMISSIONS,
  PORTAL_CODE_TTL_S,
  PORTAL_IDLE_S,
  PORTAL_MAX_S,
  PORTAL_PERMISSIONS,
  type PortalBranding,
} from "../contract/portal";
import { sha256Hex } from "../crypto/hash";
import { newId, newPortalCode, newPortalToken, PORTAL_CODE_PATTERN, PORTAL_TOKEN_PATTERN } from "../crypto/random";
import { getCustomer } from "../db/repositories/customers";
import { getLicense, type LicenseRow } from "../db/repositories/licenses";
import { getPolicy } from "../db/repositories/policies";
import {
  exchangePortalCode,
  findPortalCredential,
  insertPortalSession,
  type PortalSessionRow,
  revokePortalSession,
  touchPortalSession,
} from "../db/repositories/portal";
import { getTenant } from "../db/repositories/tenants";
import { getUser } from "../db/repositories/users";
import { AppError, notFound, unauthorized } from "../errors";
import type { activationService } from "./activations";
import type { activityService } from "./activity/service";
import { requireActor } from "./actor";
import type { ChangeRunner } from "./changes";
import type { Actor, ServiceDeps } from "./context";
import type { leaseService } from "./leases";
import type { licenseAdminService } from "./license-admin";
import type { licenseFileService } from "./license-files";
import type { offlineActivationService } from "./offline-activations";

/** The services the portal goes through (the request's own, so the same audit and events follow). */
export interface PortalDeps {
  licenses: ReturnType<typeof licenseAdminService>;
  activations: ReturnType<typeof activationService>;
  leases: ReturnType<typeof leaseService>;
  licenseFiles: ReturnType<typeof licenseFileService>;
  offline: ReturnType<typeof offlineActivationService>;
  activity: ReturnType<typeof activityService>;
}

/** The portal actor: a customer of one tenant, acting through one session (for its account holder, or one of its users). */
export interface PortalActor extends Actor {
  portal: { sessionId: string; customerId: string; userId: string | null; admin: boolean; branding: PortalBranding };
}

export const isPortalActor = (actor: Actor | undefined): actor is PortalActor => actor !== undefined && "portal" in actor;

/** The acting portal session, or a programming error (a portal route without portal auth). */
export function portalActor(deps: ServiceDeps): PortalActor {
  const actor = requireActor(deps);
  if (!isPortalActor(actor)) throw new Error("portal routes need a portal actor");
  return actor;
}

/** The acting customer's own license, or 404 (another customer's, another tenant's, or none). */
export async function ownLicense(deps: ServiceDeps, licenseId: string): Promise<LicenseRow> {
  const actor = portalActor(deps);
  const license = await getLicense(deps.db(), actor.tenantId, licenseId);
  if (!license || license.customerId !== actor.portal.customerId) throw notFound("License");
  return license;
}

function returnUrlAllowed(url: string, branding: PortalBranding): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return parsed.protocol === "https:" && branding.return_origins.includes(parsed.origin);
}

export function portalService(deps: ServiceDeps, changes: ChangeRunner, services: PortalDeps) {
  return {
    /** Seller: a session for a customer, and the one-time link that opens it. */
    async createSession(input: {
      customerId: string;
      userId?: string;
      returnUrl?: string;
      locale?: string;
      now: Date;
    }): Promise<{ session: PortalSessionRow; url: string }> {
      const actor = requireActor(deps);
      const db = deps.db();
      const customer = await getCustomer(db, actor.tenantId, input.customerId);
      if (!customer) throw notFound("Customer");
      if (customer.erasedAt) throw new AppError("CONFLICT", "This customer was erased; it has no portal.");
      // A session for one of the customer's users: another customer's user is simply not found.
      if (input.userId !== undefined) {
        const user = await getUser(db, actor.tenantId, input.userId);
        if (!user || user.customerId !== customer.id) throw notFound("User");
      }
      const tenant = await getTenant(db, actor.tenantId);
      const branding = tenant?.portalBranding ?? DEFAULT_BRANDING;
      if (input.returnUrl !== undefined && !returnUrlAllowed(input.returnUrl, branding)) {
        throw new AppError("VALIDATION_FAILED", "`return_url` must be https and on one of the tenant's portal return origins (PATCH /v1/tenant).", {
          details: [{ path: "return_url", message: "Not an allowed return origin" }],
        });
      }
      const code = newPortalCode();
      const session = await changes(async (tx, record) => {
        const row = await insertPortalSession(tx, {
          id: newId("ps"),
          tenantId: actor.tenantId,
          customerId: customer.id,
          userId: input.userId ?? null,
          codeHash: await sha256Hex(code),
          codeExpiresAt: new Date(input.now.getTime() + PORTAL_CODE_TTL_S * 1000),
          returnUrl: input.returnUrl ?? null,
          locale: input.locale ?? null,
          createdBy: actor.keyId,
          expiresAt: new Date(input.now.getTime() + PORTAL_MAX_S * 1000),
        });
        await record({
          action: "portal_session.create",
          targetType: "portal_session",
          targetId: row.id,
          details: { customer_id: customer.id, user_id: row.userId },
        });
        return row;
      });
      // The code rides in the fragment: browsers never send it to a server, nor in a Referer.
      return { session, url: `${deps.config.issuer()}/portal/#code=${code}` };
    },

    /** Seller: ends a session now (its link and its credential). Idempotent. */
    async revokeSession(id: string, now: Date): Promise<PortalSessionRow> {
      const actor = requireActor(deps);
      return changes(async (tx, record) => {
        const row = await revokePortalSession(tx, actor.tenantId, id, now);
        if (!row) throw notFound("Portal session");
        await record({ action: "portal_session.revoke", targetType: "portal_session", targetId: id, details: { customer_id: row.customerId } });
        return row;
      });
    },

    /** The customer ends its own session. */
    async signOut(sessionId: string, now: Date): Promise<void> {
      const actor = requireActor(deps);
      await changes(async (tx, record) => {
        await revokePortalSession(tx, actor.tenantId, sessionId, now);
        await record({ action: "portal_session.sign_out", targetType: "portal_session", targetId: sessionId });
      });
    },

    /** Public: a link's code, once, for a portal credential. Every failure is the same 401. */
    async exchange(code: string, now: Date): Promise<{ token: string; session: PortalSessionRow; branding: PortalBranding }> {
      if (!PORTAL_CODE_PATTERN.test(code)) throw unauthorized();
      const token = newPortalToken();
      const session = await exchangePortalCode(deps.db(), { codeHash: await sha256Hex(code), tokenHash: await sha256Hex(token), now });
      if (!session) throw unauthorized();
      const tenant = await getTenant(deps.db(), session.tenantId);
      return { token, session, branding: tenant?.portalBranding ?? DEFAULT_BRANDING };
    },

    /** The actor a portal credential stands for, or undefined (unknown, revoked, idle, expired, erased). */
    async authenticate(token: string, now: Date): Promise<PortalActor | undefined> {
      if (!PORTAL_TOKEN_PATTERN.test(token)) return undefined;
      const found = await findPortalCredential(deps.rows(), await sha256Hex(token), now, PORTAL_IDLE_S);
      if (!found) return undefined;
      deps.defer(touchPortalSession(deps.rows(), found.sessionId, now));
      // The account holder, or a user who is an admin now (the role is read with the session, so a
      // demotion takes effect on the next request).
      const admin = found.userId === null || found.userRole === "admin";
      return {
        tenantId: found.tenantId,
        planTier: found.planTier,
        // The customer is the actor of what it changes: the audit log names it.
        keyId: found.customerId,
        permissions: admin ? PORTAL_ADMIN_PERMISSIONS : PORTAL_PERMISSIONS,
        portal: { sessionId: found.sessionId, customerId: found.customerId, userId: found.userId, admin, branding: found.branding },
      };
    },

    /** The portal's first screen: the customer and its licenses with their limits. */
    async overview() {
      const actor = portalActor(deps);
      const db = deps.db();
      const [customer, user] = await Promise.all([
        getCustomer(db, actor.tenantId, actor.portal.customerId),
        actor.portal.userId ? getUser(db, actor.tenantId, actor.portal.userId) : undefined,
      ]);
      if (!customer) throw notFound("Customer");
      const page = await services.licenses.list({ limit: 100 }, { customerId: customer.id });
      const policies = new Map(
        await Promise.all([...new Set(page.data.map((l) => l.policyId))].map(async (id) => [id, await getPolicy(db, actor.tenantId, id)] as const)),
      );
      return {
        customer,
        viewer: { user: user ?? null, admin: actor.portal.admin },
        branding: actor.portal.branding,
        licenses: page.data.map((license) => ({ license, policy: policies.get(license.policyId) })),
      };
    },

    /** One of the customer's licenses: its devices, live seats and recent activity. */
    async license(licenseId: string) {
      const license = await ownLicense(deps, licenseId);
      const actor = requireActor(deps);
      const [policy, devices, seats, activity] = await Promise.all([
        getPolicy(deps.db(), actor.tenantId, license.policyId),
        services.activations.list(licenseId, { limit: 100 }, { includeReleased: false }),
        services.leases.list(licenseId, { limit: 100 }, { includeEnded: false }),
        services.activity.list({ licenseId, limit: 20 }),
      ]);
      return { license, policy, devices: devices.page.data, heartbeatIntervalS: devices.heartbeatIntervalS, seats: seats.data, activity };
    },

    /** Frees one of the customer's devices, within the policy's churn budget. */
    async deactivate(licenseId: string, activationId: string, now: Date) {
      await ownLicense(deps, licenseId);
      return services.activations.releaseAsClient(licenseId, activationId, now);
    },

    /** Frees a stuck floating seat of one of the customer's licenses. */
    async releaseSeat(licenseId: string, leaseId: string) {
      await ownLicense(deps, licenseId);
      return services.leases.adminRelease(licenseId, leaseId);
    },

    /** A license file, or with an activation a machine file, of one of the customer's licenses. */
    async checkout(licenseId: string, input: { activationId?: string; now: Date }) {
      await ownLicense(deps, licenseId);
      return services.licenseFiles.checkout(licenseId, { activationId: input.activationId, encrypt: false, now: input.now });
    },

    /** A customer admin's new key for one of its licenses (shown once; the old key dies, devices stay). */
    async reissueKey(licenseId: string) {
      await ownLicense(deps, licenseId);
      return services.licenses.reissueKey(licenseId);
    },

    /** An air-gapped device's request file for one of the customer's licenses: its seat and machine file. */
    async offlineActivate(licenseId: string, request: string, now: Date) {
      await ownLicense(deps, licenseId);
      return services.offline.activate({ request, licenseId, encrypt: false, now });
    },
  };
}
