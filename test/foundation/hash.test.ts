// sha256Hex is what every stored key hash is compared with: known answers, UTF-8 input, 64
// lowercase hex characters with leading zeros kept.
import { describe, expect, it } from "vitest";
import { sha256Hex } from "../../src/crypto/hash";

describe("sha256Hex", () => {
  it.each([
    ["", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"],
    ["abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"],
    // UTF-8 bytes (as Node's createHash computes it), not UTF-16 code units.
    ["lk_ünïcødé", "074bc3c69fed3c80a5b5411b3fffa4ed5454609c0631cc7c263b1dbd5850f0a4"],
  ])("hashes %j", async (input, expected) => {
    expect(await sha256Hex(input)).toBe(expected);
  });

  it("keeps leading zero nibbles", async () => {
    for (let i = 0; i < 200; i++) expect(await sha256Hex(`key-${i}`)).toMatch(/^[0-9a-f]{64}$/);
  });
});
