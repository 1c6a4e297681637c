// SHA-256 for secret lookup. Keys are high-entropy random strings, so a fast unsalted hash is
// enough to make a database leak useless while keeping lookups to one indexed equality.
const encoder = new TextEncoder();

export async function sha256Hex(input: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", encoder.encode(input));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}
