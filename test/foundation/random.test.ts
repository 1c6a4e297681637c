// Ids and secrets: exact length, base58 only, and no symbol favoured (rejection sampling).
import { describe, expect, it } from "vitest";
import { newId, randomBase58 } from "../../src/crypto/random";

const ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

describe("randomBase58", () => {
  it("returns exactly the length asked for, in the base58 alphabet only", () => {
    for (let length = 0; length <= 64; length++) {
      const value = randomBase58(length);
      expect(value).toHaveLength(length);
      for (const ch of value) expect(ALPHABET).toContain(ch);
    }
  });

  it("uses every symbol about equally often", () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 1000; i++) for (const ch of randomBase58(58)) counts.set(ch, (counts.get(ch) ?? 0) + 1);
    expect(counts.size).toBe(58);
    // 58,000 draws: 1,000 expected per symbol, standard deviation ~31.
    for (const [ch, n] of counts) {
      expect(n, ch).toBeGreaterThan(800);
      expect(n, ch).toBeLessThan(1200);
    }
    // Modulo bias (byte % 58 without rejection) would give the first 24 symbols 5/256 each and the
    // rest 4/256: means ~1,133 vs ~906. Unbiased, the two means differ by ~8 (one sigma).
    const mean = (chars: string) => [...chars].reduce((sum, ch) => sum + counts.get(ch)!, 0) / chars.length;
    expect(Math.abs(mean(ALPHABET.slice(0, 24)) - mean(ALPHABET.slice(24)))).toBeLessThan(50);
  });

  it("does not repeat request ids", () => {
    const ids = new Set(Array.from({ length: 10_000 }, () => newId("req")));
    expect(ids.size).toBe(10_000);
    for (const id of [...ids].slice(0, 100)) expect(id).toMatch(/^req_[1-9A-HJ-NP-Za-km-z]{22}$/);
  });
});
