// Customers, users and groups on the wire (and in their webhook events).
import { z } from "@hono/zod-openapi";
import { USER_ROLES } from "../contract/customers";
import type { CustomerRow } from "../db/repositories/customers";
import type { GroupRow, UserRow } from "../db/repositories/users";
import { iso, Timestamp } from "./common";

export const Customer = z
  .object({
    id: z.string(),
    name: z.string().nullable().openapi({ description: "null once erased" }),
    email: z.string().nullable().openapi({ description: "null once erased" }),
    company: z.string().nullable(),
    country: z.string().nullable().openapi({ description: "ISO 3166-1 alpha-2" }),
    external_ids: z
      .record(z.string(), z.string())
      .openapi({ description: "Ids in other systems, by provider (`stripe`: `cus_...`); unique per tenant and provider" }),
    metadata: z.record(z.string(), z.unknown()),
    erased_at: Timestamp.nullable().openapi({ description: "Set once its personal data was erased" }),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .openapi("Customer");

export const customerBody = (row: CustomerRow) => ({
  id: row.id,
  name: row.name,
  email: row.email,
  company: row.company,
  country: row.country,
  external_ids: row.externalIds,
  metadata: row.metadata,
  erased_at: iso(row.erasedAt),
  created_at: row.createdAt.toISOString(),
  updated_at: row.updatedAt.toISOString(),
});

export const User = z
  .object({
    id: z.string(),
    customer_id: z.string(),
    email: z.string(),
    name: z.string().nullable(),
    role: z.enum(USER_ROLES),
    metadata: z.record(z.string(), z.unknown()),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .openapi("User");

export const userBody = (row: UserRow) => ({
  id: row.id,
  customer_id: row.customerId,
  email: row.email,
  name: row.name,
  role: row.role,
  metadata: row.metadata,
  created_at: row.createdAt.toISOString(),
  updated_at: row.updatedAt.toISOString(),
});

export const Group = z
  .object({
    id: z.string(),
    customer_id: z.string(),
    name: z.string(),
    member_ids: z.array(z.string()).openapi({ description: "Its users' ids, oldest membership first" }),
    created_at: Timestamp,
    updated_at: Timestamp,
  })
  .openapi("Group");

export const groupBody = (row: GroupRow, memberIds: string[]) => ({
  id: row.id,
  customer_id: row.customerId,
  name: row.name,
  member_ids: memberIds,
  created_at: row.createdAt.toISOString(),
  updated_at: row.updatedAt.toISOString(),
});

export const LicenseAssignments = z
  .object({
    users: z.array(User),
    groups: z.array(Group),
    holders: z.number().int().openapi({ description: "Distinct users holding the license, directly or through a group (what `max_users` limits)" }),
    max_users: z.number().int().nullable(),
  })
  .openapi("LicenseAssignments");

export const assignmentsBody = (a: { users: UserRow[]; groups: { group: GroupRow; memberIds: string[] }[]; holders: number; maxUsers: number | null }) => ({
  users: a.users.map(userBody),
  groups: a.groups.map((g) => groupBody(g.group, g.memberIds)),
  holders: a.holders,
  max_users: a.maxUsers,
});
