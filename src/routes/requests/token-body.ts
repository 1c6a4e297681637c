// Request bodies that name a license token: introspection (RFC 7662 `token`) and revoke-token.
// LicenseChain documents `license_token` for the same field; both names are accepted, in JSON and
// in form encoding, and a body that sends both with different values is refused (422).
import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { MAX_TOKEN_BYTES } from "../../contract/tokens";
import { checkAlias } from "./public-body";

// Twice the verifier's limit, so an oversized token reaches the verifier and gets its own answer.
const Token = z
  .string()
  .min(1)
  .max(MAX_TOKEN_BYTES * 2);
export const Jti = z.string().min(1).max(128);

type WithToken<T, Jti extends boolean> = Omit<T, "license_token" | "token"> & (Jti extends true ? { token?: string } : { token: string });

/**
 * A strict body with `token` / `license_token` and the route's own fields; validated values name
 * the token `token` only. With `jti`, exactly one of `jti` and the token is required.
 */
export function tokenBody<T extends z.ZodRawShape, J extends boolean = false>(name: string, fields: T, options: { jti?: J } = {}) {
  return z
    .strictObject({
      token: Token.optional().openapi({ description: "The license token (RFC 7662 name)" }),
      license_token: Token.optional().openapi({ description: "Alias of `token`, as LicenseChain documents it" }),
      ...(options.jti ? { jti: Jti.optional().openapi({ description: "The token's `jti`, instead of the token" }) } : {}),
      ...fields,
    })
    .superRefine((body, ctx) => {
      const values = body as Record<string, unknown>;
      checkAlias(values, ctx, "token", "license_token", !options.jti);
      const hasToken = values.token !== undefined || values.license_token !== undefined;
      if (options.jti && hasToken === (values.jti !== undefined)) {
        ctx.addIssue({ code: "custom", path: ["jti"], message: "Send exactly one of `jti` and `token` (or `license_token`)." });
      }
    })
    .transform((body) => {
      const { license_token, ...rest } = body as Record<string, unknown>;
      const token = rest.token ?? license_token;
      return (token === undefined ? rest : { ...rest, token }) as WithToken<z.output<z.ZodObject<T>>, J> & { jti?: string };
    })
    .openapi(name);
}

const isForm = (c: Context) => (c.req.header("Content-Type") ?? "").includes("application/x-www-form-urlencoded");

/**
 * The token a request presents, read without validating the body (which comes after
 * authentication): the field the schema insists on, or "" when there is none.
 */
export async function presentedToken(c: Context): Promise<string> {
  let body: Record<string, unknown> = {};
  try {
    body = isForm(c) ? Object.fromEntries(new URLSearchParams(await c.req.text())) : ((await c.req.json()) ?? {});
  } catch {
    // Malformed: the validator answers it once the caller is authenticated.
  }
  const value = typeof body.token === "string" ? body.token : body.license_token;
  return typeof value === "string" ? value : "";
}

/** The validated body of a route that takes JSON and form encoding alike. */
export const validBody = <T>(c: { req: { header(name: string): string | undefined; valid(target: "json" | "form"): unknown } }) =>
  (isForm(c as unknown as Context) ? c.req.valid("form") : c.req.valid("json")) as T;
