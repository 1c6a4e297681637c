// AES-256-GCM for secrets that must be recoverable (webhook signing secrets), under the
// WEBHOOK_SECRETS_KEY Worker secret (base64, 32 bytes). Format: `v1.<iv b64>.<ciphertext+tag b64>`.
const b64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));
const unb64 = (text: string) => Uint8Array.from(atob(text), (ch) => ch.charCodeAt(0));

let cached: { source: string; key: Promise<CryptoKey> } | undefined;

function secretsKey(source: string): Promise<CryptoKey> {
  if (cached?.source !== source) {
    const raw = (() => {
      try {
        return unb64(source.trim());
      } catch {
        return new Uint8Array();
      }
    })();
    const key =
      raw.length === 32
        ? crypto.subtle.importKey("raw", raw, "AES-GCM", false, ["encrypt", "decrypt"])
        : Promise.reject(new Error("WEBHOOK_SECRETS_KEY must be 32 bytes, base64-encoded"));
    key.catch(() => {});
    cached = { source, key };
  }
  return cached.key;
}

/** `aad` binds the ciphertext to its row (e.g. the endpoint id), so it cannot be moved to another. */
/** `secretsKey`: the WEBHOOK_SECRETS_KEY secret, base64 of 32 bytes. */
export async function encryptSecret(secretsKeyBase64: string, plaintext: string, aad: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ct = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv, additionalData: new TextEncoder().encode(aad) },
    await secretsKey(secretsKeyBase64),
    new TextEncoder().encode(plaintext),
  );
  return `v1.${b64(iv)}.${b64(new Uint8Array(ct))}`;
}

export async function decryptSecret(secretsKeyBase64: string, sealed: string, aad: string): Promise<string> {
  const [version, iv, ct] = sealed.split(".");
  if (version !== "v1" || !iv || !ct) throw new Error("unknown secret format");
  const plain = await crypto.subtle.decrypt(
    { name: "AES-GCM", iv: unb64(iv), additionalData: new TextEncoder().encode(aad) },
    await secretsKey(secretsKeyBase64),
    unb64(ct),
  );
  return new TextDecoder().decode(plain);
}
