// Customers, users and groups (seed 003): the closed lists every layer shares.

/** A user's role in its customer: `admin`s may manage the customer's seats in the portal. */
export const USER_ROLES = ["member", "admin"] as const;
export type UserRole = (typeof USER_ROLES)[number];

/** A provider name for a customer's external id: `stripe`, `paddle`, `lemonsqueezy`, `polar`, `crm`... */
export const EXTERNAL_ID_PROVIDER = /^[a-z0-9][a-z0-9_-]{0,31}$/;

/** What erasure does to the customer's licenses: they keep working (unowned personal data gone), or are revoked. */
export const ERASE_LICENSE_ACTIONS = ["keep", "revoke"] as const;
export type EraseLicenseAction = (typeof ERASE_LICENSE_ACTIONS)[number];
