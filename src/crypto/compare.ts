// Constant-time secret comparison (workerd's crypto.subtle.timingSafeEqual).
const encoder = new TextEncoder();

/** Compares two secrets in constant time by comparing their SHA-256 digests (equal lengths). */
export async function secretsEqual(a: string, b: string): Promise<boolean> {
  const [da, db] = await Promise.all([crypto.subtle.digest("SHA-256", encoder.encode(a)), crypto.subtle.digest("SHA-256", encoder.encode(b))]);
  return crypto.subtle.timingSafeEqual(da, db);
}
