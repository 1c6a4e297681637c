// Writable fields of customers, users and groups, shared by create and update so both validate alike.
import { z } from "@hono/zod-openapi";
import { EXTERNAL_ID_PROVIDER, USER_ROLES } from "../../contract/customers";
import { Metadata } from "./common";
import { text } from "./public-body";

const Email = z.string().trim().toLowerCase().max(320).email("Not an email address.");

export const CustomerFields = {
  name: text(200).openapi({ description: "A company's or a person's name" }),
  email: Email,
  company: text(200).nullable(),
  country: z
    .string()
    .regex(/^[A-Z]{2}$/, "An ISO 3166-1 alpha-2 code in capitals (`DE`).")
    .nullable()
    .openapi({ description: "ISO 3166-1 alpha-2", example: "DE" }),
  metadata: Metadata,
  external_ids: z
    .record(z.string().regex(EXTERNAL_ID_PROVIDER, "A provider name: lower-case letters, digits, `_` and `-`."), text(200).nullable())
    .refine((ids) => Object.keys(ids).length <= 16, "At most 16 providers.")
    .openapi({
      description: 'Ids in other systems by provider (`{ "stripe": "cus_123" }`), unique per tenant and provider; on update `null` removes one',
    }),
};

export const UserFields = {
  customer_id: z.string().min(1).max(64),
  email: Email,
  name: text(200).nullable(),
  role: z.enum(USER_ROLES).openapi({ description: "`member` (default) or `admin`: an admin may manage the customer's seats in the portal" }),
  metadata: Metadata,
};

export const GroupFields = {
  customer_id: z.string().min(1).max(64),
  name: text(100).openapi({ description: "Unique within the customer", example: "Design team" }),
};

/** A comma-separated list of ids in a query string (at most 100). */
export const IdList = z
  .string()
  .max(100 * 65)
  .transform((s) =>
    s
      .split(",")
      .map((id) => id.trim())
      .filter(Boolean),
  )
  .refine((ids) => ids.length <= 100 && ids.every((id) => /^[A-Za-z0-9_-]{1,64}$/.test(id)), "At most 100 comma-separated ids.");
