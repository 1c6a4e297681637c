// CPU per DPoP proof check (src/crypto/dpop.ts verifyDpopProof, plus the replay key the lookup
// records), the cost a device route adds when a request carries a proof. Issue 30's budget is
// 0.3 ms per request. Run: node scripts/run.mjs node bench/probe/dpop-proof.ts
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { dpopJtiKey, verifyDpopProof } from "../../src/crypto/dpop.ts";

const HTU = "https://license.example.com/v1/licenses/verify";
const N = 2_000;

for (const alg of ["ES256", "EdDSA"] as const) {
  const { privateKey, publicKey } = await generateKeyPair(alg);
  const jwk = await exportJWK(publicKey);
  const now = Math.floor(Date.now() / 1000);
  const proofs = await Promise.all(
    Array.from({ length: N }, () =>
      new SignJWT({ jti: crypto.randomUUID(), htm: "POST", htu: HTU, iat: now }).setProtectedHeader({ typ: "dpop+jwt", alg, jwk }).sign(privateKey),
    ),
  );
  // Warm-up: jose's and WebCrypto's first calls import and cache.
  for (const proof of proofs.slice(0, 200)) await verifyDpopProof(proof, { htm: "POST", htu: HTU, now });
  const cpu = process.cpuUsage();
  for (const proof of proofs) {
    const check = await verifyDpopProof(proof, { htm: "POST", htu: HTU, now });
    if (!check.ok) throw new Error(check.message);
    await dpopJtiKey(check.jkt, check.jti);
  }
  const used = process.cpuUsage(cpu);
  console.log(`${alg}: ${((used.user + used.system) / N / 1000).toFixed(3)} ms CPU per proof (${N} proofs, verify + replay key)`);
}
