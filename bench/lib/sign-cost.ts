// One RS256 signature in Node (node:crypto, OpenSSL), on the bench's own key, in this process while
// nothing else runs. Beside the sign floor minus the hello floor (the same signature in workerd,
// BoringSSL through WebCrypto), it shows how much of the gap to the Node peer is the signature.
import { createPrivateKey, sign, type JsonWebKey } from "node:crypto";

export function nodeRs256SignUs(signingKeys: string, n = 400): number {
  const { kid: _kid, alg: _alg, use: _use, status: _status, ...jwk } = (JSON.parse(signingKeys) as { keys: Record<string, unknown>[] }).keys[0]!;
  const key = createPrivateKey({ key: jwk as JsonWebKey, format: "jwk" });
  // About the size of a license token's signing input.
  const input = Buffer.alloc(400, "a");
  for (let i = 0; i < 50; i++) sign("sha256", input, key);
  const before = process.cpuUsage();
  for (let i = 0; i < n; i++) sign("sha256", input, key);
  const used = process.cpuUsage(before);
  return (used.user + used.system) / n;
}
