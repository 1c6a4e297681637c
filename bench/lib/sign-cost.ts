// One RS256 signature in Node (node:crypto, OpenSSL), on the bench's own key, in this process while
// nothing else runs. Beside the sign floor minus the hello floor (the same signature in workerd,
// BoringSSL through WebCrypto), it shows how much of the gap to the Node peer is the signature.
//
// On CPUs with AVX-512 IFMA, OpenSSL 3 does RSA-2048 with IFMA code that BoringSSL does not have,
// so the same signature is measured a second time with that code masked (OPENSSL_ia32cap): the
// cost Node pays on CPUs without it, and the like-for-like figure beside workerd's.
import { spawnSync } from "node:child_process";
import { createPrivateKey, type JsonWebKey, sign } from "node:crypto";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/**
 * Hides AVX-512F and AVX-512 IFMA (CPUID leaf 7, EBX bits 16 and 21) from OpenSSL, so it takes
 * the path it takes on CPUs without them.
 */
export const WITHOUT_IFMA = { OPENSSL_ia32cap: ":~0x210000" };

/** Whether this CPU has AVX-512 IFMA (Linux), i.e. whether OpenSSL's fastest RSA path runs here. */
export function cpuHasIfma(): boolean {
  try {
    return /\bavx512ifma\b/.test(readFileSync("/proc/cpuinfo", "utf8"));
  } catch {
    return false;
  }
}

export interface NodeSignCost {
  /** CPU of one signature, us. */
  us: number;
  /** The same with OpenSSL's AVX-512 IFMA code masked; null when the CPU has none to mask. */
  withoutIfmaUs: number | null;
}

export function nodeRs256SignCost(signingKeys: string): NodeSignCost {
  return { us: nodeRs256SignUs(signingKeys), withoutIfmaUs: cpuHasIfma() ? inChild(signingKeys, WITHOUT_IFMA) : null };
}

function nodeRs256SignUs(signingKeys: string, n = 400): number {
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

/** OpenSSL reads OPENSSL_ia32cap once, when it loads: the masked measurement needs its own process. */
function inChild(signingKeys: string, env: Record<string, string>): number {
  const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url)], { input: signingKeys, env: { ...process.env, ...env }, encoding: "utf8" });
  const us = Number(child.stdout.trim());
  if (child.status !== 0 || !Number.isFinite(us)) throw new Error(`signing cost child failed: ${child.stderr || child.stdout}`);
  return us;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.stdout.write(`${nodeRs256SignUs(readFileSync(0, "utf8"))}\n`);
}
