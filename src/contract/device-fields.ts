// What a device may say about itself, with its limits, in one place: the activate body and the
// air-gapped request file (which carries the same fields, signed) are judged by these same
// schemas, so a request file can store nothing the API would refuse. Each schema is built on first
// use, not when this module loads: zod copies methods onto a schema when it is made, so one made
// before @hono/zod-openapi has extended zod would lack `.openapi()` for the routes.
import { z } from "zod";

const once = <T>(build: () => T): (() => T) => {
  let built: T | undefined;
  return () => {
    built ??= build();
    return built;
  };
};

export const METADATA_LIMITS = { depth: 4, keys: 64, bytes: 16 * 1024 } as const;

/**
 * What is wrong with a metadata value, if anything. Walks it with an explicit stack and stops at
 * the first level past the depth limit, so a body of thousands of nested arrays costs no more
 * than the limit (a recursive walk overflowed the stack on one).
 */
export function metadataProblem(value: Record<string, unknown>): string | undefined {
  const stack: [unknown, number][] = [[value, 1]];
  let keys = 0;
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (node === null || typeof node !== "object") continue;
    if (depth > METADATA_LIMITS.depth) return `Metadata may nest at most ${METADATA_LIMITS.depth} levels.`;
    const children = Array.isArray(node) ? node : Object.values(node);
    if (!Array.isArray(node)) {
      keys += children.length;
      if (keys > METADATA_LIMITS.keys) return `Metadata may hold at most ${METADATA_LIMITS.keys} keys.`;
    }
    for (const child of children) stack.push([child, depth + 1]);
  }
  if (new TextEncoder().encode(JSON.stringify(value)).length > METADATA_LIMITS.bytes) return `Metadata may be at most ${METADATA_LIMITS.bytes} bytes.`;
  return undefined;
}

/** Free-form JSON metadata, bounded: at most 4 levels deep, 64 keys in all and 16 KB. */
export const metadataSchema = once(() =>
  z.record(z.string().max(128), z.unknown()).superRefine((value, ctx) => {
    const problem = metadataProblem(value);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  }),
);

/** Non-empty text up to `max` characters. */
export const boundedText = (max: number) => z.string().min(1).max(max);

/**
 * Fingerprints live in a unique index whose entries Postgres caps near 2.7 KB: 512 characters is
 * at most 2 KB of UTF-8. Hash longer hardware descriptions first (LicenseChain sends a 64-char hex).
 */
export const fingerprintSchema = once(() => boundedText(512));
export const deviceNameSchema = once(() => boundedText(200));

/** The claims of an air-gapped activation request: the activate body's device fields, plus what makes the file one request. */
export const activationRequestSchema = once(() =>
  z.strictObject({
    key_prefix: boundedText(16),
    fingerprint: fingerprintSchema(),
    nonce: boundedText(64),
    iat: z.number().int(),
    name: deviceNameSchema().optional(),
    metadata: metadataSchema().optional(),
    /** The device key's proof of possession (a DPoP proof whose `nonce` is this request's): binds the activation to the key. */
    device_proof: boundedText(4096).optional(),
  }),
);

/** The claims of a deactivation proof: the device, and the one activation it ends. */
export const deactivationProofSchema = once(() =>
  z.strictObject({
    key_prefix: boundedText(16),
    fingerprint: fingerprintSchema(),
    nonce: boundedText(64),
    iat: z.number().int(),
    activation_id: boundedText(64),
    /** A key-bound device's proof that it holds its key (as in a request): no database copy can forge it. */
    device_proof: boundedText(4096).optional(),
  }),
);
