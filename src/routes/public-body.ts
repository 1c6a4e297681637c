// Request bodies of the public license routes (validate, verify, validate-hardware, activate,
// deactivate, heartbeat). LicenseChain's SDKs send `key` for `license_key` and `hwuid` for
// `fingerprint`: both names are accepted and documented as aliases, a body that sends both names
// with different values is refused (422), and routes only ever see the canonical names.
import { z } from "@hono/zod-openapi";

/** Non-empty text up to `max` characters (lone surrogates are refused for every body: middleware/errors.ts). */
export const text = (max: number) => z.string().min(1).max(max);

export const LicenseKey = z.string().min(1).max(256);
/**
 * Fingerprints live in a unique index whose entries Postgres caps near 2.7 KB: 512 characters is
 * at most 2 KB of UTF-8. Hash longer hardware descriptions first (LicenseChain sends a 64-char hex).
 */
export const Fingerprint = text(512);
export const Domain = text(253);
export const ApplicationIdField = z.string().min(1).max(64);

const KEY_FIELDS = {
  license_key: LicenseKey.optional().openapi({ example: "lk_3mJt...", description: "The license key (required; `key` is accepted instead)" }),
  key: LicenseKey.optional().openapi({ description: "Alias of `license_key`, as LicenseChain's SDKs send it" }),
};

const DEVICE_FIELDS = {
  fingerprint: Fingerprint.optional().openapi({ description: "Stable device identifier (e.g. a hash of hardware ids), at most 512 characters" }),
  hwuid: Fingerprint.optional().openapi({ description: "Alias of `fingerprint`: LicenseChain's hardware id (a SHA-256 hex of a device string)" }),
};

type Canonical<T, Required extends boolean> = Omit<T, "key" | "hwuid" | "license_key" | "fingerprint"> & {
  license_key: string;
} & (Required extends true ? { fingerprint: string } : { fingerprint?: string });

/** One field under either of its names: required ones must be present, and both names must agree. */
export function checkAlias(body: Record<string, unknown>, ctx: z.RefinementCtx, name: string, alias: string, required: boolean) {
  const value = body[name];
  const aliased = body[alias];
  if (value !== undefined && aliased !== undefined && value !== aliased) {
    ctx.addIssue({ code: "custom", path: [alias], message: `\`${alias}\` is an alias of \`${name}\`; they differ. Send one of them.` });
  } else if (required && value === undefined && aliased === undefined) {
    ctx.addIssue({ code: "custom", path: [name], message: `Required: send \`${name}\` (or its alias \`${alias}\`).` });
  }
}

/**
 * A strict body with `license_key`/`key`, `fingerprint`/`hwuid` (required or optional) and the
 * route's own fields; validated values come out with the canonical names only.
 *
 * @example
 * const Body = publicLicenseBody("ActivateRequest", { name: text(200).optional() }, { fingerprint: true });
 * // c.req.valid("json") -> { license_key: string; fingerprint: string; name?: string }
 */
export function publicLicenseBody<T extends z.ZodRawShape, Required extends boolean>(
  name: string,
  fields: T,
  options: { fingerprint: Required; description?: string },
) {
  return z
    .strictObject({ ...KEY_FIELDS, ...DEVICE_FIELDS, ...fields })
    .superRefine((body, ctx) => {
      const values = body as Record<string, unknown>;
      checkAlias(values, ctx, "license_key", "key", true);
      checkAlias(values, ctx, "fingerprint", "hwuid", options.fingerprint);
    })
    .transform((body) => {
      const { key, hwuid, ...rest } = body as Record<string, unknown>;
      const canonical = { ...rest, license_key: rest.license_key ?? key };
      const fingerprint = rest.fingerprint ?? hwuid;
      if (fingerprint !== undefined) (canonical as Record<string, unknown>).fingerprint = fingerprint;
      return canonical as Canonical<z.output<z.ZodObject<T>>, Required>;
    })
    .openapi(name, options.description ? { description: options.description } : {});
}
