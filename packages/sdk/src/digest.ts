// The small WebCrypto pieces the SDK's modules share: UTF-8, SHA-256 in hex (how the service
// stores license keys and fingerprints), base64url, and the HKDF keys of sealed files and
// air-gapped requests.

export const utf8 = (text: string) => new TextEncoder().encode(text);

export async function sha256Hex(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", utf8(text)));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

export function toBase64Url(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export const fromBase64Url = (text: string) => Uint8Array.from(atob(text.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0));

/** A 256-bit key by HKDF-SHA256 over the SHA-256 (hex) of a license key, for one purpose (`info`). */
export async function keyFromLicenseKeyHash(keyHashHex: string, info: string): Promise<Uint8Array<ArrayBuffer>> {
  const ikm = await crypto.subtle.importKey("raw", utf8(keyHashHex), "HKDF", false, ["deriveBits"]);
  const bits = await crypto.subtle.deriveBits({ name: "HKDF", hash: "SHA-256", salt: utf8("edge-license"), info: utf8(info) }, ikm, 256);
  return new Uint8Array(bits);
}
