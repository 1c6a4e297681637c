// The customer portal's people on the wire: what a customer admin sees of its users (no seller
// metadata) and of who holds a license.
import { z } from "@hono/zod-openapi";
import { USER_ROLES } from "../contract/customers";
import type { GroupRow, UserRow } from "../db/repositories/users";
import { Timestamp } from "./common";

export const PortalUser = z
  .object({ id: z.string(), email: z.string(), name: z.string().nullable(), role: z.enum(USER_ROLES), created_at: Timestamp })
  .openapi("PortalUser");

export const portalUserBody = (row: UserRow) => ({ id: row.id, email: row.email, name: row.name, role: row.role, created_at: row.createdAt.toISOString() });

export const PortalUsers = z
  .object({
    data: z.array(PortalUser),
    has_more: z.boolean().openapi({ description: "More users than the portal lists (200); the seller's admin API pages through all" }),
  })
  .openapi("PortalUsers");

export const PortalHolders = z
  .object({
    users: z.array(PortalUser).openapi({ description: "Users given a seat directly" }),
    groups: z
      .array(z.object({ id: z.string(), name: z.string(), members: z.number().int() }))
      .openapi({ description: "Groups holding the license (the seller manages groups)" }),
    holders: z.number().int().openapi({ description: "Distinct people holding the license" }),
    max_users: z.number().int().nullable().openapi({ description: "How many people may hold it (null: no limit)" }),
  })
  .openapi("PortalHolders");

export const portalHoldersBody = (a: { users: UserRow[]; groups: { group: GroupRow; memberIds: string[] }[]; holders: number; maxUsers: number | null }) => ({
  users: a.users.map(portalUserBody),
  groups: a.groups.map((g) => ({ id: g.group.id, name: g.group.name, members: g.memberIds.length })),
  holders: a.holders,
  max_users: a.maxUsers,
});
