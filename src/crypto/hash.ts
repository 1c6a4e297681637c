// SHA-256 for secret lookup. Keys are high-entropy random strings, so a fast unsalted hash is
// enough to make a database leak useless while keeping lookups to one indexed equality.
const encoder = new TextEncoder();
const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, "0"));

/** Lowercase hex of SHA-256(input). On every license and credential lookup, so no per-byte formatting. */
export async function sha256Hex(input: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(input)));
  let out = "";
  for (let i = 0; i < digest.length; i++) out += HEX[digest[i]!];
  return out;
}
