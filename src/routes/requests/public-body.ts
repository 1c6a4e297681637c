// Request bodies of the public license routes (validate, verify, validate-hardware, activate,
// deactivate, heartbeat). LicenseChain's SDKs send `key` for `license_key` and `hwuid` for
// `fingerprint`: both names are accepted and documented as aliases, a body that sends both names
// with different values is refused (422), and routes only ever see the canonical names.
import { z } from "@hono/zod-openapi";
import { boundedText, fingerprintSchema } from "../../contract/device-fields";

/** Non-empty text up to `max` characters (lone surrogates are refused for every body: middleware/errors.ts). */
export const text = boundedText;

export const LicenseKey = z.string().min(1).max(256);
export const Fingerprint = fingerprintSchema();
export const Domain = text(253);
export const ApplicationIdField = z.string().min(1).max(64);

/** Canonical name -> LicenseChain's name for it. */
const ALIASES = { license_key: "key", fingerprint: "hwuid", application_id: "app_id" } as const;
type Canonical = keyof typeof ALIASES;

const KEY_FIELDS = {
  license_key: LicenseKey.optional().openapi({ example: "lk_3mJt...", description: "The license key (required; `key` is accepted instead)" }),
  key: LicenseKey.optional().openapi({ description: "Alias of `license_key`, as LicenseChain's SDKs send it" }),
};

// Optional fields also take `null` (LicenseChain's Unity SDK sends `"hwuid": null`): the same as absent.
const deviceFields = (required: boolean) => {
  const field = required ? Fingerprint.optional() : Fingerprint.nullish();
  return {
    fingerprint: field.openapi({ description: "Stable device identifier (e.g. a hash of hardware ids), at most 512 characters" }),
    hwuid: field.openapi({ description: "Alias of `fingerprint`: LicenseChain's hardware id (a SHA-256 hex of a device string)" }),
  };
};

const APPLICATION_FIELDS = {
  application_id: ApplicationIdField.nullish().openapi({ description: "Refuse licenses of other applications" }),
  app_id: ApplicationIdField.nullish().openapi({ description: "Alias of `application_id`, as LicenseChain's SDKs send it" }),
};

type Output<T, Required extends boolean> = Omit<T, Canonical | (typeof ALIASES)[Canonical]> & {
  license_key: string;
  application_id?: string;
} & (Required extends true ? { fingerprint: string } : { fingerprint?: string });

/** One field under either of its names: required ones must be present, and both names must agree. */
export function checkAlias(body: Record<string, unknown>, ctx: z.RefinementCtx, name: string, alias: string, required: boolean) {
  const value = body[name] ?? undefined;
  const aliased = body[alias] ?? undefined;
  if (value !== undefined && aliased !== undefined && value !== aliased) {
    ctx.addIssue({ code: "custom", path: [alias], message: `\`${alias}\` is an alias of \`${name}\`; they differ. Send one of them.` });
  } else if (required && value === undefined && aliased === undefined) {
    ctx.addIssue({ code: "custom", path: [name], message: `Required: send \`${name}\` (or its alias \`${alias}\`).` });
  }
}

/**
 * A strict body with `license_key`/`key`, `fingerprint`/`hwuid` (required or optional), with
 * `application`, `application_id`/`app_id`, and the route's own fields. Validated values come out
 * under the canonical names only, and without the optional ones that were absent or null.
 *
 * @example
 * const Body = publicLicenseBody("ActivateRequest", { name: text(200).optional() }, { fingerprint: true });
 * // c.req.valid("json") -> { license_key: string; fingerprint: string; name?: string }
 */
export function publicLicenseBody<T extends z.ZodRawShape, Required extends boolean>(
  name: string,
  fields: T,
  options: { fingerprint: Required; application?: boolean; description?: string },
) {
  const shape = { ...KEY_FIELDS, ...deviceFields(options.fingerprint), ...(options.application ? APPLICATION_FIELDS : {}), ...fields };
  return z
    .strictObject(shape)
    .superRefine((body, ctx) => {
      const values = body as Record<string, unknown>;
      checkAlias(values, ctx, "license_key", "key", true);
      checkAlias(values, ctx, "fingerprint", "hwuid", options.fingerprint);
      if (options.application) checkAlias(values, ctx, "application_id", "app_id", false);
    })
    .transform((body) => {
      const values = body as Record<string, unknown>;
      const canonical: Record<string, unknown> = {};
      for (const [field, value] of Object.entries(values)) {
        if (!Object.values(ALIASES).includes(field as never)) canonical[field] = value;
      }
      for (const [field, alias] of Object.entries(ALIASES)) {
        const value = values[field] ?? values[alias];
        if (value === undefined || value === null) delete canonical[field];
        else canonical[field] = value;
      }
      return canonical as Output<z.output<z.ZodObject<T>>, Required>;
    })
    .openapi(name, options.description ? { description: options.description } : {});
}

/** Validate and verify: the key, optionally a device, a domain and the application it must be for. */
export const ValidateBody = publicLicenseBody("ValidateLicenseRequest", { domain: Domain.optional() }, { fingerprint: false, application: true });

/** Deactivate and heartbeat: the license key and the device, nothing else. */
export const deviceBody = (name: string) => publicLicenseBody(name, {}, { fingerprint: true });

const LEASE_DEVICE_FIELDS = {
  domain: Domain.optional().openapi({ description: "The site, for a domain-bound license (as verify takes it)" }),
};

/**
 * A public lease route's body: the license key (or its alias `key`), the device as verify takes it
 * (a fingerprint for a hardware-bound license, a domain for a domain-bound one; a borrow always
 * names the device its file is for), and the route's own fields.
 */
export const LeaseKeyBody = <T extends z.ZodRawShape = Record<never, never>, Required extends boolean = false>(
  name: string,
  fields: T = {} as T,
  fingerprint = false as Required,
) => publicLicenseBody(name, { ...LEASE_DEVICE_FIELDS, ...fields }, { fingerprint });
