// API keys and user tokens on the wire. Secrets appear only in the create, rotate and refresh answers.
import { z } from "@hono/zod-openapi";
import { CREDENTIAL_KINDS, PERMISSIONS, type Permission } from "../contract/permissions";
import { PLAN_TIERS } from "../contract/tokens";
import type { ApiKeyRow, UserTokenRow } from "../db/repositories/credentials";
import type { Actor } from "../services/context";
import { iso, Timestamp } from "./common";

export const Permissions = z
  .array(z.enum(PERMISSIONS))
  .max(PERMISSIONS.length)
  .openapi({ example: ["licenses:read"] });

export const ApiKey = z
  .object({
    id: z.string(),
    name: z.string(),
    prefix: z.string().openapi({ description: "The first characters of the key" }),
    permissions: Permissions,
    expires_at: Timestamp.nullable(),
    revoked_at: Timestamp.nullable(),
    last_used_at: Timestamp.nullable(),
    replaced_by: z.string().nullable().openapi({ description: "Set by rotation: the key that replaces this one" }),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .openapi("ApiKey");

export const ApiKeyWithSecret = ApiKey.extend({ key: z.string().openapi({ description: "The secret. Shown once." }) }).openapi("ApiKeyWithSecret");

export const apiKeyBody = (row: ApiKeyRow) => ({
  id: row.id,
  name: row.name,
  prefix: row.keyPrefix,
  permissions: row.permissions as Permission[],
  expires_at: iso(row.expiresAt),
  revoked_at: iso(row.revokedAt),
  last_used_at: iso(row.lastUsedAt),
  replaced_by: row.replacedBy,
  created_at: row.createdAt.toISOString(),
  updated_at: row.updatedAt.toISOString(),
});

export const UserToken = z
  .object({
    id: z.string(),
    name: z.string(),
    permissions: Permissions,
    generation: z.number().int(),
    revoked_at: Timestamp.nullable(),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .openapi("UserToken");

export const UserTokenWithSecret = UserToken.extend({
  token: z.string().uuid().openapi({ description: "The user token (a UUID). Shown once; exchange it at POST /v1/auth/token." }),
}).openapi("UserTokenWithSecret");

export const userTokenBody = (row: UserTokenRow) => ({
  id: row.id,
  name: row.name,
  permissions: row.permissions as Permission[],
  generation: row.generation,
  revoked_at: iso(row.revokedAt),
  created_at: row.createdAt.toISOString(),
  updated_at: row.updatedAt.toISOString(),
});

/** The calling credential's view of itself: what a console needs to show only what it may do. */
export const WhoAmI = z
  .object({
    tenant_id: z.string(),
    plan_tier: z.enum(PLAN_TIERS),
    credential: z.object({
      id: z.string(),
      kind: z.enum(CREDENTIAL_KINDS),
      permissions: Permissions,
      expires_at: Timestamp.nullable().openapi({ description: "When an access token stops working; null for API keys (see GET /v1/api-keys/{id})" }),
    }),
  })
  .openapi("WhoAmI");

export const whoAmIBody = (actor: Actor) => ({
  tenant_id: actor.tenantId,
  plan_tier: actor.planTier,
  credential: {
    id: actor.keyId,
    kind: actor.accessToken ? ("access_token" as const) : ("api_key" as const),
    permissions: [...actor.permissions],
    expires_at: actor.accessToken ? actor.accessToken.expiresAt.toISOString() : null,
  },
});
